"""Several source countries in one run: each country's accounts hold, the run's are their sums, presets
run alone, and an intervention confined to one country acts on the others only through what they share."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
import pytest
from conftest import SCENARIOS, small_sizes

import sim
from sim.core.outputs import BY_NAME, FLOWS, PER_DESTINATION
from sim.engine.country import ACTOR_FLOWS
from sim.engine.model import MigrationModel
from sim.engine.runner import resolve
from sim.scenario import load_scenario

PRESETS = sorted(p.stem for p in (SCENARIOS / "countries").glob("*.toml") if not p.name.startswith("_"))
ABROAD = ["abroad_legal", "abroad_irregular", "in_transit", "victims_sexual", "victims_labour"]
SIZE = 200_000  # residents of each country in these runs


@lru_cache(maxsize=None)
def region_run(name: str = "region.toml", months: int = 48) -> pd.DataFrame:
    return sim.run(SCENARIOS / name, months=months, scale=50, overrides=small_sizes(name, SIZE))


def identities_hold(df: pd.DataFrame) -> None:
    """Residents change by births, deaths, departures and returns; the stock abroad by departures,
    returns and deaths abroad: exactly, every month."""
    home = df["births"] - df["deaths_home"] - df["emigrants_legal"] - df["emigrants_irregular"] - df["trafficked"]
    np.testing.assert_array_equal(df["population_home"].diff().iloc[1:], (home + df["returns"]).iloc[1:])
    abroad = df["emigrants_legal"] + df["emigrants_irregular"] + df["trafficked"] - df["returns"] - df["deaths_abroad"]
    np.testing.assert_array_equal(df[ABROAD].sum(axis=1).diff().iloc[1:], abroad.iloc[1:])


def test_presets_are_the_four_countries():
    assert PRESETS == ["bulgaria", "moldova", "romania", "ukraine"]
    assert sorted(load_scenario(SCENARIOS / "region.toml").countries) == PRESETS


@pytest.mark.parametrize("name", PRESETS)
def test_each_preset_runs_alone_and_its_identities_hold(name):
    path = SCENARIOS / "countries" / f"{name}.toml"
    df = sim.run(path, months=36, scale=50, overrides=small_sizes(f"countries/{name}.toml", SIZE))
    identities_hold(df)
    assert df["emigrants_irregular"].sum() > 0 and df["births"].sum() > 0


def test_identities_hold_for_the_region_and_for_every_country_every_month():
    df = region_run()
    identities_hold(df)
    by = sim.by_country(df)
    assert sorted(by["country"].unique()) == PRESETS
    for name, part in by.groupby("country"):
        identities_hold(part.reset_index(drop=True))
        assert list(part["month"]) == list(df["month"])  # one row a month and country


def test_the_run_is_the_sum_of_its_countries_for_persons():
    """Every flow and stock of persons, and the victims by destination, add up over the countries exactly."""
    df, by = region_run(), sim.by_country(region_run())
    persons = [
        c for c in df.columns if (o := BY_NAME.get(c)) is not None and o.unit == "persons" and c not in ACTOR_FLOWS
    ]
    per_dest = [c for c in df.columns if any(c.startswith(o.name.split("{d}")[0]) for o in PER_DESTINATION[:4])]
    summed = by.groupby("month")[persons + per_dest].sum()
    pd.testing.assert_frame_equal(summed.reset_index(drop=True), df[persons + per_dest].reset_index(drop=True))
    assert set(FLOWS) & set(persons)  # flows are among them
    assert by.groupby("country")["trafficked"].sum().gt(0).sum() >= 3  # trafficking happens in most countries


# the gangs' side, counted in a country's row for the gangs based there (and its victims' revenue)
SECURITY = [
    "gangs_active", "gang_revenue_usd", "victims_revenue_usd", "contraband_usd", "contraband_seized_usd",
    "gang_capital_usd", "bribes_usd", "bribes_courts_usd",
]  # fmt: skip


def test_the_run_is_the_sum_of_its_countries_for_the_gangs():
    """Gangs' numbers, revenue, contraband, capital and bribes add up over the countries to the run's, every
    month (to the rounding of sums of dollars in another order: relative 1e-9)."""
    df, by = region_run(), sim.by_country(region_run())
    summed = by.groupby("month")[SECURITY].sum().reset_index(drop=True)
    pd.testing.assert_frame_equal(summed, df[SECURITY].reset_index(drop=True), check_dtype=False, rtol=1e-9)
    assert df[["contraband_usd", "contraband_seized_usd"]].sum().gt(0).all()  # (courts of integrity 0.8: no bribe pays)
    assert (by.groupby("country")["gangs_active"].max() > 0).sum() >= 2  # gangs are based in several countries


def test_profiles_carry_the_country_and_add_up_to_each_countrys_flows():
    df = region_run()
    table, by = sim.profiles(df), sim.by_country(df)
    left = table.groupby(["country", "channel"])["persons"].sum().unstack()
    for name, part in by.groupby("country"):
        assert left.loc[name, ["trafficked_sexual", "trafficked_labour"]].sum() == part["trafficked"].sum()
        assert left.loc[name, "legal"] == part["emigrants_legal"].sum()


def test_demand_is_absolute_and_a_preset_alone_serves_its_share():
    """Destinations buy the same number of victims whatever countries run; a preset run alone serves the
    share its destinations' outside_share leaves it."""
    sizes = {f"countries.{c}.population.size": SIZE for c in PRESETS}
    region = MigrationModel(resolve(SCENARIOS / "region.toml", sizes, scale=50))
    alone = MigrationModel(resolve(SCENARIOS / "countries" / "moldova.toml", {"population.size": SIZE}, scale=50))
    # the same absolute demand: the region's shrunk demand_population, unchanged for the preset alone
    region_full = resolve(SCENARIOS / "region.toml")
    assert alone.params.market.demand_population == region_full.market.demand_population
    share = 1 - np.array([d.outside_share for d in alone.params.destinations.values()])
    np.testing.assert_allclose(alone.ctx.demand, region.ctx.demand * share[:, None])
    assert region.ctx.demand.sum() > 0


