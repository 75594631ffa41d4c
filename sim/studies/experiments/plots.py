"""Charts of experiments: fan charts, effects and cost against effect of a comparison, sweep responses,
sensitivity bars.

The ``*_figure`` functions draw a chart; the CLI writes it as PNG (atomically: a complete file or none)
and the brief inlines it as SVG (``svg``), so both show the same chart.
"""

from __future__ import annotations

import io
import math
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from sim.engine.plots import thousands  # noqa: E402
from sim.studies.experiments.compare import label  # noqa: E402
from sim.studies.experiments.design import Experiment  # noqa: E402
from sim.studies.experiments.formatting import band_caution  # noqa: E402
from sim.studies.experiments.store import atomic_write  # noqa: E402

# the series of the fan charts: title and how to compute it from one run's monthly rows
FAN_SERIES = (
    ("residents at home (million)", lambda d: d["population_home"] / 1e6),
    ("true victims in exploitation (sexual + labour)", lambda d: d["victims_sexual"] + d["victims_labour"]),
    ("persons trafficked, cumulative", lambda d: d["trafficked"].cumsum()),
    ("emigrants (legal + irregular), cumulative", lambda d: (d["emigrants_legal"] + d["emigrants_irregular"]).cumsum()),
)


def _save(fig, path: Path) -> Path:
    if fig.get_layout_engine() is None:
        fig.tight_layout()
    atomic_write(Path(path), lambda p: fig.savefig(p, dpi=100, format="png"))
    plt.close(fig)
    return Path(path)


def svg(fig, name: str = "figure") -> str:
    """The figure as an inline ``<svg>`` element (no XML prolog, no metadata, ids unique to ``name``)."""
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": name, "svg.fonttype": "none"}):
        if fig.get_layout_engine() is None:
            fig.tight_layout()
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    plt.close(fig)
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    return re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S)


def fan_charts(ts: pd.DataFrame, scenarios: list[str], path: str | Path) -> Path:
    """Median and 90% band (5th-95th percentile over replications) of the main series per scenario."""
    return _save(fan_figure(ts, scenarios), path)


def fan_figure(ts: pd.DataFrame, scenarios: list[str]):
    """The fan charts: one panel per series of ``FAN_SERIES``, a median line and a 90% band per scenario.

    The base (``scenarios[0]``) is drawn last, in black, so that no alternative hides it; alternative k
    is in colour ``C{k-1}`` in every chart of a comparison.
    """
    fig, axes = plt.subplots(2, 2, figsize=(11, 7.5), sharex=True, layout="constrained")
    reps = ts.groupby("scenario")["replication"].nunique().min()
    order = [*range(1, len(scenarios)), 0]  # alternatives first, the base on top
    for k in order:
        name = scenarios[k]
        color = "k" if k == 0 else f"C{k - 1}"
        runs = ts[ts["scenario"] == name]
        dates = pd.to_datetime(runs.loc[runs["replication"] == runs["replication"].min(), "date"], format="%Y-%m")
        for ax, (title, series) in zip(axes.flat, FAN_SERIES):
            values = np.stack([series(g).to_numpy(float) for _, g in runs.groupby("replication")])
            lo, mid, hi = np.percentile(values, [5, 50, 95], axis=0)
            ax.fill_between(dates, lo, hi, color=color, alpha=0.15 if k == 0 else 0.25, linewidth=0, zorder=2 * (k == 0) + 1)
            ax.plot(dates, mid, color=color, linewidth=2 if k == 0 else 1.3, zorder=2 * (k == 0) + 2,
                    label=f"{name} (base)" if k == 0 else name)  # fmt: skip
            ax.set_title(title, fontsize=10)
            if "million" not in title:
                thousands(ax)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    handles, labels = [handles[-1], *handles[:-1]], [labels[-1], *labels[:-1]]  # the base first
    fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 4), fontsize=9, frameon=False)
    fig.suptitle(f"Median and 90% band over {reps} replication{'' if reps == 1 else 's'} per scenario", fontsize=11)
    if (note := band_caution(int(reps))) is not None:
        fig.supxlabel(note, fontsize=9, color="#a0522d")  # under the panels, above the legend
    return fig


def relative_effects(e: pd.DataFrame) -> pd.DataFrame:
    """``effect``, ``low`` and ``high`` in percent of the baseline mean (NaN where that mean is 0).

    No metric falls below zero, so no change is below -100%: a t interval's lower end past it is cut there.
    """
    scale = e["baseline_mean"].where(e["baseline_mean"] != 0) / 100
    return pd.DataFrame({
        "effect": e["effect"] / scale, "low": (e["ci_low"] / scale).clip(lower=-100), "high": e["ci_high"] / scale,
    })  # fmt: skip


def effects_chart(effects: pd.DataFrame, base: str, path: str | Path) -> Path:
    """Relative effect of each alternative on each metric, with its 95% interval (``relative_effects``)."""
    return _save(effects_figure(effects, base), path)


