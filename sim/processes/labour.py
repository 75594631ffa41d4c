"""Home labour market (step 2): job loss and job finding so that each region follows its target.

Persons of working age in the labour force are employed or unemployed; they enter it at
``economy.work_age`` (or on return home) as unemployed and leave it at the pension age of their sex
(``economy.pension_age_male``, ``pension_age_female``). Each month an unemployed person finds a job
with the job-finding rate (higher for the tertiary educated); each employed person loses it with a
rate set per region and age group (young, below ``economy.youth_age``, and older) so that, in
expectation, unemployment next month equals the target of the month (``sim.core.economy.unemployment_targets``:
the jobs against the labour force). The months since a person became unemployed measure desperation
(used by migration and recruitment).
"""

from __future__ import annotations

import numba as nb
import numpy as np

from sim.core.population import ACTIVE, EDU_PRIMARY, EDU_TERTIARY, FEMALE, MALE, LabourAges, Population, Status
from sim.core.rng import bits53, month_key, threshold, u01_at

_EMP = np.uint8(Status.EMPLOYED)
_UNEMP = np.uint8(Status.UNEMPLOYED)
_INACT = np.uint8(Status.INACTIVE)


@nb.njit(cache=True, parallel=True)
def _may_change(n, status, birth, sex, flags, month, key_loss, key_find, t_loss, t_find, work, pension, marks):
    """Mark (``marks[i] = 1``) every person whose labour status may change this month; returns how many.

    Ages are in months: ``work`` the age of entry, ``pension[sex]`` the age of leaving the labour force.
    Those are residents who reach the pension age in the labour force, who enter it, and those of working age whose
    draw is below the largest job-loss (if employed) or job-finding rate (``bits53`` thresholds
    ``t_loss``, ``t_find``): a superset of the persons ``_apply`` changes. The loop has no branch and
    no table look-up, so the compiler runs it on vectors of persons.
    """
    mk_loss = month_key(key_loss, month)
    mk_find = month_key(key_find, month)
    pension_m, pension_gap = pension[MALE], pension[FEMALE] - pension[MALE]
    count = 0
    for i in nb.prange(n):
        s = status[i]
        age = month - np.int64(birth[i])
        retire_at = pension_m + pension_gap * np.int64(sex[i])  # no table look-up: the loop stays on vectors
        working = (age >= work) & (age < retire_at)
        e = np.int64(s == _EMP)
        drawn = bits53(mk_find ^ ((mk_loss ^ mk_find) & np.uint64(-e)), i) < t_find + (t_loss - t_find) * e
        job = working & (s <= _UNEMP) & drawn
        retiring = (age >= retire_at) & (s < _INACT)
        entering = working & (s == _INACT) & ((flags[i] & ACTIVE) != 0)
        mark = job | retiring | entering
        marks[i] = mark
        count += mark
    return count


@nb.njit(cache=True)
def _apply(n, status, birth, since, region, sex, edu, month, key_loss, key_find, loss, find, youth, pension, marks):
    """The labour-market rule, for the persons marked by ``_may_change`` (ages in months: ``youth`` the
    age below which a worker is young, ``pension[sex]`` the age of leaving the labour force)."""
    mk_loss = month_key(key_loss, month)
    mk_find = month_key(key_find, month)
    for i in range(n):
        if marks[i] == 0:
            continue
        s = status[i]
        age = month - birth[i]
        if age >= pension[sex[i]]:
            status[i] = _INACT
            since[i] = month
        elif s == _INACT:  # entering the labour force
            status[i] = _UNEMP
            since[i] = month
        elif s == _EMP:
            if u01_at(mk_loss, i) < loss[region[i], 1 if age < youth else 0]:
                status[i] = _UNEMP
                since[i] = month
        elif u01_at(mk_find, i) < find[edu[i]]:
            status[i] = _EMP
            since[i] = month


def job_rates(p, u_target: np.ndarray, labour: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Job-loss rates [region, youth] and job-finding rates [education] for this month.

    ``labour[region, youth, k]`` counts employed (k=0), unemployed (k=1) and unemployed with tertiary
    education (k=2) at the start of the month.
    """
    find = np.array([p.job_finding_rate, p.job_finding_rate, min(1.0, p.job_finding_rate * p.tertiary_job_finding)])
    emp, unemp, unemp_t = labour[..., 0], labour[..., 1], labour[..., 2]
    found = find[EDU_PRIMARY] * (unemp - unemp_t) + find[EDU_TERTIARY] * unemp_t
    wanted = u_target * (emp + unemp)
    with np.errstate(divide="ignore", invalid="ignore"):
        loss = np.where(emp > 0, (wanted - unemp + found) / emp, 0.0)
    return np.clip(loss, 0.0, 1.0), find


def step(country, ctx, state) -> None:
    """Step 2: the labour market of ``country`` this month, against last month's census of its labour force
    (``country.census.labour``); ``state`` is not read."""
    params = country.params
    labour_month(country.pop, ctx.month, country.keys, params.economy, ctx.u_target, country.census.labour)


def labour_month(pop: Population, month: int, keys, p, u_target: np.ndarray, labour: np.ndarray) -> None:
    """Two passes: mark the few persons whose status may change (on vectors), then apply the rule to them."""
    loss, find = job_rates(p, u_target, labour)
    key_loss, key_find = keys["labour.job_loss"], keys["labour.job_finding"]
    ages: LabourAges = pop.ages
    _may_change(
        pop.n, pop.status, pop.birth, pop.sex, pop.flags, month, key_loss, key_find,
        threshold(loss.max()), threshold(find.max()), ages.work, ages.pension, pop.marks,
    )  # fmt: skip
    _apply(
        pop.n, pop.status, pop.birth, pop.since, pop.region, pop.sex, pop.edu, month, key_loss, key_find, loss, find,
        ages.youth, ages.pension, pop.marks,
    )  # fmt: skip