# what interventions change in a country's month (the rest of its context follows its persons)
LEVERS = (
    "home_wage", "permits", "awareness_boost", "training_add", "capacity_mult", "integrity_add", "cooperation_add",
    "conviction_add", "prosecution_add", "sentence_add", "protection", "identification_add", "return_support",
)  # fmt: skip


def _months(name: str, months: int, overrides: dict | None = None) -> list[dict]:
    """Each month's contexts and home police units, per country, of a small region run."""
    over = {**small_sizes("region.toml", SIZE), **(overrides or {})}
    model = MigrationModel(resolve(SCENARIOS / name, over, scale=50))
    out = []
    for _ in range(months):
        model.step()
        out.append({
            c.name: (
                {k: getattr(c.ctx, k) for k in LEVERS},
                [(u.training(c.ctx), u.capacity(c.ctx), u.integrity_now(c.ctx)) for u in [*c.source_units, c.border]],
            )
            for c in model.countries
        })  # fmt: skip
    return out


@lru_cache(maxsize=None)
def _region_months(months: int) -> list[dict]:
    """``_months`` of region.toml, cached: its one shared intervention acts in every country, with or without
    the patch of ``acts_in`` in the broken variant."""
    return _months("region.toml", months)


def _same(a, b) -> bool:
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, np.ndarray):
        return np.array_equal(a, b)
    return a == b


@pytest.mark.slow
def test_training_confined_to_moldova_changes_only_moldovas_rules():
    """Every month, what interventions set in every other country's context (wages, permits, awareness,
    police, law, victim protection) and its home units' training and capacity are as without the
    training; Moldova's are not. (Integrity and unemployment follow bribes and persons, which the shared
    gangs and market may move: they are not levers.)"""
    base = _region_months(72)
    alt = _months("region_moldova_police.toml", 72)
    later = slice(61, 72)  # from 2005-02: the training is in force
    for name in PRESETS:
        ctx_same = all(_same(b[name][0], a[name][0]) for b, a in zip(base, alt))
        training_same = all(
            _same([t[:2] for t in b[name][1]], [t[:2] for t in a[name][1]]) for b, a in zip(base[later], alt[later])
        )
        if name == "moldova":
            assert not ctx_same and not training_same
        else:
            assert ctx_same and training_same, name


