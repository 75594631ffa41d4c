"""Unit tests of the persons' processes, one rule at a time, on small hand-built populations.

Each test builds a few dozen to a few thousand persons (``Population``), wraps them in a country
(``types.SimpleNamespace``, the calling convention of ``sim.processes``) with the context of a small
baseline scenario, calls ONE process's step and checks the direction or identity the model description
gives for its rule. The actors' rules (market, gangs, police, courts) are in ``test_processes_actors.py``.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from functools import cache
from types import SimpleNamespace

import numpy as np
import pytest

from sim.core.economy import SEXUAL, month_context
from sim.core.population import (
    ACTIVE,
    CIRCULAR,
    EDU_SECONDARY,
    FEMALE,
    IDENTIFIED,
    MALE,
    SEXUAL_BOUND,
    LabourAges,
    Population,
    Status,
)
from sim.core.rng import Keys
from sim.core.state import GangArrays, GangTallies, MonthState, Risks, RunningAverages
from sim.engine.recording import census
from sim.processes import demography, exploitation, labour, migration, recruitment, transit
from sim.processes.demography import Demography, LifeTables
from sim.processes.migration import Migration
from sim.processes.recruiters import DECEPTIVE
from sim.scenario import load_scenario
from sim.scenario.units import MONTHS_PER_YEAR

SEED = 1
SMALL = {"population.size": 20_000, "scale": 10, "months": 12}
MONTH = 2  # a month in which the life table does not change (not a January)
NEVER = np.iinfo(np.int16).max  # a month of death after any run


@cache
def scenario(**overrides):
    """The baseline scenario at a small size, with ``overrides`` (dotted keys written with ``__``)."""
    return load_scenario("baseline", {**SMALL, **{k.replace("__", "."): v for k, v in overrides.items()}})


def persons(sc, n: int, age_years: float = 30, status: Status = Status.EMPLOYED, **fields) -> Population:
    """``n`` alike persons of ``age_years`` at ``MONTH``, in ``status`` since month 0, active, men of
    secondary education in region 0 who never die; ``fields`` set other attributes (scalars or arrays)."""
    pop = Population(n, LabourAges(sc.economy))
    pop.add(n)
    pop.birth[:] = MONTH - int(age_years * MONTHS_PER_YEAR)
    pop.death[:] = NEVER
    pop.sex[:] = MALE
    pop.edu[:] = EDU_SECONDARY
    pop.region[:] = 0
    pop.status[:] = status
    pop.since[:] = 0
    pop.flags[:] = ACTIVE
    pop.awareness[:] = 0.5
    pop.risk[:] = 0.5
    for name, value in fields.items():
        getattr(pop, name)[:] = value
    if status >= Status.TRANSIT and status != Status.DEAD:
        pop.add_abroad(np.arange(n))
    return pop


def country_of(sc, pop: Population) -> SimpleNamespace:
    """A country around ``pop`` (the calling convention of ``sim.processes``), with its census taken now."""
    keys = Keys(SEED)
    life = LifeTables(sc)
    counts = defaultdict(int)
    counts["_emigrants_by_region"] = np.zeros(len(sc.regions))
    counts["_profiles"] = SimpleNamespace(add=lambda *args: None)
    country = SimpleNamespace(
        pop=pop, keys=keys, params=sc, index=0, offset=0, n_regions=len(sc.regions), counts=counts, revenue=0.0,
        migration=Migration(sc, keys), demography=Demography(sc, keys, life),
    )  # fmt: skip
    country.census = census(country, MONTH - 1, np.zeros(len(sc.destinations)))
    return country


def context(sc, **changes):
    """The context of ``MONTH`` with ``changes`` to its fields."""
    return dataclasses.replace(month_context(sc, MONTH, []), **changes)


def month_state(sc, raid: float = 0.0, stop: float = 0.0, active: bool = True) -> MonthState:
    """The state of a run with one gang serving every destination, at the given risks."""
    n_dest, n_regions = len(sc.destinations), len(sc.regions)
    gangs = GangArrays.zeros(1, n_dest, 0)
    gangs.routes[0] = 1.0
    gangs.capacity[0] = 1.0
    gangs.active[0] = active
    risks = Risks.zeros(1, n_dest, 1)
    risks.raid[:] = raid
    risks.stop[:] = stop
    return MonthState(
        gangs=gangs,
        tallies=GangTallies.zeros(1, n_dest, 1, n_regions),
        risks=risks,
        seen=RunningAverages.start(0.0, n_dest, 1, n_regions),
    )


def by_status(pop: Population) -> np.ndarray:
    return np.bincount(pop.status[: pop.n], minlength=len(Status))


# -- labour (step 2) ---------------------------------------------------------------------------------
def test_labour_job_loss_moves_employed_to_unemployed_towards_a_high_target():
    sc = scenario()
    pop = persons(sc, 400)
    country = country_of(sc, pop)
    labour.step(country, context(sc, u_target=np.full((len(sc.regions), 2), 0.5)), None)
    unemployed = by_status(pop)[Status.UNEMPLOYED]
    assert 0.3 * pop.n < unemployed < 0.7 * pop.n  # about half, the target
    assert np.all(pop.since[pop.status == Status.UNEMPLOYED] == MONTH)


def test_labour_job_finding_moves_unemployed_to_employed_and_no_job_is_lost():
    sc = scenario()
    pop = persons(sc, 400, status=Status.UNEMPLOYED)
    country = country_of(sc, pop)
    labour.step(country, context(sc, u_target=np.full((len(sc.regions), 2), 0.05)), None)
    employed = by_status(pop)[Status.EMPLOYED]
    rate = sc.economy.job_finding_rate
    assert 0 < employed < 3 * rate * pop.n  # the job-finding rate, not more


def test_labour_persons_past_the_pension_age_leave_the_labour_force():
    sc = scenario()
    pop = persons(sc, 20, age_years=sc.economy.pension_age_male + 1)
    labour.step(country_of(sc, pop), context(sc), None)
    assert np.all(pop.status == Status.INACTIVE)


# -- migration (steps 3 and 9) -----------------------------------------------------------------------
def lookers_at(sc, wage_ratio: float) -> set[int]:
    pop = persons(sc, 3000, age_years=25, status=Status.UNEMPLOYED)
    ctx = context(sc)
    ctx.dest_wage = ctx.dest_wage * wage_ratio
    return set(migration.look_abroad(country_of(sc, pop), ctx, None).tolist())


def test_look_abroad_a_larger_wage_gain_raises_who_looks():
    sc = scenario()
    low, high = lookers_at(sc, 0.5), lookers_at(sc, 2.0)
    assert len(high) > len(low)
    assert low <= high  # same draws: whoever looks at the smaller gain looks at the larger one too


def test_look_abroad_only_residents_of_migration_age_look():
    sc = scenario()
    pop = persons(sc, 500, age_years=sc.migration.max_age + 5, status=Status.UNEMPLOYED)
    assert migration.look_abroad(country_of(sc, pop), context(sc), None).size == 0


def test_return_or_settle_circular_migrants_return_and_settled_ones_stay():
    sc = scenario(migration__circular_return_rate=1.0, migration__settled_return_rate=0.0)
    pop = persons(sc, 40, status=Status.ABROAD_LEGAL, dest=0)
    pop.flags[:20] |= CIRCULAR
    country = country_of(sc, pop)
    migration.return_or_settle(country, context(sc), None)
    assert np.all(pop.status[:20] == Status.UNEMPLOYED) and np.all(pop.dest[:20] == -1)
    assert np.all(pop.status[20:] == Status.ABROAD_LEGAL)
    assert country.counts["returns"] == 20


# -- recruitment (step 4) ----------------------------------------------------------------------------
def recruit(sc, margin: float, awareness: float = 0.0, permits: float = 0.0, capacity: float = 1.0, **who):
    """One deceptive recruiter of gang 0 who reaches every resident: 300 unemployed women of 25 without
    ties (``who`` changes them), ``permits`` a month at every destination, the reference victim's discounted
    revenue ``margin`` everywhere with no upkeep or cost, and the gang's routes built to ``capacity``."""
    fields = {"age_years": 25, "sex": FEMALE, **who}
    pop = persons(sc, 300, status=Status.UNEMPLOYED, ties=0, awareness=awareness, **fields)
    country = country_of(sc, pop)
    state = month_state(sc)
    state.gangs.capacity[0] = capacity
    agent = SimpleNamespace(recruits=0.0)
    recruiters = {
        "agents": [agent], "key": np.array([7]), "region": np.array([0]), "reach": np.array([1e9]),
        "kind": np.array([DECEPTIVE]), "gang": np.array([0]),
    }  # fmt: skip
    n_dest = len(sc.destinations)
    terms = (np.full((n_dest, 2), margin), np.zeros((n_dest, 2)), np.zeros(n_dest))
    market = SimpleNamespace(recruit_terms=lambda country: terms, transport=np.ones(n_dest))
    ctx = context(sc, permits=np.full(n_dest, permits))
    recruitment.step(country, ctx, state, np.arange(pop.n), recruiters, market)
    return pop, country, state, agent


