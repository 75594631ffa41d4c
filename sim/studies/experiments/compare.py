"""Paired comparisons: each alternative scenario against a base, with common random numbers.

Replication ``i`` of every scenario runs with seed ``seed + i``; the model's named random streams keep
the draws aligned, so the difference between two scenarios in one replication is mostly the effect of
what differs between them. The effect is the mean of the paired differences with a 95% t interval; the
width of the Welch interval that unpaired runs would give is reported beside it (what pairing saves).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from scipy import stats

from sim.core.outputs import RUN_RATIOS, lookup, summarise, summarise_countries
from sim.core.provenance import git_commit
from sim.engine.resolution import Resolution, resolution
from sim.engine.runner import resolve
from sim.scenario import Scenario
from sim.studies.experiments.design import METRICS
from sim.studies.experiments.displacement import displacement, displacement_lines
from sim.studies.experiments.errors import ExperimentError, RunsFailed
from sim.studies.experiments.executors import make_executor
from sim.studies.experiments.formatting import band_caution, distinguishable, effect_decimals, number, percent
from sim.studies.experiments.runs import RunSpec, run_all
from sim.studies.experiments.store import atomic_write, versions, write_text

DEFAULT_METRICS: tuple[str, ...] = (
    "trafficked",
    "emigrants_legal",
    "emigrants_irregular",
    "returns",
    "victims_sexual",
    "victims_labour",
    "victim_months",
    "labour_share_of_trafficked",
    "victims_identified",
    "convictions",
    "gang_revenue_usd",
    "births",
    "deaths_home",
    "population_home",
    "working_age_share",
    "old_age_dependency_ratio",
)

# what a policy reader calls the metrics (the table adds "total" for flows and "at end" for stocks)
LABELS = {
    "trafficked": "persons trafficked",
    "emigrants_legal": "legal emigrants",
    "emigrants_irregular": "irregular emigrants",
    "returns": "returns home",
    "victims_sexual": "victims in sexual exploitation",
    "victims_labour": "victims in forced labour",
    "victim_months": "victim-months at all destinations",
    "labour_share_of_trafficked": "share of persons trafficked for forced labour",
    "victims_identified": "victims identified",
    "convictions": "convictions",
    "gang_revenue_usd": "gang revenue (USD)",
    "births": "births at home",
    "deaths_home": "deaths at home",
    "population_home": "residents at home",
    "working_age_share": "working-age share (15-64)",
    "old_age_dependency_ratio": "old-age dependency ratio",
}

CHARTS = ("fan_charts.png", "effects.png")  # what ``write_comparison`` draws

EFFECT_COLUMNS = [
    "scenario", "metric", "baseline_mean", "scenario_mean", "effect", "ci_low", "ci_high",
    "relative_effect", "paired_ci_width", "unpaired_ci_width",
]  # fmt: skip


@dataclass
class Comparison:
    """The result of ``compare``: effects, one row per run, the monthly rows and the provenance."""

    base: str
    scenarios: list[str]  # the base first, then the alternatives
    effects: pd.DataFrame  # EFFECT_COLUMNS, one row per alternative and metric
    runs: pd.DataFrame  # scenario, replication, seed and every summary metric
    timeseries: pd.DataFrame  # scenario, replication and the monthly outputs
    manifest: dict


# what a policy reader calls the per-destination metrics ({d}: the destination's name)
DESTINATION_LABELS = {
    "victim_months_sexual_at_": "victim-months of sexual exploitation at {d}",
    "victim_months_labour_at_": "victim-months of forced labour at {d}",
    "victims_sexual_at_": "victims in sexual exploitation at {d}",
    "victims_labour_at_": "victims in forced labour at {d}",
}


def destination_metrics(destinations) -> list[str]:
    """The per-destination metrics a comparison reports by default: victim-months of sexual exploitation."""
    return [f"victim_months_sexual_at_{d}" for d in destinations]


# what a comparison of a run of several countries reports for each country by default
COUNTRY_METRICS = ("trafficked", "emigrants_irregular", "gang_revenue_usd", "bribes_usd", "convictions")
# what a country's own actor columns count (``MigrationModel.actor_row``)
COUNTRY_LABELS = {
    "gang_revenue_usd": "revenue of the gangs based there (USD)",
    "bribes_usd": "bribes paid by the gangs based there (USD)",
    "convictions": "convictions by its police",
}


def country_metrics(sc: Scenario) -> list[str]:
    """The per-country metrics a comparison of a run of several countries reports (``moldova:trafficked``)."""
    return [f"{c}:{m}" for c in sc.countries for m in COUNTRY_METRICS] if len(sc.countries) > 1 else []


def label(metric: str) -> str:
    country, sep, rest = metric.partition(":")
    if sep:
        name, _, when = label(rest).rpartition(", ")
        name = COUNTRY_LABELS.get(rest, name)
        return f"{name} in {country}, {when}"
    name = LABELS.get(metric)
    if name is None:
        prefix = next((p for p in DESTINATION_LABELS if metric.startswith(p)), None)
        name = DESTINATION_LABELS[prefix].format(d=metric[len(prefix):]) if prefix else metric
    when = "total" if lookup(metric).kind == "flow" else "over the run" if metric in RUN_RATIOS else "at end"
    return f"{name}, {when}"


def _half_width(se: float, df: float) -> float:
    """Half the width of a 95% t interval with standard error ``se`` and ``df`` degrees of freedom."""
    return 0.0 if se == 0 else float(stats.t.ppf(0.975, df) * se)


def paired_effects(runs: pd.DataFrame, base: str, metrics: tuple[str, ...] | list[str] = DEFAULT_METRICS) -> pd.DataFrame:
    """Effects of every other scenario in ``runs`` against ``base`` from replications paired by number.

    ``runs`` has columns ``scenario``, ``replication`` and the metrics. ``effect`` is the mean of the
    paired differences (scenario minus base), ``ci_low``/``ci_high`` its 95% t interval (width
    ``paired_ci_width``); ``unpaired_ci_width`` is the width of the Welch interval of the difference of
    means; ``relative_effect`` is effect / baseline mean (NaN when that mean is 0).
    """
    by = {name: g.set_index("replication").sort_index() for name, g in runs.groupby("scenario", sort=False)}
    if base not in by:
        raise ValueError(f"no runs of the base scenario {base!r}")
    rows = []
    for name, alt in by.items():
        if name == base:
            continue
        reps = by[base].index.intersection(alt.index)
        n = len(reps)
        for m in metrics:
            x, y = by[base].loc[reps, m].to_numpy(float), alt.loc[reps, m].to_numpy(float)
            d = y - x
            effect = float(d.mean())
            if n > 1:
                half = _half_width(float(d.std(ddof=1)) / math.sqrt(n), n - 1)
                vx, vy = x.var(ddof=1) / n, y.var(ddof=1) / n  # Welch: squared standard errors of the means
                welch_df = (vx + vy) ** 2 / ((vx**2 + vy**2) / (n - 1)) if vx + vy > 0 else n - 1
                unpaired = 2 * _half_width(math.sqrt(vx + vy), welch_df)
            else:
                half = unpaired = float("nan")
            base_mean = float(x.mean())
            rows.append({
                "scenario": name, "metric": m, "baseline_mean": base_mean, "scenario_mean": float(y.mean()),
                "effect": effect, "ci_low": effect - half, "ci_high": effect + half,
                "relative_effect": effect / base_mean if base_mean != 0 else float("nan"),
                "paired_ci_width": 2 * half, "unpaired_ci_width": unpaired,
            })  # fmt: skip
    return pd.DataFrame(rows, columns=EFFECT_COLUMNS)


def compare(
    base: Scenario | str | Path,
    alternatives: list[Scenario | str | Path],
    *,
    reps: int = 10,
    seed: int = 1,
    months: int | None = None,
    scale: float | None = None,
    overrides: dict[str, Any] | None = None,
    metrics: tuple[str, ...] | list[str] = DEFAULT_METRICS,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool | None = None,
    posterior: pd.DataFrame | None = None,
    labels: dict[str, str] | None = None,
    label: str = "compare",
) -> Comparison:
    """Run ``reps`` replications of ``base`` and each alternative (replication i: seed ``seed + i``).

    ``months``, ``scale`` and dotted ``overrides`` apply to every scenario; ``labels`` name them in
    messages (see ``sim.engine.runner.resolve``). With a ``posterior`` (``sim.studies.experiments.posterior.read_posterior``),
    replication i draws one parameter set, keyed by its seed, and applies it to every scenario alike.
    Raises ``ScenarioError`` for an invalid scenario or for scenarios that differ in horizon, start month
    or scale (``ExperimentError``), and ``RunsFailed`` if a run fails (a comparison needs every pair).
    ``progress`` shows the runs done on stderr (default: when it is a terminal), named ``label``.
    """
    if reps < 2:
        raise ExperimentError([f"--reps: a confidence interval needs at least 2 replications (got {reps})"])
    unknown = [m for m in metrics if lookup(m) is None]
    if unknown:
        raise ExperimentError([f"metrics: unknown output {m!r} (known: {', '.join(METRICS)})" for m in unknown])
    sources = [base, *alternatives]
    scenarios = [resolve(s, overrides, labels, months=months, scale=scale) for s in sources]
    mismatches = comparability_problems(scenarios, sources)
    if mismatches:
        raise ExperimentError(mismatches)
    if metrics is DEFAULT_METRICS:  # and where the victims are exploited, and in which country it happened
        metrics = [*DEFAULT_METRICS, *destination_metrics(scenarios[0].destinations), *country_metrics(scenarios[0])]
    names = [sc.name for sc in scenarios]
    if len(set(names)) < len(names):
        raise ExperimentError([f"scenarios: two scenarios are named {n!r}; give them distinct names" for n in sorted({n for n in names if names.count(n) > 1})])  # noqa: E501
    draws = None
    if posterior is not None:
        from sim.studies.experiments.posterior import draw

        draws = draw(posterior, [seed + i for i in range(reps)])
        sources = [base, *alternatives]

    def scenario(k: int, i: int) -> Scenario:
        if draws is None:
            return scenarios[k]
        return resolve(sources[k], {**(overrides or {}), **draws[i][1]}, months=months, scale=scale)

    specs = [
        RunSpec(k * reps + i, scenario(k, i), seed=seed + i, point=k, replication=i)
        for k in range(len(scenarios))
        for i in range(reps)
    ]
    with make_executor(workers, scheduler) as executor:
        outcomes = {o.run_id: o for o in run_all(specs, executor, progress=progress, label=label)}
    failed = [(s, outcomes[s.run_id]) for s in specs if outcomes[s.run_id].status != "ok"]
    if failed:
        s, o = failed[0]
        raise RunsFailed(f"{len(failed)} of {len(specs)} runs failed, e.g. {names[s.point]} replication {s.replication}: {o.error}")
    rows, frames = [], []
    for s in specs:
        df = outcomes[s.run_id].timeseries
        rows.append({"scenario": names[s.point], "replication": s.replication, "seed": s.seed, **summarise(df),
                     **summarise_countries(df)})  # fmt: skip
        frames.append(df.assign(scenario=names[s.point], replication=s.replication))
    runs = pd.DataFrame(rows)
    runs = runs[["scenario", "replication", "seed", *METRICS, *(c for c in runs.columns if c not in METRICS and lookup(c))]]
    ts = pd.concat(frames, ignore_index=True)
    ts = ts[["scenario", "replication", *[c for c in ts.columns if c not in ("scenario", "replication")]]]
    manifest = {
        "base": names[0],
        "alternatives": names[1:],
        "replications": reps,
        "seeds": [seed, seed + reps - 1],
        "metrics": list(metrics),
        "scenarios": {sc.name: sc.model_dump(mode="json") for sc in scenarios},
        "versions": versions(),
        "commit": git_commit(),
    }
    if draws is not None:
        manifest["posterior"] = {
            "file": posterior.attrs.get("file"), "sets": len(posterior),
            "keys": [k for k in posterior.columns if k != "weight"], "draws": [i for i, _ in draws],
        }  # fmt: skip
    return Comparison(names[0], names, paired_effects(runs, names[0], metrics), runs, ts, manifest)


# what paired runs must share, and the option that sets it for every scenario (None: no option)
COMMON = {"months": ("horizon", "--months"), "start": ("start month", None), "scale": ("scale", "--scale")}


def comparability_problems(scenarios: list[Scenario], sources: list) -> list[str]:
    """One line per alternative and value that differs from the base's: months, start or scale."""
    where = [str(s) if isinstance(s, str | Path) else f"<scenario {sc.name}>" for s, sc in zip(sources, scenarios)]
    base, problems = scenarios[0], []
    for sc, src in zip(scenarios[1:], where[1:]):
        for key, (what, option) in COMMON.items():
            mine, theirs = getattr(sc, key), getattr(base, key)
            if mine != theirs:
                fix = f" (or give {option} for all)" if option else ""
                show = lambda v: v if isinstance(v, str) else f"{v:,g}"  # noqa: E731
                problems.append(f"{src}: {key}: {show(mine)} differs from the base's {show(theirs)} ({where[0]}); "
                                f"compared runs need the same {what}{fix}")  # fmt: skip
    return problems


