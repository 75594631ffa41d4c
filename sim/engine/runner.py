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

from sim.core.outputs import PROFILE_COLUMNS, columns
from sim.core.provenance import provenance
from sim.engine.model import MigrationModel
from sim.engine.resolution import resolution
from sim.scenario import Label, Scenario, ScenarioError, load_scenario, validate

# the command-line options that set a scenario's top-level values (they stand for the key in messages)
OPTIONS = {"months": "--months", "scale": "--scale", "seed": "--seed"}


def resolve(
    scenario: Scenario | str | Path,
    overrides: dict[str, Any] | None = None,
    labels: dict[str, str] | None = None,
    **top,
) -> Scenario:
    """A validated scenario from a file or a Scenario, with dotted ``overrides`` and top-level values.

    ``top`` takes ``months``, ``scale`` and ``seed`` (None: keep the scenario's). ``labels`` names what
    set an override in messages (``{"months": "--months"}``, as ``OPTIONS``); see ``load_scenario``.
    """
    over = dict(overrides or {})
    over.update({k: v for k, v in top.items() if v is not None})
    if isinstance(scenario, Scenario):
        if not over:
            return scenario
        from sim.scenario import set_dotted

        data = scenario.model_dump(mode="python")
        for k, v in over.items():
            set_dotted(data, k, v)
        origin = {k: Label(labels[k]) if k in (labels or {}) else "override" for k in over}
        return validate(data, f"<scenario {scenario.name}>", origin)
    return load_scenario(scenario, over, labels)


def check_output_folder(out: str | Path, option: str = "--out") -> Path:
    """Raise ``ScenarioError`` (``PATH: --out: what is wrong``) unless results can be written into ``out``.

    Nothing is created: commands call this before running, so a folder that cannot be used costs no run.
    """
    return _check_output(Path(out), option, folder=True)


def check_output_file(path: str | Path, option: str = "--out") -> Path:
    """Raise ``ScenarioError`` (``PATH: --out: what is wrong``) unless a file can be written at ``path``
    (its missing folders created); the same check as ``check_output_folder``, for one file."""
    return _check_output(Path(path), option, folder=False)


def _check_output(path: Path, option: str, folder: bool) -> Path:
    """``path`` if a folder (``folder``) or a file can be written there, else ``ScenarioError`` with one line."""
    kind, other = ("folder", "file") if folder else ("file", "folder")
    problem = None
    if path.exists():
        if path.is_dir() != folder:
            problem = f"is a {other}, not a {kind}"
        elif not os.access(path, os.W_OK | (os.X_OK if folder else 0)):
            problem = f"the {kind} cannot be written (permission denied)"
    else:
        problem = _not_creatable(path)
    if problem:
        raise ScenarioError([f"{path}: {option}: {problem}"])
    return path


def _not_creatable(path: Path) -> str | None:
    """Why ``path`` (which does not exist) cannot be created with its missing folders, or None."""
    parent = path.absolute().parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        return f"cannot be created: {parent} is a file, not a folder"
    if not os.access(parent, os.W_OK | os.X_OK):
        return f"cannot be created: {parent} cannot be written (permission denied)"
    return None


ENGINES = ("vectorised", "reference")


def model_class(engine: str) -> type[MigrationModel]:
    """The model class of an engine (see ``ENGINES``)."""
    if engine == "vectorised":
        return MigrationModel
    if engine == "reference":
        from sim.engine.reference import ReferenceModel

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
    ``sim.engine.reference``). ``df.attrs["provenance"]`` holds the resolved scenario, seed, versions, commit,
    wall time and the run's resolution (``sim.engine.resolution``: persons trafficked a year in person-agents,
    whether that is coarse, the scale that resolves them); ``profiles(df)`` the emigrants of the run by
    channel, sex, age band and education.
    """
    sc = resolve(scenario, overrides, months=months, scale=scale, seed=seed)
    t0 = time.perf_counter()
    model = model_class(engine)(sc)
    agents = sum(int(c.pop.n) for c in model.countries)
    for m in range(sc.months):
        model.step()
        if progress is not None:
            progress(m + 1, sc.months)
    df = pd.DataFrame(model.rows, columns=columns(sc.destinations))
    df.attrs["provenance"] = provenance(
        sc, sc.seed, wall_seconds=round(time.perf_counter() - t0, 3), person_agents=agents, engine=engine
    )
    df.attrs["provenance"]["resolution"] = resolution(df, sc.scale).as_dict()
    # plain columns, so that the attributes compare and pickle
    tables = [c.profiles.table(c.name) for c in model.countries]
    df.attrs["profiles"] = {k: [v for t in tables for v in t[k]] for k in tables[0]}
    cols = columns(sc.destinations)
    by_country = pd.concat(
        [pd.DataFrame(c.rows, columns=cols).assign(country=c.name) for c in model.countries], ignore_index=True
    )
    by_country = by_country[["country", *cols]].sort_values(["month", "country"], kind="stable")
    df.attrs["by_country"] = by_country.to_dict(orient="list")
    return df


def by_country(df: pd.DataFrame) -> pd.DataFrame:
    """The run ``df`` (a result of ``run``) per source country: the columns of the run's table, with a
    ``country`` column first, one row per month and country (the table of ``by_country.csv``). Flows and
    stocks of persons add up to the run's; the actors' columns count each country's own recruiters, units,
    court and revenue from its victims, and the gangs based there, their revenue, contraband, capital and
    bribes, which add up to the run's (``MigrationModel.actor_row``)."""
    return pd.DataFrame(df.attrs["by_country"]).reset_index(drop=True)