def test_recruitment_a_deceptive_offer_where_a_route_pays_sends_victims_with_the_gang():
    sc = scenario(migration__self_departure_without_ties=0.0)
    pop, country, state, agent = recruit(sc, margin=1000.0)
    victims = pop.status == Status.TRANSIT
    assert victims.sum() > 0 and country.counts["trafficked"] == victims.sum()
    assert country.counts["trafficked_sexual"] + country.counts["trafficked_labour"] == victims.sum()
    assert np.all(pop.gang[victims] == 0)
    assert agent.recruits == victims.sum() * sc.scale
    assert state.tallies.transport[0] == victims.sum() * sc.scale  # transport 1 USD a victim


def test_recruitment_no_deceptive_offer_where_no_route_pays_or_no_capacity_is_built():
    sc = scenario(migration__self_departure_without_ties=0.0)
    pop, country, _, _ = recruit(sc, margin=-1000.0)
    assert country.counts["trafficked"] == 0 and np.all(pop.status == Status.UNEMPLOYED)
    pop, country, _, _ = recruit(sc, margin=1000.0, capacity=0.0)
    assert country.counts["trafficked"] == 0


def test_recruitment_awareness_lowers_who_accepts_a_deceptive_offer():
    sc = scenario(migration__self_departure_without_ties=0.0)
    unaware = recruit(sc, margin=1000.0, awareness=0.0)[1].counts["trafficked"]
    aware = recruit(sc, margin=1000.0, awareness=1.0)[1].counts["trafficked"]
    assert aware < unaware


