"""Calibration: a scenario's uncertain parameters fitted to published figures by ABC-SMC (pyabc).

A calibration file (TOML, shipped ones in ``calibration/``) names a scenario, the parameters to fit
with their prior ranges, and the targets::

    scenario = "../scenarios/countries/moldova.toml"   # relative to the calibration file
    scale = 50                   # resolution of the calibration's runs (default: the scenario's)
    particles = 20               # ABC-SMC population size
    generations = 4              # populations at most
    budget = 300                 # runs at most (``--budget`` replaces it; checked between generations)
    fit_until = 2010             # targets' years after this are scored out of sample (default: none)

    [parameters."migration.intercept"]   # a dotted scenario key, uniform prior on [low, high]
    low = -6.5
    high = -4.5

    [targets.residents]
    output = "population_home"   # a column of the run's table (``sim.core.outputs``), or a list to add up
    country = "moldova"          # in a run of several countries: its row of by_country.csv
    years = [2004, 2014]
    observed = [3_383_332, 2_998_235]
    low = [3_300_000, 2_900_000] # the published figure's uncertainty (an interval around it)
    high = [3_450_000, 3_100_000]
    share = 1.0                  # observation model: what is published is share x the model's output
    source = "BNS census 2004 and 2014"

A flow is summed over the months of each year, a stock or a ratio is taken in December. The distance
between a run and the targets is the mean, over the in-sample target-years, of |share x simulated -
observed| divided by half the width of the published interval: 1 is a miss by the uncertainty of the
figure. A run's seed is a function of the calibration's seed and its parameters: with one worker a
calibration is reproducible, with several pyabc keeps particles in the order their runs finish.
``calibrate`` runs pyabc's ABC-SMC on it (its SQLite history in the output folder makes a
killed calibration resume where its last finished generation ended) and writes ``posterior.csv``,
``fit.csv``, ``manifest.json`` and the plots ``posterior.png`` and ``fit.png``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sim.core.outputs import lookup
from sim.scenario import Scenario, ScenarioError, load_scenario

OUT_FILES = ("posterior.csv", "fit.csv", "manifest.json", "posterior.png", "fit.png")
HISTORY = "history.db"  # pyabc's record of every generation (what a resumed calibration reads)
FIT_DRAWS = 10  # posterior sets re-run for fit.csv


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Prior(_Strict):
    low: float = Field(description="lowest value of the uniform prior")
    high: float = Field(description="highest value of the uniform prior")
    source: str = Field("assumption", description="where the range comes from")


class Target(_Strict):
    output: str | list[str] = Field(description="a column of the run's table, or several to add up")
    country: str | None = Field(None, description="the source country whose row is read (a run of several)")
    years: list[int] = Field(min_length=1, description="calendar years of the published figures")
    observed: list[float] = Field(min_length=1, description="the published figures, one per year")
    low: list[float] = Field(min_length=1, description="lower ends of their uncertainty, one per year")
    high: list[float] = Field(min_length=1, description="upper ends of their uncertainty, one per year")
    share: float = Field(1.0, gt=0, description="observation model: published = share x the model's output")
    source: str = Field(description="the publication")
    description: str = ""


class CalibrationFile(_Strict):
    scenario: str = Field(description="the scenario file, relative to the calibration file")
    description: str = ""
    scale: float | None = Field(None, ge=1, description="resolution of the calibration's runs")
    months: int | None = Field(None, ge=1, le=1200, description="months simulated (default: the scenario's)")
    seed: int = Field(1, ge=0, description="seed of the calibration (its runs' seeds derive from it)")
    particles: int = Field(20, ge=2, le=10_000, description="ABC-SMC population size")
    generations: int = Field(4, ge=1, le=100, description="populations at most")
    budget: int = Field(400, ge=2, description="runs at most")
    fit_until: int | None = Field(None, description="targets' years after this are out of sample")
    parameters: dict[str, Prior] = Field(min_length=1)
    targets: dict[str, Target] = Field(min_length=1)


@dataclass
class Calibration:
    """A validated calibration file: its spec, its scenario, and where it came from."""

    spec: CalibrationFile
    scenario: Scenario
    path: Path

    @property
    def keys(self) -> list[str]:
        return list(self.spec.parameters)

    def target_years(self) -> list[tuple[str, int, bool]]:
        """(target, year, in sample) of every published figure, in file order."""
        until = self.spec.fit_until
        return [(n, y, until is None or y <= until) for n, t in self.spec.targets.items() for y in t.years]

    def observed(self) -> dict[str, tuple[float, float, float]]:
        """``target:year`` -> (observed, low, high)."""
        return {
            f"{n}:{y}": (o, lo, hi)
            for n, t in self.spec.targets.items()
            for y, o, lo, hi in zip(t.years, t.observed, t.low, t.high)
        }


def load_calibration(path: str | Path, budget: int | None = None) -> Calibration:
    """Read and validate a calibration file; every problem is one ``FILE: key: message`` line of a
    ``ScenarioError``. ``budget`` (``--budget``) replaces the file's."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise ScenarioError([f"{path}: file not found"]) from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise ScenarioError([f"{path}: cannot read the file ({e})"]) from None
    if budget is not None:
        data["budget"] = budget
    try:
        spec = CalibrationFile.model_validate(data)
    except ValidationError as e:
        lines = []
        for err in e.errors():
            key = ".".join(str(p) for p in err["loc"]) or "(top level)"
            key = "--budget" if key == "budget" and budget is not None else f"{path}: {key}"
            msg = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
            lines.append(f"{key}: {msg}")
        raise ScenarioError(lines) from None
    scenario_file = (path.parent / spec.scenario).resolve()
    if not scenario_file.exists():
        raise ScenarioError([f"{path}: scenario: file '{spec.scenario}' not found (looked in {path.parent})"])
    top = {k: v for k, v in (("scale", spec.scale), ("months", spec.months)) if v is not None}
    sc = load_scenario(scenario_file, top or None)
    problems = _problems(spec, sc, scenario_file)
    if problems:
        raise ScenarioError([f"{path}: {k}: {m}" for k, m in problems])
    return Calibration(spec, sc, path)


