"""The ABC-SMC driver (pyabc): the fit of a calibration, resumable, and the files it writes."""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

from sim.studies.calibration.plots import calibration_plots
from sim.studies.calibration.schema import Calibration
from sim.studies.calibration.targets import distance, simulate
from sim.studies.experiments.executors import check_scheduler, connect

OUT_FILES = ("posterior.csv", "fit.csv", "manifest.json", "posterior.png", "fit.png")
HISTORY = "history.db"  # pyabc's record of every generation (what a resumed calibration reads)
FIT_DRAWS = 10  # posterior sets re-run for fit.csv


class _Model:
    """What pyabc calls: a parameter set in, the summaries out (picklable for worker processes)."""

    def __init__(self, cal: Calibration, simulator: Callable, threads: int | None):
        self.cal, self.simulator, self.threads = cal, simulator, threads

    def __call__(self, p) -> dict[str, float]:
        if self.threads is not None:
            import numba

            numba.set_num_threads(self.threads)
        return self.simulator(self.cal, {k: float(p[k]) for k in self.cal.keys})


def _sampler(workers: int | None, scheduler: str | None):
    import pyabc

    if scheduler is not None:
        return pyabc.sampler.DaskDistributedSampler(dask_client=connect(scheduler)), None
    if workers is not None and workers > 1:
        # fresh processes (spawned, not forked: the compiled passes' threads do not survive a fork), one
        # thread each
        import concurrent.futures as cf
        import multiprocessing

        pool = cf.ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
        return pyabc.sampler.ConcurrentFutureSampler(cfuture_executor=pool, client_max_jobs=workers), 1
    return pyabc.sampler.SingleCoreSampler(), None


def calibrate(
    cal: Calibration,
    out: str | Path,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    simulator: Callable = simulate,
    progress: bool = True,
) -> dict[str, Any]:
    """Fit ``cal`` with ABC-SMC into ``out`` (resuming the history there) and write its files.

    ``simulator(cal, params) -> summaries`` runs the model (tests stub it). Returns the manifest.
    """
    import pyabc

    out = Path(out)
    if scheduler is not None:
        scheduler = check_scheduler(scheduler)  # before anything is written
    out.mkdir(parents=True, exist_ok=True)
    spec = cal.spec
    prior = pyabc.Distribution(**{k: pyabc.RV("uniform", p.low, p.high - p.low) for k, p in spec.parameters.items()})
    sampler, threads = _sampler(workers, scheduler)
    model = _Model(cal, simulator, threads)
    observed = {k: v[0] for k, v in cal.observed().items()}
    abc = pyabc.ABCSMC(
        model, prior, lambda x, _y: distance(cal, x), population_size=spec.particles, sampler=sampler
    )
    _quiet_pyabc(progress, abc, spec.generations, spec.budget)
    db = f"sqlite:///{(out / HISTORY).resolve()}"
    t0 = time.perf_counter()
    resumed = (out / HISTORY).exists() and _generations_done(out / HISTORY) > 0
    if resumed:
        history = abc.load(db, 1)
    else:
        (out / HISTORY).unlink(missing_ok=True)
        history = abc.new(db, observed)
    left = spec.generations - (history.max_t + 1 if resumed else 0)
    if left > 0 and history.total_nr_simulations < spec.budget:
        np.random.seed(spec.seed + max(history.max_t + 1, 0))  # pyabc's sampling draws from numpy's generator
        left_runs = spec.budget - history.total_nr_simulations
        # the budget bounds the runs between generations, and each generation's runs (its acceptance rate)
        history = abc.run(
            max_nr_populations=left, max_total_nr_simulations=spec.budget,
            min_acceptance_rate=spec.particles / max(left_runs, spec.particles),
        )  # fmt: skip
    manifest = write_outputs(cal, history, out, simulator, resumed, time.perf_counter() - t0)
    return manifest


def _generations_done(db: Path) -> int:
    import sqlite3

    try:
        with sqlite3.connect(db) as con:
            return int(con.execute("select count(*) from populations where t >= 0").fetchone()[0])
    except sqlite3.Error:
        return 0


