"""Migration: who looks for work abroad (step 3), departures, and migrants abroad (step 9).

Looking abroad. Each month a resident of migration age looks for work abroad with a logit of the log
wage ratio abroad/home, unemployment and its duration (desperation), age, sex, education, ties abroad
and risk tolerance. Lookers either leave on their own (likely with ties abroad: networks) or wait for
recruiters (``sim.recruitment``). Ties grow with emigration: each emigrant gives ties to
``ties_per_emigrant`` residents of the same region, on average.

Migrants abroad. A share of migrants are short-term (circular) and return fast; the rest return
slowly and settle. Irregular migrants may be deported home.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from .population import ACTIVE, CIRCULAR, RETIRE_AGE_MONTHS, WORK_AGE_MONTHS, Population, Status
from .rng import month_key, u01_at

_HOME_MAX = np.uint8(Status.INACTIVE)
AGE_BAND_SHIFT = 6  # age bands of 64 months in the bounds of looking probabilities


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


@nb.njit(cache=True)
def _candidates(
    start, n, status, birth, region, sex, edu, ties, month, key_look, key_tie, min_age, max_age, p_tie, bound, out, k,
):  # fmt: skip
    """Residents from ``start`` on gain ties; those of migration age whose draw to look abroad is below
    the bound of their class are written to ``out`` from position ``k``.

    ``bound[region, unemployed, has ties, education, sex, age band]`` (``Migration.class_bounds``) is
    above the looking probability of every resident of the class, so only a few in a hundred are
    candidates; the loop has no other data-dependent branch. Returns the number of candidates and
    the first person not processed (``n`` unless ``out`` is full).
    """
    mk_look = month_key(key_look, month)
    mk_tie = month_key(key_tie, month)
    n_bands = bound.shape[5]
    flat = np.append(bound.ravel(), 0.0)  # the last entry, 0, for persons who cannot look
    nobody = flat.shape[0] - 1
    for i in range(start, n):
        if k == out.shape[0]:
            return k, i
        s = status[i]
        r = np.int64(region[i])
        home = s <= _HOME_MAX
        t = ties[i]
        gains = home & (t < 255) & (u01_at(mk_tie, i) < p_tie[r])
        if gains:
            ties[i] = t + 1
        age = month - np.int64(birth[i])
        band = min(max(age - min_age, 0) >> AGE_BAND_SHIFT, n_bands - 1)
        c = ((((r * 2 + (s == 1)) * 2 + ((t > 0) | gains)) * 3 + edu[i]) * 2 + sex[i]) * n_bands + band
        e = np.int64(home & (age >= min_age) & (age <= max_age))
        c = e * c + (1 - e) * nobody  # arithmetic select: the compiler keeps it free of branches
        if u01_at(mk_look, i) < flat[c]:
            out[k] = i
            k += 1
    return k, n


@nb.njit(cache=True)
def _lookers_among(ids, k, status, birth, since, region, sex, edu, ties, risk, month, key_look, coef, log_gain, cap_months):
    """The candidates ``ids[:k]`` who look abroad, by the logit of the rule; moved to the front of ``ids``."""
    mk_look = month_key(key_look, month)
    looking = 0
    for j in range(k):
        i = ids[j]
        age = month - birth[i]
        x = coef[0] + coef[1] * log_gain[region[i]] + coef[4] * (age / 120.0 - 3.0) + coef[6] * risk[i]
        if status[i] == 1:
            x += coef[2] + coef[3] * min(month - since[i], cap_months) / 12.0
        if sex[i] == 1:
            x += coef[5]
        if edu[i] == 1:
            x += coef[7]
        elif edu[i] == 2:
            x += coef[8]
        if ties[i] > 0:
            x += coef[9]
        if u01_at(mk_look, i) < 1.0 / (1.0 + np.exp(-x)):
            ids[looking] = i
            looking += 1
    return looking


class Migration:
    def __init__(self, sc, keys):
        self.sc = sc
        self.p = sc.migration
        self.keys = keys
        self.out = np.empty(4096, dtype=np.int64)  # lookers' ids (grown by the pass when needed)
        p = self.p
        self.coef = np.array(
            [p.intercept, p.wage_gain, p.unemployed, p.unemployment_years, p.age_decade, p.female,
             p.risk_tolerance, p.secondary, p.tertiary, p.ties],
        )  # fmt: skip

    def _upper_bound(self, log_gain: np.ndarray) -> float:
        """The largest looking probability any resident can have this month."""
        p, c = self.p, self.coef
        ages = np.array([p.min_age, p.max_age]) / 10.0 - 3.0
        x = (
            p.intercept + max(p.wage_gain * log_gain.max(), p.wage_gain * log_gain.min())
            + max(0.0, p.unemployed + max(0.0, p.unemployment_years) * p.desperation_cap_years)
            + max(c[4] * ages) + max(0.0, p.female) + max(0.0, p.risk_tolerance)
            + max(0.0, p.secondary, p.tertiary) + max(0.0, p.ties)
        )  # fmt: skip
        return float(min(1.0, sigmoid(x) * 1.000001))

    def class_bounds(self, log_gain: np.ndarray) -> np.ndarray:
        """Bounds [region, unemployed, has ties, education, sex, age band] on the looking probability
        of the residents of a class (age bands of ``2**AGE_BAND_SHIFT`` months from ``min_age``).

        Each is the logistic of the largest logit in the class (the worst case of age within the band,
        risk tolerance and months unemployed), raised by a margin far above rounding, and at most the
        bound of all residents (``_upper_bound``), which the rule applies as well.
        """
        p, c = self.p, self.coef
        lo, hi = p.min_age * 12, p.max_age * 12 + 11
        starts = np.arange(lo, hi + 1, 2**AGE_BAND_SHIFT)
        ends = np.minimum(starts + 2**AGE_BAND_SHIFT - 1, hi)
        age = np.maximum(c[4] * (starts / 120.0 - 3.0), c[4] * (ends / 120.0 - 3.0))
        x = (
            (c[0] + c[1] * log_gain + max(0.0, c[6]))[:, None, None, None, None, None]
            + np.array([0.0, c[2] + max(0.0, c[3] * int(p.desperation_cap_years * 12) / 12.0)])[:, None, None, None, None]
            + np.array([0.0, c[9]])[:, None, None, None]
            + np.array([0.0, c[7], c[8]])[:, None, None]
            + np.array([0.0, c[5]])[:, None]
            + age
        )  # fmt: skip
        return np.minimum(sigmoid(x + 1e-9) * (1 + 1e-9), self._upper_bound(log_gain))

    def month_terms(self, ctx, emigrants_by_region: np.ndarray, residents_by_region: np.ndarray):
        """This month's log wage ratio abroad/home and probability of gaining ties abroad, by region."""
        log_gain = np.log(_expected_wage_abroad(self.sc, ctx) / ctx.home_wage)
        with np.errstate(divide="ignore", invalid="ignore"):
            p_tie = np.where(residents_by_region > 0, self.p.ties_per_emigrant * emigrants_by_region / residents_by_region, 0.0)
        return log_gain, np.clip(p_tie, 0.0, 1.0)

    def lookers(self, pop: Population, ctx, emigrants_by_region: np.ndarray, residents_by_region: np.ndarray):
        """Ids of residents looking for work abroad this month (and ties updated)."""
        if not self.p.enabled:
            return np.empty(0, dtype=np.int64)
        log_gain, p_tie = self.month_terms(ctx, emigrants_by_region, residents_by_region)
        month, look, tie = ctx.month, self.keys["migration.look"], self.keys["migration.ties"]
        min_age, max_age, bound = self.p.min_age * 12, self.p.max_age * 12 + 11, self.class_bounds(log_gain)
        k, i = 0, 0
        while True:
            k, i = _candidates(
                i, pop.n, pop.status, pop.birth, pop.region, pop.sex, pop.edu, pop.ties, month, look, tie,
                min_age, max_age, p_tie, bound, self.out, k,
            )  # fmt: skip
            if i == pop.n:
                break
            self.out = np.concatenate([self.out, np.empty_like(self.out)])  # full: grow and go on
        k = _lookers_among(
            self.out, k, pop.status, pop.birth, pop.since, pop.region, pop.sex, pop.edu, pop.ties, pop.risk,
            month, look, self.coef, log_gain, int(self.p.desperation_cap_years * 12),
        )  # fmt: skip
        return self.out[:k].copy()

    def step_abroad(self, pop: Population, ctx, counts: dict) -> None:
        """Legal and irregular migrants return home, settle or are deported (step 9)."""
        ids = pop.abroad_ids
        st = pop.status[ids]
        mig = ids[(st == Status.ABROAD_LEGAL) | (st == Status.ABROAD_IRREGULAR)]
        if mig.size == 0:
            return
        p = self.p
        circular = (pop.flags[mig] & CIRCULAR) > 0
        rate = np.where(circular, p.circular_return_rate, p.settled_return_rate)
        irregular = pop.status[mig] == Status.ABROAD_IRREGULAR
        deport = np.array([d.deportation_rate for d in self.sc.destinations.values()])
        rate = rate + np.where(irregular, deport[pop.dest[mig]], 0.0)
        back = mig[self.keys.draw("migration.return", ctx.month, mig) < rate]
        come_home(pop, back, ctx.month)
        counts["returns"] += back.size


