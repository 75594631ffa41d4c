"""Global sensitivity analysis of a Sobol or Morris experiment with SALib.

Each design point's value is the mean of the metric over that point's successful replications (with one
replication, the run itself); replications share seeds across points (common random numbers). SALib's
bootstrap uses the experiment's seed, so the indices depend only on the runs.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from sim.studies.experiments.design import Experiment, as_experiment
from sim.studies.experiments.errors import ExperimentError, RunsFailed
from sim.studies.experiments.store import atomic_write
from sim.studies.experiments.sweep import default_out, sweep

RESAMPLES = 1000
COLUMNS = {
    "sobol": ["metric", "parameter", "S1", "S1_conf", "ST", "ST_conf"],
    "morris": ["metric", "parameter", "mu_star", "mu_star_conf", "sigma"],
}


def _check_design(exp: Experiment) -> None:
    if exp.design not in COLUMNS:
        raise ExperimentError([
            f"{exp.file}: design: a sensitivity analysis needs design 'sobol' or 'morris' "
            f"(got {exp.design!r}; run it with `sim sweep`)"
        ])


def analyse(experiment: Experiment, runs: pd.DataFrame) -> pd.DataFrame:
    """Sobol (S1, ST) or Morris (mu*, sigma) indices of every metric for the runs of ``experiment``.

    Raises ``RunsFailed`` if every replication of a design point failed (the designs need all points).
    """
    from SALib.analyze import morris, sobol

    exp = experiment
    _check_design(exp)
    n_points = len(exp.design_matrix())
    y = runs[runs["status"] == "ok"].groupby("point")[list(exp.metrics)].mean().reindex(range(n_points))
    missing = y.index[y.isna().all(axis=1)]
    if len(missing):
        raise RunsFailed(
            f"every replication of {len(missing)} design points failed (first: point {missing[0]}); "
            "the analysis needs every point: see runs.csv for the errors, fix them and run again"
        )
    problem, rows = exp.problem(), []
    for m in exp.metrics:
        values = y[m].to_numpy(float)
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")  # a metric constant over the design has undefined indices (NaN)
            if exp.design == "sobol":
                r = sobol.analyze(problem, values, calc_second_order=False, num_resamples=RESAMPLES, seed=exp.seed)
                cols = {c: r[c] for c in COLUMNS["sobol"][2:]}
            else:
                r = morris.analyze(
                    problem, exp.design_matrix(), values, num_resamples=RESAMPLES, num_levels=exp.morris_levels,
                    seed=exp.seed,
                )  # fmt: skip
                cols = {c: np.asarray(r[c], float) for c in COLUMNS["morris"][2:]}
        for i, key in enumerate(exp.keys):
            rows.append({"metric": m, "parameter": key, **{c: float(v[i]) for c, v in cols.items()}})
    return pd.DataFrame(rows, columns=COLUMNS[exp.design])


def sensitivity(
    experiment: Experiment | str | Path,
    out: str | Path | None = None,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    months: int | None = None,
    reps: int | None = None,
    progress: bool | None = None,
    plots: bool = True,
) -> pd.DataFrame:
    """Run (or resume) the experiment's sweep, then write ``indices.csv`` (and charts); return the indices."""
    exp = as_experiment(experiment, months, reps)
    _check_design(exp)
    out = Path(out) if out is not None else default_out(exp)
    runs = sweep(exp, out, workers=workers, scheduler=scheduler, progress=progress, plots=plots)
    indices = analyse(exp, runs)
    atomic_write(out / "indices.csv", lambda p: indices.to_csv(p, index=False))
    if plots:
        from sim.studies.experiments.plots import sensitivity_charts

        sensitivity_charts(indices, out)
    else:
        for stale in Path(out).glob("indices_*.png"):
            stale.unlink()
    indices.attrs["sweep"] = runs.attrs["sweep"]
    return indices
