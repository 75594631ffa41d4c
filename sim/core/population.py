"""Persons as a structure of numpy arrays, one array per attribute, indexed by a person's id.

A person's id is its slot: slots are never reused, so the id also keys its random draws
(``sim.core.rng``). The dead keep their slot with status DEAD; births append slots (capacity grows
geometrically). Age is not stored: it is the month index minus the month of birth.

Memory: 27 bytes of state per person (see ``BYTES_PER_PERSON``).
"""

from __future__ import annotations

from enum import IntEnum
from functools import lru_cache

import numpy as np

from sim.core.rng import Keys
from sim.scenario.units import MONTHS_PER_YEAR


class Status(IntEnum):
    EMPLOYED = 0
    UNEMPLOYED = 1
    INACTIVE = 2  # children, pensioners, persons outside the labour force
    TRANSIT = 3  # deceived, on the way with a gang
    ABROAD_LEGAL = 4
    ABROAD_IRREGULAR = 5
    SEXUAL = 6  # in sexual exploitation
    LABOUR = 7  # in forced labour
    DEAD = 8


HOME_MAX = int(Status.INACTIVE)  # statuses 0..2 live at home
ABROAD = (Status.TRANSIT, Status.ABROAD_LEGAL, Status.ABROAD_IRREGULAR, Status.SEXUAL, Status.LABOUR)

# bits of ``flags``
ACTIVE = np.uint8(1)  # in the labour force when of working age
FORMER_VICTIM = np.uint8(2)  # trafficked before
IDENTIFIED = np.uint8(4)  # identified as a victim by police or services
CIRCULAR = np.uint8(8)  # short-term migrant (returns soon)
SEXUAL_BOUND = np.uint8(16)  # in transit towards sexual exploitation

EDU_PRIMARY, EDU_SECONDARY, EDU_TERTIARY = 0, 1, 2
AGE_GROUP_MONTHS = 5 * MONTHS_PER_YEAR  # the age groups of ``population.age_shares`` span five years
MALE, FEMALE = 0, 1  # values of ``sex``


class LabourAges:
    """The ages (in months) at which persons enter the labour force, count as young workers, and leave it
    by sex (``pension[sex]``), from the scenario's ``economy`` table."""

    def __init__(self, econ):
        self.work = int(econ.work_age * MONTHS_PER_YEAR)
        self.youth = int(econ.youth_age * MONTHS_PER_YEAR)
        self.pension = np.array(
            [econ.pension_age_male * MONTHS_PER_YEAR, econ.pension_age_female * MONTHS_PER_YEAR], dtype=np.int64
        )

    def working(self, age_months: np.ndarray, sex: np.ndarray) -> np.ndarray:
        """Of working age: from ``work`` to the pension age of the person's sex."""
        return (age_months >= self.work) & (age_months < self.pension[sex.astype(np.int64)])


FIELDS: dict[str, np.dtype] = {
    "birth": np.dtype(np.int16),  # month index of birth (negative: before the start)
    "death": np.dtype(np.int16),  # month index of death by the life table
    "sex": np.dtype(np.uint8),  # 1 female
    "edu": np.dtype(np.uint8),  # 0 primary, 1 secondary, 2 tertiary (attained by adulthood)
    "region": np.dtype(np.uint8),  # home region
    "status": np.dtype(np.uint8),  # Status
    "since": np.dtype(np.int16),  # month the current status began
    "dest": np.dtype(np.int8),  # destination index, -1 at home
    "ties": np.dtype(np.uint8),  # close ties abroad (count, capped at 255)
    "awareness": np.dtype(np.float32),  # awareness of trafficking risk, 0-1
    "risk": np.dtype(np.float32),  # risk tolerance, 0-1
    "debt": np.dtype(np.float32),  # USD owed to the exploiter
    "gang": np.dtype(np.int16),  # gang id, -1 none
    "flags": np.dtype(np.uint8),  # bit set: ACTIVE, FORMER_VICTIM, IDENTIFIED, CIRCULAR, SEXUAL_BOUND
}
MONTH_FIELDS = ("birth", "death", "since")  # fields that are month indices
AGE_FIELDS = ("birth", "death")  # what a person's age and months left to live follow
BYTES_PER_PERSON = sum(dt.itemsize for dt in FIELDS.values())
FILL = {"dest": -1, "gang": -1, "status": int(Status.DEAD)}


