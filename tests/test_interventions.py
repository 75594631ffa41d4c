"""Every intervention kind declares its parameters, effect, scope, cost and lever in its one class, and the
schema, the costs and the dashboard's levers read those declarations; each scope acts where it should."""

from __future__ import annotations

from types import SimpleNamespace
from typing import ClassVar, Literal

import numpy as np
import pytest
from conftest import SCENARIOS

import sim
from sim.scenario import (
    DESTINATIONS,
    HOME,
    INTERVENTION_KINDS,
    INTERVENTION_TYPES,
    SCOPES,
    AntiCorruption,
    AwarenessCampaign,
    Cost,
    CostParams,
    InterventionBase,
    LeverSpec,
    PeacekeeperBan,
    Scenario,
    kind_of,
    levers,
    load_scenario,
)
from sim.scenario.sources import SOURCES
from sim.studies import costs

OWN_DECLARATIONS = ("scope", "cost", "lever_label", "apply")


def declaration_problems(t: type) -> list[str]:
    """What an intervention class fails to declare, or declares inconsistently (empty: nothing)."""
    out = []
    if not (isinstance(t, type) and issubclass(t, InterventionBase)):
        return [f"{t!r} is not an intervention class"]
    out += [f"{t.__name__} does not declare its own {name}" for name in OWN_DECLARATIONS if name not in vars(t)]
    if "kind" not in t.model_fields or "strength" not in t.model_fields:
        return out + [f"{t.__name__} has no kind or no strength of its own"]
    for name, field in t.model_fields.items():
        extra = field.json_schema_extra or {}
        shared = name in InterventionBase.model_fields and name != "strength"
        if not shared and name != "kind" and not isinstance(field.default, str):
            has_list = field.default_factory is not None
            if not has_list and not {"unit", "range", "source"} <= set(extra):
                out.append(f"{t.__name__}.{name} has no unit, range or source")
    if getattr(t, "scope", None) not in SCOPES:
        out.append(f"{t.__name__}.scope is {getattr(t, 'scope', None)!r}, not one of {SCOPES}")
    cost = getattr(t, "cost", None)
    if cost is not None:
        if not isinstance(cost, Cost):
            out.append(f"{t.__name__}.cost is not a Cost")
        elif not cost.rate.startswith(kind_of(t)) or cost.source not in SOURCES:
            out.append(f"{t.__name__}.cost: its rate {cost.rate!r} must start with its kind and cite a known source")
        elif "exposure" not in vars(t):
            out.append(f"{t.__name__} has a cost but no exposure of its own")
    label = getattr(t, "lever_label", None)
    if label is not None and not isinstance(t.lever(), LeverSpec):
        out.append(f"{t.__name__}.lever() is not a LeverSpec")
    return out


def _all_subclasses(cls: type) -> set[type]:
    return {s for c in cls.__subclasses__() for s in {c, *_all_subclasses(c)}}


def test_every_kind_declares_its_parameters_scope_cost_lever_and_effect():
    assert [p for t in INTERVENTION_TYPES for p in declaration_problems(t)] == []
    assert len(set(INTERVENTION_KINDS)) == len(INTERVENTION_KINDS)


def test_every_intervention_class_is_in_the_registry():
    known = {t for t in _all_subclasses(InterventionBase) if t.__module__ == "sim.scenario.interventions"}
    assert known == set(INTERVENTION_TYPES)


def test_a_kind_missing_a_declaration_is_caught():
    class Curfew(InterventionBase):
        kind: Literal["curfew"]
        strength: float = 0.5  # no unit, range or source

        lever_label: ClassVar[str | None] = None

    problems = declaration_problems(Curfew)
    assert any("own scope" in p for p in problems) and any("own cost" in p for p in problems)
    assert any("own apply" in p for p in problems) and any("Curfew.strength has no unit" in p for p in problems)


def test_the_costs_table_the_cost_rates_and_the_registry_agree():
    costed = [t for t in INTERVENTION_TYPES if t.cost is not None]
    assert set(costs.COSTS) == {kind_of(t) for t in costed}
    assert set(CostParams.model_fields) == {t.cost.rate for t in costed}
    for t in costed:
        field = CostParams.model_fields[t.cost.rate]
        assert field.default == t.cost.default and field.description == t.cost.description
        declared = {"unit": t.cost.unit, "source": t.cost.source, "range": [t.cost.lo, t.cost.hi]}
        assert field.json_schema_extra == declared
    assert isinstance(Scenario.model_fields["costs"].default, CostParams)


def test_destination_scope_is_one_declaration():
    destination_kinds = {kind_of(t) for t in INTERVENTION_TYPES if t.scope == DESTINATIONS}
    assert set(costs.DESTINATION_KINDS) == destination_kinds == {"peacekeeper_ban", "demand_reduction", "labour_demand_change"}
    for t in INTERVENTION_TYPES:
        iv = t(kind=kind_of(t), start_month=1)
        assert iv.acts_at_home() == (t.scope != DESTINATIONS)


def test_levers_come_from_the_strength_fields():
    specs = levers()
    assert set(specs) == {f"interventions.{kind_of(t)}.strength" for t in INTERVENTION_TYPES if t.lever_label}
    for key, spec in specs.items():
        field = next(t for t in INTERVENTION_TYPES if kind_of(t) == key.split(".")[1]).model_fields["strength"]
        assert (spec.unit, [spec.lo, spec.hi], spec.source) == (
            field.json_schema_extra["unit"], field.json_schema_extra["range"], field.json_schema_extra["source"]
        )  # fmt: skip
        assert spec.description == field.description and spec.label and not spec.integer


