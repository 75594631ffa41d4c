"""The Mesa model: persons as arrays, recruiters, gangs and police units as agents, one month a step.

``MigrationModel.step`` is the month's schedule, one call a process (see docs/ODD.md, section 3):

 1. exogenous paths and the market        ``begin_month`` (``economy.month_context``), ``gang_arrays``,
                                          ``Market.update``, ``month_risks``, zeroed ``GangTallies``
 2. home labour market                     ``labour.step``
 3. who looks for work abroad              ``migration.look_abroad``
 4. recruitment and departures             ``recruitment.step``
 5. transit and border interdiction        ``transit.step``
 6. exploitation and its exits             ``exploitation.step``
 7. gangs                                  ``recruiter_tallies``, ``update_recruiter_yield``,
                                          ``update_running_averages``, ``operation_rates``, ``gangs_step``,
                                          ``gang_entry``, ``informal_recruiters``, ``gang_arrays``,
                                          ``recruiters_step``
 8. police and courts                      ``police_step``, ``Courts.step``
 9. migrants abroad return or settle       ``migration.return_or_settle``
10. demography                             ``demography.step``
11. census and record                      ``take_census`` (``recording.census``: what the row and the next
                                          month's rules read), ``recording.record`` (the row; changes nothing)

Steps 2-4 run country by country, 5 and 6 for each country, 7-8 once for the shared actors, 9-10
country by country. The month's shared state is ``state`` (``sim.core.state.MonthState``).

Before the first month, ``MigrationModel.burn_in`` runs the scenario's ``burn_in`` months before the start
(the same schedule, the residents held as drawn, nothing recorded), so that the run starts from the
victims', the gangs' and the market's own state (docs/ODD.md, section 5).
"""

from __future__ import annotations

import mesa
import numpy as np
from mesa.agentset import AgentSet

from sim.core import interventions
from sim.core.economy import FIRST_MONTH, month_context
from sim.core.outputs import FLOWS
from sim.core.rng import Keys, actor_poisson, actor_uniforms, origin_key
from sim.core.state import GangArrays, GangTallies, MonthState, Risks, RunningAverages
from sim.engine.country import ACTOR_FLOWS, Country
from sim.engine.recording import Profiles, census, record
from sim.processes import demography, exploitation, labour, migration, recruitment, transit
from sim.processes.courts import Courts
from sim.processes.gangs import (
    Gang,
    gang_arrays,
    gang_entry,
    gangs_step,
    informal_recruiters,
    month_risks,
    new_gang,
    random_gang,
    recruiter_tallies,
    update_recruiter_yield,
    update_running_averages,
)  # fmt: skip
from sim.processes.market import Market
from sim.processes.police import PoliceUnit, operation_rates, police_step
from sim.processes.recruiters import DECEPTIVE, INFORMAL, KINDS, LICENSED, Recruiter, recruiter_table, recruiters_step
from sim.scenario import Scenario

PER_MILLION = 1e6  # residents per million (gangs' counts are per million residents)
PER_100K = 1e5  # residents per 100,000 (recruiters' counts are per 100,000 residents)


