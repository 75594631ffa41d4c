"""Parameter uncertainty in a comparison: a posterior, a table of weighted parameter sets.

``posterior.csv`` has one column per parameter, named by its dotted scenario key
(``police.raid_rate``), and a ``weight`` column. Replication ``i`` of a comparison draws one set with
probability proportional to its weight, from a generator seeded with the replication's seed, and
applies it as dotted overrides to the base and every alternative alike: paired runs share their
parameters as they share their random draws, and the intervals then include parameter uncertainty.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.engine.runner import resolve
from sim.scenario import Scenario, ScenarioError

MAX_PROBLEMS = 20


def read_posterior(path: str | Path, base: Scenario | str | Path) -> pd.DataFrame:
    """The posterior at ``path``, each set checked against the scenario ``base``; weights sum to 1.

    Raises ``ScenarioError`` with one ``FILE: key: message`` line per problem.
    """
    path = Path(path)
    if not path.is_file():
        raise ScenarioError([f"{path}: {'not a file' if path.exists() else 'file not found'}"])
    try:
        df = pd.read_csv(path)
    except (OSError, ValueError, UnicodeDecodeError) as e:
        raise ScenarioError([f"{path}: cannot read as CSV ({e.__class__.__name__}: {e})"]) from None
    problems = []
    if "weight" not in df.columns:
        problems.append(f"{path}: weight: missing column (the weight of each parameter set)")
    keys = [k for k in df.columns if k != "weight"]
    if not keys:
        problems.append(f"{path}: no parameter columns (one per dotted scenario key)")
    if df.empty:
        problems.append(f"{path}: no parameter sets")
    if not keys or df.empty:
        raise ScenarioError(problems)
    w = pd.to_numeric(df["weight"], errors="coerce") if "weight" in df.columns else None
    if w is not None and (w.isna().any() or (w < 0).any() or not w.sum() > 0):
        problems.append(f"{path}: weight: weights must be numbers, none negative, not all zero")
    for i, row in enumerate(df[keys].itertuples(index=False), start=2):  # line 1 is the header
        try:
            resolve(base, {k: _value(v) for k, v in zip(keys, row)})
        except ScenarioError as e:
            for line in e.problems:
                parts = line.split(": ", 2)
                key, msg = (parts[1], parts[2]) if len(parts) == 3 else ("", line)
                problems.append(f"{path}: {key}: {msg}" + ("" if msg == "unknown key" else f" (line {i})"))
        if len(problems) >= MAX_PROBLEMS or any(p.endswith("unknown key") for p in problems):
            break
    if problems:
        raise ScenarioError(list(dict.fromkeys(problems)))
    out = df[keys].copy()
    out["weight"] = w / w.sum()
    out.attrs["file"] = str(path)
    return out


def _value(v):
    return v.item() if isinstance(v, np.generic) else v


def draw(posterior: pd.DataFrame, seeds: list[int]) -> list[tuple[int, dict]]:
    """One parameter set per seed: (row index, {dotted key: value}), the choice a function of the seed."""
    keys = [k for k in posterior.columns if k != "weight"]
    p = posterior["weight"].to_numpy(float)
    out = []
    for s in seeds:
        i = int(np.random.default_rng(s).choice(len(posterior), p=p / p.sum()))
        out.append((i, {k: _value(posterior[k].iloc[i]) for k in keys}))
    return out


QUANTILE_COLUMNS = ["month", "date", "output", "median", "low", "high"]


def run_with_posterior(
    scenario: Scenario | str | Path,
    posterior: pd.DataFrame,
    *,
    reps: int = 10,
    seed: int | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    **top,
) -> tuple[pd.DataFrame, dict]:
    """``reps`` runs of ``scenario``, replication i with seed ``seed + i`` and the parameter set that
    seed draws from ``posterior``; returns the median and 90% band (5% and 95% quantiles) of every
    output in every month (``QUANTILE_COLUMNS``, one row per month and output: ``quantiles.csv``) and
    the manifest. ``top`` takes ``months`` and ``scale``."""
    from sim.core.outputs import NAMES, lookup
    from sim.core.provenance import git_commit
    from sim.studies.experiments.executors import make_executor
    from sim.studies.experiments.runs import RunSpec, run_all
    from sim.studies.experiments.store import versions

    sc = resolve(scenario, **top)
    seed = sc.seed if seed is None else seed
    draws = draw(posterior, [seed + i for i in range(reps)])
    specs = [RunSpec(i, resolve(sc, params), seed=seed + i, replication=i) for i, (_, params) in enumerate(draws)]
    with make_executor(workers, scheduler) as executor:
        outcomes = sorted(run_all(specs, executor, label="posterior"), key=lambda o: o.run_id)
    failed = [o for o in outcomes if o.status != "ok"]
    if failed:
        raise ScenarioError([f"{len(failed)} of {reps} runs failed, e.g.: {failed[0].error}"])
    frames = [o.timeseries for o in outcomes]
    cols = [c for c in frames[0].columns if c not in ("month", "date") and (c in NAMES or lookup(c) is not None)]
    stack = np.stack([f[cols].to_numpy(float) for f in frames])  # [replication, month, output]
    q = np.quantile(stack, [0.5, 0.05, 0.95], axis=0)
    months, dates = frames[0]["month"].to_numpy(), frames[0]["date"].to_numpy()
    table = pd.DataFrame({
        "month": np.repeat(months, len(cols)), "date": np.repeat(dates, len(cols)),
        "output": np.tile(cols, len(months)), "median": q[0].reshape(-1), "low": q[1].reshape(-1), "high": q[2].reshape(-1),
    })[QUANTILE_COLUMNS]  # fmt: skip
    manifest = {
        "scenario": sc.model_dump(mode="json"), "replications": reps, "seeds": [seed, seed + reps - 1],
        "posterior": {"file": posterior.attrs.get("file"), "sets": len(posterior), "draws": [i for i, _ in draws]},
        "versions": versions(), "commit": git_commit(),
    }  # fmt: skip
    return table, manifest


POSTERIOR_FILES = ("quantiles.csv", "manifest.json")  # what ``write_posterior_runs`` writes


def write_posterior_runs(
    scenario: Scenario | str | Path,
    posterior: pd.DataFrame,
    out: str | Path,
    *,
    reps: int = 10,
    workers: int | None = None,
) -> tuple[pd.DataFrame, dict]:
    """``run_with_posterior`` of ``scenario`` written into ``out`` (``POSTERIOR_FILES``, each replaced whole);
    returns the quantiles' table and the manifest."""
    import json

    table, manifest = run_with_posterior(scenario, posterior, reps=reps, workers=workers)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    writers = {
        "quantiles.csv": lambda p: table.to_csv(p, index=False),
        "manifest.json": lambda p: p.write_text(json.dumps(manifest, indent=2) + "\n"),
    }
    for name in POSTERIOR_FILES:
        tmp = out / f".{name}.tmp"
        writers[name](tmp)
        tmp.replace(out / name)
    return table, manifest


def last_month(table: pd.DataFrame) -> pd.DataFrame:
    """The quantiles of the last month, one row per output (indexed by output)."""
    return table[table["month"] == table["month"].max()].set_index("output")
