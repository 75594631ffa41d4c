"""The run's charts on the page: the declared run charts (``sim.engine.charts``) drawn from a run's table."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from sim.core.outputs import BY_NAME
from sim.engine.charts import RUN_CHARTS, RunChart

CHARTS: tuple[RunChart, ...] = RUN_CHARTS
DETECTED = ("interdicted", "rescued")  # outputs counted when the authorities find them


def columns(df: pd.DataFrame, names: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for n in names:
        found = [c for c in df.columns if c.startswith(n[:-1])] if n.endswith("*") else [n] if n in df.columns else []
        out += [c for c in found if c not in out]
    return out


def _legend(name: str, cumulative: bool) -> str:
    o = BY_NAME.get(name)
    if o is None:
        return name
    detected = " (detected)" if name in DETECTED else ""
    running = ", cumulative" if cumulative and o.kind == "flow" else ""
    return f"{o.description}{detected}{running}"


def _unit(names: list[str]) -> str:
    units = []
    for n in names:
        o = BY_NAME.get(n)
        u = (o.unit + (" per month" if o.kind == "flow" else "")) if o else ""
        if u and u not in units:
            units.append(u)
    return " / ".join(units)


def chart_figure(df: pd.DataFrame, chart: RunChart) -> Figure | None:
    """The chart's figure, or None when the run has none of its outputs."""
    left, right = columns(df, chart.left), columns(df, chart.right)
    if not left and not right:
        return None
    fig = Figure(figsize=(6.4, 3.3), dpi=90, layout="constrained")
    ax = fig.subplots()
    x = pd.to_datetime(df["date"], format="%Y-%m")
    # the second axis draws dashed; so do running totals of flows
    axes = [(ax, left, "-"), (ax.twinx(), right, "--")] if left and right else [(ax, left or right, "-")]
    handles = []
    for a, cols, style in axes:
        for c in cols:
            running = chart.cumulative and c in BY_NAME and BY_NAME[c].kind == "flow"
            y = df[c].cumsum() if running else df[c]
            (h,) = a.plot(x, y, "--" if running else style, label=_legend(c, chart.cumulative),
                          color=f"C{len(handles) % 10}")  # fmt: skip
            handles.append(h)
        a.set_ylabel(_unit(cols), fontsize=8)
        a.tick_params(labelsize=7)
    ax.set_title(chart.title, fontsize=10)
    ax.legend(handles=handles, fontsize=6.5, loc="best")
    return fig
