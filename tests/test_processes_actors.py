"""Unit tests of the strategic actors' rules: the market for victims, gangs, police units and courts.

The pure helpers are called on hand-built arrays; the Mesa agents (gangs, police units) on the smallest
real ``MigrationModel`` of the baseline scenario (2,000 residents, scale 1), built once for the module;
the courts on a stand-in model that holds only what they read. The persons' processes are in
``test_processes.py``.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from types import SimpleNamespace

import numpy as np
import pytest

from sim.core.economy import month_context
from sim.core.rng import Keys, origin_key
from sim.core.state import GangArrays, MonthState, RunningAverages
from sim.engine.model import MigrationModel
from sim.processes.courts import Courts, drop_probability
from sim.processes.gangs import Gang, gang_arrays, month_risks, update_running_averages
from sim.processes.market import Market
from sim.processes.police import expected_loss, operation_rates
from sim.scenario import load_scenario
from sim.scenario.units import MONTHS_PER_YEAR

TINY = {"population.size": 2_000, "scale": 1, "months": 1}


@pytest.fixture(scope="module")
def model() -> MigrationModel:
    """The smallest real model, with the market's prices and risks of its first month."""
    run = MigrationModel(load_scenario("baseline", TINY), seed=1)
    run.market.update(run, run.ctx)
    return run


def units_of(model, kind: str) -> list:
    return [u for u in model.units if u.kind == kind]


# -- the market ----------------------------------------------------------------------------------
def test_market_more_demand_raises_the_clearing_price_of_the_same_victims():
    sc = load_scenario("baseline", TINY)
    market = Market(sc)
    ctx = month_context(sc, 1, [])
    held = ctx.demand.copy()  # the reference price at the reference demand
    assert np.allclose(market.clearing_price(held, ctx), ctx.price)
    more = dataclasses.replace(ctx, demand=ctx.demand * 1.5)
    assert np.all(market.clearing_price(held, more) > ctx.price)


def test_market_a_glut_lowers_the_clearing_price_within_its_bounds():
    sc = load_scenario("baseline", TINY)
    market = Market(sc)
    ctx = month_context(sc, 1, [])
    assert np.all(market.clearing_price(ctx.demand * 2, ctx) < ctx.price)
    floor = ctx.price * sc.market.price_min_ratio
    assert np.allclose(market.clearing_price(ctx.demand * 1e9, ctx), floor)


def test_market_update_more_victims_held_last_month_lower_the_price(model, monkeypatch):
    prices = []
    for share in (1.0, 3.0):
        monkeypatch.setattr(model.state, "victims_exploited", model.ctx.demand * share)
        market = Market(model.params, [model.params.population.size])
        market.update(model, model.ctx)
        prices.append(market.price)
    assert np.all(prices[1] < prices[0])


# -- gangs -----------------------------------------------------------------------------------------
def test_month_risks_protection_removes_the_gangs_risks(model, monkeypatch):
    n_dest = len(model.params.destinations)
    gangs = GangArrays.zeros(2, n_dest, len(model.units))
    gangs.protection[1] = 1.0  # gang 1 bought every unit
    monkeypatch.setattr(model.state, "gangs", gangs)
    risks = month_risks(model)
    assert np.allclose(risks.raid[0], model.market.raid) and np.all(model.market.raid > 0)
    assert np.allclose(risks.stop[0], model.market.p_stop) and np.all(model.market.p_stop > 0)
    assert np.all(risks.raid[1] == 0) and np.all(risks.stop[1] == 0)


def gang_ready(model, members: float, capital: float) -> Gang:
    """A new gang serving destination 0, with the state's arrays, tallies and averages that include it."""
    gang = Gang(model, origin_key("gang", 1, len(model.gang_list)), np.array([0]), members, capital)
    model.state.gangs = gang_arrays(model)
    model.state.tallies = model.zero_tallies()
    update_running_averages(model)
    model.state.operation_rates = operation_rates(model)
    return gang