def comparison_displacement(c: Comparison) -> pd.DataFrame:
    """The share displaced of each alternative with a demand-side measure (``sim.studies.experiments.displacement``)."""
    return displacement(c.runs, c.manifest["scenarios"], c.base)


def write_comparison(c: Comparison, out: str | Path, plots: bool = True) -> Path:
    """Write ``effects.csv``, ``runs.csv``, ``timeseries.parquet``, ``costs.csv``, ``manifest.json``,
    ``displacement.csv`` (with a demand-side measure) and the charts (``CHARTS``) into ``out``
    (``read_comparison`` reads the folder back).

    Without ``plots``, the charts of an earlier comparison in ``out`` are removed.
    """
    from sim.engine.runner import check_output_folder

    out = check_output_folder(out)
    out.mkdir(parents=True, exist_ok=True)
    atomic_write(out / "effects.csv", lambda p: c.effects.to_csv(p, index=False))
    atomic_write(out / "runs.csv", lambda p: c.runs.to_csv(p, index=False))
    atomic_write(out / "timeseries.parquet", lambda p: c.timeseries.to_parquet(p, index=False))
    write_text(out / "manifest.json", json.dumps(c.manifest, indent=2) + "\n")
    from sim.studies.experiments.costs import cost_effectiveness

    atomic_write(out / "costs.csv", lambda p: cost_effectiveness(c).to_csv(p, index=False))
    shifted = comparison_displacement(c)
    if shifted.empty:
        (out / "displacement.csv").unlink(missing_ok=True)
    else:
        atomic_write(out / "displacement.csv", lambda p: shifted.to_csv(p, index=False))
    if plots:
        from sim.studies.experiments.plots import effects_chart, fan_charts

        atomic_write(out / "fan_charts.png", lambda p: fan_charts(c.timeseries, c.scenarios, p))
        atomic_write(out / "effects.png", lambda p: effects_chart(c.effects, c.base, p))
    else:
        for name in CHARTS:
            (out / name).unlink(missing_ok=True)
    return out


