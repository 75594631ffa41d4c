"""The charts of one run, declared once: read by the PNGs of ``sim run`` (``sim.engine.plots``) and by the
dashboard's page (``sim.dashboard.charts``).

A chart names the outputs it draws (``sim.core.outputs``; a name ending in ``*`` takes every column with
that prefix), on a left and an optional right axis. The page draws every column it finds, in monthly
values (flows as running totals when ``cumulative``), under ``title``; the PNG ``file`` draws the outputs
of ``file_labels`` (the legend of each) under ``file_title`` and the scenario's name, with the y-axis
labels ``file_unit`` and ``file_right_unit``. A chart with no ``file`` is on the page only.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RunChart:
    """One chart of a run: its outputs, titles and units (see the module's doc)."""

    name: str
    title: str
    left: tuple[str, ...]
    right: tuple[str, ...] = ()  # on a second axis
    cumulative: bool = False  # the page draws flows as running totals
    file: str | None = None
    file_title: str = ""
    file_unit: str = ""
    file_right_unit: str = ""
    file_labels: dict[str, str] = field(default_factory=dict, hash=False)  # output -> its legend in the PNG


RUN_CHARTS: tuple[RunChart, ...] = (
    RunChart(
        "outflows", "Outflows by channel", ("emigrants_legal", "emigrants_irregular", "trafficked", "returns"),
        file="outflows.png", file_title="Outflows by channel, per year", file_unit="persons per year",
        file_labels={"emigrants_legal": "legal", "emigrants_irregular": "irregular", "trafficked": "trafficked",
                     "returns": "returns"},
    ),
    RunChart(
        "victims", "Victims: true (stocks) and detected (cumulative)",
        ("victims_sexual", "victims_labour", "victims_peacekeeping", "victims_sexual_at_*", "victims_identified",
         "interdicted", "rescued"),
        cumulative=True, file="victims.png", file_title="Victims of trafficking", file_unit="persons",
        file_labels={"victims_sexual": "in sexual exploitation (true)", "victims_labour": "in forced labour (true)",
                     "victims_peacekeeping": "sexual, at destinations with troops",
                     "victims_identified": "identified, cumulative (detected)"},
    ),
    RunChart(
        "population", "Population at home and working-age share", ("population_home",),
        ("working_age_share", "old_age_dependency_ratio"),
        file="population.png", file_title="Population at home", file_unit="million residents",
        file_right_unit="share / ratio",
        file_labels={"population_home": "residents (left axis)",
                     "working_age_share": "working-age share (15-64, right axis)",
                     "old_age_dependency_ratio": "old-age dependency ratio (right axis)"},
    ),
    RunChart(
        "enforcement", "Enforcement", ("arrests", "prosecutions", "convictions"),
        file="enforcement.png", file_title="Enforcement per year", file_unit="persons per year",
        file_labels={"arrests": "arrests", "prosecutions": "prosecutions", "convictions": "convictions"},
    ),
    RunChart(
        "prices", "Prices, gangs' revenue, contraband and bribes",
        ("gang_revenue_usd", "contraband_usd", "contraband_seized_usd", "bribes_usd", "bribes_courts_usd"),
        ("price_*",),
    ),
)  # fmt: skip

BY_CHART = {c.name: c for c in RUN_CHARTS}
COUNTRIES_FILE = "countries.png"  # the source countries side by side (a run of several countries)