def profiles(df: pd.DataFrame) -> pd.DataFrame:
    """The emigrants of the run ``df`` (a result of ``run``) by channel, sex, age band and education, in
    real persons, counted at departure (the table of ``profiles.csv``; columns ``sim.core.outputs.PROFILE_COLUMNS``)."""
    return pd.DataFrame(df.attrs["profiles"], columns=[c.name for c in PROFILE_COLUMNS])


def write_results(df: pd.DataFrame, out_dir: str | Path, plots: bool = True) -> Path:
    """Write ``timeseries.csv``, ``by_country.csv``, ``profiles.csv``, ``manifest.json`` and the plots into
    ``out_dir``, all or nothing.

    Files are written into a temporary folder beside ``out_dir`` and moved in place at the end, so an
    interrupted or failed write leaves the previous results as they were. Without ``plots``, the plots
    of an earlier run in ``out_dir`` are removed (they would not match the table). A folder that cannot
    be written raises ``ScenarioError``.
    """
    from sim.engine.plots import PLOT_FILES

    out = check_output_folder(out_dir)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    except OSError as e:
        raise ScenarioError([f"{out}: --out: cannot be created ({e.strerror})"]) from None
    try:
        df.to_csv(tmp / "timeseries.csv", index=False)
        if "profiles" in df.attrs:
            profiles(df).to_csv(tmp / "profiles.csv", index=False)
        if "by_country" in df.attrs:
            by_country(df).to_csv(tmp / "by_country.csv", index=False)
        (tmp / "manifest.json").write_text(json.dumps(df.attrs.get("provenance", {}), indent=2) + "\n")
        if plots:
            from sim.engine.plots import run_plots

            run_plots(df, tmp)
        out.mkdir(exist_ok=True)
        written = sorted(tmp.iterdir())
        for f in written:
            os.replace(f, out / f.name)
        for name in set(PLOT_FILES) - {f.name for f in written}:  # an earlier run's plots, not drawn now
            (out / name).unlink(missing_ok=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def result_files(plots: bool = True, countries: bool = True) -> list[str]:
    """The files ``write_results`` writes (``countries.png`` only for a run of several ``countries``)."""
    from sim.engine.charts import COUNTRIES_FILE
    from sim.engine.plots import PLOT_FILES

    drawn = [f for f in PLOT_FILES if countries or f != COUNTRIES_FILE] if plots else []
    return ["timeseries.csv", "by_country.csv", "profiles.csv", "manifest.json", *drawn]


def key_outcomes(df: pd.DataFrame) -> list[tuple[str, str]]:
    """A short table of what a reader wants first: (label, formatted value); shares in percent."""
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
        ("emigrants with tertiary education", f"{(df['emigrants_tertiary_share'] * (df['emigrants_legal'] + df['emigrants_irregular'] + df['trafficked'])).sum() / left:.1%}" if left else "n/a (nobody left)"),
        ("abroad at end: legal / irregular", f"{fmt(last['abroad_legal'])} / {fmt(last['abroad_irregular'])}"),
        ("victims at end (true): sexual / labour", f"{fmt(last['victims_sexual'])} / {fmt(last['victims_labour'])}"),
        ("victims identified (detected, cumulative)", fmt(total("victims_identified"))),
        ("gang revenue (USD, cumulative)", fmt(total("gang_revenue_usd"))),
        ("arrests / prosecutions / convictions", f"{fmt(total('arrests'))} / {fmt(total('prosecutions'))} / {fmt(total('convictions'))}"),
        ("working-age share start / end", f"{first['working_age_share']:.1%} / {last['working_age_share']:.1%}"),
        ("old-age dependency start / end", f"{first['old_age_dependency_ratio']:.3f} / {last['old_age_dependency_ratio']:.3f}"),
    ]