def _problems(spec: CalibrationFile, sc: Scenario, scenario_file: Path) -> list[tuple[str, str]]:
    out = []
    for key, prior in spec.parameters.items():
        where = f"parameters.{key}"
        if not prior.low < prior.high:
            out.append((where, f"low ({prior.low:g}) must be below high ({prior.high:g})"))
            continue
        for value in (prior.low, prior.high):
            try:
                load_scenario(scenario_file, {key: value, **_top(spec)})
            except ScenarioError as e:
                why = e.problems[0].split(": ", 1)[-1]
                out.append((where, f"{value:g} is not a value of the scenario's {key}: {why}"))
                break
    first, last = int(sc.year(1)), int(sc.year(sc.months))
    for name, t in spec.targets.items():
        where = f"targets.{name}"
        columns = _columns(t)
        for c in columns:
            if lookup(c) is None:
                out.append((f"{where}.output", f"unknown output {c!r} (sim.core.outputs lists them)"))
        if len({lookup(c).kind for c in columns if lookup(c) is not None}) > 1:
            out.append((f"{where}.output", "outputs added up must all be flows or all stocks"))
        if t.country is not None and t.country not in (sc.countries or {sc.name: None}):
            known = ", ".join(sc.countries or [sc.name])
            out.append((f"{where}.country", f"unknown country {t.country!r} (known: {known})"))
        if not len(t.years) == len(t.observed) == len(t.low) == len(t.high):
            out.append((where, "years, observed, low and high must have one value each per year"))
            continue
        for y, o, lo, hi in zip(t.years, t.observed, t.low, t.high):
            if not lo <= o <= hi:
                out.append((f"{where}.observed", f"{o:g} ({y}) must lie within [low, high] = [{lo:g}, {hi:g}]"))
            if not first <= y <= last:
                out.append((f"{where}.years", f"{y} is outside the simulated years {first}-{last}"))
    return out


def _columns(t: Target) -> list[str]:
    return [t.output] if isinstance(t.output, str) else list(t.output)


def _top(spec: CalibrationFile) -> dict:
    return {k: v for k, v in (("scale", spec.scale), ("months", spec.months)) if v is not None}


# ---------------------------------------------------------------------------------------------------
# A run and its distance to the targets.


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
        columns = _columns(t)
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


# ---------------------------------------------------------------------------------------------------
# ABC-SMC.


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
        from dask.distributed import Client

        return pyabc.sampler.DaskDistributedSampler(dask_client=Client(scheduler)), None
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
    out.mkdir(parents=True, exist_ok=True)
    _quiet_pyabc(progress)
    spec = cal.spec
    prior = pyabc.Distribution(**{k: pyabc.RV("uniform", p.low, p.high - p.low) for k, p in spec.parameters.items()})
    sampler, threads = _sampler(workers, scheduler)
    model = _Model(cal, simulator, threads)
    observed = {k: v[0] for k, v in cal.observed().items()}
    abc = pyabc.ABCSMC(
        model, prior, lambda x, _y: distance(cal, x), population_size=spec.particles, sampler=sampler
    )
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