def test_gang_with_too_few_free_members_breaks_up(model):
    gang = gang_ready(model, members=0.0, capital=1e6)
    assert gang.members < model.params.gangs.min_members
    gang.step(model.ctx)
    assert not gang.active and not model.state.gangs.active[gang.gid]


def test_gang_bribes_never_exceed_its_capital(model):
    gang = gang_ready(model, members=20.0, capital=1.0)
    model.state.seen.held[gang.gid, 0] = 1e4  # many victims held: much to lose to the destination's raids
    paid = gang.bribe(model.ctx)
    assert 0 < paid <= 1.0 + 1e-9
    gang.break_up()


def test_gang_bribes_the_court_that_tries_the_cases_a_unit_threatens(model):
    """Arrests expected at the border go to the country's court: the gang bribes it too, and buys protection
    there (a court of integrity 0.6 sells max_protection - k of its cases, k = bribe_share x 0.6 / 0.4)."""
    gang = gang_ready(model, members=20.0, capital=1e7)
    model.state.seen.in_transit[gang.gid, 0] = 1e3  # many victims in transit: members arrested at the border
    court = model.courts.court_of(model.countries[0].border)
    court.integrity = 0.6  # below 0.64, where bribes to a court pay (the default 0.8 is not worth bribing)
    bribes_before = court.bribes
    gang.bribe(model.ctx)
    assert court.bribes > bribes_before and gang.court_protection[court.cix] > 0
    assert model.actor_counts["bribes_courts_usd"] > 0
    assert model.actor_counts["bribes_courts_usd"] <= model.actor_counts["bribes_usd"]
    gang.break_up()


# -- contraband ------------------------------------------------------------------------------------
def test_contraband_a_route_brings_less_when_border_interdiction_rises(model, monkeypatch):
    """Training the border police raises the share of contraband seized on every route, so each route
    brings less (to an unprotected gang, ``Market.contraband``, and to a gang, ``contraband_seized``);
    protection bought from the border police lowers the share seized again."""
    gang = gang_ready(model, members=20.0, capital=1e5)
    country = model.countries[0]
    stop_before, net_before = model.market.p_stop.copy(), model.market.contraband.copy()
    seized_before = gang.contraband_seized(gang.routes)
    trained = dataclasses.replace(country.ctx, training_add={**country.ctx.training_add, "border": 0.5})
    monkeypatch.setattr(country, "ctx", trained)  # the border unit's context; the destinations keep theirs
    market = Market(model.params, [model.params.population.size])
    monkeypatch.setattr(model, "market", market)
    market.update(model, model.ctx)
    assert market.p_stop[0] > stop_before[0] and np.all(market.contraband < net_before)
    seized = gang.contraband_seized(gang.routes)
    assert np.all(seized > seized_before) and np.all(seized < 1)
    gang.protection[country.border.uix] = model.params.gangs.max_protection
    assert np.all(gang.contraband_seized(gang.routes) < seized)
    gang.break_up()


def test_contraband_a_routes_value_to_a_gang_falls_with_the_raids_there(model, monkeypatch):
    """Without recruiters a route is worth its contraband past seizures; raids at a destination lower it."""
    gang = gang_ready(model, members=20.0, capital=1e5)
    gp = model.params.gangs
    values = gang.route_values()
    assert np.allclose(values, gp.contraband_per_route * (1 - gang.contraband_seized(np.arange(values.size))))
    raided = model.market.raid.copy()
    raided[1] = 0.5
    monkeypatch.setattr(model.market, "raid", raided)
    after = gang.route_values()
    assert after[1] < values[1] and after[0] == values[0]
    gang.break_up()


# -- police ----------------------------------------------------------------------------------------
def test_police_visibility_is_what_the_unit_sees_in_its_jurisdiction(model):
    seen = RunningAverages(
        recruiter_yield=0.0,
        held=np.arange(6.0).reshape(2, 3),
        in_transit=np.array([[5.0], [7.0]]),
        recruited=np.arange(8.0).reshape(2, 4) + 10,
    )
    destination, border = units_of(model, "destination")[1], units_of(model, "border")[0]
    source = units_of(model, "source")[2]
    assert np.array_equal(destination.visibility(seen), seen.held[:, 1])
    assert np.array_equal(border.visibility(seen), seen.in_transit[:, 0])
    assert np.array_equal(source.visibility(seen), seen.recruited[:, 2])


