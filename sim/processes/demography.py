"""Demography (step 10): ageing, deaths by a life table, births to women living at home.

Ageing needs no work: age is the month index minus the month of birth. Each person's month of death
is drawn once, when the person enters the model, from a Gompertz-Makeham life table by sex whose
level is solved so that life expectancy at birth matches the scenario; the monthly pass only compares
it with the month. That is the same law as a monthly death draw with a fixed table, at no draw cost.

Life expectancy follows a path: the life table of a calendar year is the one of the paths' values in
the middle of that year (a period table, held for the year). In a month where the table differs from
the previous month's (a January), the residual lifetime of everyone alive is drawn again from the new
table, given the person's age: the hazard is piecewise constant, so this is exactly the law of a
monthly death draw with each year's table (a lifetime is memoryless at each change of table).

Births: each woman living at home aged ``fertility_min_age`` to ``fertility_max_age`` gives birth in a
month with a twelfth of her age's fertility rate (a normal schedule around the mean age at birth, scaled to the
month's total fertility rate). Women abroad bear no children at home, so the emigration of young women
lowers births.
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

from sim.core.population import ACTIVE, FEMALE, HOME_MAX, Population, Status, beta_draws
from sim.core.rng import bits53, month_key, threshold, u01_at
from sim.scenario.fields import path_value
from sim.scenario.units import MONTHS_PER_YEAR

_DEAD = np.uint8(Status.DEAD)


class LifeTables:
    """Cumulative monthly hazards by sex and age in months, one table per calendar year; draws months of death."""

    def __init__(self, sc):
        self.sc = sc
        self.p = sc.demography
        self.n_ages = self.p.max_age * MONTHS_PER_YEAR  # the table's ages in months: 0 .. n_ages - 1
        self._tables: dict[tuple[float, float], np.ndarray] = {}

    def expectancies(self, month: int) -> tuple[float, float]:
        """Life expectancy at birth (men, women) of the table in force in month index ``month``."""
        mid_year = math.floor(self.sc.year(month)) + 0.5
        p = self.p
        return path_value(p.life_expectancy_male, mid_year), path_value(p.life_expectancy_female, mid_year)

    def cum(self, month: int) -> np.ndarray:
        """The table in force in ``month``: cumulative hazards [sex, age in months] (then +inf)."""
        e0 = self.expectancies(month)
        table = self._tables.get(e0)
        if table is None:
            table = self._tables[e0] = np.stack([_cumulative_hazard(_solve_level(self.p, e), self.p) for e in e0])
        return table

    def changes(self, month: int) -> bool:
        """Whether the table of ``month`` differs from that of the month before."""
        return self.expectancies(month) != self.expectancies(month - 1)

    def draw_death_month(self, birth: np.ndarray, sex: np.ndarray, month: int, u: np.ndarray) -> np.ndarray:
        """Month of death of persons alive at the start of ``month``, given uniform draws ``u``, by the
        table in force in ``month``."""
        cum = self.cum(month)
        age0 = np.clip(month - birth.astype(np.int64), 0, self.n_ages - 1)
        target = cum[sex, age0] + -np.log1p(-np.minimum(u, 1 - 1e-12))
        death_age = np.empty_like(age0)
        for s in (0, 1):
            m = sex == s
            death_age[m] = np.searchsorted(cum[s], target[m], side="left") - 1
        death_age = np.clip(death_age, age0, self.n_ages)
        return (birth.astype(np.int64) + death_age).astype(np.int16)


def _monthly_hazard(p, level: float) -> np.ndarray:
    x = (np.arange(p.max_age * MONTHS_PER_YEAR) + 0.5) / MONTHS_PER_YEAR  # age in years at mid-month
    annual = p.background_mortality + level * np.exp(p.gompertz_slope * x)
    h = annual / MONTHS_PER_YEAR
    h[:MONTHS_PER_YEAR] += -np.log1p(-p.infant_mortality) / MONTHS_PER_YEAR
    return h


def _cumulative_hazard(level: float, p) -> np.ndarray:
    return np.concatenate([[0.0], np.cumsum(_monthly_hazard(p, level)), [np.inf]])


def _solve_level(p, e0: float) -> float:
    """Gompertz level (the annual hazard of its term at birth) that gives life expectancy ``e0``."""
    lo, hi = 1e-10, 1.0
    for _ in range(80):
        mid = np.sqrt(lo * hi)
        e = np.exp(-_cumulative_hazard(mid, p)[:-2]).sum() / MONTHS_PER_YEAR
        lo, hi = (mid, hi) if e > e0 else (lo, mid)
    return float(np.sqrt(lo * hi))


def fertility_schedule(p) -> np.ndarray:
    """Shares of a woman's births by age in years (0 outside the fertile ages; they add up to 1)."""
    ages = np.arange(p.max_age + 1)
    w = np.exp(-0.5 * ((ages + 0.5 - p.mean_age_at_birth) / p.sd_age_at_birth) ** 2)
    w[(ages < p.fertility_min_age) | (ages > p.fertility_max_age)] = 0.0
    return w / w.sum()


