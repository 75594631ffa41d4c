"""Demography (step 10): ageing, deaths by a life table, births to women living at home.

Ageing needs no work: age is the month index minus the month of birth. Each person's month of death
is drawn once, when the person enters the model, from a Gompertz-Makeham life table by sex whose
level is solved so that life expectancy at birth matches the scenario; the monthly pass only compares
it with the month. That is the same law as a monthly death draw with a fixed table, at no draw cost.
Births: each woman aged 15-49 living at home gives birth in a month with her age's fertility rate / 12
(a normal schedule around the mean age at birth, scaled to the total fertility rate). Women abroad
bear no children at home, so the emigration of young women lowers births.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from .population import ACTIVE, HOME_MAX, Population, Status, beta_draws
from .rng import month_key, u01_at

MAX_AGE_MONTHS = 110 * 12
_DEAD = np.uint8(Status.DEAD)


class LifeTable:
    """Cumulative monthly hazards by sex and age in months; draws months of death."""

    def __init__(self, p):
        self.cum = np.stack(
            [
                _cumulative_hazard(_solve_level(p, e0), p)
                for e0 in (p.life_expectancy_male, p.life_expectancy_female)
            ]
        )

    def draw_death_month(self, birth: np.ndarray, sex: np.ndarray, month: int, u: np.ndarray) -> np.ndarray:
        """Month of death of persons alive at the start of ``month``, given uniform draws ``u``."""
        age0 = np.clip(month - birth.astype(np.int64), 0, MAX_AGE_MONTHS - 1)
        target = self.cum[sex, age0] + -np.log1p(-np.minimum(u, 1 - 1e-12))
        death_age = np.empty_like(age0)
        for s in (0, 1):
            m = sex == s
            death_age[m] = np.searchsorted(self.cum[s], target[m], side="left") - 1
        death_age = np.clip(death_age, age0, MAX_AGE_MONTHS)
        return (birth.astype(np.int64) + death_age).astype(np.int16)

    def life_expectancy(self, sex: int) -> float:
        return float(np.exp(-self.cum[sex][:-1]).sum() / 12.0)


def _monthly_hazard(p, level: float) -> np.ndarray:
    x = (np.arange(MAX_AGE_MONTHS) + 0.5) / 12.0  # age in years at mid-month
    annual = p.background_mortality + level * np.exp(p.gompertz_slope * (x - 30.0))
    h = annual / 12.0
    h[:12] += -np.log1p(-p.infant_mortality) / 12.0
    return h


def _cumulative_hazard(level: float, p) -> np.ndarray:
    return np.concatenate([[0.0], np.cumsum(_monthly_hazard(p, level)), [np.inf]])


def _solve_level(p, e0: float) -> float:
    """Gompertz level (annual hazard at age 30) that gives life expectancy ``e0``."""
    lo, hi = 1e-7, 1.0
    for _ in range(80):
        mid = np.sqrt(lo * hi)
        e = np.exp(-_cumulative_hazard(mid, p)[:-2]).sum() / 12.0
        lo, hi = (mid, hi) if e > e0 else (lo, mid)
    return float(np.sqrt(lo * hi))


def fertility_by_age(p) -> np.ndarray:
    """Monthly probability of giving birth by age in years (0 outside 15-49)."""
    ages = np.arange(111)
    w = np.exp(-0.5 * ((ages + 0.5 - p.mean_age_at_birth) / p.sd_age_at_birth) ** 2)
    w[(ages < 15) | (ages >= 50)] = 0.0
    return p.tfr * w / w.sum() / 12.0


@nb.njit(cache=True)
def _deaths_and_mothers(start, n, status, birth, death, sex, month, fert, key, mothers, k):
    """Persons from ``start`` on: deaths by the life table; women at home who give birth, written to
    ``mothers`` from position ``k``.

    Without data-dependent branches but the rare ones (a death, a birth): every living person draws
    (``fert`` is 0 outside ages 15-49). Returns deaths at home and abroad, the number of mothers and
    the first person not processed (``n`` unless ``mothers`` is full).
    """
    mk = month_key(key, month)
    last_age = fert.shape[0] - 1
    deaths_home = 0
    deaths_abroad = 0
    for i in range(start, n):
        s = status[i]
        alive = s != _DEAD
        dies = alive & (death[i] <= month)
        if dies:
            if s <= HOME_MAX:
                deaths_home += 1
            else:
                deaths_abroad += 1
            status[i] = _DEAD
        age = min((month - np.int64(birth[i])) // 12, last_age)
        if alive & ~dies & (sex[i] == 1) & (s <= HOME_MAX) & (u01_at(mk, i) < fert[age]):
            if k == mothers.shape[0]:  # full: the next call starts again from this mother
                return deaths_home, deaths_abroad, k, i
            mothers[k] = i
            k += 1
    return deaths_home, deaths_abroad, k, n


class Demography:
    def __init__(self, sc, keys, life: LifeTable):
        self.p = sc.demography
        self.pop_p = sc.population
        self.keys = keys
        self.life = life
        self.fert = fertility_by_age(self.p)
        self._mothers = np.empty(4096, dtype=np.int64)  # mothers of the month (grown when needed)

    def step(self, pop: Population, month: int, counts: dict) -> None:
        k, i = 0, 0
        while True:
            dh, da, k, i = _deaths_and_mothers(
                i, pop.n, pop.status, pop.birth, pop.death, pop.sex, month, self.fert, self.keys["demography.birth"],
                self._mothers, k,
            )  # fmt: skip
            counts["deaths_home"] += dh
            counts["deaths_abroad"] += da
            if i == pop.n:
                break
            self._mothers = np.concatenate([self._mothers, np.empty_like(self._mothers)])  # full: grow, go on
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
