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
from .rng import u01

_HOME_MAX = np.uint8(Status.INACTIVE)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


@nb.njit(cache=True)
def _looking_pass(
    n, status, birth, since, region, sex, edu, ties, risk, month, key_look, key_tie,
    min_age, max_age, coef, log_gain, p_tie, p_max, cap_months, out,
):  # fmt: skip
    """Residents gain ties and look abroad. Writes lookers' ids into ``out``; returns their number."""
    k = 0
    for i in range(n):
        s = status[i]
        if s > _HOME_MAX:
            continue
        r = region[i]
        if p_tie[r] > 0.0 and ties[i] < 255 and u01(key_tie, month, i) < p_tie[r]:
            ties[i] += 1
        age = month - birth[i]
        if age < min_age or age > max_age:
            continue
        u = u01(key_look, month, i)
        if u >= p_max:  # cheap bound: most residents do not look this month
            continue
        x = coef[0] + coef[1] * log_gain[r] + coef[4] * (age / 120.0 - 3.0) + coef[6] * risk[i]
        if s == 1:
            x += coef[2] + coef[3] * min(month - since[i], cap_months) / 12.0
        if sex[i] == 1:
            x += coef[5]
        if edu[i] == 1:
            x += coef[7]
        elif edu[i] == 2:
            x += coef[8]
        if ties[i] > 0:
            x += coef[9]
        if u < 1.0 / (1.0 + np.exp(-x)):
            if k < out.shape[0]:
                out[k] = i
            k += 1
    return k


class Migration:
    def __init__(self, sc, keys):
        self.sc = sc
        self.p = sc.migration
        self.keys = keys
        self.out = np.empty(0, dtype=np.int64)
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

    def lookers(self, pop: Population, ctx, emigrants_by_region: np.ndarray, residents_by_region: np.ndarray):
        """Ids of residents looking for work abroad this month (and ties updated)."""
        if not self.p.enabled:
            return np.empty(0, dtype=np.int64)
        log_gain = np.log(_expected_wage_abroad(self.sc, ctx) / ctx.home_wage)
        with np.errstate(divide="ignore", invalid="ignore"):
            p_tie = np.where(residents_by_region > 0, self.p.ties_per_emigrant * emigrants_by_region / residents_by_region, 0.0)
        p_tie = np.clip(p_tie, 0.0, 1.0)
        p_max = self._upper_bound(log_gain)
        # lookers are at most the residents whose draw is below p_max: a binomial count, so a buffer
        # ten standard deviations above its mean never overflows in practice
        mean = p_max * pop.n
        size = int(mean + 10 * np.sqrt(mean) + 4096)
        if self.out.shape[0] < size:
            self.out = np.empty(size, dtype=np.int64)
        k = _looking_pass(
            pop.n, pop.status, pop.birth, pop.since, pop.region, pop.sex, pop.edu, pop.ties, pop.risk,
            ctx.month, self.keys["migration.look"], self.keys["migration.ties"],
            self.p.min_age * 12, self.p.max_age * 12 + 11, self.coef, log_gain, p_tie, p_max,
            int(self.p.desperation_cap_years * 12), self.out,
        )  # fmt: skip
        if k > self.out.shape[0]:  # pragma: no cover - see above
            raise RuntimeError(f"{k} persons looked abroad, more than the buffer of {self.out.shape[0]}")
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