def fertility_by_age(sc, month: int) -> np.ndarray:
    """Monthly probability of giving birth by age in years in month index ``month`` (the schedule
    scaled to the month's total fertility rate)."""
    p = sc.demography
    return path_value(p.tfr, sc.year(month)) * fertility_schedule(p) / MONTHS_PER_YEAR


@nb.njit(cache=True, parallel=True)
def _redraw_lifetimes(n, status, birth, sex, death, month, key, cum):
    """Draw again the month of death of everyone alive, given their age, from the table ``cum``
    (cumulative hazards [sex, age in months], ending with +inf): the first age whose cumulative hazard
    reaches the hazard at the present age plus an exponential draw (a binary search)."""
    mk = month_key(key, month)
    last = cum.shape[1] - 2  # ages 0 .. last - 1 have a hazard; the table ends at age ``last``
    for i in nb.prange(n):
        if status[i] == _DEAD:
            continue
        s = np.int64(sex[i])
        age0 = min(max(month - np.int64(birth[i]), 0), last - 1)
        target = cum[s, age0] - np.log1p(-min(u01_at(mk, i), 1 - 1e-12))
        lo, hi = age0, last + 1  # cum[s, lo] < target <= cum[s, hi]
        while hi - lo > 1:
            mid = (lo + hi) >> 1
            if cum[s, mid] < target:
                lo = mid
            else:
                hi = mid
        death[i] = np.int16(np.int64(birth[i]) + min(lo, last))


@nb.njit(cache=True, parallel=True)
def _mark(n, status, birth, death, sex, month, key, t_fert, fert_lo, fert_hi, marks):
    """Mark the persons who die this month (``marks`` bit 1) and the women at home aged ``fert_lo`` to
    ``fert_hi`` - 1 months who may give birth (bit 2: the draw is below the highest fertility,
    ``bits53`` threshold ``t_fert``); returns how many may give birth. No branch and no table look-up: the compiler runs the loop on
    vectors of persons."""
    mk = month_key(key, month)
    count = 0
    for i in nb.prange(n):
        s = status[i]
        alive = s != _DEAD
        dies = alive & (death[i] <= month)
        age = month - np.int64(birth[i])
        fertile = (sex[i] == FEMALE) & (s <= HOME_MAX) & (age >= fert_lo) & (age < fert_hi)
        may_give_birth = alive & ~dies & fertile & (bits53(mk, i) < t_fert)
        marks[i] = np.uint8(dies) | (np.uint8(may_give_birth) << np.uint8(1))
        count += may_give_birth
    return count