def test_police_investigations_follow_visibility_and_training_raises_effectiveness(model):
    unit, ctx = units_of(model, "destination")[0], model.ctx
    rates = unit.operation_rates(np.array([1.0, 3.0]), ctx)
    assert rates[1] == pytest.approx(3 * rates[0]) and rates[0] > 0
    assert np.all(unit.operation_rates(np.zeros(2), ctx) == 0)
    trained = dataclasses.replace(ctx, training_add={**ctx.training_add, "destination": 0.3})
    assert unit.effectiveness(trained) > unit.effectiveness(ctx)


def test_police_expected_loss_grows_with_the_victims_a_unit_can_free(model):
    n_units, n_dest = len(model.units), len(model.params.destinations)
    market = SimpleNamespace(
        value=np.full((n_dest, 2), 1000.0), penalty_by_unit=np.full(n_units, 50.0),
        raid=np.full(n_dest, 0.1), p_stop=np.array([0.1]),
        contraband_per_route=0.0, contraband_stop=np.array([0.1]), contraband_raid=np.full(n_dest, 0.1),
    )  # fmt: skip
    gang = SimpleNamespace(gid=0, home=0, members=10.0, routes=np.array([0]), recruiters=[])

    def loss(held: float) -> np.ndarray:
        seen = RunningAverages.start(0.0, n_dest, 1, model.n_regions)
        seen.held = np.zeros((1, n_dest))
        seen.held[0, 0] = held
        seen.in_transit = np.zeros((1, 1))
        state = MonthState(gangs=None, tallies=None, risks=None, seen=seen,
                           operation_rates=[np.zeros(1)] * n_units)  # fmt: skip
        return expected_loss(gang, model.units, market, state, model.ctx_of)

    raid_unit = units_of(model, "destination")[0].uix
    one, two = loss(10.0), loss(20.0)
    assert one[raid_unit] > 0 and two[raid_unit] == pytest.approx(2 * one[raid_unit])
    others = [u.uix for u in model.units if u.uix != raid_unit]
    assert np.all(one[others] == 0)


# -- courts ----------------------------------------------------------------------------------------
class StandInGang:
    """What the courts read and change of a gang."""

    def __init__(self, members: float, protection: float, court_protection: float = 0.0):
        self.gid, self.active, self.members = 0, True, members
        self.protection = np.array([protection])
        self.court_protection = np.full(3, court_protection)  # the stand-in's courts: one per destination

    def lose_members(self, n: float) -> None:
        self.members = max(0.0, self.members - n)


def courts_of(gang: StandInGang, conviction: float = 1.0, corrupt_drop: float = 0.0, court_integrity: float = 1.0):
    """Courts of a stand-in model of the baseline (its country's court, one per destination), and a
    destination unit of full integrity whose law prosecutes everyone; the unit's court has ``court_integrity``."""
    sc = load_scenario("baseline", {**TINY, "police.courts.integrity": court_integrity})
    ctx = month_context(sc, 1, [])
    law = SimpleNamespace(prosecution_rate=1.0, conviction_rate=conviction, corrupt_drop=corrupt_drop, court_delay=3,
                          rejoin_share=1.0, sentence_years=1.0)  # fmt: skip
    unit = SimpleNamespace(police=law, country=None, where=0, uix=0, integrity_now=lambda ctx: 1.0)
    stand_in = SimpleNamespace(keys=Keys(1), actor_counts=defaultdict(float), countries=[], gang_list=[gang],
                               ctx_of=lambda unit: ctx, params=sc)  # fmt: skip
    return Courts(stand_in), unit, ctx


def at(ctx, month: int):
    return dataclasses.replace(ctx, month=month)


