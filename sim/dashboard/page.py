"""The dashboard: pick a scenario, set its main levers, run it or step it month by month, compare it with
the baseline, download its table. ``sim dashboard`` serves this module's ``routes`` (Solara).

The page computes nothing of its own: a run is ``sim.run``, stepping is ``MigrationModel.step`` (the same
model object a run steps), a comparison is ``sim.studies.experiments.compare`` and its effects are the rows of
``paired_effects``. The levers are built from the scenario schema (label, unit, range, description and
source come from ``sim.scenario``: ``sim.dashboard.levers``) and the charts from the run charts' declaration
(``sim.engine.charts``) and the outputs' (``sim.core.outputs``), so a parameter or an output added there
shows here without being written again. Runs and comparisons go to a background thread (a Solara task, one
per browser tab: ``sim.dashboard.state``), so the page stays responsive.
"""

from __future__ import annotations

import solara

from sim.dashboard.charts import CHARTS, chart_figure
from sim.dashboard.components import TABLE_STYLE, Controls, Results, outcomes_html
from sim.dashboard.state import current_scenario, frame, scenario_name, values
from sim.engine.charts import RunChart
from sim.engine.model import MigrationModel
from sim.scenario import ScenarioError

PLAY_INTERVAL_MS = 20  # SolaraViz's pause between two months when playing


class SteppedModel(MigrationModel):
    """The tab's scenario as its levers set it, built with no arguments as SolaraViz rebuilds a model on
    Reset; it stops at the scenario's horizon. The model itself is unchanged."""

    def __init__(self, **_):  # SolaraViz passes a Mesa scenario of its own: ours is the tab's
        super().__init__(current_scenario())
        self.running = self.month < self.params.months

    def step(self) -> None:
        super().step()
        self.running = self.month < self.params.months


def _viz_chart(chart: RunChart):
    def component(model: MigrationModel):
        fig = chart_figure(frame(model), chart)
        return solara.FigureMatplotlib(fig, format="png") if fig is not None else solara.Text("")

    component.__name__ = chart.title
    return component


def _viz_outcomes(model: MigrationModel):
    df = frame(model)
    return solara.HTML(unsafe_innerHTML=outcomes_html(df) if len(df) > 1 else "", classes=["outcomes"])


@solara.component
def MonthsPage():
    """Mesa's SolaraViz over the tab's scenario: Reset, Play and Step, and the charts grow month by month."""
    from mesa.visualization import SolaraViz

    key = (scenario_name.value, repr(sorted(values.value.items())))

    def build():
        try:
            return SteppedModel()
        except ScenarioError as e:
            return e

    model = solara.use_memo(build, [key])
    if isinstance(model, ScenarioError):
        for p in model.problems:
            solara.Error(p)
        return
    solara.Style(TABLE_STYLE)
    SolaraViz(model, components=[(_viz_chart(c), 0) for c in CHARTS] + [(_viz_outcomes, 1)],
              name=f"Month by month: {model.params.name}", play_interval=PLAY_INTERVAL_MS,
              render_interval=1)  # fmt: skip


@solara.component
def Page():
    solara.Title("trafficking-sim dashboard")
    with solara.AppBar():
        solara.AppBarTitle("trafficking-sim: recruitment abroad, trafficking and demographic loss")
    with solara.Sidebar():
        Controls()
    Results()


routes = [
    solara.Route(path="/", component=Page, label="Run and compare"),
    solara.Route(path="months", component=MonthsPage, label="Month by month"),
]
