"""Scenario files: inheritance, dates, and that every parameter is documented."""

from __future__ import annotations

import pytest
from conftest import ALL_SCENARIOS, ROOT, SCENARIOS

import sim


@pytest.mark.parametrize("name", ALL_SCENARIOS)
def test_every_shipped_scenario_loads(name):
    sc = sim.load_scenario(SCENARIOS / name)
    assert sc.name == name.removesuffix(".toml")


def test_extends_inherits_and_overrides_only_what_is_set():
    base = sim.load_scenario(SCENARIOS / "baseline.toml")
    ban = sim.load_scenario(SCENARIOS / "peacekeeper_ban.toml")
    assert ban.destinations == base.destinations and ban.regions == base.regions
    assert base.interventions == {} and list(ban.interventions) == ["ban"]
    assert ban.month_index(ban.interventions["ban"].start_month) == 54  # June 2004


def test_nested_override_keeps_sibling_values(tmp_path):
    f = tmp_path / "s.toml"
    f.write_text(f'extends = "{SCENARIOS / "baseline.toml"}"\n[destinations.balkans]\nenforcement = 2.0\n')
    sc = sim.load_scenario(f)
    base = sim.load_scenario(SCENARIOS / "baseline.toml")
    assert sc.destinations["balkans"].enforcement == 2.0
    assert sc.destinations["balkans"].troops == base.destinations["balkans"].troops


def test_month_dates():
    sc = sim.load_scenario(SCENARIOS / "baseline.toml")
    assert sc.date(0) == "1999-12" and sc.date(1) == "2000-01" and sc.date(240) == "2019-12"
    assert sc.month_index("2000-01") == 1 and sc.month_index(7) == 7


def test_every_parameter_has_unit_range_description_and_source():
    from sim.studies.paramdoc import parameter_rows

    rows = list(parameter_rows(sim.load_scenario(SCENARIOS / "baseline.toml")))
    assert len(rows) > 100
    for path, value, unit, rng, desc, source in rows:
        assert unit and rng and desc and source, path


def test_parameter_and_output_tables_in_the_docs_are_current():
    """docs/ODD.md holds the tables generated from the schema and the outputs (python -m sim.studies.paramdoc)."""
    from sim.studies.paramdoc import generated

    odd = (ROOT / "docs" / "ODD.md").read_text()
    for name, table in generated().items():
        assert table in odd, f"the {name} table in docs/ODD.md is out of date: run python -m sim.studies.paramdoc"


def test_reference_page_of_the_documentation_site_is_current():
    """docs/reference.md (the site's reference) holds every table generated from the schema and the outputs, each
    between its markers, as ``python -m sim.studies.paramdoc`` writes them."""
    from sim.studies.paramdoc import between_markers, generated

    reference = (ROOT / "docs" / "reference.md").read_text()
    for name, table in generated().items():
        assert between_markers(reference, name, table) == reference, (
            f"the {name} table in docs/reference.md is out of date: run python -m sim.studies.paramdoc"
        )


def test_readme_lists_every_shipped_scenario_as_sim_scenarios_describes_it():
    """The README's table of scenario files says what each file's own description (``sim scenarios``) says."""
    from sim.scenario import shipped_scenarios

    readme = (ROOT / "README.md").read_text()
    for name, description in shipped_scenarios():
        row = f"| [`{name}.toml`](scenarios/{name}.toml) | {description} |"
        assert row in readme, f"README.md: the row of {name}.toml should read: {row}"


@pytest.mark.parametrize("name", ["baseline.toml", "countries/moldova.toml"])
def test_the_troops_share_of_balkan_sexual_demand_in_2002_is_the_stated_assumption(name):
    """docs/ODD.md (7.1): the shipped patronage makes the troops 30% of the Balkan demand for sexual exploitation
    in mid-2002, and the sensitivity designs' range of it (0.0086-0.077) 10% to 50%."""
    from sim.core.economy import month_context
    from sim.studies.experiments import load_experiment

    sc = sim.load_scenario(SCENARIOS / name)
    mid_2002 = sc.month_index("2002-07")
    balkans = list(sc.destinations).index("balkans")

    def troop_share(patronage: float) -> float:
        over = sc.model_copy(deep=True)
        over.destinations["balkans"].patronage_per_1000_troops = patronage
        with_troops = month_context(over, mid_2002, []).demand[balkans, 0]
        over.destinations["balkans"].patronage_per_1000_troops = 0.0
        return 1 - month_context(over, mid_2002, []).demand[balkans, 0] / with_troops

    assert troop_share(sc.destinations["balkans"].patronage_per_1000_troops) == pytest.approx(0.30, abs=0.01)
    design = {p.key: p for p in load_experiment(ROOT / "experiments" / "sobol.toml").parameters}
    patronage = design["destinations.balkans.patronage_per_1000_troops"]
    assert troop_share(patronage.min) == pytest.approx(0.10, abs=0.01)
    assert troop_share(patronage.max) == pytest.approx(0.50, abs=0.01)
