"""Running one scenario: scenario in, table out (the Python API the CLI and experiments call)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from .model import MigrationModel
from .outputs import PROFILE_COLUMNS, columns
from .provenance import provenance
from .scenario import Scenario, load_scenario, validate


def resolve(scenario: Scenario | str | Path, overrides: dict[str, Any] | None = None, **top) -> Scenario:
    """A validated scenario from a file or a Scenario, with dotted ``overrides`` and top-level values.

    ``top`` takes ``months``, ``scale`` and ``seed`` (None: keep the scenario's).
    """
    over = dict(overrides or {})
    over.update({k: v for k, v in top.items() if v is not None})
    if isinstance(scenario, Scenario):
        if not over:
            return scenario
        from .scenario import set_dotted

        data = scenario.model_dump(mode="python")
        for k, v in over.items():
            set_dotted(data, k, v)
        return validate(data, f"<scenario {scenario.name}>")
    return load_scenario(scenario, over)


ENGINES = ("vectorised", "reference")


def model_class(engine: str) -> type[MigrationModel]:
    """The model class of an engine (see ``ENGINES``)."""
    if engine == "vectorised":
        return MigrationModel
    if engine == "reference":
        from .reference import ReferenceModel

        return ReferenceModel
    raise ValueError(f"unknown engine {engine!r} (known: {', '.join(ENGINES)})")


def run(
    scenario: Scenario | str | Path,
    *,
    seed: int | None = None,
    months: int | None = None,
    scale: float | None = None,
    overrides: dict[str, Any] | None = None,
    progress: Callable[[int, int], None] | None = None,
    engine: str = "vectorised",
) -> pd.DataFrame:
    """Run one scenario; return its monthly table (row 0: the initial state).

    ``engine`` is ``"vectorised"`` (persons as arrays) or ``"reference"`` (one Mesa agent per person,
    ``sim.reference``). ``df.attrs["provenance"]`` holds the resolved scenario, seed, versions, commit
    and wall time; ``profiles(df)`` the emigrants of the run by channel, sex, age band and education.
    """
    sc = resolve(scenario, overrides, months=months, scale=scale, seed=seed)
    t0 = time.perf_counter()
    model = model_class(engine)(sc)
    agents = int(model.pop.n)
    for m in range(sc.months):
        model.step()
        if progress is not None:
            progress(m + 1, sc.months)
    df = pd.DataFrame(model.rows, columns=columns(sc.destinations))
    df.attrs["provenance"] = provenance(
        sc, sc.seed, wall_seconds=round(time.perf_counter() - t0, 3), person_agents=agents, engine=engine
    )
    df.attrs["profiles"] = model.profiles.table()  # plain columns, so that the attributes compare and pickle
    return df


def profiles(df: pd.DataFrame) -> pd.DataFrame:
    """The emigrants of the run ``df`` (a result of ``run``) by channel, sex, age band and education, in
    real persons, counted at departure (the table of ``profiles.csv``; columns ``sim.outputs.PROFILE_COLUMNS``)."""
    return pd.DataFrame(df.attrs["profiles"], columns=[c.name for c in PROFILE_COLUMNS])


def write_results(df: pd.DataFrame, out_dir: str | Path, plots: bool = True) -> Path:
    """Write ``timeseries.csv``, ``profiles.csv``, ``manifest.json`` and the plots into ``out_dir``, all or nothing.

    Files are written into a temporary folder beside ``out_dir`` and moved in place at the end, so an
    interrupted or failed write leaves the previous results as they were.
    """
    out = Path(out_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        df.to_csv(tmp / "timeseries.csv", index=False)
        if "profiles" in df.attrs:
            profiles(df).to_csv(tmp / "profiles.csv", index=False)
        (tmp / "manifest.json").write_text(json.dumps(df.attrs.get("provenance", {}), indent=2) + "\n")
        if plots:
            from .plots import run_plots

            run_plots(df, tmp)
        out.mkdir(exist_ok=True)
        for f in sorted(tmp.iterdir()):
            os.replace(f, out / f.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def key_outcomes(df: pd.DataFrame) -> list[tuple[str, str]]:
    """A short table of what a reader wants first: (label, formatted value)."""
    body, first, last = df[df["month"] > 0], df.iloc[0], df.iloc[-1]
    total = lambda c: body[c].sum()  # noqa: E731
    left = total("emigrants_legal") + total("emigrants_irregular") + total("trafficked")
    fmt = lambda x: f"{x:,.0f}"  # noqa: E731
    return [
        ("period", f"{body['date'].iloc[0]} to {last['date']} ({len(body)} months)"),
        ("residents at start / end", f"{fmt(first['population_home'])} / {fmt(last['population_home'])}"),
        ("births / deaths at home", f"{fmt(total('births'))} / {fmt(total('deaths_home'))}"),
        ("emigrants: legal / irregular / trafficked", f"{fmt(total('emigrants_legal'))} / {fmt(total('emigrants_irregular'))} / {fmt(total('trafficked'))}"),
        ("returns", fmt(total("returns"))),
        ("emigrants with tertiary education", f"{(df['emigrants_tertiary_share'] * (df['emigrants_legal'] + df['emigrants_irregular'] + df['trafficked'])).sum() / max(left, 1):.1%}"),
        ("abroad at end: legal / irregular", f"{fmt(last['abroad_legal'])} / {fmt(last['abroad_irregular'])}"),
        ("victims at end (true): sexual / labour", f"{fmt(last['victims_sexual'])} / {fmt(last['victims_labour'])}"),
        ("victims identified (detected, cumulative)", fmt(total("victims_identified"))),
        ("gang revenue (USD, cumulative)", fmt(total("gang_revenue_usd"))),
        ("arrests / prosecutions / convictions", f"{fmt(total('arrests'))} / {fmt(total('prosecutions'))} / {fmt(total('convictions'))}"),
        ("working-age share start / end", f"{first['working_age_share']:.3f} / {last['working_age_share']:.3f}"),
        ("old-age dependency start / end", f"{first['old_age_dependency_ratio']:.3f} / {last['old_age_dependency_ratio']:.3f}"),
    ]
