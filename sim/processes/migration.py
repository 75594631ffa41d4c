"""Migration: who looks for work abroad (step 3), departures, and migrants abroad (step 9).

Looking abroad. Each month a resident of migration age looks for work abroad with a logit of the log
wage ratio abroad/home, unemployment and its duration (desperation), age, sex, education, ties abroad
and risk tolerance. Lookers either leave on their own (likely with ties abroad: networks) or wait for
recruiters (``sim.processes.recruitment``). Ties grow with emigration: each emigrant gives ties to
``ties_per_emigrant`` residents of the same region, on average.

Migrants abroad. A share of migrants are short-term (circular) and return fast; the rest return
slowly and settle. Irregular migrants may be deported home.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from sim.core.population import ACTIVE, CIRCULAR, EDU_SECONDARY, EDU_TERTIARY, FEMALE, Population, Status
from sim.core.rng import bits53, month_key, threshold, u01_at
from sim.scenario.units import MONTHS_PER_YEAR

_HOME_MAX = np.uint8(Status.INACTIVE)
_UNEMP = np.uint8(Status.UNEMPLOYED)
_LOG2_E = 1.4426950408889634
_YEARS_PER_DECADE = 10  # the logit's age term is per decade of age
_MONTHS_PER_DECADE = _YEARS_PER_DECADE * MONTHS_PER_YEAR

# positions of the looking-abroad logit's coefficients in ``Migration.coef`` (read by the compiled passes)
COEF_INTERCEPT = 0
COEF_WAGE_GAIN = 1
COEF_UNEMPLOYED = 2
COEF_UNEMPLOYMENT_YEARS = 3
COEF_AGE_DECADE = 4
COEF_FEMALE = 5
COEF_RISK_TOLERANCE = 6
COEF_SECONDARY = 7
COEF_TERTIARY = 8
COEF_TIES = 9
N_COEFS = 10


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


@nb.njit(cache=True, parallel=True)
def _may_look(
    n, status, birth, since, sex, edu, ties, risk, month, key_look, key_tie, min_age, max_age, t_tie, base, coef,
    cap_months, marks,
):  # fmt: skip
    """Mark the residents who may gain ties (``marks`` bit 1) and who may look abroad (bit 2) this month;
    returns how many may look.

    A resident may gain ties when the draw is below the largest probability of any region (``bits53``
    threshold ``t_tie``). A resident of migration age may look when the draw is below a bound of
    e**x_hi (a quarter power of 2 above it), and e**x_hi > sigmoid(x_hi) >= sigmoid(x): ``x_hi`` is the
    resident's logit with the most favourable region (``base``, which holds the terms common to all
    residents, the reference age among them) and ties gained whenever the draw may
    give them. A few residents in a hundred are marked; the loop has no branch and no table look-up, so the compiler
    runs it on vectors of persons.
    """
    mk_look = month_key(key_look, month)
    mk_tie = month_key(key_tie, month)
    now = np.float64(month)
    cap = np.float64(cap_months)
    gained_ties = max(coef[COEF_TIES], 0.0)
    count = 0
    for i in nb.prange(n):
        s = status[i]
        home = s <= _HOME_MAX
        t = ties[i]
        gain = home & (t < 255) & (bits53(mk_tie, i) < t_tie)
        age = now - np.float64(birth[i])
        e = edu[i]
        x_hi = (
            base + coef[COEF_AGE_DECADE] / _MONTHS_PER_DECADE * age + coef[COEF_RISK_TOLERANCE] * np.float64(risk[i])
            + (
                coef[COEF_UNEMPLOYED]
                + coef[COEF_UNEMPLOYMENT_YEARS] * min(now - np.float64(since[i]), cap) / MONTHS_PER_YEAR
            ) * (s == _UNEMP)
            + coef[COEF_FEMALE] * (sex[i] == FEMALE)
            + coef[COEF_SECONDARY] * (e == EDU_SECONDARY) + coef[COEF_TERTIARY] * (e == EDU_TERTIARY)
            + coef[COEF_TIES] * (t > 0) + gained_ties * (gain & (t == 0))
        )  # fmt: skip
        # 2**(q/4) >= e**x_hi with q an integer; (4 + q % 4) * 2**(q // 4 + 51) >= 2**53 * 2**(q/4)
        q = np.int32(min(max(np.ceil(4.0 * _LOG2_E * x_hi + 1e-6), -212.0), 36.0))
        bound = np.int64(4 + (q & 3)) << np.int64(max((q >> 2) + 51, 0))
        look = home & (age >= min_age) & (age <= max_age) & (bits53(mk_look, i) < bound)
        marks[i] = np.uint8(gain) | (np.uint8(look) << np.uint8(1))
        count += look
    return count


@nb.njit(cache=True)
def _look(
    n, status, birth, since, region, sex, edu, ties, risk, month, key_look, key_tie, coef, log_gain, p_tie, p_max,
    cap_months, ref_decades, marks, out,
):  # fmt: skip
    """The rules for the residents marked by ``_may_look``: gain ties, then look abroad by the logit.
    Writes the lookers' ids into ``out``; returns their number."""
    mk_look = month_key(key_look, month)
    mk_tie = month_key(key_tie, month)
    k = 0
    for i in range(n):
        mark = marks[i]
        if mark == 0:
            continue
        if mark & 1 and u01_at(mk_tie, i) < p_tie[region[i]]:
            ties[i] += 1
        if mark & 2:
            u = u01_at(mk_look, i)
            if u >= p_max:  # the bound of all residents (``Migration._upper_bound``)
                continue
            age = month - birth[i]
            x = (
                coef[COEF_INTERCEPT] + coef[COEF_WAGE_GAIN] * log_gain[region[i]]
                + coef[COEF_AGE_DECADE] * (age / _MONTHS_PER_DECADE - ref_decades) + coef[COEF_RISK_TOLERANCE] * risk[i]
            )  # fmt: skip
            if status[i] == _UNEMP:
                months_unemployed = min(month - since[i], cap_months)
                x += coef[COEF_UNEMPLOYED] + coef[COEF_UNEMPLOYMENT_YEARS] * months_unemployed / MONTHS_PER_YEAR
            if sex[i] == FEMALE:
                x += coef[COEF_FEMALE]
            if edu[i] == EDU_SECONDARY:
                x += coef[COEF_SECONDARY]
            elif edu[i] == EDU_TERTIARY:
                x += coef[COEF_TERTIARY]
            if ties[i] > 0:
                x += coef[COEF_TIES]
            if u < 1.0 / (1.0 + np.exp(-x)):
                out[k] = i
                k += 1
    return k


