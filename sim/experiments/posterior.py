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

from ..runner import resolve
from ..scenario import Scenario, ScenarioError

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
