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
from sim.processes.courts import Courts
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
    )  # fmt: skip
    gang = SimpleNamespace(gid=0, members=10.0, routes=np.array([0]), recruiters=[])

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

    def __init__(self, members: float, protection: float):
        self.gid, self.active, self.members = 0, True, members
        self.protection = np.array([protection])

    def lose_members(self, n: float) -> None:
        self.members = max(0.0, self.members - n)


def courts_of(gang: StandInGang, conviction: float = 1.0):
    """Courts of a stand-in model, and a unit of full integrity whose law prosecutes everyone."""
    sc = load_scenario("baseline", TINY)
    ctx = month_context(sc, 1, [])
    law = SimpleNamespace(prosecution_rate=1.0, conviction_rate=conviction, corrupt_drop=0.0, court_delay=3,
                          rejoin_share=1.0, sentence_years=1.0)  # fmt: skip
    unit = SimpleNamespace(police=law, country=None, uix=0, integrity_now=lambda ctx: 1.0)
    stand_in = SimpleNamespace(keys=Keys(1), actor_counts=defaultdict(float), countries=[], gang_list=[gang],
                               ctx_of=lambda unit: ctx)  # fmt: skip
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


def test_courts_a_fully_protected_gang_has_its_cases_dropped():
    gang = StandInGang(members=10.0, protection=1.0)
    courts, unit, ctx = courts_of(gang)
    courts.file(unit, gang, 4, ctx)
    courts.step(at(ctx, ctx.month + 3))
    assert courts.model.actor_counts["convictions"] == 0 and gang.members == 10.0  # released, all rejoin