class Migration:
    def __init__(self, sc, keys):
        self.sc = sc
        self.p = sc.migration
        self.keys = keys
        self.out = np.empty(4096, dtype=np.int64)  # lookers' ids (grown when needed)
        self.cap_months = int(sc.migration.desperation_cap_years * MONTHS_PER_YEAR)
        p = self.p
        by_position = {
            COEF_INTERCEPT: p.intercept, COEF_WAGE_GAIN: p.wage_gain, COEF_UNEMPLOYED: p.unemployed,
            COEF_UNEMPLOYMENT_YEARS: p.unemployment_years, COEF_AGE_DECADE: p.age_decade, COEF_FEMALE: p.female,
            COEF_RISK_TOLERANCE: p.risk_tolerance, COEF_SECONDARY: p.secondary, COEF_TERTIARY: p.tertiary,
            COEF_TIES: p.ties,
        }  # fmt: skip
        self.coef = np.array([by_position[k] for k in range(N_COEFS)])  # the logit's coefficients by position

    def _upper_bound(self, log_gain: np.ndarray) -> float:
        """The largest looking probability any resident can have this month."""
        p, c = self.p, self.coef
        ages = np.array([p.min_age, p.max_age]) / _YEARS_PER_DECADE - p.reference_age / _YEARS_PER_DECADE
        x = (
            p.intercept + max(p.wage_gain * log_gain.max(), p.wage_gain * log_gain.min())
            + max(0.0, p.unemployed + max(0.0, p.unemployment_years) * p.desperation_cap_years)
            + max(c[COEF_AGE_DECADE] * ages) + max(0.0, p.female) + max(0.0, p.risk_tolerance)
            + max(0.0, p.secondary, p.tertiary) + max(0.0, p.ties)
        )  # fmt: skip
        return float(min(1.0, sigmoid(x) * 1.000001))

    def month_terms(self, ctx, emigrants_by_region: np.ndarray, residents_by_region: np.ndarray):
        """This month's log wage ratio abroad/home and probability of gaining ties abroad, by region."""
        log_gain = np.log(_expected_wage_abroad(self.sc, ctx) / ctx.home_wage)
        with np.errstate(divide="ignore", invalid="ignore"):
            per_resident = self.p.ties_per_emigrant * emigrants_by_region / residents_by_region
            p_tie = np.where(residents_by_region > 0, per_resident, 0.0)
        return log_gain, np.clip(p_tie, 0.0, 1.0)

    def lookers(self, pop: Population, ctx, emigrants_by_region: np.ndarray, residents_by_region: np.ndarray):
        """Ids of residents looking for work abroad this month (and ties updated)."""
        if not self.p.enabled:
            return np.empty(0, dtype=np.int64)
        log_gain, p_tie = self.month_terms(ctx, emigrants_by_region, residents_by_region)
        month, look, tie, cap = ctx.month, self.keys["migration.look"], self.keys["migration.ties"], self.cap_months
        min_age = self.p.min_age * MONTHS_PER_YEAR
        max_age = self.p.max_age * MONTHS_PER_YEAR + (MONTHS_PER_YEAR - 1)  # to the last month of age max_age
        c = self.coef
        ref = self.p.reference_age / _YEARS_PER_DECADE  # the reference age in decades
        n = _may_look(
            pop.n, pop.status, pop.birth, pop.since, pop.sex, pop.edu, pop.ties, pop.risk, month, look, tie,
            float(min_age), float(max_age), threshold(p_tie.max()),
            c[COEF_INTERCEPT] + (c[COEF_WAGE_GAIN] * log_gain).max() - ref * c[COEF_AGE_DECADE], c,
            cap, pop.marks,
        )  # fmt: skip
        if self.out.shape[0] < n:
            self.out = np.empty(2 * n, dtype=np.int64)
        k = _look(
            pop.n, pop.status, pop.birth, pop.since, pop.region, pop.sex, pop.edu, pop.ties, pop.risk, month, look, tie,
            c, log_gain, p_tie, self._upper_bound(log_gain), cap, ref, pop.marks, self.out,
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
    counts["_profiles"].add(pop, ids, month, flow)


def come_home(pop: Population, ids: np.ndarray, month: int) -> None:
    """Persons ``ids`` return home: into the labour force (unemployed) if active and of working age."""
    if ids.size == 0:
        return
    age = month - pop.birth[ids].astype(np.int64)
    active = ((pop.flags[ids] & ACTIVE) > 0) & pop.ages.working(age, pop.sex[ids])
    pop.status[ids] = np.where(active, Status.UNEMPLOYED, Status.INACTIVE).astype(np.uint8)
    pop.since[ids] = month
    pop.dest[ids] = -1
    pop.gang[ids] = -1
    pop.debt[ids] = 0.0


def look_abroad(country, ctx, state) -> np.ndarray:
    """Step 3: ids of ``country``'s residents looking for work abroad this month (ties updated), from last
    month's census (``country.census``: emigrants and residents by region); ``state`` is not read."""
    census = country.census
    return country.migration.lookers(country.pop, ctx, census.emigrants, census.residents)


def return_or_settle(country, ctx, state) -> None:
    """Step 9: ``country``'s migrants abroad return home, settle or are deported (``Migration.step_abroad``);
    ``state`` is not read."""
    country.migration.step_abroad(country.pop, ctx, country.counts)
