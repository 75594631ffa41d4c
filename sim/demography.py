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
from .rng import bits53, month_key, threshold, u01_at

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
def _mark(n, status, birth, death, sex, month, key, t_fert, marks):
    """Mark the persons who die this month (``marks`` bit 1) and the women at home aged 15-49 who may
    give birth (bit 2: the draw is below the highest fertility, ``bits53`` threshold ``t_fert``);
    returns how many may give birth. No branch and no table look-up: the compiler runs the loop on
    vectors of persons."""
    mk = month_key(key, month)
    count = 0
    for i in range(n):
        s = status[i]
        alive = s != _DEAD
        dies = alive & (death[i] <= month)
        age = month - np.int64(birth[i])
        fertile = (sex[i] == 1) & (s <= HOME_MAX) & (age >= 15 * 12) & (age < 50 * 12)
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
        elif u01_at(mk, i) < fert[(month - birth[i]) // 12]:
            mothers[k] = i
            k += 1
    return deaths_home, deaths_abroad, k


class Demography:
    def __init__(self, sc, keys, life: LifeTable):
        self.p = sc.demography
        self.pop_p = sc.population
        self.keys = keys
        self.life = life
        self.fert = fertility_by_age(self.p)
        self._mothers = np.empty(4096, dtype=np.int64)  # mothers of the month (grown when needed)

    def step(self, pop: Population, month: int, counts: dict) -> None:
        """Two passes: mark the persons who die or may give birth (on vectors), then apply the rules to them."""
        key = self.keys["demography.birth"]
        n = _mark(pop.n, pop.status, pop.birth, pop.death, pop.sex, month, key, threshold(self.fert.max()), pop.marks)
        if self._mothers.shape[0] < n:
            self._mothers = np.empty(2 * n, dtype=np.int64)
        dh, da, k = _deaths_and_mothers(pop.n, pop.status, pop.birth, month, self.fert, key, pop.marks, self._mothers)
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