COMPARISON_FILES = ("manifest.json", "effects.csv", "runs.csv", "timeseries.parquet")


def read_comparison(folder: str | Path) -> Comparison:
    """The ``Comparison`` that ``write_comparison`` wrote into ``folder`` (effects as stored, not recomputed).

    Raises ``ExperimentError`` with one ``FILE: key: message`` line per problem.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ExperimentError([f"{folder}: {'not a folder' if folder.exists() else 'folder not found'} "
                               "(give the folder of an earlier sim compare)"])  # fmt: skip
    problems: list[str] = []
    for name in COMPARISON_FILES:
        if not (folder / name).is_file():
            problems.append(f"{folder / name}: file not found (sim compare writes it)")
    if problems:
        raise ExperimentError(problems)
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        effects = pd.read_csv(folder / "effects.csv")
        runs = pd.read_csv(folder / "runs.csv")
        ts = pd.read_parquet(folder / "timeseries.parquet")
    except (OSError, ValueError, UnicodeDecodeError) as e:
        raise ExperimentError([f"{folder}: cannot read the comparison ({e.__class__.__name__}: {e})"]) from None
    need = {
        "manifest.json": (manifest if isinstance(manifest, dict) else {},
                          ["base", "alternatives", "replications", "seeds", "scenarios"]),
        "effects.csv": (effects, EFFECT_COLUMNS),
        "runs.csv": (runs, ["scenario", "replication", "seed"]),
        "timeseries.parquet": (ts, ["scenario", "replication", "month", "date"]),
    }  # fmt: skip
    for name, (table, keys) in need.items():
        have = table.keys() if isinstance(table, dict) else table.columns
        problems += [f"{folder / name}: {k}: missing" for k in keys if k not in have]
    if problems:
        raise ExperimentError(problems)
    names = [manifest["base"], *manifest["alternatives"]]
    for name in names:
        if name not in manifest["scenarios"]:
            problems.append(f"{folder / 'manifest.json'}: scenarios.{name}: missing")
        for table, file in ((runs, "runs.csv"), (ts, "timeseries.parquet")):
            if not (table["scenario"] == name).any():
                problems.append(f"{folder / file}: scenario: no rows of {name!r}")
    if problems:
        raise ExperimentError(problems)
    return Comparison(names[0], names, effects, runs, ts, manifest)




def base_resolution(c: Comparison) -> Resolution:
    """The resolution of the base scenario's runs (``sim.engine.resolution``): its persons trafficked a year,
    the mean over the replications, in person-agents at the comparison's scale."""
    return resolution(c.timeseries[c.timeseries["scenario"] == c.base], c.manifest["scenarios"][c.base]["scale"])


