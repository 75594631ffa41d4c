"""The page's parts (Solara components): the levers and the controls, the status, the charts and tables of
a run and of its comparison with the baseline."""

from __future__ import annotations

import html

import pandas as pd
import solara

from sim.dashboard.charts import CHARTS, chart_figure
from sim.dashboard.levers import Lever, edited, lever_problems, lever_value, levers, shown_number
from sim.dashboard.state import (
    compare_on,
    effects,
    page_scenarios,
    progress,
    reps,
    run_task,
    scenario_name,
    selected_scenario,
    shown,
    status,
    values,
)
from sim.engine.resolution import resolution
from sim.engine.runner import key_outcomes
from sim.scenario import Scenario, ScenarioError

MAX_REPS = 20  # replications a comparison from the page may ask for
MIN_REPS = 2


@solara.component
def LeverInput(lv: Lever, value: float, on_value):
    """One lever: its control, and under it the schema's description, unit and source."""
    with solara.Column(gap="0px", classes=[f"lever-{lv.key.replace('.', '-')}"]):
        label = f"{lv.label} ({lv.unit})"
        if lv.slider and lv.integer:
            solara.SliderInt(label, value=int(value), min=int(lv.lo), max=int(lv.hi), on_value=on_value)
        elif lv.slider:
            solara.SliderFloat(label, value=float(value), min=lv.lo, max=lv.hi, step=lv.step, on_value=on_value)
        elif lv.integer:
            solara.InputInt(label, value=int(value), on_value=on_value, continuous_update=False)
        else:
            solara.InputFloat(label, value=float(value), on_value=on_value, continuous_update=False)
        solara.Text(f"{lv.description} [{shown_number(lv.lo)}-{shown_number(lv.hi)}; source: {lv.source}]",
                    style={"font-size": "0.75em", "color": "#666"})  # fmt: skip


@solara.component
def Controls():
    files = page_scenarios()
    sc = solara.use_memo(selected_scenario, [scenario_name.value])
    vals = {lv.key: values.value.get(lv.key, lever_value(sc, lv)) for lv in levers()}
    busy = run_task.pending
    problems = lever_problems(vals)

    def pick(name: str) -> None:
        scenario_name.set(name)
        values.set({})
        effects.set(None)

    def set_lever(key: str, v) -> None:
        values.set({**values.value, key: v})

    def current() -> Scenario:
        return edited(sc, vals)

    def do_run() -> None:
        try:
            scenario = current()
        except ScenarioError as e:  # values within their ranges that do not fit together
            status.set("; ".join(e.problems))
            return
        run_task(scenario, compare_on.value, reps.value)

    solara.Select("Scenario", values=list(files), value=scenario_name.value, on_value=pick)
    solara.Markdown(sc.description or "_(no description)_", style={"font-size": "0.9em"})
    with solara.Card("Levers", margin=0):
        for lv in levers():
            LeverInput(lv, vals[lv.key], lambda v, k=lv.key: set_lever(k, v))
        if values.value:
            solara.Button("Back to the scenario's values", text=True, on_click=lambda: values.set({}))
    for p in problems:
        solara.Error(p, dense=True)
    with solara.Row():
        solara.Button("Run", color="primary", on_click=do_run, disabled=busy or bool(problems))
    with solara.Div(classes=["compare"]):
        solara.Checkbox(label="Compare with baseline", value=compare_on)
    if compare_on.value:
        solara.SliderInt("Replications", value=reps, min=MIN_REPS, max=MAX_REPS)
    solara.Markdown("**Month by month**: the *months* tab steps this scenario, as set here, with Mesa's "
                    "SolaraViz (Reset, Play, Step).", style={"font-size": "0.85em"})