def effects_figure(effects: pd.DataFrame, base: str):
    """Relative effect of each alternative on each metric (points) with its 95% interval (bars), each
    alternative in its colour of the fan charts."""
    metrics = list(dict.fromkeys(effects["metric"]))
    names = list(dict.fromkeys(effects["scenario"]))
    fig, ax = plt.subplots(figsize=(9, 1.2 + 0.45 * len(metrics) * max(1, len(names) / 2)))
    step = 0.7 / max(1, len(names))
    for k, name in enumerate(names):
        r = relative_effects(effects[effects["scenario"] == name].set_index("metric").loc[metrics])
        y = np.arange(len(metrics)) + (k - (len(names) - 1) / 2) * step
        # a fall of 100% (the metric at zero in every run) can sit a rounding error below the cut interval
        err = np.clip(np.vstack([r["effect"] - r["low"], r["high"] - r["effect"]]), 0, None)
        ax.errorbar(r["effect"], y, xerr=err, fmt="o", color=f"C{k}", capsize=3, label=name)
    ax.axvline(0, color="k", linewidth=0.8)
    ax.set_yticks(range(len(metrics)), [label(m) for m in metrics], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(f"change against {base} (%), with 95% interval (cut at -100%)")
    ax.legend(fontsize=8, loc="lower left", bbox_to_anchor=(1.01, 0), frameon=False)
    return fig


def cost_effect_figure(ce: pd.DataFrame, names: list[str] | None = None):
    """Added cost (x, USD million) against persons trafficked averted (y), both with 95% intervals.

    ``ce`` is ``sim.studies.experiments.costs.cost_effectiveness``; colours follow ``names`` (all scenarios of
    the comparison, base first) as in the fan charts.
    """
    names = names or ["", *ce["scenario"]]
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    for r in ce.itertuples():
        k = names.index(r.scenario) - 1  # the colour of the alternative in the fan charts
        x, y = r.cost / 1e6, r.averted
        xerr = [[x - r.cost_ci_low / 1e6], [r.cost_ci_high / 1e6 - x]]
        yerr = [[y - r.averted_ci_low], [r.averted_ci_high - y]]
        ax.errorbar([x], [y], xerr=xerr, yerr=yerr, fmt="o", color=f"C{k}", capsize=3, label=r.scenario)
    ax.axhline(0, color="k", linewidth=0.8)
    ax.set_xlim(left=min(0, ax.get_xlim()[0]))
    ax.set_xlabel("added cost (USD million)")
    ax.set_ylabel("persons trafficked averted")
    ax.set_title("Cost against effect, with 95% intervals (above the line: fewer persons trafficked)", fontsize=10)
    ax.legend(fontsize=8, loc="lower left", bbox_to_anchor=(1.01, 0), frameon=False)
    return fig


def _grid_axes(n: int, width: float = 3.2, height: float = 2.8):
    cols = min(5, n)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(width * cols, height * rows + 0.6), squeeze=False)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, axes.flat


def sweep_plots(exp: Experiment, runs: pd.DataFrame, out: str | Path) -> list[Path]:
    """``sweep_<metric>.png``: the metric's response to each parameter (mean over the other runs).

    A grid over two parameters gives one panel with a line per level of the second; another grid a
    panel per parameter; a sampler a scatter per parameter (mean over replications per point).
    """
    ok = runs[runs["status"] == "ok"]
    if ok.empty:
        return []
    keys, paths = exp.keys, []
    for m in exp.metrics:
        if exp.design == "grid" and len(keys) == 2:
            fig, axes = _grid_axes(1, 8, 4)
            ax = axes[0]
            means = ok.groupby(keys, sort=False)[m].mean().unstack(keys[1])
            for k, col in enumerate(means.columns):
                ax.plot(range(len(means)), means[col], "o-", color=f"C{k}", label=str(col))
            ax.set_xticks(range(len(means)), [str(v) for v in means.index])
            ax.set(xlabel=keys[0], ylabel=f"{label(m)} (mean)")
            thousands(ax)
            ax.legend(title=keys[1], fontsize=8, title_fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
        else:
            fig, axes = _grid_axes(len(keys))
            for ax, key in zip(axes, keys):
                if exp.design == "grid":
                    means = ok.groupby(key, sort=False)[m].mean()
                    ax.plot(range(len(means)), means.to_numpy(), "o-")
                    ax.set_xticks(range(len(means)), [str(v) for v in means.index])
                else:
                    points = ok.groupby("point")[[key, m]].mean()
                    ax.plot(points[key], points[m], ".", alpha=0.6)
                ax.set_xlabel(key, fontsize=8)
                thousands(ax)
            axes[0].set_ylabel(label(m), fontsize=8)
        fig.suptitle(f"{exp.name}: {label(m)}", fontsize=10)
        paths.append(_save(fig, Path(out) / f"sweep_{m}.png"))
    return paths


def sensitivity_charts(indices: pd.DataFrame, out: str | Path) -> list[Path]:
    """``indices_<metric>.png``: Sobol S1 and ST, or Morris mu* and sigma, per parameter with intervals."""
    sobol = "ST" in indices.columns
    paths = []
    for m, g in indices.groupby("metric", sort=False):
        g = g.sort_values("ST" if sobol else "mu_star")
        fig, ax = plt.subplots(figsize=(8, 1 + 0.4 * len(g)))
        y = np.arange(len(g))
        if sobol:
            ax.barh(y - 0.2, g["S1"], 0.4, xerr=g["S1_conf"], capsize=2, label="first order S1")
            ax.barh(y + 0.2, g["ST"], 0.4, xerr=g["ST_conf"], capsize=2, label="total order ST")
            ax.set_xlabel("Sobol index (95% interval)")
        else:
            ax.barh(y - 0.2, g["mu_star"], 0.4, xerr=g["mu_star_conf"], capsize=2, label="mu* (mean |elementary effect|)")
            ax.barh(y + 0.2, g["sigma"], 0.4, label="sigma (non-linearity, interactions)")
            ax.set_xlabel(f"elementary effect on {m}")
        ax.set_yticks(y, g["parameter"], fontsize=8)
        ax.set_title(label(m), fontsize=10)
        ax.legend(fontsize=8, loc="lower right")
        paths.append(_save(fig, Path(out) / f"indices_{m}.png"))
    return paths
