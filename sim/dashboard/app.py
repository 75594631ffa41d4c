"""The dashboard: pick a scenario, set its main levers, run it or step it month by month, compare it with
the baseline, download its table. ``sim dashboard`` serves it (Solara).

The page computes nothing of its own: a run is ``sim.run``, stepping is ``MigrationModel.step`` (the same
model object a run steps), a comparison is ``sim.studies.experiments.compare`` and its effects are the rows of
``paired_effects``. The levers are built from the scenario schema (label, unit, range, description and
source come from ``sim.scenario``) and the charts from the output declarations (``sim.core.outputs``), so a
parameter or an output added there shows here without being written again. Runs and comparisons go to a
background thread (a Solara task, one per browser tab), so the page stays responsive.
"""

from __future__ import annotations

import html
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import solara
from matplotlib.figure import Figure

from sim.core.outputs import BY_NAME
from sim.core.outputs import columns as output_columns
from sim.engine.model import MigrationModel
from sim.engine.runner import key_outcomes, resolve, run
from sim.scenario import INTERVENTION_TYPES, SCENARIOS_DIR, Scenario, ScenarioError, load_scenario

SCENARIOS = SCENARIOS_DIR
BASELINE = "baseline"

# The levers the page shows, one dotted key each: ``interventions.<kind>.<field>`` sets a field of the
# scenario's intervention of that kind (added from the first month, with the kind's other defaults,
# when the scenario has none); any other key is a scenario parameter.
LEVERS: tuple[str, ...] = (
    "interventions.economic_shock.strength",  # unemployment
    "interventions.police_training.strength",
    "interventions.law_reform.strength",
    "interventions.peacekeeper_ban.strength",  # ban compliance
    "interventions.awareness_campaign.strength",
    "interventions.legal_migration.strength",  # legal permits
    "interventions.demand_reduction.strength",  # demand at destinations
    "scale",
    "months",
)
REPS = 5  # replications of a comparison from the page, by default


# ---------------------------------------------------------------------------------------------------
# Scenarios and levers (pure functions: the tests call them directly).


def scenario_files(root: Path = SCENARIOS) -> dict[str, Path]:
    """The shipped scenarios and country presets by name (file stem), baseline first."""
    files = sorted(root.glob("*.toml")) + sorted((root / "countries").glob("*.toml"))
    files = [f for f in files if not f.name.startswith("_")]  # "_" files hold shared parts only
    by_name = {f.stem if f.parent == root else f"countries/{f.stem}": f for f in files}
    return dict(sorted(by_name.items(), key=lambda kv: (kv[0] != BASELINE, kv[0].startswith("countries/"), kv[0])))


@dataclass(frozen=True)
class Lever:
    key: str  # dotted key (see LEVERS)
    label: str
    unit: str
    lo: float
    hi: float
    description: str
    source: str
    integer: bool

    @property
    def kind(self) -> str | None:
        """The intervention kind the lever sets, or None for a scenario parameter."""
        parts = self.key.split(".")
        return parts[1] if parts[0] == "interventions" else None

    @property
    def field(self) -> str:
        return self.key.split(".")[-1]

    @property
    def step(self) -> float:
        if self.integer:
            return 1
        return 10.0 ** math.floor(math.log10(self.hi - self.lo)) / 100

    @property
    def slider(self) -> bool:
        """A slider for a short range, a number input for a long one (months, scale)."""
        return (self.hi - self.lo) <= 100


def _field_info(key: str):
    """The pydantic field of a dotted lever key, and a readable label."""
    parts = key.split(".")
    if parts[0] == "interventions":
        kind, name = parts[1], parts[2]
        cls = next((t for t in INTERVENTION_TYPES if t.model_fields["kind"].annotation.__args__[0] == kind), None)
        if cls is None:
            raise KeyError(f"{key}: unknown intervention kind {kind!r}")
        label = kind.replace("_", " ").capitalize() + ("" if name == "strength" else f": {name.replace('_', ' ')}")
        return cls.model_fields[name], label
    cls = Scenario
    for p in parts[:-1]:
        cls = cls.model_fields[p].annotation
    return cls.model_fields[parts[-1]], parts[-1].replace("_", " ").capitalize()


def lever(key: str) -> Lever:
    """A lever from the schema: label, unit, range, description and source of its parameter."""
    f, label = _field_info(key)
    extra = f.json_schema_extra or {}
    lo, hi = extra["range"]
    return Lever(key, label, extra["unit"], lo, hi, f.description or "", extra["source"], f.annotation is int)


