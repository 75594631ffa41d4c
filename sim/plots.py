"""Plots of one run (PNG): the pictures a reader wants first."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402


def _dates(df: pd.DataFrame):
    return pd.to_datetime(df["date"], format="%Y-%m")


def _save(fig, path: Path) -> None:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def run_plots(df: pd.DataFrame, out_dir: str | Path) -> list[Path]:
    """Write outflows.png, victims.png, population.png and enforcement.png; return their paths."""
    out = Path(out_dir)
    name = df.attrs.get("provenance", {}).get("scenario", {}).get("name", "")
    body = df[df["month"] > 0]
    x = _dates(body)
    yearly = lambda cols: body.assign(year=x.dt.year).groupby("year")[cols].sum()  # noqa: E731
    paths = []

    fig, ax = plt.subplots(figsize=(8, 4.5))
    y = yearly(["emigrants_legal", "emigrants_irregular", "trafficked", "returns"])
    ax.stackplot(y.index, y["emigrants_legal"], y["emigrants_irregular"], y["trafficked"],
                 labels=["legal", "irregular", "trafficked"], alpha=0.85)  # fmt: skip
    ax.plot(y.index, y["returns"], "k--", label="returns")
    ax.set(title=f"Outflows by channel, per year ({name})", ylabel="persons per year")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(loc="upper left")
    _save(fig, out / "outflows.png")
    paths.append(out / "outflows.png")

    fig, ax = plt.subplots(figsize=(8, 4.5))
    xs = _dates(df)
    ax.plot(xs, df["victims_sexual"], label="in sexual exploitation (true)")
    ax.plot(xs, df["victims_labour"], label="in forced labour (true)")
    ax.plot(xs, df["victims_peacekeeping"], ":", label="sexual, at destinations with troops")
    ax.plot(xs, df["victims_identified"].cumsum(), "--", label="identified, cumulative (detected)")
    ax.set(title=f"Victims of trafficking ({name})", ylabel="persons")
    ax.legend(loc="upper left")
    _save(fig, out / "victims.png")
    paths.append(out / "victims.png")

    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.plot(xs, df["population_home"] / 1e6, color="C0", label="residents")
    ax.set(title=f"Population at home ({name})", ylabel="million residents")
    ax2 = ax.twinx()
    ax2.plot(xs, df["working_age_share"], color="C1", label="working-age share (15-64)")
    ax2.plot(xs, df["old_age_dependency_ratio"], color="C2", label="old-age dependency ratio")
    ax2.set_ylabel("share / ratio")
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, loc="lower left")
    _save(fig, out / "population.png")
    paths.append(out / "population.png")

    fig, ax = plt.subplots(figsize=(8, 4.5))
    y = yearly(["arrests", "prosecutions", "convictions"])
    for c in y.columns:
        ax.plot(y.index, y[c], marker="o", label=c)
    ax.set(title=f"Enforcement per year ({name})", ylabel="persons per year")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(loc="upper left")
    _save(fig, out / "enforcement.png")
    paths.append(out / "enforcement.png")
    return paths