def table_html(title: str, note: str, header: list[str], rows: list[list[str]]) -> str:
    """A small HTML table (text escaped); the first column left-aligned, the others right-aligned."""
    e = html.escape
    head = "".join(f"<th>{e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in r) + "</tr>" for r in rows)
    return (f"<h3>{e(title)}</h3>" + (f"<p>{e(note)}</p>" if note else "")
            + f"<table class='sim-table'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")  # fmt: skip


TABLE_STYLE = """
.sim-table { border-collapse: collapse; font-size: 0.85em; margin-bottom: 1em; }
.sim-table th, .sim-table td { padding: 2px 10px; border-bottom: 1px solid #ddd; text-align: right; }
.sim-table th:first-child, .sim-table td:first-child { text-align: left; }
"""


def outcomes_html(df: pd.DataFrame) -> str:
    """The key outcomes of ``sim run`` (``sim.key_outcomes``) as a table."""
    return table_html("Key outcomes", "", ["outcome", "value"], [list(r) for r in key_outcomes(df)])


def effects_html(c) -> str:
    """A comparison's effects (the rows of ``paired_effects``), formatted as ``sim compare`` formats them."""
    from sim.studies.experiments.compare import label
    from sim.studies.experiments.formatting import distinguishable, effect_decimals, percent
    from sim.studies.experiments.formatting import number as _number

    lo, hi = c.manifest["seeds"]
    note = (f"{c.manifest['replications']} paired replications (seeds {lo}-{hi}); effect = scenario minus {c.base}, "
            "with its 95% confidence interval; * marks an interval that excludes zero.")  # fmt: skip
    rows = []
    for r in c.effects.itertuples():
        m = r.metric
        star = "*" if distinguishable(m, r.ci_low, r.ci_high) else ""
        change = percent(r.relative_effect, True)
        d = effect_decimals(m, r.ci_low, r.ci_high)
        ci = f"[{_number(m, r.ci_low, True, d)}, {_number(m, r.ci_high, True, d)}]"
        effect = _number(m, r.effect, True, d) + star
        rows.append([label(m), _number(m, r.baseline_mean), _number(m, r.scenario_mean), effect, ci, change])
    header = ["outcome", c.base, c.scenarios[1], "effect", "95% CI", "change"]
    out = table_html(f"Effects against {c.base}", note, header, rows)
    from sim.studies.experiments.compare import comparison_displacement
    from sim.studies.experiments.displacement import displacement_lines

    lines = displacement_lines(comparison_displacement(c))
    if lines:
        out += "<p class='displacement'>" + "<br>".join(html.escape(line.strip()) for line in lines if line) + "</p>"
    return out


@solara.component
def Status():
    if run_task.pending:
        solara.ProgressLinear(progress.value if progress.value < 1 else True)
    if status.value:
        solara.Text(status.value, classes=["status"])
    if run_task.error:
        solara.Error(f"the run failed: {run_task.exception}")


@solara.component
def Charts(df: pd.DataFrame):
    """The charts of a run or of the months stepped so far (drawn again only when the table changes)."""
    figures = solara.use_memo(lambda: [f for f in (chart_figure(df, c) for c in CHARTS) if f is not None], [id(df)])
    with solara.ColumnsResponsive(12, large=6):
        for fig in figures:
            with solara.Div(classes=["chart"]):
                solara.FigureMatplotlib(fig, format="png")


@solara.component
def Results():
    df = shown.value
    Status()
    if df is None:
        solara.Markdown("Pick a scenario, set the levers and press **Run**; the *months* tab steps it month by month.")
        return
    if (coarse := resolution(df).line) is not None:  # the scale to set instead, from the run's own figures
        solara.Warning(coarse, dense=True, classes=["resolution"])
    solara.FileDownload(lambda: df.to_csv(index=False), filename="timeseries.csv", label="Download timeseries.csv")
    Charts(df)
    solara.Style(TABLE_STYLE)
    if len(df) > 1:  # at least one month
        solara.HTML(unsafe_innerHTML=outcomes_html(df), classes=["outcomes"])
    if effects.value is not None:
        solara.HTML(unsafe_innerHTML=effects_html(effects.value), classes=["effects"])