def levers(keys: tuple[str, ...] = LEVERS) -> list[Lever]:
    return [lever(k) for k in keys]


def _intervention_of(sc: Scenario, kind: str):
    """(name, intervention) of the scenario's first intervention of ``kind``, or (None, None)."""
    return next(((n, iv) for n, iv in sc.interventions.items() if iv.kind == kind), (None, None))


def lever_value(sc: Scenario, lv: Lever) -> float:
    """The lever's value in the scenario (0 for an intervention the scenario does not have)."""
    if lv.kind is not None:
        _, iv = _intervention_of(sc, lv.kind)
        return float(getattr(iv, lv.field)) if iv is not None else 0.0
    value: Any = sc
    for p in lv.key.split("."):
        value = getattr(value, p)
    return value


def overrides(sc: Scenario, values: dict[str, float], keys: tuple[str, ...] = LEVERS) -> dict[str, Any]:
    """Dotted overrides that turn ``sc`` into the scenario the levers show (only what differs)."""
    out: dict[str, Any] = {}
    for lv in levers(keys):
        if lv.key not in values:
            continue
        v = int(values[lv.key]) if lv.integer else float(values[lv.key])
        if v == lever_value(sc, lv):
            continue
        if lv.kind is None:
            out[lv.key] = v
            continue
        name, _ = _intervention_of(sc, lv.kind)
        if name is None:  # a new intervention of that kind, in force from the first month
            name = lv.kind
            out[f"interventions.{name}.kind"] = lv.kind
            out[f"interventions.{name}.start_month"] = 1
        out[f"interventions.{name}.{lv.field}"] = v
    return out


def edited(sc: Scenario, values: dict[str, float]) -> Scenario:
    """The scenario as the levers set it; renamed ``<name>, changed`` when a lever differs."""
    over = overrides(sc, values)
    return resolve(sc, {**over, "name": f"{sc.name}, changed"}) if over else sc


def frame(model: MigrationModel) -> pd.DataFrame:
    """The months a model has recorded so far, as ``sim.run`` returns them."""
    return pd.DataFrame(model.rows, columns=output_columns(model.params.destinations))


def compare_with_baseline(sc: Scenario, reps: int = REPS, workers: int | None = None):
    """``sim.studies.experiments.compare`` of ``sc`` against the baseline (same months, scale and seeds)."""
    from sim.studies.experiments import compare

    base = load_scenario(scenario_files()[BASELINE])
    return compare(base, [sc], reps=reps, seed=sc.seed, months=sc.months, scale=sc.scale, workers=workers)


# ---------------------------------------------------------------------------------------------------
# Charts: groups of declared outputs; a name ending in "*" takes every column with that prefix.


@dataclass(frozen=True)
class Chart:
    title: str
    left: tuple[str, ...]
    right: tuple[str, ...] = ()  # on a second axis
    cumulative: bool = False  # draw flows as running totals


CHARTS: tuple[Chart, ...] = (
    Chart("Outflows by channel", ("emigrants_legal", "emigrants_irregular", "trafficked", "returns")),
    Chart("Victims: true (stocks) and detected (cumulative)",
          ("victims_sexual", "victims_labour", "victims_peacekeeping", "victims_sexual_at_*",
           "victims_identified", "interdicted", "rescued"), cumulative=True),  # fmt: skip
    Chart("Population at home and working-age share", ("population_home",),
          ("working_age_share", "old_age_dependency_ratio")),  # fmt: skip
    Chart("Enforcement", ("arrests", "prosecutions", "convictions")),
    Chart("Prices and gang revenue", ("gang_revenue_usd",), ("price_*",)),
)


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
    detected = " (detected)" if name in ("interdicted", "rescued") else ""
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


def chart_figure(df: pd.DataFrame, chart: Chart) -> Figure | None:
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


# ---------------------------------------------------------------------------------------------------
# State of one browser tab (Solara keeps module-level reactives and tasks per tab).

scenario_name = solara.reactive(BASELINE)
values: solara.Reactive[dict] = solara.reactive({})
compare_on = solara.reactive(False)
reps = solara.reactive(REPS)
progress = solara.reactive(0.0)
status = solara.reactive("")
shown: solara.Reactive[pd.DataFrame | None] = solara.reactive(None)  # the run on show
effects: solara.Reactive[Any] = solara.reactive(None)  # the last comparison


class _Stopped(Exception):
    """A newer run replaced this one."""


def _scenario() -> Scenario:
    return load_scenario(scenario_files()[scenario_name.value])


