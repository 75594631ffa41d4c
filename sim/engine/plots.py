"""Plots of one run (PNG): the pictures a reader wants first.

Legends sit below the axes, never on the lines; counts carry thousands separators.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sim.engine.charts import BY_CHART, COUNTRIES_FILE, RUN_CHARTS

# what ``run_plots`` writes
TICK_DECIMALS = 6  # the most decimals a tick label shows (trailing zeros dropped)
PLOT_FILES = (*(c.file for c in RUN_CHARTS if c.file is not None), COUNTRIES_FILE)


MILLION = 1e6
LEGEND_COLUMNS = 4  # at most, in a legend below the axes


def _dates(df: pd.DataFrame):
    return pd.to_datetime(df["date"], format="%Y-%m")


def tick(v: float) -> str:
    """A tick's value exactly, with thousands separators and no trailing zeros: 1,200,000, 97.5, 0.25."""
    text = f"{float(v) + 0.0:,.{TICK_DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def several_countries(df: pd.DataFrame) -> bool:
    """Whether a run has more than one source country (``countries.png`` is drawn only then)."""
    return "by_country" in df.attrs and len(set(df.attrs["by_country"].get("country", []))) > 1


def thousands(ax, axis: str = "y") -> None:
    """Tick labels of ``axis`` with thousands separators (1,200,000)."""
    from matplotlib.ticker import FuncFormatter

    fmt = FuncFormatter(lambda v, _: tick(v))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def legend_below(fig, axes, ncols: int | None = None) -> None:
    """One legend for ``axes`` (a list), below the plotting area, outside every line."""
    handles, labels = [], []
    for ax in axes:
        h, la = ax.get_legend_handles_labels()
        handles += h
        labels += la
    ncols = ncols or min(len(labels), LEGEND_COLUMNS)
    fig.legend(handles, labels, loc="outside lower center", ncols=ncols, fontsize=9, frameon=False)


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
    """Write the files of ``PLOT_FILES`` (outflows, victims, population, enforcement, and the source
    countries side by side when there are several); return their paths."""
    from matplotlib.ticker import MaxNLocator

    out = Path(out_dir)
    name = df.attrs.get("provenance", {}).get("scenario", {}).get("name", "")
    body = df[df["month"] > 0]
    x = _dates(body)
    yearly = lambda cols: body.assign(year=x.dt.year).groupby("year")[cols].sum()  # noqa: E731
    paths = []

    chart = BY_CHART["outflows"]
    labels = chart.file_labels
    *outflows, returns = labels  # the channels stacked, returns as a line
    fig, ax = _figure()
    y = yearly(list(labels))
    ax.stackplot(y.index, *(y[c] for c in outflows), labels=[labels[c] for c in outflows], alpha=0.85)
    ax.plot(y.index, y[returns], "k--", label=labels[returns])
    ax.set(title=f"{chart.file_title} ({name})", ylabel=chart.file_unit)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    thousands(ax)
    legend_below(fig, [ax])
    _save(fig, out / chart.file)
    paths.append(out / chart.file)

    chart = BY_CHART["victims"]
    labels = chart.file_labels
    fig, ax = _figure()
    xs = _dates(df)
    ax.plot(xs, df["victims_sexual"], label=labels["victims_sexual"])
    ax.plot(xs, df["victims_labour"], label=labels["victims_labour"])
    ax.plot(xs, df["victims_peacekeeping"], ":", label=labels["victims_peacekeeping"])
    ax.plot(xs, df["victims_identified"].cumsum(), "--", label=labels["victims_identified"])
    ax.set(title=f"{chart.file_title} ({name})", ylabel=chart.file_unit)
    thousands(ax)
    legend_below(fig, [ax], ncols=2)
    _save(fig, out / chart.file)
    paths.append(out / chart.file)

    chart = BY_CHART["population"]
    labels = chart.file_labels
    fig, ax = _figure()
    (residents,) = chart.left
    ax.plot(xs, df[residents] / MILLION, color="C0", label=labels[residents])
    ax.set(title=f"{chart.file_title} ({name})", ylabel=chart.file_unit)
    ax2 = ax.twinx()
    for i, c in enumerate(chart.right, start=1):
        ax2.plot(xs, df[c], color=f"C{i}", label=labels[c])
    ax2.set_ylabel(chart.file_right_unit)
    legend_below(fig, [ax, ax2], ncols=2)
    _save(fig, out / chart.file)
    paths.append(out / chart.file)

    chart = BY_CHART["enforcement"]
    labels = chart.file_labels
    fig, ax = _figure()
    y = yearly(list(labels))
    for c in y.columns:
        ax.plot(y.index, y[c], marker="o", label=labels[c])
    ax.set(title=f"{chart.file_title} ({name})", ylabel=chart.file_unit)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    thousands(ax)
    legend_below(fig, [ax])
    _save(fig, out / chart.file)
    paths.append(out / chart.file)
    if several_countries(df):
        paths.append(country_plot(pd.DataFrame(df.attrs["by_country"]), name, out / COUNTRIES_FILE))
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
        ax.yaxis.set_major_locator(MaxNLocator(steps=[1, 2, 5, 10]))  # ticks at round steps (no 2.5)
        thousands(ax)
    fig.suptitle(f"Source countries side by side ({name})")
    legend_below(fig, [axes.flat[0]])
    _save(fig, path)
    return path