@nb.njit(cache=True)
def _deaths_and_mothers(n, status, birth, month, fert, key, marks, mothers):
    """Deaths (by the life table) and births (by the fertility of the mother's age) of the persons
    marked by ``_mark``. Writes the mothers' ids into ``mothers``; returns deaths at home and abroad
    and the number of mothers."""
    mk = month_key(key, month)
    deaths_home = 0
    deaths_abroad = 0
    k = 0
    for i in range(n):
        mark = marks[i]
        if mark == 0:
            continue
        if mark & 1:
            if status[i] <= HOME_MAX:
                deaths_home += 1
            else:
                deaths_abroad += 1
            status[i] = _DEAD
        elif u01_at(mk, i) < fert[(month - birth[i]) // MONTHS_PER_YEAR]:
            mothers[k] = i
            k += 1
    return deaths_home, deaths_abroad, k


class Demography:
    def __init__(self, sc, keys, life: LifeTables):
        self.sc = sc
        self.p = sc.demography
        self.pop_p = sc.population
        self.keys = keys
        self.life = life
        # the fertile ages in months
        self.fert_ages = (self.p.fertility_min_age * MONTHS_PER_YEAR, (self.p.fertility_max_age + 1) * MONTHS_PER_YEAR)
        self._mothers = np.empty(4096, dtype=np.int64)  # mothers of the month (grown when needed)

    def step(self, pop: Population, month: int, counts: dict) -> None:
        """Two passes: mark the persons who die or may give birth (on vectors), then apply the rules to them.
        In a month where the life table changes, lifetimes are drawn again first."""
        if self.life.changes(month):
            key = self.keys["demography.lifetime_redraw"]
            _redraw_lifetimes(pop.n, pop.status, pop.birth, pop.sex, pop.death, month, key, self.life.cum(month))
        key = self.keys["demography.birth"]
        fert = fertility_by_age(self.sc, month)
        lo, hi = self.fert_ages
        t_fert = threshold(fert.max())
        n = _mark(pop.n, pop.status, pop.birth, pop.death, pop.sex, month, key, t_fert, lo, hi, pop.marks)
        if self._mothers.shape[0] < n:
            self._mothers = np.empty(2 * n, dtype=np.int64)
        dh, da, k = _deaths_and_mothers(pop.n, pop.status, pop.birth, month, fert, key, pop.marks, self._mothers)
        counts["deaths_home"] += dh
        counts["deaths_abroad"] += da
        self._births(pop, self._mothers[:k].copy(), month)
        counts["births"] += k

    def _births(self, pop: Population, mothers: np.ndarray, month: int) -> None:
        if mothers.size == 0:
            return
        ids = pop.add(mothers.size)
        draw = lambda name: self.keys.draw(name, month, ids)  # noqa: E731
        pp = self.pop_p
        pop.birth[ids] = month
        pop.sex[ids] = (draw("demography.sex") >= self.p.male_birth_share).astype(np.uint8)
        ue = draw("demography.education")
        pop.edu[ids] = np.where(ue < pp.tertiary_share, 2, np.where(ue < pp.tertiary_share + pp.secondary_share, 1, 0))
        pop.region[ids] = pop.region[mothers]
        pop.status[ids] = Status.INACTIVE
        pop.since[ids] = month
        pop.ties[ids] = pop.ties[mothers]
        pop.awareness[ids] = beta_draws(draw("demography.awareness"), pp.awareness_mean, pp.trait_concentration)
        pop.risk[ids] = beta_draws(draw("demography.risk"), pp.risk_tolerance_mean, pp.trait_concentration)
        pop.flags[ids] = np.where(draw("demography.participation") < pp.participation_rate, ACTIVE, 0)
        pop.death[ids] = self.life.draw_death_month(pop.birth[ids], pop.sex[ids], month, draw("demography.lifetime"))


def step(country, ctx, state) -> None:
    """Step 10: deaths and births in ``country`` this month (``Demography.step``); ``state`` is not read."""
    country.demography.step(country.pop, ctx.month, country.counts)