def _expected_wage_abroad(sc, ctx) -> float:
    w = np.array([d.migrant_weight for d in sc.destinations.values()])
    return float((ctx.dest_wage * w).sum() / w.sum())


def depart(pop: Population, ids: np.ndarray, status: Status, dest: np.ndarray, month: int, keys, p, counts: dict,
           flow: str) -> None:  # fmt: skip
    """Residents ``ids`` leave for ``dest`` with ``status``; counts the flow and who left."""
    if ids.size == 0:
        return
    pop.status[ids] = status
    pop.since[ids] = month
    pop.dest[ids] = dest
    circular = keys.draw("migration.circular", month, ids) < p.circular_share
    pop.flags[ids] = (pop.flags[ids] & ~CIRCULAR) | np.where(circular, CIRCULAR, 0).astype(np.uint8)
    pop.add_abroad(ids)
    counts[flow] += ids.size
    counts["_emigrants_tertiary"] += int((pop.edu[ids] == 2).sum())
    counts["_emigrants_female"] += int((pop.sex[ids] == 1).sum())
    np.add.at(counts["_emigrants_by_region"], pop.region[ids], 1)


def come_home(pop: Population, ids: np.ndarray, month: int) -> None:
    """Persons ``ids`` return home: into the labour force (unemployed) if active and of working age."""
    if ids.size == 0:
        return
    age = month - pop.birth[ids].astype(np.int32)
    active = ((pop.flags[ids] & ACTIVE) > 0) & (age >= WORK_AGE_MONTHS) & (age < RETIRE_AGE_MONTHS)
    pop.status[ids] = np.where(active, Status.UNEMPLOYED, Status.INACTIVE).astype(np.uint8)
    pop.since[ids] = month
    pop.dest[ids] = -1
    pop.gang[ids] = -1
    pop.recruiter[ids] = -1
    pop.debt[ids] = 0.0