def test_without_shared_markets_and_gangs_a_shock_in_one_country_leaves_the_others_unchanged():
    """With no demand for victims and no gangs, nothing links the countries: an economic shock confined to
    Moldova changes Moldova's months and leaves every other country's rows identical, to the last digit."""
    decoupled = {"gangs.per_million": 0.0, "gangs.entry_per_million": 0.0, "recruitment.deceptive_per_100k": 0.0}
    for d in ("eu", "balkans", "cis"):
        decoupled[f"destinations.{d}.sexual_demand_per_100k"] = [[2000, 0.0]]
        decoupled[f"destinations.{d}.labour_demand_per_100k"] = [[2000, 0.0]]
        decoupled[f"destinations.{d}.patronage_per_1000_troops"] = 0.0
    shock = {
        "interventions.slump": {"kind": "economic_shock", "start_month": 6, "strength": 0.1, "wage_change": -0.3,
                                "countries": ["moldova"]},
    }  # fmt: skip
    sizes = small_sizes("region.toml", SIZE)
    runs = [
        sim.by_country(
            sim.run(SCENARIOS / "region.toml", months=24, scale=50, overrides={**sizes, **decoupled, **extra})
        )
        for extra in ({}, shock)
    ]
    base, alt = (r.set_index(["country", "month"]) for r in runs)
    for name in PRESETS:
        if name == "moldova":
            assert not base.loc[name].equals(alt.loc[name])
            assert alt.loc[name, "emigrants_irregular"].sum() > base.loc[name, "emigrants_irregular"].sum()
        else:
            pd.testing.assert_frame_equal(base.loc[name], alt.loc[name])


def test_the_reference_engine_refuses_several_countries_clearly():
    with pytest.raises(sim.ScenarioError, match="reference engine runs a scenario of one source country"):
        over = small_sizes("region.toml", SIZE)
        sim.run(SCENARIOS / "region.toml", months=1, scale=200, engine="reference", overrides=over)


MOLDOVA = SCENARIOS / "countries" / "moldova.toml"


@pytest.mark.parametrize(
    "text, expected",
    [
        ('countries = ["nowhere.toml"]', "countries: file 'nowhere.toml' not found"),
        (f'countries = "{MOLDOVA}"', "countries: must be a list of file names"),
        (f'countries = ["{MOLDOVA}", "{MOLDOVA}"]', "countries: two countries are named 'moldova'"),
        (f'countries = ["{MOLDOVA}"]\n[interventions.t]\nkind = "police_training"\nstart_month = 2\n'
         'strength = 0.1\ncountries = ["narnia"]', "interventions.t.countries: unknown country 'narnia' (known: moldova)"),
    ],
)  # fmt: skip
def test_bad_countries_are_one_line_each_with_exit_2(tmp_path, capsys, text, expected):
    from sim.commands.cli import main

    path = tmp_path / "bad.toml"
    path.write_text(f'extends = "{SCENARIOS / "countries" / "_common.toml"}"\n{text}\n'.replace("\\n", "\n"))
    code = main(["run", str(path), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and not (tmp_path / "out").exists()
    assert any(line.startswith(str(path)) and expected in line for line in err), err
    assert "Traceback" not in "\n".join(err)


@pytest.mark.slow
def test_the_confinement_check_fails_for_an_intervention_that_ignores_its_countries(monkeypatch):
    """The broken variant: interventions that act in every country whatever their ``countries`` say.
    Then the other countries' levers change too, which ``test_training_confined_...`` would catch."""
    import sim.scenario.schema

    monkeypatch.setattr(sim.scenario.schema, "acts_in", lambda iv, country: True)
    base, alt = _region_months(72), _months("region_moldova_police.toml", 72)
    assert not all(_same(b["ukraine"][0], a["ukraine"][0]) for b, a in zip(base, alt))


def test_confined_interventions_and_national_keys_at_the_top_are_refused():
    with pytest.raises(sim.ScenarioError, match="interventions.x.countries: a demand_reduction acts on the shared"):
        load_scenario(SCENARIOS / "region.toml", {
            "interventions.x": {"kind": "demand_reduction", "start_month": 3, "strength": 0.2, "countries": ["moldova"]}
        })  # fmt: skip
    with pytest.raises(sim.ScenarioError, match="population.size: a scenario of several countries takes this"):
        load_scenario(SCENARIOS / "region.toml", {"population.size": 1_000_000})
    late = {"countries.moldova.interventions.late": {"kind": "law_reform", "start_month": "2030-01", "strength": 0.1}}
    with pytest.raises(sim.ScenarioError, match="countries.moldova.interventions.late.start_month: starts 2030-01"):
        load_scenario(SCENARIOS / "region.toml", late)