@solara.lab.task(prefer_threaded=True)
def run_task(sc: Scenario, with_compare: bool, n_reps: int):
    """A run (and the comparison when asked) in a background thread; returns the run's table."""
    progress.set(0.0)
    effects.set(None)
    t0 = time.perf_counter()

    def on_month(done: int, total: int) -> None:
        if not run_task.is_current():
            raise _Stopped
        if done == total or done % 6 == 0:
            progress.set(done / total)
            status.set(f"running {sc.name}: month {done} of {total}")

    try:
        df = run(sc, progress=on_month)
    except _Stopped:
        return None
    seconds = time.perf_counter() - t0
    shown.set(df)
    status.set(f"{sc.name}: {sc.months} months in {seconds:.1f} s")
    if with_compare:
        if sc.name == BASELINE:
            status.set(status.value + "; the baseline itself: change a lever or pick another scenario to compare")
            return df
        status.set(f"comparing {sc.name} with {BASELINE}: {2 * n_reps} runs of about {seconds:.1f} s each ...")
        t1 = time.perf_counter()
        c = compare_with_baseline(sc, n_reps)
        if not run_task.is_current():
            return None
        effects.set(c)
        took = time.perf_counter() - t1
        status.set(f"{sc.name}: run in {seconds:.1f} s; comparison, {n_reps} paired replications, in {took:.1f} s")
    return df


# ---------------------------------------------------------------------------------------------------
# Components.


def _fmt(x: float) -> str:
    return f"{x:g}" if abs(x) < 1e6 else f"{x:,.0f}"


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
        solara.Text(f"{lv.description} [{_fmt(lv.lo)}-{_fmt(lv.hi)}; source: {lv.source}]",
                    style={"font-size": "0.75em", "color": "#666"})  # fmt: skip


def _problems(vals: dict) -> list[str]:
    out = []
    for lv in levers():
        v = vals.get(lv.key)
        if v is not None and not (lv.lo <= v <= lv.hi):
            out.append(f"{lv.label}: must be between {_fmt(lv.lo)} and {_fmt(lv.hi)} (got {_fmt(v)})")
    return out


@solara.component
def Controls():
    files = scenario_files()
    sc = solara.use_memo(_scenario, [scenario_name.value])
    vals = {lv.key: values.value.get(lv.key, lever_value(sc, lv)) for lv in levers()}
    busy = run_task.pending
    problems = _problems(vals)

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
        solara.SliderInt("Replications", value=reps, min=2, max=20)
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
    from sim.studies.experiments.formatting import number as _number

    lo, hi = c.manifest["seeds"]
    note = (f"{c.manifest['replications']} paired replications (seeds {lo}-{hi}); effect = scenario minus {c.base}, "
            "with its 95% confidence interval; * marks an interval that excludes zero.")  # fmt: skip
    rows = []
    for r in c.effects.itertuples():
        m = r.metric
        star = "*" if r.ci_low > 0 or r.ci_high < 0 else ""
        change = f"{r.relative_effect:+.1%}" if math.isfinite(r.relative_effect) else "n/a"
        ci = f"[{_number(m, r.ci_low, True)}, {_number(m, r.ci_high, True)}]"
        effect = _number(m, r.effect, True) + star
        rows.append([label(m), _number(m, r.baseline_mean), _number(m, r.scenario_mean), effect, ci, change])
    header = ["outcome", c.base, c.scenarios[1], "effect", "95% CI", "change"]
    return table_html(f"Effects against {c.base}", note, header, rows)


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
    solara.FileDownload(lambda: df.to_csv(index=False), filename="timeseries.csv", label="Download timeseries.csv")
    Charts(df)
    solara.Style(TABLE_STYLE)
    if len(df) > 1:  # at least one month
        solara.HTML(unsafe_innerHTML=outcomes_html(df), classes=["outcomes"])
    if effects.value is not None:
        solara.HTML(unsafe_innerHTML=effects_html(effects.value), classes=["effects"])


class SteppedModel(MigrationModel):
    """The tab's scenario as its levers set it, built with no arguments as SolaraViz rebuilds a model on
    Reset; it stops at the scenario's horizon. The model itself is unchanged."""

    def __init__(self, **_):  # SolaraViz passes a Mesa scenario of its own: ours is the tab's
        super().__init__(current_scenario())
        self.running = self.month < self.params.months

    def step(self) -> None:
        super().step()
        self.running = self.month < self.params.months


def current_scenario() -> Scenario:
    """The scenario picked in this tab, with its levers as set."""
    return edited(_scenario(), values.value)


def _viz_chart(chart: Chart):
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
              name=f"Month by month: {model.params.name}", play_interval=20, render_interval=1)  # fmt: skip


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