def test_recruitment_a_permit_in_hand_competes_with_a_deceptive_offer():
    """The same persons and draws with permits for all: nobody is deceived who was not without them, and
    fewer are; those who leave legally instead are among those who had a permit."""
    sc = scenario(migration__self_departure_without_ties=0.0)
    without = recruit(sc, margin=1000.0)[0].status == Status.TRANSIT
    pop, country, _, _ = recruit(sc, margin=1000.0, permits=1e9)
    with_permits = pop.status == Status.TRANSIT
    assert not np.any(with_permits & ~without)
    assert with_permits.sum() < without.sum() and country.counts["emigrants_legal"] > 0


def test_recruitment_gangs_choose_the_kind_of_exploitation_by_who_the_recruit_is():
    """Young women are offered mostly for sexual exploitation, men for forced labour, and nobody past the
    end age of sexual exploitation for it."""
    sc = scenario(migration__self_departure_without_ties=0.0, recruitment__perceived_risk=0.0)
    women = recruit(sc, margin=1000.0)[1].counts
    men = recruit(sc, margin=1000.0, sex=MALE)[1].counts
    older = recruit(sc, margin=1000.0, age_years=sc.exploitation.sexual_end_age + 1)[1].counts
    assert women["trafficked_sexual"] > women["trafficked_labour"] > 0
    assert men["trafficked_labour"] > men["trafficked_sexual"]
    assert older["trafficked_sexual"] == 0 and older["trafficked_labour"] > 0


