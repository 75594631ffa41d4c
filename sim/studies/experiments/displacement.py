"""Displacement: where the exploitation a demand-side measure removes goes.

A measure that acts on some destinations only (a kind of scope ``DESTINATIONS``: the peacekeeper ban,
demand reduction, a change of labour demand) lowers the victim-months exploited there; gangs may
carry their victims to the destinations it does not cover. Over the paired replications of a
comparison, the victim-months lost where the measure acts are ``lost = -sum of the effects there`` and
those gained elsewhere ``gained = sum of the effects elsewhere``; the share displaced is
``gained / lost`` (1: all displaced, 0: none, negative: less exploitation elsewhere too), reported when
the replications show fewer victim-months where it acts (a one-sided 95% t test: a measure that removed
nothing there displaces nothing). Its 95% interval is a percentile bootstrap over the replications
(resampled with a fixed seed, so that the same runs always print the same interval).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from sim.scenario.interventions import DESTINATIONS, TYPE_OF_KIND

BOOTSTRAP_SAMPLES = 4000  # resamples of the replications for the interval of the share displaced
BOOTSTRAP_SEED = 0  # a fixed seed: the interval is a function of the runs alone
COLUMNS = ["scenario", "destinations", "lost", "gained", "share_displaced", "ci_low", "ci_high"]


def measure_destinations(alternative: dict, base: dict) -> list[str]:
    """The destinations where the demand-side measures of the ``alternative`` scenario (a resolved scenario
    as a dict) act and the ``base``'s do not; empty when it has none, or when they cover every destination
    (then there is nowhere else to go)."""
    def covered(sc: dict) -> set[str]:
        names = set()
        for iv in sc.get("interventions", {}).values():
            if TYPE_OF_KIND[iv["kind"]].scope == DESTINATIONS:
                names |= set(iv.get("destinations") or sc["destinations"])
        return names

    everywhere = set(alternative["destinations"])
    own = covered(alternative) - covered(base)
    return sorted(own) if own and own != everywhere else []


def _fewer(lost: np.ndarray) -> bool:
    """Whether the victim-months ``lost`` (one per replication) are above zero by a one-sided 95% t test."""
    if lost.size < 2 or lost.mean() <= 0:
        return False
    se = lost.std(ddof=1) / np.sqrt(lost.size)
    return bool(se == 0 or lost.mean() / se > stats.t.ppf(0.95, lost.size - 1))


def _victim_months(runs: pd.DataFrame, destinations: list[str]) -> np.ndarray:
    cols = [f"victim_months_{t}_at_{d}" for d in destinations for t in ("sexual", "labour")]
    return runs[cols].to_numpy(float).sum(axis=1)


def displacement(runs: pd.DataFrame, scenarios: dict[str, dict], base: str) -> pd.DataFrame:
    """The share displaced of each alternative in ``runs`` (one row per scenario and replication, with the
    per-destination victim-months) that has a demand-side measure: ``COLUMNS``, one row per such scenario.
    ``scenarios`` are the resolved scenarios by name (a comparison's manifest)."""
    rows = []
    if runs.empty or base not in scenarios:
        return pd.DataFrame(rows, columns=COLUMNS)
    by = {name: g.set_index("replication").sort_index() for name, g in runs.groupby("scenario", sort=False)}
    for name, alt in by.items():
        if name == base:
            continue
        where = measure_destinations(scenarios[name], scenarios[base]) if name in scenarios else []
        if not where:
            continue
        elsewhere = [d for d in scenarios[name]["destinations"] if d not in where]
        reps = by[base].index.intersection(alt.index)
        x, y = by[base].loc[reps], alt.loc[reps]
        lost = _victim_months(x, where) - _victim_months(y, where)
        gained = _victim_months(y, elsewhere) - _victim_months(x, elsewhere)
        if not _fewer(lost):  # the measure removed nothing distinguishable from chance there: nothing to share
            continue
        share = gained.mean() / lost.mean()
        rng = np.random.default_rng(BOOTSTRAP_SEED)
        idx = rng.integers(0, len(reps), size=(BOOTSTRAP_SAMPLES, len(reps)))
        with np.errstate(divide="ignore", invalid="ignore"):
            boot = gained[idx].mean(axis=1) / lost[idx].mean(axis=1)
        boot = boot[np.isfinite(boot)]
        low, high = (np.percentile(boot, [2.5, 97.5]) if boot.size else (float("nan"), float("nan")))
        rows.append({
            "scenario": name, "destinations": " ".join(where), "lost": float(lost.mean()),
            "gained": float(gained.mean()), "share_displaced": float(share), "ci_low": float(low),
            "ci_high": float(high),
        })  # fmt: skip
    return pd.DataFrame(rows, columns=COLUMNS)


def displacement_lines(table: pd.DataFrame) -> list[str]:
    """The share displaced as lines for a reader (empty without a demand-side measure)."""
    if table.empty:
        return []
    lines = ["", "Displacement of the demand-side measures (victim-months, mean of the paired replications):"]
    for r in table.itertuples():
        share = "n/a (nothing lost where it acts)" if not np.isfinite(r.share_displaced) else (
            f"{r.share_displaced:.0%} displaced (95% CI {r.ci_low:.0%} to {r.ci_high:.0%})"
        )
        lines.append(
            f"  {r.scenario}: {r.lost:,.0f} fewer at {r.destinations.replace(' ', ', ')}, {r.gained:+,.0f} elsewhere: "
            f"{share}"
        )
    return lines
