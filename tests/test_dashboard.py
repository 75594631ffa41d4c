"""The dashboard's parts: levers from the schema, the scenario they make, the charts, and the page's
controls rendered with ``solara.render`` (no browser; see test_dashboard_browser.py for the real page).
Runs are tiny: few months, large scale."""

import time

import ipyvuetify as v
import pandas as pd
import pytest

import sim
from sim.dashboard import charts, components, levers, page, state
from sim.engine.resolution import resolution
from sim.scenario import SCENARIOS_DIR, Scenario, load_scenario
from sim.studies.experiments import compare

solara = pytest.importorskip("solara")
import solara.widgets  # noqa: E402, F811

TINY = {"scale": 4000, "months": 12}


def test_every_lever_takes_label_unit_range_description_and_source_from_the_schema():
    from sim.scenario import PeacekeeperBan

    ban = levers.lever("interventions.peacekeeper_ban.strength")
    field = PeacekeeperBan.model_fields["strength"]
    assert (ban.unit, ban.lo, ban.hi, ban.source) == ("share", 0, 1, "assumption")  # no published compliance
    assert ban.description == field.description and ban.label == "Peacekeeper ban"
    months = levers.lever("months")
    assert (months.lo, months.hi, months.integer) == (1, 1200, True)
    assert months.description == Scenario.model_fields["months"].description
    assert {lv.key for lv in levers.levers()} == set(levers.LEVERS)  # every lever the page lists exists in the schema


def test_shipped_scenarios_are_listed_baseline_first():
    files = state.page_scenarios()
    shipped = {p.stem for p in SCENARIOS_DIR.glob("*.toml")}
    assert list(files)[0] == "baseline" and shipped <= set(files)


def test_a_lever_edits_the_scenarios_own_intervention():
    sc = load_scenario(state.page_scenarios()["peacekeeper_ban"])
    assert levers.lever_value(sc, levers.lever("interventions.peacekeeper_ban.strength")) == 0.8
    assert levers.overrides(sc, {"interventions.peacekeeper_ban.strength": 0.8, "months": sc.months}) == {}
    out = levers.edited(sc, {"interventions.peacekeeper_ban.strength": 0.5, "months": 24})
    assert out.interventions["ban"].strength == 0.5 and out.interventions["ban"].start_month == "2004-06"
    assert out.months == 24 and len(out.interventions) == 1 and out.name == "peacekeeper_ban, changed"


def test_a_lever_the_scenario_lacks_adds_its_intervention_from_the_first_month():
    sc = load_scenario(state.page_scenarios()["baseline"])
    assert levers.lever_value(sc, levers.lever("interventions.police_training.strength")) == 0.0
    assert levers.edited(sc, {"interventions.police_training.strength": 0.0}) is sc  # off stays off
    out = levers.edited(sc, {"interventions.police_training.strength": 0.4})
    (iv,) = out.interventions.values()
    assert (iv.kind, iv.start_month, iv.strength) == ("police_training", 1, 0.4)


def test_charts_show_outputs_declared_later_by_their_prefix():
    df = sim.run(state.page_scenarios()["baseline"], **TINY)
    prices = next(c for c in charts.CHARTS if c.title.startswith("Prices"))
    found = charts.columns(df, prices.right)
    assert found and found == [c for c in df.columns if c.startswith("price_")]  # one per destination and type
    fig = charts.chart_figure(df, prices)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "price_sexual_eu" in labels and "gangs' revenue from exploitation and contraband" in labels


@pytest.mark.slow
def test_the_comparison_is_sim_compares_own():
    sc = levers.edited(load_scenario(state.page_scenarios()["peacekeeper_ban"]), {**TINY, "months": 60})
    c = state.compare_with_baseline(sc, reps=2, workers=1)
    base = load_scenario(state.page_scenarios()["baseline"])
    ref = compare(base, [sc], reps=2, seed=sc.seed, months=60, scale=TINY["scale"], workers=1)
    pd.testing.assert_frame_equal(c.effects, ref.effects)


def _reset_page_state(name="baseline", values=None):
    state.scenario_name.set(name)
    state.values.set(dict(values or {}))
    state.shown.set(None)
    state.effects.set(None)
    state.compare_on.set(False)
    state.status.set("")


@solara.component
def Panels():
    """The page's controls and results side by side (the page puts the controls in its side bar)."""
    with solara.Row():
        components.Controls()
        components.Results()


def _html(rc, cls: str) -> str:
    """The inner HTML of the page's block with CSS class ``cls``."""
    (w,) = [w for w in rc.find(solara.widgets.HTML).widgets if w.attributes.get("class") == cls]
    return w.unsafe_innerHTML


def _button(rc, label):
    return rc.find(v.Btn, children=[label]).widget


def _wait(cond, seconds=60.0):
    t0 = time.time()
    while not cond():
        assert time.time() - t0 < seconds, "timed out"
        time.sleep(0.05)


def test_the_month_by_month_model_is_the_tabs_scenario_stepped_as_sim_run_steps_it():
    _reset_page_state("peacekeeper_ban", {**TINY, "interventions.peacekeeper_ban.strength": 0.5})
    model = page.SteppedModel()  # as SolaraViz builds it on Reset
    assert model.params.interventions["ban"].strength == 0.5 and model.running
    while model.running:
        model.step()
    assert model.month == TINY["months"]  # stops at the horizon
    expected = sim.run(state.current_scenario())
    pd.testing.assert_frame_equal(state.frame(model), expected)


def test_run_button_runs_the_scenario_as_sim_run_does_and_shows_the_key_outcomes():
    _reset_page_state("peacekeeper_ban", TINY)
    box, rc = solara.render(Panels(), handle_error=False)
    _button(rc, "Run").click()
    _wait(lambda: state.shown.value is not None and not state.run_task.pending)
    expected = sim.run(levers.edited(load_scenario(state.page_scenarios()["peacekeeper_ban"]), TINY))
    pd.testing.assert_frame_equal(state.shown.value, expected)
    table = _html(rc, "outcomes")
    emigrants = dict(sim.key_outcomes(expected))["emigrants: legal / irregular / trafficked"]
    assert f"<td>emigrants: legal / irregular / trafficked</td><td>{emigrants}</td>" in table
    coarse = resolution(expected).line  # few or no person-agents trafficked a year at TINY's scale
    assert coarse is not None and rc.find(v.Alert, class_="resolution").widget.children == [coarse]


def test_the_lever_values_outside_the_schema_range_block_run_with_a_message():
    _reset_page_state("baseline", {"months": 5000})
    box, rc = solara.render(Panels(), handle_error=False)
    assert _button(rc, "Run").disabled
    errors = rc.find(v.Alert).widgets
    assert any("Months: must be between 1 and 1200" in str(w.children) for w in errors)


def test_sim_dashboard_listens_on_this_machine_only_unless_told_otherwise():
    from sim.commands.cli import build_parser

    args = build_parser().parse_args(["dashboard"])
    assert (args.host, args.port) == ("127.0.0.1", 8765)
    args = build_parser().parse_args(["dashboard", "--port", "9000", "--host", "0.0.0.0"])
    assert (args.host, args.port) == ("0.0.0.0", 9000)