class MigrationModel(mesa.Model):
    """One run of a scenario. ``rows`` holds the recorded months (row 0: the initial state), the sum over
    its source countries (``countries``, each with its own ``rows``)."""

    def __init__(self, scenario: Scenario, seed: int | None = None):
        seed = scenario.seed if seed is None else int(seed)
        super().__init__(rng=seed)
        params = self.params = scenario
        self.seed = seed
        self.keys = Keys(seed)  # the actors' draws (and the persons' in a run of one country)
        self.month = 0
        several = bool(params.countries)
        self.countries: list[Country] = []
        for i, (name, country_params) in enumerate(params.country_scenarios()):
            keys = Keys(seed, f"{name}/") if several else self.keys
            offset = sum(country.n_regions for country in self.countries)
            self.countries.append(Country(i, name, country_params, keys, offset))
        self.n_regions = sum(country.n_regions for country in self.countries)
        # residents of each of the run's regions at the start (real persons)
        self.region_residents0 = np.array([
            country.params.population.size * region.share
            for country in self.countries for region in country.params.regions.values()
        ])  # fmt: skip
        self.region_country = np.array(
            [country.index for country in self.countries for _ in range(country.n_regions)], dtype=np.int64
        )
        # what acts on the destinations: the run's interventions not confined to some countries
        self.interventions = (
            interventions.build(params, everywhere_only=True) if several else self.countries[0].interventions
        )
        self.gang_list: list[Gang] = []
        self.units: list[PoliceUnit] = []
        self.courts = Courts(self)
        n_dest, n_countries = len(params.destinations), len(self.countries)
        self.state = MonthState(
            gangs=GangArrays.zeros(0, n_dest, 0),
            tallies=GangTallies.zeros(0, n_dest, n_countries, self.n_regions),
            risks=Risks.zeros(0, n_dest, n_countries),
            seen=RunningAverages.start(params.gangs.initial_yield, n_dest, n_countries, self.n_regions),
        )
        self.market = Market(params, [country.params.population.size for country in self.countries])
        self._create_actors()
        self.ctx = self._shared_context(FIRST_MONTH)  # the context at the start
        self.state.tallies = self.zero_tallies()
        # the persons as drawn, before any is a victim: where the burn-in holds them
        drawn = [country.pop.saved() for country in self.countries] if params.burn_in else None
        for country in self.countries:
            share = country.params.population.size / params.residents
            exploitation.seed_victims(country, self.ctx, self.state.gangs, share)
        self._count_start()
        if drawn is not None:
            self.burn_in(drawn)
        self.rows = [record(self)]

    def _count_start(self) -> None:
        """The state at the start (month 0): zeroed tallies, no emigrant counted yet, the census, and the labour
        force the jobs path is a share of."""
        self.month = 0
        for country in self.countries:
            country.profiles = Profiles(country.params)
            country.counts = self.zero_counts(country)
            country.actor_counts = dict.fromkeys(ACTOR_FLOWS, 0.0)
            country.revenue = 0.0
        self.actor_counts = dict.fromkeys(ACTOR_FLOWS, 0.0)
        self.take_census()
        for country in self.countries:
            country.labour_force0 = country.census.labour.copy()  # the labour force at the start (jobs: a share)

    def burn_in(self, drawn: list[dict]) -> None:
        """``burn_in`` months before the start, so that the run starts from the market's, the gangs' and the
        victims' own state rather than from the scenario's guesses (docs/ODD.md, section 5).

        The months are those before the start, indices ``-burn_in`` to -1: their draws are keyed by their own
        indices and never coincide with a reported month's. Each has the paths and interventions of the first
        month (``month_context`` of a month before the start) and the whole schedule but demography: the
        persons look abroad, are recruited and leave, the actors, the market, the police and the courts act.
        At the end of each month every person but the victims (in transit or in exploitation) is put back as
        drawn, with the ages and durations of the first month (``_hold``; ``drawn``: each country's
        ``Population.saved()`` before the victims were seeded, a copy of the persons' state kept while the
        burn-in runs): nobody is born, ages, dies at home, emigrates or comes back for good, and each month
        meets the residents the scenario sets, while the victims, gangs, recruiters, running averages, prices,
        police integrity and court cases become the model's own. Nothing of the burn-in is recorded; its
        victims are the victims at the start, and the start's census and labour force are counted again. The
        reference engine (``sim.engine.reference``) starts from this state too.
        """
        self.month = -self.params.burn_in - 1  # ``begin_month`` moves to the next month first
        self._hold(drawn)
        for _ in range(self.params.burn_in):
            self._month(drawn)
        self.month = 0
        self._hold(drawn)
        self._count_start()

    def _hold(self, drawn: list[dict]) -> None:
        """Every person but the victims back as drawn, as of the month after ``month``: ages, the durations of
        statuses and the months left to live are those of the first month (``Population.restore``)."""
        for country in self.countries:
            country.pop.restore(drawn[country.index], country.pop.victim_ids(), shift=self.month)

    # -- the month -------------------------------------------------------------------------------
    def step(self) -> None:
        """One month: every process in the order of docs/ODD.md (the module docstring's numbers)."""
        self._month()
        self.rows.append(record(self))  # 11

    def _month(self, drawn: list[dict] | None = None) -> None:
        """Steps 1-11 but the row; ``drawn``: a month of the burn-in (``burn_in``), where step 10 puts the
        persons but the victims back as drawn (``_hold``) instead of demography."""
        state, market = self.state, self.market
        ctx = self.begin_month()  # 1
        state.gangs = gang_arrays(self)  # 1
        market.update(self, ctx)  # 1
        state.risks = month_risks(self)  # 1
        state.tallies = self.zero_tallies()  # 1
        for country in self.countries:
            labour.step(country, country.ctx, state)  # 2
            lookers = migration.look_abroad(country, country.ctx, state)  # 3
            recruitment.step(country, country.ctx, state, lookers, recruiter_table(self, country), market)  # 4
        for country in self.countries:
            transit.step(country, country.ctx, state)  # 5
        for country in self.countries:
            exploitation.step(country, country.ctx, state, market)  # 6
        self.actors_month(ctx)  # 7-8
        for country in self.countries:
            migration.return_or_settle(country, country.ctx, state)  # 9
            if drawn is None:
                demography.step(country, country.ctx, state)  # 10
        if drawn is not None:
            self._hold(drawn)  # 10 (the burn-in)
        self.take_census()  # 11

    def actors_month(self, ctx) -> None:
        """Steps 7-8, the shared actors' month (also the reference engine's): gangs, recruiters, police, courts."""
        state = self.state
        recruiter_tallies(self)  # 7: persons recruited by gang and region
        update_recruiter_yield(self)  # 7
        update_running_averages(self)  # 7: what police and gangs judge on
        state.operation_rates = operation_rates(self)  # 7: what the police are expected to uncover
        gangs_step(self, ctx)  # 7: revenue, costs, bribes, hiring, routes, break-up
        gang_entry(self, ctx)  # 7: new gangs and their recruiters
        informal_recruiters(self, ctx)  # 7: former victims recruit for their gang
        state.gangs = gang_arrays(self)  # 7
        recruiters_step(self)  # 7: recruiters' exposure
        police_step(self)  # 8
        self.courts.step(ctx)  # 8

    def begin_month(self):
        """Step 1: the month's index, zeroed counts, and the contexts (economy, demand, interventions) of the
        countries and of what they share; returns the shared context."""
        self.month += 1
        for country in self.countries:
            country.counts = self.zero_counts(country)
            country.start_month(self.month)
        self.actor_counts = dict.fromkeys(ACTOR_FLOWS, 0.0)
        self.ctx = self._shared_context(self.month)
        return self.ctx

    def take_census(self) -> None:
        """Step 11: each country's census at the end of the month (``Country.census``, read by its row and by
        the next month's rules), and the run's victims in exploitation and in transit (``MonthState``)."""
        for country in self.countries:
            country.census = census(country, self.month, self.ctx.troops)
        self.state.victims_exploited = sum(country.census.victims_exploited for country in self.countries)
        self.state.victims_in_transit = sum(country.census.victims_in_transit for country in self.countries)

    def run(self, months: int | None = None) -> None:
        for _ in range(self.params.months if months is None else months):
            self.step()

    def _shared_context(self, month: int):
        """The context of what the countries share (destinations' demand and police): a run of one
        country's own; in a run of several, the run's paths with its interventions not confined to some
        countries."""
        if len(self.countries) == 1:
            return self.countries[0].ctx
        return month_context(self.params, month, self.interventions)

    def ctx_of(self, unit: PoliceUnit):
        """The context a police unit acts in: its country's, or the shared one for destination units."""
        return self.ctx if unit.country is None else self.countries[unit.country].ctx

    def zero_counts(self, country: Country) -> dict:
        """The month's tallies of ``country``'s persons, zeroed: the flows of ``sim.core.outputs.FLOWS`` that
        are not the actors', and the emigrants by education, sex and region."""
        counts = dict.fromkeys((f for f in FLOWS if f not in ACTOR_FLOWS), 0)
        counts.update(_emigrants_tertiary=0, _emigrants_female=0, _emigrants_by_region=np.zeros(country.n_regions))
        counts["_profiles"] = country.profiles
        return counts

    def zero_tallies(self) -> GangTallies:
        """The gangs' tallies of the month, zeroed (one row per gang so far)."""
        n_dest = len(self.params.destinations)
        return GangTallies.zeros(len(self.gang_list), n_dest, len(self.countries), self.n_regions)

    # -- set-up ------------------------------------------------------------------------------------
    def _create_actors(self) -> None:
        """Gangs, recruiters and police units at the start; counts are keyed Poisson draws of real actors."""
        params, keys = self.params, self.keys
        demand0 = month_context(params, 1, []).demand.sum(axis=1)
        for country in self.countries:
            police = country.params.police
            country.source_units = [
                PoliceUnit(self, "source", g, police.source, country.index, police) for g in country.regions
            ]
            country.border = PoliceUnit(self, "border", -1, police.border, country.index, police)
        self.source_units = [u for country in self.countries for u in country.source_units]
        dest_police = params.police
        self.dest_units = [
            PoliceUnit(self, "destination", d, dest_police.destination, None, dest_police)
            for d in range(len(params.destinations))
        ]
        gangs_expected = params.gangs.per_million * params.residents / PER_MILLION
        for slot in range(int(actor_poisson(keys, "init.gangs", 0, 0, gangs_expected)[0])):
            new_gang(self, demand0, 0, slot)
        self.state.gangs = gang_arrays(self)
        hiring = params.recruitment
        per = {
            LICENSED: hiring.licensed_per_100k, DECEPTIVE: hiring.deceptive_per_100k, INFORMAL: hiring.informal_per_100k
        }
        reach = {LICENSED: hiring.reach_licensed, DECEPTIVE: hiring.reach_deceptive, INFORMAL: hiring.reach_informal}
        for g, residents0 in enumerate(self.region_residents0):
            residents = residents0 / PER_100K
            for kind in range(len(KINDS)):
                cell = g * len(KINDS) + kind
                for n in range(int(actor_poisson(keys, "init.recruiters", 0, cell, per[kind] * residents)[0])):
                    key = origin_key("recruiter", g, kind, n)  # the n-th of its kind in region g at the start
                    gang = None
                    u = float(actor_uniforms(keys, "init.recruiter_gang", 0, key)[0])
                    works_for_gang = u < hiring.informal_deceptive_share
                    if kind == DECEPTIVE or (kind == INFORMAL and works_for_gang):
                        gang = random_gang(self, key)
                        if gang is None:
                            continue
                    Recruiter(self, key, kind, g, reach[kind], gang=gang)

    # -- views the processes read ------------------------------------------------------------------
    def agents_of(self, cls) -> AgentSet:
        """The active agents of one type (an empty AgentSet when there are none)."""
        return self.agents_by_type[cls] if cls in self.agents_by_type else AgentSet([], random=self.random)

    def recruiters_in_region(self, region: int) -> list[Recruiter]:
        """Active recruiters in one of the run's regions."""
        return [r for r in self.agents_of(Recruiter) if r.region == region]

    def actor_row(self, country: Country | None = None) -> dict:
        """Output columns about recruiters, gangs, police and courts (real counts and dollars): of the whole
        run, or of ``country``: its recruiters; the gangs based there, their revenue, contraband, capital and
        the bribes they paid (so these add up over the countries to the run's); revenue from its victims; and
        the arrests, cases, integrity and corrupted officials of its own units and court (not the
        destinations')."""
        recs = list(self.agents_of(Recruiter))
        gangs = [g for g in self.gang_list if g.active]
        units = list(self.agents_of(PoliceUnit))
        courts = self.courts.courts
        counts = {**self.actor_counts, "victims_revenue_usd": sum(c.revenue for c in self.countries)}
        if country is not None:
            recs = [r for r in recs if r.region in country.regions]
            gangs = [g for g in gangs if g.home == country.index]
            units = [u for u in units if u.country == country.index]
            courts = [c for c in courts if c.country == country.index]
            counts = {**country.actor_counts, "victims_revenue_usd": country.revenue}
        return {
            "recruiters_active": len(recs),
            "recruiters_deceptive": sum(r.deceptive for r in recs),
            "gangs_active": len(gangs),
            **counts,
            "gang_capital_usd": float(sum(g.capital for g in gangs)),
            "police_integrity": float(np.mean([u.integrity for u in units])),
            "court_integrity": float(np.mean([c.integrity for c in courts])),
            "officials_corrupted": float(sum(u.corrupted for u in units)),
        }