def test_recruitment_the_mix_of_exploitation_follows_relative_margins():
    """The same men and women, draws and offers: when forced labour pays twice as much (a labour boom), the
    gangs send a larger share of those they recruit to forced labour."""
    sc = scenario(migration__self_departure_without_ties=0.0, recruitment__perceived_risk=0.0)

    def labour_share(labour_income: float) -> float:
        pop = persons(sc, 300, status=Status.UNEMPLOYED, ties=0, awareness=0.0, age_years=25)
        pop.sex[::2] = FEMALE
        country, state = country_of(sc, pop), month_state(sc)
        recruiters = {
            "agents": [SimpleNamespace(recruits=0.0)], "key": np.array([7]), "region": np.array([0]),
            "reach": np.array([1e9]), "kind": np.array([DECEPTIVE]), "gang": np.array([0]),
        }  # fmt: skip
        n_dest = len(sc.destinations)
        income = np.full((n_dest, 2), 1000.0)
        income[:, 1 - SEXUAL] = labour_income
        terms = (income, np.zeros((n_dest, 2)), np.zeros(n_dest))
        market = SimpleNamespace(recruit_terms=lambda c: terms, transport=np.ones(n_dest))
        recruitment.step(country, context(sc), state, np.arange(pop.n), recruiters, market)
        return country.counts["trafficked_labour"] / country.counts["trafficked"]

    assert labour_share(2000.0) > labour_share(1000.0)


def test_worth_falls_with_age_past_the_prime_and_is_nothing_at_the_end_age():
    rules = scenario().exploitation
    ages = np.array([18.0, rules.sexual_prime_age, (rules.sexual_prime_age + rules.sexual_end_age) / 2,
                     rules.sexual_end_age])  # fmt: skip
    women = exploitation.worth(rules, SEXUAL, np.ones(4, dtype=bool), ages)
    assert np.allclose(women, [1.0, 1.0, 0.5, 0.0])
    men = exploitation.worth(rules, SEXUAL, np.zeros(4, dtype=bool), ages)
    assert np.allclose(men, women * rules.sexual_worth_men)


