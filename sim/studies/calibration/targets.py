"""The targets' side of a run: its summaries as published, its distance to the published figures, its seed."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd

from sim.core.outputs import lookup
from sim.studies.calibration.schema import Calibration, columns_of


def summaries(cal: Calibration, df: pd.DataFrame) -> dict[str, float]:
    """``target:year`` -> the run's value as published (times the target's ``share``)."""
    from sim.engine.runner import by_country

    tables = {None: df}
    out = {}
    for name, t in cal.spec.targets.items():
        if t.country not in tables:
            by = by_country(df)
            tables[t.country] = by[by["country"] == t.country].reset_index(drop=True)
        table = tables[t.country]
        body = table[table["month"] > 0]
        years = body["date"].str.slice(0, 4).astype(int)
        columns = columns_of(t)
        flow = lookup(columns[0]).kind == "flow"
        for y in t.years:
            rows = body[years == y][columns].sum(axis=1)
            value = float(rows.sum()) if flow else float(rows.iloc[-1]) if len(rows) else np.nan
            out[f"{name}:{y}"] = t.share * value
    return out


def distance(cal: Calibration, simulated: dict, in_sample_only: bool = True) -> float:
    """Mean over the (in-sample) target-years of |simulated - observed| / half the published interval."""
    obs = cal.observed()
    keys = [f"{n}:{y}" for n, y, inside in cal.target_years() if inside or not in_sample_only]
    errors = [abs(simulated[k] - obs[k][0]) / max((obs[k][2] - obs[k][1]) / 2, 1e-9) for k in keys]
    return float(np.mean(errors)) if errors else 0.0


def run_seed(cal: Calibration, params: dict[str, float]) -> int:
    """A run's seed: a function of the calibration's seed and the parameter set (same set, same run)."""
    text = json.dumps({"seed": cal.spec.seed, **{k: float(params[k]) for k in cal.keys}}, sort_keys=True)
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16) % (2**31 - 1)


def simulate(cal: Calibration, params: dict[str, float], seed: int | None = None) -> dict[str, float]:
    """Run the calibration's scenario with ``params`` and return its summaries."""
    from sim.engine.runner import run

    df = run(cal.scenario, seed=run_seed(cal, params) if seed is None else seed, overrides=dict(params))
    return summaries(cal, df)