class Population:
    """The persons of one run; ``n`` slots are in use, arrays may hold more (capacity)."""

    def __init__(self, capacity: int, ages: LabourAges | None = None):
        self.n = 0
        self.ages = ages  # ages of the labour force (read by ``sim.processes.migration.come_home``)
        for name, dt in FIELDS.items():  # slots are filled when they come in use (``add``)
            setattr(self, name, np.empty(capacity, dtype=dt))
        # scratch: one byte per person that a pass may write (e.g. to mark the persons a rule may
        # change) and the next pass read; not person state
        self.marks = np.empty(capacity, dtype=np.uint8)
        # persons abroad or in transit: their ids, kept so that processes abroad touch only them
        self.abroad_ids = np.empty(0, dtype=np.int64)

    @property
    def capacity(self) -> int:
        return self.status.shape[0]

    def nbytes(self) -> int:
        """Bytes of person state in use (``n`` persons)."""
        return self.n * BYTES_PER_PERSON

    def add(self, k: int) -> np.ndarray:
        """Append ``k`` empty slots and return their ids.

        Beyond the capacity, the arrays grow by a quarter, one at a time (so that the memory needed
        while growing is the population plus one new array, not twice the population).
        """
        if self.n + k > self.capacity:
            new_cap = max(self.n + k, int(self.capacity * 1.25) + 1024)
            for name, dt in FIELDS.items():
                arr = np.empty(new_cap, dtype=dt)
                arr[: self.n] = getattr(self, name)[: self.n]
                setattr(self, name, arr)
                del arr
            self.marks = np.empty(new_cap, dtype=np.uint8)
        for name in FIELDS:
            getattr(self, name)[self.n : self.n + k] = FILL.get(name, 0)
        ids = np.arange(self.n, self.n + k, dtype=np.int64)
        self.n += k
        return ids

    def refresh_abroad(self) -> None:
        """Drop from ``abroad_ids`` the persons who came home or died."""
        ids = self.abroad_ids
        st = self.status[ids]
        self.abroad_ids = ids[(st >= Status.TRANSIT) & (st <= Status.LABOUR)]

    def add_abroad(self, ids: np.ndarray) -> None:
        self.abroad_ids = np.concatenate([self.abroad_ids, ids.astype(np.int64)])

    def victim_ids(self) -> np.ndarray:
        """Ids of the victims: in transit, in sexual exploitation or in forced labour."""
        ids = self.abroad_ids
        st = self.status[ids]
        return ids[(st == Status.TRANSIT) | (st == Status.SEXUAL) | (st == Status.LABOUR)]

    def saved(self) -> dict[str, np.ndarray]:
        """A copy of every person's state (what ``restore`` puts back)."""
        return {name: getattr(self, name)[: self.n].copy() for name in FIELDS}

    def restore(self, saved: dict[str, np.ndarray], keep: np.ndarray, shift: int = 0) -> None:
        """Every person back to the state ``saved`` (by ``saved()``, with the same persons) as if it were ``shift``
        months later, but the persons ``keep``, who keep their own state; ``abroad_ids`` follows.

        The fields that are month indices move by ``shift``, so that ages, the durations of statuses and the
        months left to live are as saved: everyone's birth and death (nobody ages, ``keep`` too), the others'
        start of their status (``since``)."""
        n = saved["status"].shape[0]
        if n != self.n:
            raise ValueError(f"restore: {n:,} persons saved, {self.n:,} now (no person may be added in between)")
        for name in FIELDS:
            arr = getattr(self, name)
            kept = arr[keep]
            arr[:n] = saved[name]
            if name in MONTH_FIELDS:
                arr[:n] += shift
            if name not in AGE_FIELDS:
                arr[keep] = kept
        st = self.status[:n]
        self.abroad_ids = np.flatnonzero((st >= Status.TRANSIT) & (st <= Status.LABOUR))


_BETA_GRID = np.linspace(0.0, 1.0, 4097)


@lru_cache(maxsize=32)
def _beta_table(mean: float, concentration: float) -> np.ndarray:
    """The inverse CDF of a Beta law (mean, concentration a+b) on ``_BETA_GRID`` (computed once per law)."""
    from scipy.special import betaincinv

    table = betaincinv(mean * concentration, (1 - mean) * concentration, _BETA_GRID)
    table.setflags(write=False)
    return table


def beta_draws(u1: np.ndarray, mean: float, concentration: float) -> np.ndarray:
    """Draws of a Beta variable (mean, concentration a+b) from uniform draws, by its inverse CDF.

    The inverse CDF is tabulated on 4,097 points and interpolated (error below 1e-3).
    """
    return np.interp(u1, _BETA_GRID, _beta_table(float(mean), float(concentration))).astype(np.float32)


INIT_CHUNK = 1 << 20  # persons drawn at a time at the start (bounds the temporaries at any size)


def initial_population(sc, keys: Keys, n_agents: int, life) -> Population:
    """Persons at the start: ages, sexes, education, regions, statuses, traits, lifetimes.

    Drawn in chunks of persons: every draw is keyed by the person, so chunks change no value, and the
    temporaries stay a few hundred megabytes at any population size.
    """
    pop = Population(int(n_agents * 1.3) + 1024, LabourAges(sc.economy))
    pop.add(n_agents)
    chunks = [np.arange(lo, min(lo + INIT_CHUNK, n_agents), dtype=np.int64) for lo in range(0, n_agents, INIT_CHUNK)]
    working = sum(_initial_traits(sc, keys, life, pop, ids) for ids in chunks)
    abroad = [_initial_statuses(sc, keys, pop, ids, working / n_agents) for ids in chunks]
    pop.add_abroad(np.concatenate(abroad))
    return pop