def effects_table(c: Comparison) -> str:
    """The effects as a plain-text table a policy reader can read."""
    dates = c.timeseries.loc[c.timeseries["month"] > 0, "date"]
    reps = c.manifest["replications"]
    lo, hi = c.manifest["seeds"]
    sc = c.manifest["scenarios"][c.base]
    lines = [
        f"Effects against {c.base}: {reps} paired replications (seeds {lo}-{hi}), {dates.min()} to {dates.max()} "
        f"({sc['months']} months), scale {sc['scale']:g}",
        f"effect = scenario minus {c.base} (mean of the paired differences), with its 95% confidence interval;",
        ("* marks an interval that excludes zero (the change is unlikely to be chance); an effect is shown with "
         "more decimals when its interval would otherwise read as zero."),
    ]
    if (note := band_caution(int(reps))) is not None:
        lines.append(note + " (the fan charts)")
    names = {m: label(m) + (" (%)" if lookup(m).unit in ("share", "0-1") else "") for m in c.effects["metric"]}
    width = max(map(len, names.values()))
    col = max(13, *(len(n) for n in c.scenarios))
    for name, g in c.effects.groupby("scenario", sort=False):
        lines += ["", name, f"  {'':<{width}}  {c.base:>{col}}  {name:>{col}}  {'effect':>{col}}   {'95% CI':<28}  change"]
        for r in g.itertuples():
            m = r.metric
            star = "*" if distinguishable(m, r.ci_low, r.ci_high) else " "
            d = effect_decimals(m, r.ci_low, r.ci_high)
            ci = f"[{number(m, r.ci_low, True, d)}, {number(m, r.ci_high, True, d)}]"
            change = percent(r.relative_effect, sign=True)
            lines.append(
                f"  {names[m]:<{width}}  {number(m, r.baseline_mean):>{col}}  {number(m, r.scenario_mean):>{col}}  "
                f"{number(m, r.effect, True, d):>{col}}{star}  {ci:<28}  {change}"
            )
    lines += displacement_lines(comparison_displacement(c))
    return "\n".join(lines)