# -- transit (step 5) --------------------------------------------------------------------------------
def in_transit(sc, n: int = 30) -> Population:
    pop = persons(sc, n, status=Status.TRANSIT, dest=0, gang=0, since=MONTH - sc.transit.months)
    pop.flags[: n // 2] |= SEXUAL_BOUND
    return pop


def test_transit_stop_probability_one_stops_everyone_in_transit():
    sc = scenario()
    pop = in_transit(sc)
    country = country_of(sc, pop)
    transit.step(country, context(sc), month_state(sc, stop=1.0))
    assert np.all(pop.status == Status.UNEMPLOYED) and np.all(pop.flags & IDENTIFIED)
    assert country.counts["interdicted"] == pop.n


def test_transit_stop_probability_zero_stops_none_and_they_arrive_by_type():
    sc = scenario()
    pop = in_transit(sc)
    country = country_of(sc, pop)
    transit.step(country, context(sc), month_state(sc, stop=0.0))
    assert country.counts["interdicted"] == 0
    half = pop.n // 2
    assert np.all(pop.status[:half] == Status.SEXUAL) and np.all(pop.status[half:] == Status.LABOUR)


# -- exploitation (step 6) ---------------------------------------------------------------------------
def exploited(sc, n: int = 40) -> Population:
    return persons(sc, n, status=Status.SEXUAL, dest=0, gang=0, debt=1000.0, sex=FEMALE)


def victims_market(sc, price: float = 500.0):
    return SimpleNamespace(price=np.full((len(sc.destinations), 2), price), upkeep=np.array([100.0, 100.0]))


def test_exploitation_raid_risk_one_frees_every_victim_and_most_by_rescue():
    sc = scenario()
    pop = exploited(sc)
    country = country_of(sc, pop)
    exploitation.step(country, context(sc), month_state(sc, raid=1.0), victims_market(sc))
    assert not np.any(pop.status == Status.SEXUAL)
    assert country.counts["rescued"] > pop.n / 2


def test_exploitation_raid_risk_zero_rescues_none():
    sc = scenario()
    pop = exploited(sc)
    country = country_of(sc, pop)
    exploitation.step(country, context(sc), month_state(sc, raid=0.0), victims_market(sc))
    assert country.counts["rescued"] == 0


def test_exploitation_a_broken_gang_releases_all_its_victims():
    sc = scenario()
    pop = exploited(sc)
    country = country_of(sc, pop)
    exploitation.step(country, context(sc), month_state(sc, active=False), victims_market(sc))
    assert not np.any(pop.status == Status.SEXUAL)
    assert country.counts["released"] > 0 and country.counts["rescued"] == 0


def test_exploitation_revenue_is_the_price_of_each_victim_month_times_what_the_victim_is_worth():
    sc = scenario(exploitation__excess_mortality=0.0, exploitation__escape_rate=0.0,
                  exploitation__release_rate=0.0, exploitation__release_debt_paid=0.0)  # fmt: skip
    pop = exploited(sc)
    pop.sex[: pop.n // 2] = 1 - pop.sex[: pop.n // 2]  # both sexes
    country = country_of(sc, pop)
    state = month_state(sc)
    age = (MONTH - pop.birth[: pop.n]) / MONTHS_PER_YEAR
    female = pop.sex[: pop.n] == FEMALE
    is_sexual = pop.status[: pop.n] == Status.SEXUAL
    worth = np.where(is_sexual, exploitation.worth(sc.exploitation, SEXUAL, female, age),
                     exploitation.worth(sc.exploitation, 1 - SEXUAL, female, age))  # fmt: skip
    assert 0 < worth.min() < worth.max() <= 1
    exploitation.step(country, context(sc), state, victims_market(sc, price=500.0))
    assert state.tallies.revenue[0] == pytest.approx(sc.scale * 500.0 * worth.sum())
    assert country.revenue == pytest.approx(sc.scale * 500.0 * worth.sum())
    assert np.all(pop.debt == 1000.0 - sc.exploitation.debt_repayment)


# -- demography (step 10) ----------------------------------------------------------------------------
def test_demography_everyone_whose_death_month_has_come_dies():
    sc = scenario()
    pop = persons(sc, 30, death=MONTH)
    pop.status[:10] = Status.ABROAD_LEGAL
    country = country_of(sc, pop)
    demography.step(country, context(sc), None)
    assert np.all(pop.status == Status.DEAD)
    assert country.counts["deaths_home"] == 20 and country.counts["deaths_abroad"] == 10


def births_of(sc, sex: int, region: int = 2) -> tuple[Population, int]:
    pop = persons(sc, 4000, age_years=sc.demography.mean_age_at_birth, status=Status.EMPLOYED, sex=sex, region=region)
    country = country_of(sc, pop)
    demography.step(country, context(sc), None)
    return pop, country.counts["births"]


def test_demography_births_only_from_women_at_home_in_their_region():
    sc = scenario()
    men, men_births = births_of(sc, MALE)
    women, births = births_of(sc, FEMALE)
    assert men_births == 0 and men.n == 4000
    assert births > 0 and women.n == 4000 + births
    newborn = slice(4000, women.n)
    assert np.all(women.birth[newborn] == MONTH) and np.all(women.region[newborn] == 2)
    assert np.all(women.status[newborn] == Status.INACTIVE)


def test_demography_women_abroad_bear_no_children_at_home():
    sc = scenario()
    pop = persons(sc, 4000, age_years=sc.demography.mean_age_at_birth, status=Status.ABROAD_LEGAL, sex=FEMALE, dest=0)
    country = country_of(sc, pop)
    demography.step(country, context(sc), None)
    assert country.counts["births"] == 0