def _quiet_pyabc(progress: bool) -> None:
    """Progress on stderr: pyabc's lines on each generation's threshold and acceptance, nothing else."""
    for name in ("ABC.Sampler", "ABC.History", "ABC.Distance", "ABC.Epsilon", "ABC.Population", "ABC.Adaptation"):
        logging.getLogger(name).setLevel(logging.WARNING)
    log = logging.getLogger("ABC")
    log.setLevel(logging.INFO if progress else logging.WARNING)
    h = logging.StreamHandler(sys.stderr)
    h.setFormatter(logging.Formatter("calibrate: %(message)s"))
    h.addFilter(lambda r: r.getMessage().startswith(("t: ", "Accepted", "Stop", "Calibration sample")))
    log.handlers = [h]
    log.propagate = False


def cmd_calibrate(args) -> int:
    from sim.engine.runner import check_output_folder

    cal = load_calibration(args.file, args.budget)
    out = check_output_folder(args.out or Path("results") / "calibration" / Path(args.file).stem)
    m = calibrate(cal, out, workers=args.workers, scheduler=args.scheduler)
    eps = ", ".join(f"{e:.3g}" for e in m["acceptance_thresholds"])
    how = "resumed" if m["resumed"] else "new"
    print(f"calibration {cal.path.stem} ({how}): {m['runs']} runs, {m['generations']} generations "
          f"(thresholds {eps}), {m['seconds']} s")  # fmt: skip
    print(f"results in {out}/ ({', '.join(OUT_FILES)})")
    return 0


def register(subparsers) -> None:
    """The ``sim calibrate`` sub-command."""
    from sim.commands.cli import bounded

    p = subparsers.add_parser("calibrate", help="fit a scenario's parameters to published figures (ABC-SMC)")
    p.add_argument("file", type=Path, help="calibration file (TOML; shipped ones in calibration/)")
    p.add_argument("--out", type=Path, help="output folder (default: results/calibration/<file name>); "
                   "a calibration killed there resumes when run again")  # fmt: skip
    p.add_argument("--workers", type=bounded(int, 1, 256), help="local worker processes (default: 1)")
    p.add_argument("--scheduler", help="address of a Dask scheduler to run on instead")
    p.add_argument("--budget", type=bounded(int, 2), help="runs at most (default: the file's)")
    p.set_defaults(func=cmd_calibrate)


# ---------------------------------------------------------------------------------------------------
# What a calibration writes.


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
    _plots(cal, posterior, fit, tmp)
    for name in OUT_FILES:
        (tmp / name).replace(out / name)
    tmp.rmdir()
    return manifest


def _plots(cal: Calibration, posterior: pd.DataFrame, fit: pd.DataFrame, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    keys = cal.keys
    fig, axes = plt.subplots(1, len(keys), figsize=(3.2 * len(keys) + 1, 3), layout="constrained", squeeze=False)
    for ax, k in zip(axes[0], keys):
        p = cal.spec.parameters[k]
        ax.hist(posterior[k], bins=12, range=(p.low, p.high), weights=posterior["weight"], density=True,
                color="C0", alpha=0.8, label="posterior")  # fmt: skip
        ax.axhline(1 / (p.high - p.low), color="k", ls="--", label="prior")
        ax.set_title(k, fontsize=9)
    axes[0][0].legend(fontsize=8, frameon=False)
    fig.suptitle(f"Prior and posterior ({cal.path.stem})")
    fig.savefig(out / "posterior.png", dpi=100)
    plt.close(fig)
    names = list(dict.fromkeys(fit["target"]))
    fig, axes = plt.subplots(1, len(names), figsize=(3.6 * len(names) + 1, 3.2), layout="constrained", squeeze=False)
    for ax, name in zip(axes[0], names):
        t = fit[fit["target"] == name]
        ax.fill_between(t["year"], t["simulated_low"], t["simulated_high"], alpha=0.3, label="posterior 90%")
        ax.plot(t["year"], t["simulated_median"], label="posterior median")
        yerr = [t["observed"] - t["observed_low"], t["observed_high"] - t["observed"]]
        ax.errorbar(t["year"], t["observed"], yerr=yerr, fmt="ko", ms=3, label="published")
        ax.set_title(name, fontsize=9)
    axes[0][0].legend(fontsize=8, frameon=False)
    fig.suptitle(f"Targets and the posterior's runs ({cal.path.stem})")
    fig.savefig(out / "fit.png", dpi=100)
    plt.close(fig)