class _Generations(logging.Handler):
    """One readable line on stderr per generation, from pyabc's log: generation k of K, its distance
    threshold, how many of its runs were accepted, and the runs so far out of the budget."""

    def __init__(self, abc, generations: int, budget: int):
        super().__init__(logging.INFO)
        self.abc, self.generations, self.budget = abc, generations, budget
        self.t, self.eps = None, None

    def emit(self, record: logging.LogRecord) -> None:
        msg = record.getMessage()
        if msg.startswith("t: "):  # pyabc: "t: 0, eps: 1.23e+01." as a generation starts
            t, eps = msg.removeprefix("t: ").rstrip(".").split(", eps: ")
            self.t, self.eps = int(t), float(eps)
        elif msg.startswith("Accepted: ") and self.t is not None:  # "Accepted: 10 / 25 = 4.0e-01, ESS: ..."
            accepted, runs = (int(x) for x in msg.removeprefix("Accepted: ").split(" = ")[0].split(" / "))
            total = self.abc.history.total_nr_simulations
            self._say(f"generation {self.t + 1} of {self.generations}: distance threshold {self.eps:.3g}, "
                      f"{accepted:,} of {runs:,} runs accepted ({accepted / runs:.0%}); "
                      f"{total:,} of {self.budget:,} runs so far")  # fmt: skip
        elif msg.startswith("Calibration sample"):
            self._say(f"first sample of the prior (for the first threshold), {self.budget:,} runs at most in all")
        elif msg.startswith("Stop"):  # pyabc: "Stop: Maximum number of generations.", ...
            self._say("stopped: " + msg.split(":", 1)[-1].strip().rstrip(".").lower())

    def _say(self, text: str) -> None:
        print(f"calibrate: {text}", file=sys.stderr, flush=True)


def _quiet_pyabc(progress: bool, abc=None, generations: int = 0, budget: int = 0) -> None:
    """Progress on stderr: one line per generation (``_Generations``) from pyabc's log, nothing else."""
    for name in ("ABC.Sampler", "ABC.History", "ABC.Distance", "ABC.Epsilon", "ABC.Population", "ABC.Adaptation"):
        logging.getLogger(name).setLevel(logging.WARNING)
    log = logging.getLogger("ABC")
    log.setLevel(logging.INFO if progress else logging.WARNING)
    log.handlers = [_Generations(abc, generations, budget) if progress else logging.NullHandler()]
    log.propagate = False


def posterior_table(history) -> pd.DataFrame:
    """The last generation's particles: a column per parameter (dotted keys) and ``weight`` (sum 1)."""
    df, w = history.get_distribution(m=0, t=history.max_t)
    table = df.reset_index(drop=True).copy()
    table.columns = [str(c) for c in table.columns]
    table["weight"] = np.asarray(w, dtype=float) / float(np.sum(w))
    return table


def fit_table(cal: Calibration, posterior: pd.DataFrame, simulator: Callable = simulate) -> pd.DataFrame:
    """Each target and year: the published figure and interval, and the median and 90% band of
    ``FIT_DRAWS`` runs of posterior sets drawn by weight (seeded by the calibration's seed)."""
    rng = np.random.default_rng(cal.spec.seed)
    picks = rng.choice(len(posterior), size=min(FIT_DRAWS, len(posterior)), p=posterior["weight"].to_numpy())
    runs = [simulator(cal, {k: float(posterior.loc[i, k]) for k in cal.keys}) for i in picks]
    obs = cal.observed()
    rows = []
    for name, year, inside in cal.target_years():
        key = f"{name}:{year}"
        values = np.array([r[key] for r in runs])
        o, lo, hi = obs[key]
        rows.append({
            "target": name, "country": cal.spec.targets[name].country or "", "year": year,
            "observed": o, "observed_low": lo, "observed_high": hi,
            "simulated_median": float(np.median(values)), "simulated_low": float(np.quantile(values, 0.05)),
            "simulated_high": float(np.quantile(values, 0.95)), "in_sample": bool(inside),
        })  # fmt: skip
    return pd.DataFrame(rows)


def write_outputs(cal: Calibration, history, out: Path, simulator: Callable, resumed: bool, seconds: float) -> dict:
    from sim.core.provenance import git_commit
    from sim.studies.experiments.store import versions

    posterior = posterior_table(history)
    fit = fit_table(cal, posterior, simulator)
    pops = history.get_all_populations()
    pops = pops[pops["t"] >= 0]
    manifest = {
        "calibration": str(cal.path),
        "spec": cal.spec.model_dump(mode="json"),
        "scenario": cal.scenario.name,
        "runs": int(history.total_nr_simulations),
        "generations": int(len(pops)),
        "acceptance_thresholds": [float(e) for e in pops["epsilon"]],
        "resumed": resumed,
        "seconds": round(seconds, 1),
        "versions": versions(),
        "commit": git_commit(),
    }
    tmp = out / ".writing"
    tmp.mkdir(exist_ok=True)
    posterior.to_csv(tmp / "posterior.csv", index=False)
    fit.to_csv(tmp / "fit.csv", index=False)
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    calibration_plots(cal, posterior, fit, tmp)
    for name in OUT_FILES:
        (tmp / name).replace(out / name)
    tmp.rmdir()
    return manifest