def test_courts_a_case_ends_in_a_verdict_at_its_month_and_conviction_one_convicts_all():
    gang = StandInGang(members=10.0, protection=0.0)
    courts, unit, ctx = courts_of(gang)
    courts.file(unit, gang, 4, ctx)
    counts = courts.model.actor_counts
    assert counts["arrests"] == 4 and counts["prosecutions"] == 4 and gang.members == 6.0
    courts.step(at(ctx, ctx.month + 2))  # before the verdict
    assert len(courts.pending) == 1 and counts["convictions"] == 0
    courts.step(at(ctx, ctx.month + 3))
    assert not courts.pending and counts["convictions"] == 4
    release = ctx.month + 3 + MONTHS_PER_YEAR  # a sentence of one year
    courts.step(at(ctx, release - 1))
    assert gang.members == 6.0
    courts.step(at(ctx, release))  # back from prison, all rejoin
    assert gang.members == 10.0


def test_courts_a_corrupted_court_drops_more_cases():
    """The arresting unit has integrity 1; with corrupt_drop 0.6 a court of integrity 1 drops no case, one of
    integrity 0 drops each with probability 0.6. 400 one-person cases each: the share dropped must be within
    0.1 of 0.6 (about four binomial standard deviations, 0.0245)."""
    cases, convicted = 400, {}
    for integrity in (1.0, 0.0):
        gang = StandInGang(members=1e6, protection=0.0)
        courts, unit, ctx = courts_of(gang, corrupt_drop=0.6, court_integrity=integrity)
        for _ in range(cases):
            courts.file(unit, gang, 1, ctx)
        courts.step(at(ctx, ctx.month + 3))
        convicted[integrity] = courts.model.actor_counts["convictions"]
    assert convicted[1.0] == cases
    assert abs((cases - convicted[0.0]) / cases - 0.6) < 0.1


def test_courts_bribes_keep_prosecutors_and_judges_on_a_payroll_and_erode_the_courts_integrity():
    gang = StandInGang(members=10.0, protection=0.0)
    courts, unit, ctx = courts_of(gang, court_integrity=0.6)
    court, sc = courts.court_of(unit), courts.model.params
    officials, per_official = sc.police.courts.officials, sc.gangs.bribe_per_official
    court.take_bribe(officials / 2 * per_official)  # half its prosecutors and judges
    courts.step(ctx)
    assert court.corrupted == officials / 2 and court.bribes == 0
    target = 0.6 * 0.5
    assert court.integrity == pytest.approx(0.6 + sc.police.integrity_recovery * (target - 0.6))
    others = [c for c in courts.courts if c is not court]
    assert all(c.integrity == 0.6 and c.corrupted == 0 for c in others)


def test_courts_a_gang_that_bought_the_court_has_its_cases_dropped():
    gang = StandInGang(members=10.0, protection=0.0, court_protection=1.0)
    courts, unit, ctx = courts_of(gang)
    courts.file(unit, gang, 4, ctx)
    courts.step(at(ctx, ctx.month + 3))
    assert courts.model.actor_counts["convictions"] == 0 and gang.members == 10.0  # released, all rejoin


def test_courts_the_drop_probability_combines_unit_court_and_protection():
    assert drop_probability(0.6, 1.0, 1.0) == 0.0
    assert drop_probability(0.6, 0.0, 1.0) == pytest.approx(0.6) == drop_probability(0.6, 1.0, 0.0)
    assert drop_probability(0.6, 0.0, 0.0) == pytest.approx(1 - 0.4 * 0.4)
    assert drop_probability(0.0, 1.0, 1.0, 0.5, 0.5) == pytest.approx(0.75)


def test_courts_a_fully_protected_gang_has_its_cases_dropped():
    gang = StandInGang(members=10.0, protection=1.0)
    courts, unit, ctx = courts_of(gang)
    courts.file(unit, gang, 4, ctx)
    courts.step(at(ctx, ctx.month + 3))
    assert courts.model.actor_counts["convictions"] == 0 and gang.members == 10.0  # released, all rejoin
