"""Plots of one run (PNG): the pictures a reader wants first.

Legends sit below the axes, never on the lines; counts carry thousands separators.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

# what ``run_plots`` writes
PLOT_FILES = ("outflows.png", "victims.png", "population.png", "enforcement.png", "countries.png")


def _dates(df: pd.DataFrame):
    return pd.to_datetime(df["date"], format="%Y-%m")


def thousands(ax, axis: str = "y") -> None:
    """Tick labels of ``axis`` with thousands separators (1,200,000)."""
    from matplotlib.ticker import FuncFormatter

    fmt = FuncFormatter(lambda v, _: f"{v:,.0f}" if abs(v) >= 1000 or v == int(v) else f"{v:,.2g}")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def legend_below(fig, axes, ncols: int | None = None) -> None:
    """One legend for ``axes`` (a list), below the plotting area, outside every line."""
    handles, labels = [], []
    for ax in axes:
        h, la = ax.get_legend_handles_labels()
        handles += h
        labels += la
    fig.legend(handles, labels, loc="outside lower center", ncols=ncols or min(len(labels), 4), fontsize=9, frameon=False)


def _figure():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(8, 5), layout="constrained")


def _save(fig, path: Path) -> None:
    import matplotlib.pyplot as plt

    fig.savefig(path, dpi=110)
    plt.close(fig)


def run_plots(df: pd.DataFrame, out_dir: str | Path) -> list[Path]:
    """Write the files of ``PLOT_FILES`` (outflows, victims, population, enforcement, the source countries
    side by side); return their paths."""
    from matplotlib.ticker import MaxNLocator

    out = Path(out_dir)
    name = df.attrs.get("provenance", {}).get("scenario", {}).get("name", "")
    body = df[df["month"] > 0]
    x = _dates(body)
    yearly = lambda cols: body.assign(year=x.dt.year).groupby("year")[cols].sum()  # noqa: E731
    paths = []

    fig, ax = _figure()
    y = yearly(["emigrants_legal", "emigrants_irregular", "trafficked", "returns"])
    ax.stackplot(y.index, y["emigrants_legal"], y["emigrants_irregular"], y["trafficked"],
                 labels=["legal", "irregular", "trafficked"], alpha=0.85)  # fmt: skip
    ax.plot(y.index, y["returns"], "k--", label="returns")
    ax.set(title=f"Outflows by channel, per year ({name})", ylabel="persons per year")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    thousands(ax)
    legend_below(fig, [ax])
    _save(fig, out / "outflows.png")
    paths.append(out / "outflows.png")

    fig, ax = _figure()
    xs = _dates(df)
    ax.plot(xs, df["victims_sexual"], label="in sexual exploitation (true)")
    ax.plot(xs, df["victims_labour"], label="in forced labour (true)")
    ax.plot(xs, df["victims_peacekeeping"], ":", label="sexual, at destinations with troops")
    ax.plot(xs, df["victims_identified"].cumsum(), "--", label="identified, cumulative (detected)")
    ax.set(title=f"Victims of trafficking ({name})", ylabel="persons")
    thousands(ax)
    legend_below(fig, [ax], ncols=2)
    _save(fig, out / "victims.png")
    paths.append(out / "victims.png")

    fig, ax = _figure()
    ax.plot(xs, df["population_home"] / 1e6, color="C0", label="residents (left axis)")
    ax.set(title=f"Population at home ({name})", ylabel="million residents")
    ax2 = ax.twinx()
    ax2.plot(xs, df["working_age_share"], color="C1", label="working-age share (15-64, right axis)")
    ax2.plot(xs, df["old_age_dependency_ratio"], color="C2", label="old-age dependency ratio (right axis)")
    ax2.set_ylabel("share / ratio")
    legend_below(fig, [ax, ax2], ncols=2)
    _save(fig, out / "population.png")
    paths.append(out / "population.png")

    fig, ax = _figure()
    y = yearly(["arrests", "prosecutions", "convictions"])
    for c in y.columns:
        ax.plot(y.index, y[c], marker="o", label=c)
    ax.set(title=f"Enforcement per year ({name})", ylabel="persons per year")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    thousands(ax)
    legend_below(fig, [ax])
    _save(fig, out / "enforcement.png")
    paths.append(out / "enforcement.png")
    if "by_country" in df.attrs:
        paths.append(country_plot(pd.DataFrame(df.attrs["by_country"]), name, out / "countries.png"))
    return paths


def country_plot(by: pd.DataFrame, name: str, path: Path) -> Path:
    """The source countries side by side (a line each): emigration and trafficking per year relative to
    residents at the start, residents, and victims identified per year."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    fig, axes = plt.subplots(2, 2, figsize=(10, 7), layout="constrained", sharex=True)
    panels = [
        ("emigrants (legal and irregular) per 1,000 residents",
         lambda g, r: (g["emigrants_legal"] + g["emigrants_irregular"]) / r * 1e3),
        ("persons trafficked per 100,000 residents", lambda g, r: g["trafficked"] / r * 1e5),
        ("residents, % of the start", None),
        ("victims identified (detected) per year", lambda g, r: g["victims_identified"]),
    ]  # fmt: skip
    for country, part in by.groupby("country", sort=False):
        part = part.sort_values("month")
        residents0 = float(part["population_home"].iloc[0]) or 1.0
        body = part[part["month"] > 0]
        years = pd.to_datetime(body["date"], format="%Y-%m").dt.year
        for ax, (title, f) in zip(axes.flat, panels):
            if f is None:
                ends = body.assign(year=years).groupby("year")["population_home"].last()
                ax.plot(ends.index, ends / residents0 * 100, label=country)
            else:
                yearly = body.assign(year=years).groupby("year")[list(body.columns)].sum(numeric_only=True)
                ax.plot(yearly.index, f(yearly, residents0), label=country)
            ax.set_title(title, fontsize=10)
    for ax in axes.flat:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        thousands(ax)
    fig.suptitle(f"Source countries side by side ({name})")
    legend_below(fig, [axes.flat[0]])
    _save(fig, path)
    return path
