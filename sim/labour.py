"""Home labour market (step 2): job loss and job finding so that each region follows its path.

Persons aged 15-64 in the labour force are employed or unemployed; they enter it at 15 (or on
return home) as unemployed and leave it at 65. Each month an unemployed person finds a job with the
job-finding rate (higher for the tertiary educated); each employed person loses it with a rate set
per region and age group (15-24, 25-64) so that, in expectation, unemployment next month equals the
target of the month. The months since a person became unemployed measure desperation (used by
migration and recruitment).
"""

from __future__ import annotations

import numba as nb
import numpy as np

from .population import ACTIVE, RETIRE_AGE_MONTHS, WORK_AGE_MONTHS, Population, Status
from .rng import month_key, u01_at

_EMP = np.uint8(Status.EMPLOYED)
_UNEMP = np.uint8(Status.UNEMPLOYED)
_INACT = np.uint8(Status.INACTIVE)
YOUTH_MONTHS = 25 * 12


@nb.njit(cache=True)
def _labour_pass(n, status, birth, since, region, flags, edu, month, key_loss, key_find, rates, n_loss):
    """One pass over all persons, written without data-dependent branches (integer selects instead).

    ``rates`` holds the job-loss rates [region, youth] flattened, then the job-finding rates
    [education] from index ``n_loss``. Each resident of working age in the labour force draws once,
    with the job-loss key if employed, else the job-finding key.
    """
    mk_loss = month_key(key_loss, month)
    mk_find = month_key(key_find, month)
    for i in range(n):
        s = status[i]
        age = month - birth[i]
        home = s <= _INACT
        working = (age >= WORK_AGE_MONTHS) & (age < RETIRE_AGE_MONTHS)
        employed = s == _EMP
        e = np.int64(employed)  # arithmetic selects: the compiler keeps them free of branches
        k = e * (region[i] * 2 + (age < YOUTH_MONTHS)) + (1 - e) * (n_loss + edu[i])
        hit = u01_at(mk_find ^ ((mk_loss ^ mk_find) & np.uint64(-e)), i) < rates[k]
        to_inactive = home & (age >= RETIRE_AGE_MONTHS) & (s != _INACT)
        entering = (s == _INACT) & ((flags[i] & ACTIVE) != 0)
        to_unemployed = home & working & (entering | (employed & hit))
        to_employed = home & working & (s == _UNEMP) & hit
        new = _INACT if to_inactive else (_UNEMP if to_unemployed else (_EMP if to_employed else s))
        if new != s:
            status[i] = new
            since[i] = month


def job_rates(p, u_target: np.ndarray, labour: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Job-loss rates [region, youth] and job-finding rates [education] for this month.

    ``labour[region, youth, k]`` counts employed (k=0), unemployed (k=1) and unemployed with tertiary
    education (k=2) at the start of the month.
    """
    find = np.array([p.job_finding_rate, p.job_finding_rate, min(1.0, p.job_finding_rate * p.tertiary_job_finding)])
    emp, unemp, unemp_t = labour[..., 0], labour[..., 1], labour[..., 2]
    found = find[0] * (unemp - unemp_t) + find[2] * unemp_t
    wanted = u_target * (emp + unemp)
    with np.errstate(divide="ignore", invalid="ignore"):
        loss = np.where(emp > 0, (wanted - unemp + found) / emp, 0.0)
    return np.clip(loss, 0.0, 1.0), find


def step(pop: Population, month: int, keys, p, u_target: np.ndarray, labour: np.ndarray) -> None:
    loss, find = job_rates(p, u_target, labour)
    _labour_pass(
        pop.n, pop.status, pop.birth, pop.since, pop.region, pop.flags, pop.edu, month,
        keys["labour.job_loss"], keys["labour.job_finding"], np.concatenate([loss.ravel(), find]), loss.size,
    )  # fmt: skip