def _initial_traits(sc, keys: Keys, life, pop: Population, ids: np.ndarray) -> int:
    """Ages, sexes, education, regions, labour force, ties, traits and lifetimes of persons ``ids``.
    Returns how many of them are of working age and in the labour force."""
    p = sc.population
    u = lambda name: keys.draw(name, 0, ids)  # noqa: E731

    # age: five-year group by shares, uniform within the group
    shares = np.asarray(p.age_shares, dtype=np.float64)
    cum = np.cumsum(shares / shares.sum())
    group = np.minimum(np.searchsorted(cum, u("init.age_group"), side="right"), len(shares) - 1)
    age_m = (group * AGE_GROUP_MONTHS + np.floor(u("init.age_within") * AGE_GROUP_MONTHS)).astype(np.int32)
    pop.birth[ids] = (1 - age_m).astype(np.int16)  # age in months at month 1 equals age_m
    pop.sex[ids] = (u("init.sex") >= p.male_share).astype(np.uint8)

    # education attained (younger cohorts are as educated as the shares say; a simple assumption)
    ue = u("init.education")
    pop.edu[ids] = np.where(ue < p.tertiary_share, EDU_TERTIARY, np.where(ue < p.tertiary_share + p.secondary_share, EDU_SECONDARY, EDU_PRIMARY))

    region_shares = np.array([r.share for r in sc.regions.values()])
    rcum = np.cumsum(region_shares / region_shares.sum())
    pop.region[ids] = np.minimum(np.searchsorted(rcum, u("init.region"), side="right"), len(rcum) - 1)

    pop.flags[ids] = np.where(u("init.participation") < p.participation_rate, ACTIVE, 0).astype(np.uint8)
    pop.ties[ids] = (u("init.ties") < p.initial_ties_share).astype(np.uint8)
    pop.awareness[ids] = beta_draws(u("init.awareness"), p.awareness_mean, p.trait_concentration)
    pop.risk[ids] = beta_draws(u("init.risk"), p.risk_tolerance_mean, p.trait_concentration)
    pop.death[ids] = life.draw_death_month(pop.birth[ids], pop.sex[ids], 1, keys.draw("init.lifetime", 0, ids))
    return int(_working(pop, ids).sum())


def _working(pop: Population, ids: np.ndarray) -> np.ndarray:
    """Persons ``ids`` of working age at the start and in the labour force."""
    age = 1 - pop.birth[ids].astype(np.int64)  # months, at month 1
    return pop.ages.working(age, pop.sex[ids]) & (pop.flags[ids] & ACTIVE).astype(bool)


def _initial_statuses(sc, keys: Keys, pop: Population, ids: np.ndarray, working_share: float) -> np.ndarray:
    """Statuses of persons ``ids`` at the start; returns the ids of those abroad."""
    from sim.core.economy import unemployment_targets

    p = sc.population
    u = lambda name: keys.draw(name, 0, ids)  # noqa: E731
    # status: working age in the labour force employed or unemployed by the regional rate
    age = 1 - pop.birth[ids].astype(np.int64)  # months, at month 1
    working = _working(pop, ids)
    targets = unemployment_targets(sc, 1)  # [region, youth]
    youth = (age < pop.ages.youth).astype(np.int64)
    ur = targets[pop.region[ids].astype(np.int64), youth]
    status = np.where(working, np.where(u("init.unemployed") < ur, Status.UNEMPLOYED, Status.EMPLOYED), Status.INACTIVE)
    pop.since[ids] = 0
    # some are abroad already (working-age adults), legally or irregularly
    abroad = working & (u("init.abroad") < p.initial_abroad_share / max(working_share, 1e-9))
    legal = u("init.abroad_legal") < p.initial_abroad_legal_share
    status = np.where(abroad, np.where(legal, Status.ABROAD_LEGAL, Status.ABROAD_IRREGULAR), status)
    pop.status[ids] = status.astype(np.uint8)
    # unemployment durations at the start: spread uniformly over the past ``initial_unemployment_months``
    unemp = status == Status.UNEMPLOYED
    spread = p.initial_unemployment_months
    pop.since[ids[unemp]] = (-np.floor(u("init.unemp_duration")[unemp] * spread)).astype(np.int16)
    dest_w = np.array([d.migrant_weight for d in sc.destinations.values()])
    dcum = np.cumsum(dest_w / dest_w.sum())
    ab = ids[abroad]
    pop.dest[ab] = np.minimum(np.searchsorted(dcum, u("init.abroad_dest")[abroad], side="right"), len(dcum) - 1)
    pop.since[ab] = (-np.floor(u("init.abroad_duration")[abroad] * p.initial_abroad_months)).astype(np.int16)
    return ab
