"""Sweeps: every run of an experiment on the chosen executor, stored so that a rerun resumes.

``sweep`` skips runs whose file is already in the output folder, retries failed ones (a failure may be
transient), stores each outcome as it arrives and rebuilds ``runs.csv`` and ``timeseries.parquet`` at
the end. The tables depend only on the experiment, never on the executor, the number of workers or
interruptions.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sim.studies.experiments.design import Experiment, as_experiment
from sim.studies.experiments.executors import make_executor
from sim.studies.experiments.runs import run_all
from sim.studies.experiments.store import SweepFolder


def default_out(experiment: Experiment) -> Path:
    return Path("results") / experiment.name


def sweep(
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
    """Run (or resume) an experiment's sweep into ``out``; return its runs table (``runs.csv``).

    ``experiment`` is an ``Experiment`` or a file (``months`` and ``reps`` then replace the file's
    values). ``scheduler`` (``tcp://HOST:PORT``) sends the runs to a Dask cluster; otherwise they run in
    a local pool of ``workers`` processes (default: one per core). ``df.attrs["sweep"]`` says where the
    results are, how many runs this call executed, and how many are ok and failed.
    """
    exp = as_experiment(experiment, months, reps)
    out = Path(out) if out is not None else default_out(exp)
    specs = exp.runs()
    # the cluster is reached before anything is written
    with make_executor(workers, scheduler) as executor, SweepFolder.open(out, exp) as folder:
        finished = folder.finished()
        todo = [s for s in specs if s.run_id not in finished]
        for outcome in run_all(todo, executor, progress=progress, total=len(specs), done=len(finished), label=exp.name):
            folder.save(outcome)
        runs = folder.collect(specs)
        if plots:
            from sim.studies.experiments.plots import sweep_plots

            sweep_plots(exp, runs, out)
        else:
            for stale in out.glob("sweep_*.png"):  # charts of an earlier call would not match the tables
                stale.unlink()
    ok = int((runs["status"] == "ok").sum())
    runs.attrs["sweep"] = {"out": str(out), "ran": len(todo), "skipped": len(specs) - len(todo), "ok": ok, "failed": len(runs) - ok}
    return runs


def grid_means(experiment: Experiment, runs: pd.DataFrame, metrics: list[str] | None = None) -> pd.DataFrame:
    """The mean over replications of each design point of a grid (its ok runs), for ``metrics`` (default:
    the experiment's), one row per point."""
    shown = list(experiment.metrics if metrics is None else metrics)
    return runs[runs["status"] == "ok"].groupby(experiment.keys, sort=False)[shown].mean()