def _context(regions: int, destinations: int) -> SimpleNamespace:
    return SimpleNamespace(awareness_boost=np.zeros(regions), permits=np.ones(destinations))


def test_a_destination_kind_acts_on_the_destinations_it_covers_only():
    assert PeacekeeperBan.scope == DESTINATIONS
    ban = PeacekeeperBan(kind="peacekeeper_ban", start_month=1, strength=0.25)
    patronage, civilian = np.ones(3), np.ones(3)
    covered = np.array([True, False, True])
    ban.apply(_context(2, 3), np.ones(2, bool), covered, patronage_mult=patronage, civilian_mult=civilian,
              labour_mult=None, shock=None)
    assert patronage.tolist() == [0.75, 1.0, 0.75] and civilian.tolist() == [1.0, 1.0, 1.0]


def test_a_home_kind_acts_on_the_regions_it_covers_only():
    assert AwarenessCampaign.scope == HOME
    campaign = AwarenessCampaign(kind="awareness_campaign", start_month=1, strength=0.2)
    ctx = _context(3, 2)
    campaign.apply(ctx, np.array([False, True, True]), np.ones(2, bool), patronage_mult=None, civilian_mult=None, labour_mult=None,
                   shock=None)  # fmt: skip
    assert ctx.awareness_boost.tolist() == [0.0, 0.2, 0.2]


@pytest.mark.parametrize(
    "entry",
    [
        {"kind": "demand_reduction", "start_month": 3, "strength": 0.2},
        {"kind": "peacekeeper_ban", "start_month": 3, "strength": 0.2},
        {"kind": "police_training", "start_month": 3, "strength": 0.2, "units": ["destination"]},
    ],
)
def test_a_destination_only_intervention_confined_to_a_country_is_refused(entry):
    kind = entry["kind"]
    with pytest.raises(sim.ScenarioError, match=f"interventions.x.countries: a {kind} acts on the shared destinations"):
        load_scenario(SCENARIOS / "region.toml", {"interventions.x": {**entry, "countries": ["moldova"]}})


def test_a_home_intervention_may_be_confined_to_a_country():
    over = {"interventions.x": {"kind": "police_training", "start_month": 3, "strength": 0.2, "countries": ["moldova"]}}
    sc = load_scenario(SCENARIOS / "region.toml", over)
    assert dict(sc.country_scenarios())["moldova"].interventions["x"].countries == ["moldova"]
    assert "x" not in dict(sc.country_scenarios())["ukraine"].interventions


TRAINED = [
    ("police_training.toml", {"source", "border"}),
    ("combined_package.toml", {"source", "border"}),
    ("destination_policing.toml", {"destination"}),
]


@pytest.mark.parametrize("name,trained", TRAINED, ids=[n for n, _ in TRAINED])
def test_donor_training_trains_the_source_countrys_units_and_destination_policing_the_destinations_only(name, trained):
    """Donors trained source-region and border police (police_training); training the destinations' police is
    another scenario (destination_policing): read from the month's context of the scenario's interventions."""
    from sim.core.economy import UNIT_KINDS, month_context
    from sim.core.interventions import build

    sc = load_scenario(SCENARIOS / name)
    interventions = build(sc)
    before = month_context(sc, sc.month_index("2002-12"), interventions)
    during = month_context(sc, sc.month_index("2003-01"), interventions)
    for kind in UNIT_KINDS:
        assert before.training_add[kind] == 0 and before.capacity_mult[kind] == 1, kind
        assert (during.training_add[kind] > 0) == (kind in trained), kind
        assert (during.capacity_mult[kind] > 1) == (kind in trained), kind


def test_a_police_training_that_names_no_units_trains_the_source_countrys_own():
    """What the dashboard's lever adds to a scenario without one: donor training, not destination policing."""
    from sim.scenario import PoliceTraining

    assert PoliceTraining(kind="police_training", start_month=1).units == ["source", "border"]


def test_anti_corruption_reaches_the_police_the_courts_or_both_and_costs_the_officials_it_reaches():
    both = AntiCorruption(kind="anti_corruption", start_month=1, strength=0.2)
    assert both.institutions == ["police", "courts"]  # the default: both
    reaches = ((["police"], 0.2, 0.0), (["courts"], 0.0, 0.2), (["police", "courts"], 0.2, 0.2))
    for institutions, police, courts in reaches:
        iv = AntiCorruption(kind="anti_corruption", start_month=1, strength=0.2, institutions=institutions)
        ctx = SimpleNamespace(integrity_add=0.0, court_integrity_add=0.0)
        iv.apply(ctx, np.ones(2, bool), np.ones(3, bool), patronage_mult=None, civilian_mult=None, labour_mult=None, shock=None)
        assert (ctx.integrity_add, ctx.court_integrity_add) == (police, courts)
    sc = load_scenario("baseline")
    months = [1, 2]
    police = AntiCorruption(kind="anti_corruption", start_month=1, strength=0.2, institutions=["police"])
    courts = AntiCorruption(kind="anti_corruption", start_month=1, strength=0.2, institutions=["courts"])
    # the country's court and one per destination, their prosecutors and judges, over two months
    assert courts.exposure(sc, months, None) == 2 * sc.police.courts.officials * (1 + len(sc.destinations))
    assert both.exposure(sc, months, None) == police.exposure(sc, months, None) + courts.exposure(sc, months, None)
