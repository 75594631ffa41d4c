"""The Mesa model: persons as arrays, recruiters, gangs and police units as agents, one month a step.

``MigrationModel.step`` is the month's schedule, one line per process (see docs/ODD.md):

 1. exogenous paths and interventions      ``economy.month_context``, prices ``Market.update``
 2. home labour market                     ``labour.step``
 3. who looks for work abroad              ``Migration.lookers``
 4. recruitment and departures             ``recruitment.step``
 5. transit and border interdiction        ``transit.step``
 6. exploitation and its exits             ``exploitation.step``
 7. gangs                                  ``Gang.step`` (and entry of new gangs, informal recruiters)
 8. police and courts                      ``PoliceUnit.step``, ``Courts.step``
 9. migrants abroad return or settle       ``Migration.step_abroad``
10. demography                             ``Demography.step``
11. record the month                       ``metrics.record``
"""

from __future__ import annotations

import mesa
import numpy as np
from mesa.agentset import AgentSet

from sim.core import interventions
from sim.core.economy import month_context
from sim.core.outputs import FLOWS
from sim.core.rng import Keys, actor_poisson, actor_uniforms
from sim.engine.country import ACTOR_FLOWS, Country
from sim.engine.recording import record
from sim.processes import exploitation, labour, recruitment, transit
from sim.processes.courts import Courts
from sim.processes.gangs import Gang
from sim.processes.market import Market
from sim.processes.police import PoliceUnit
from sim.processes.recruiters import DECEPTIVE, INFORMAL, KINDS, LICENSED, Recruiter
from sim.scenario import Scenario

# what a run of one country offers on the model itself (its country's); a run of several has them per country
ONE_COUNTRY = (
    "pop", "labour_counts", "labour_force0", "residents_by_region", "emigrants_by_region", "migration",
    "demography", "life", "profiles", "counts",
)  # fmt: skip


class MigrationModel(mesa.Model):
    """One run of a scenario. ``rows`` holds the recorded months (row 0: the initial state), the sum over
    its source countries (``countries``, each with its own ``rows``)."""

    def __init__(self, scenario: Scenario, seed: int | None = None):
        seed = scenario.seed if seed is None else int(seed)
        super().__init__(rng=seed)
        sc = self.params = scenario
        self.seed = seed
        self.keys = Keys(seed)  # the actors' draws (and the persons' in a run of one country)
        self.month = 0
        several = bool(sc.countries)
        self.countries: list[Country] = []
        for i, (name, params) in enumerate(sc.country_scenarios()):
            keys = Keys(seed, f"{name}/") if several else self.keys
            self.countries.append(Country(i, name, params, keys, sum(c.n_regions for c in self.countries)))
        self.n_regions = sum(c.n_regions for c in self.countries)
        # residents of each of the run's regions at the start (real persons)
        self.region_residents0 = np.array(
            [c.params.population.size * r.share for c in self.countries for r in c.params.regions.values()]
        )
        self.region_country = np.array([c.index for c in self.countries for _ in range(c.n_regions)], dtype=np.int64)
        # what acts on the destinations: the run's interventions not confined to some countries
        self.interventions = (
            interventions.build(sc, everywhere_only=True) if several else self.countries[0].interventions
        )
        self.recruiter_list: list[Recruiter] = []
        self.gang_list: list[Gang] = []
        self.units: list[PoliceUnit] = []
        self.courts = Courts(self)
        self.recruiter_yield = sc.gangs.initial_yield  # persons a gang's recruiter delivers a month
        # running averages by gang (``_update_running_averages``)
        self.seen_held = np.zeros((0, len(sc.destinations)))
        self.seen_transit = np.zeros((0, len(self.countries)))
        self.seen_recruited = np.zeros((0, self.n_regions))
        self.market = Market(sc, [c.params.population.size for c in self.countries])
        self._create_actors()
        self.ctx = self._shared_context(1)  # the context at the start
        self._zero_gang_tallies()
        for c in self.countries:
            exploitation.seed_victims(self, c, c.params.population.size / sc.residents)
            c.counts = self._zero_counts(c)
        self.actor_counts = dict.fromkeys(ACTOR_FLOWS, 0.0)
        self.rows = [record(self)]
        for c in self.countries:
            c.labour_force0 = c.labour_counts.copy()  # the labour force at the start (jobs are a share of it)

    # -- the month -------------------------------------------------------------------------------
    def step(self) -> None:
        ctx = self._start_month()  # 1
        m = self.month
        for c in self.countries:
            labour.step(c.pop, m, c.keys, c.params.economy, c.ctx.u_target, c.labour_counts)  # 2
            lookers = c.migration.lookers(c.pop, c.ctx, c.emigrants_by_region, c.residents_by_region)  # 3
            recruitment.step(self, c, lookers, c.ctx, c.counts)  # 4
        for c in self.countries:
            transit.step(self, c, c.ctx, c.counts)  # 5
        for c in self.countries:
            exploitation.step(self, c, c.ctx, c.counts)  # 6
        self._actors_step(ctx)  # 7-8
        for c in self.countries:
            c.migration.step_abroad(c.pop, c.ctx, c.counts)  # 9
            c.demography.step(c.pop, m, c.counts)  # 10
            c.emigrants_by_region = c.counts["_emigrants_by_region"]
        self.rows.append(record(self))  # 11

    def _start_month(self):
        """Step 1: the month's index, zeroed tallies and contexts (economy, demand, interventions)."""
        self.month += 1
        for c in self.countries:
            c.counts = self._zero_counts(c)
            c.start_month(self.month)
        self.actor_counts = dict.fromkeys(ACTOR_FLOWS, 0.0)
        self.ctx = self._shared_context(self.month)
        self._refresh_gang_arrays()
        self.market.update(self, self.ctx)
        self._refresh_risks()
        self._zero_gang_tallies()
        return self.ctx

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

    def _actors_step(self, ctx) -> None:
        """Steps 7-8: gangs act (new gangs enter, former victims recruit), recruiters tally their month,
        police units act, courts give their verdicts."""
        self._recruiter_tallies()
        self._update_recruiter_yield()
        self._update_running_averages()
        # [unit][gang] investigations expected to uncover each gang this month, read by every gang's bribes
        self.operation_rates = [u.operation_rates(self.visibility(u), self.ctx_of(u)) for u in self.units]
        self.agents_of(Gang).do("step", ctx)
        self._gang_entry(ctx)
        self._informal_recruiters(ctx)
        self._refresh_gang_arrays()
        self.agents_of(Recruiter).do("step")
        for u in self.agents_of(PoliceUnit):
            u.step(self.ctx_of(u))
        self.courts.step(ctx)

    def run(self, months: int | None = None) -> None:
        for _ in range(self.params.months if months is None else months):
            self.step()

    # -- set-up ------------------------------------------------------------------------------------
    def _zero_counts(self, country: Country) -> dict:
        c = dict.fromkeys((f for f in FLOWS if f not in ACTOR_FLOWS), 0)
        c.update(_emigrants_tertiary=0, _emigrants_female=0, _emigrants_by_region=np.zeros(country.n_regions))
        c["_profiles"] = country.profiles
        return c

    def _create_actors(self) -> None:
        """Gangs, recruiters and police units at the start; counts are keyed Poisson draws of real actors."""
        sc, keys = self.params, self.keys
        demand0 = month_context(sc, 1, []).demand.sum(axis=1)
        for c in self.countries:
            pp = c.params.police
            c.source_units = [PoliceUnit(self, "source", g, pp.source, c.index, pp) for g in c.regions]
            c.border = PoliceUnit(self, "border", -1, pp.border, c.index, pp)
        self.source_units = [u for c in self.countries for u in c.source_units]
        pd_ = sc.police
        self.dest_units = [
            PoliceUnit(self, "destination", d, pd_.destination, None, pd_) for d in range(len(sc.destinations))
        ]
        n_gangs = int(actor_poisson(keys, "init.gangs", 0, 0, sc.gangs.per_million * sc.residents / 1e6)[0])
        for _ in range(n_gangs):
            self.new_gang(demand0, 0)
        self._refresh_gang_arrays()
        rp = sc.recruitment
        per = {LICENSED: rp.licensed_per_100k, DECEPTIVE: rp.deceptive_per_100k, INFORMAL: rp.informal_per_100k}
        reach = {LICENSED: rp.reach_licensed, DECEPTIVE: rp.reach_deceptive, INFORMAL: rp.reach_informal}
        for g, residents0 in enumerate(self.region_residents0):
            residents = residents0 / 1e5
            for kind in range(len(KINDS)):
                cell = g * len(KINDS) + kind
                for _ in range(int(actor_poisson(keys, "init.recruiters", 0, cell, per[kind] * residents)[0])):
                    rid = len(self.recruiter_list)
                    gang = None
                    works_for_gang = float(actor_uniforms(keys, "init.recruiter_gang", 0, rid)[0]) < rp.informal_deceptive_share
                    if kind == DECEPTIVE or (kind == INFORMAL and works_for_gang):
                        gang = self._random_gang(rid)
                        if gang is None:
                            continue
                    Recruiter(self, kind, g, reach[kind], gang=gang)

    def new_gang(self, weights: np.ndarray, month: int) -> Gang:
        """A new gang whose routes are drawn without replacement in proportion to ``weights`` (keyed)."""
        gp = self.params.gangs
        gid = len(self.gang_list)
        n_dest = len(weights)
        k = min(gp.routes_per_gang, n_dest)
        u = actor_uniforms(self.keys, "gangs.routes", month, gid * n_dest + np.arange(n_dest))
        w = np.maximum(np.asarray(weights, dtype=np.float64), 0.0)
        with np.errstate(divide="ignore"):
            score = np.where(w > 0, np.log(np.maximum(u, 1e-300)) / np.maximum(w, 1e-300), -np.inf)  # Efraimidis-Spirakis
        routes = np.sort(np.argsort(-score, kind="stable")[:k])
        return Gang(self, routes, gp.members, gp.capital)

    def _random_gang(self, rid: int) -> Gang | None:
        gangs = [g for g in self.gang_list if g.active]
        if not gangs:
            return None
        u = float(actor_uniforms(self.keys, "init.recruiter_which_gang", 0, rid)[0])
        return gangs[min(int(u * len(gangs)), len(gangs) - 1)]

    def draw_region(self, decision: str, month: int, uid: int, routes: np.ndarray | None = None) -> int:
        """One of the run's regions, drawn in proportion to its residents at the start (keyed by ``uid``).

        With several countries and a gang's ``routes``, each region's weight is also its country's best
        margin on those routes (``Market.country_margin``, zero where none pays): a gang hires where a
        recruit pays most, and moves between countries as their margins change.
        """
        if len(self.countries) == 1:  # the regions' shares as given
            weights = np.array([r.share for r in self.params.regions.values()])
        else:
            weights = self.region_residents0
        if len(self.countries) > 1 and routes is not None:
            pays = np.maximum(self.market.country_margin[:, routes].max(axis=(1, 2)), 0.0) if routes.size else 0
            if np.any(pays > 0):
                weights = weights * pays[self.region_country]
        u = float(actor_uniforms(self.keys, decision, month, uid)[0])
        return int(min(np.searchsorted(np.cumsum(weights) / weights.sum(), u, side="right"), len(weights) - 1))

    def country_of_region(self, region: int) -> Country:
        return self.countries[int(self.region_country[region])]

    # -- views the processes read ------------------------------------------------------------------
    def _refresh_gang_arrays(self) -> None:
        n_dest = len(self.params.destinations)
        n = max(1, len(self.gang_list))
        self.gang_routes = np.zeros((n, n_dest))
        self.gang_active = np.zeros(n, dtype=bool)
        self.gang_protection = np.zeros((n, len(self.units)))
        for g in self.gang_list:
            if g.active:
                self.gang_routes[g.gid, g.routes] = 1.0
                self.gang_active[g.gid] = True
                self.gang_protection[g.gid] = g.protection

    def _refresh_risks(self) -> None:
        """The month's raid and interdiction probabilities for the victims of each gang (its protection)."""
        dest_ix = [u.uix for u in self.dest_units]
        border_ix = [c.border.uix for c in self.countries]
        self.raid_gd = self.market.raid[None, :] * (1 - self.gang_protection[:, dest_ix])  # [gang, destination]
        self.stop_gc = self.market.p_stop[None, :] * (1 - self.gang_protection[:, border_ix])  # [gang, country]

    def _zero_gang_tallies(self) -> None:
        """What the person rules tally for the gangs this month, in real persons and dollars."""
        n, n_dest, n_regions = max(1, len(self.gang_list)), len(self.params.destinations), self.n_regions
        n_countries = len(self.countries)
        self.revenue_by_gang = np.zeros(n)
        self.upkeep_by_gang = np.zeros(n)
        self.margin_by_gang = np.zeros(n)  # expected margin of this month's recruits
        self.transport_by_gang = np.zeros(n)
        self.held_by_gang = np.zeros((n, n_dest))  # victims in exploitation
        self.transit_by_gang = np.zeros((n, n_countries))  # victims in transit, by country of origin
        self.expected_rescued_by_gang = np.zeros((n, n_dest))  # victims the month's raids were expected to free
        self.expected_interdicted_by_gang = np.zeros((n, n_countries))  # victims each border was expected to stop
        self.returned_victims = np.zeros((n, n_regions))  # victims back home, by gang and the run's region
        self.recruits_by_gang_region = np.zeros((n, n_regions))

    def agents_of(self, cls) -> AgentSet:
        """The active agents of one type (an empty AgentSet when there are none)."""
        return self.agents_by_type[cls] if cls in self.agents_by_type else AgentSet([], random=self.random)

    def recruiter_table(self, country: Country) -> dict:
        """Active recruiters in ``country``: the agents, and their rid, region (the country's index), reach,
        kind and gang id (-1: honest) as arrays."""
        recs = [r for r in self.agents_of(Recruiter) if r.region in country.regions]
        return {
            "agents": recs,
            "rid": np.array([r.rid for r in recs], dtype=np.int64),
            "region": np.array([r.region - country.offset for r in recs], dtype=np.int64),
            "reach": np.array([r.reach for r in recs], dtype=np.float64),
            "kind": np.array([r.kind for r in recs], dtype=np.int64),
            "gang": np.array([r.gang.gid if r.gang is not None else -1 for r in recs], dtype=np.int64),
        }

    def recruiters_in_region(self, region: int) -> list[Recruiter]:
        return [r for r in self.agents_of(Recruiter) if r.region == region]

    # -- interactions between actors ---------------------------------------------------------------
    def _update_recruiter_yield(self) -> None:
        """Running estimate of the persons a gang's recruiter delivers a month, over all gangs (real persons).

        Pooled over every gang's recruiters so that it does not depend on how lumpy one gang's month is.
        """
        gp = self.params.gangs
        recs = [r for r in self.agents_of(Recruiter) if r.gang is not None]
        if recs:
            now = sum(r.recruits for r in recs) / len(recs)
            self.recruiter_yield += gp.yield_memory * (now - self.recruiter_yield)

    def _update_running_averages(self) -> None:
        """Running averages (weight ``yield_memory``, real persons) of each active gang's victims held at
        each destination, in transit and recruited in each region, [gang, ...]: what the police see of
        a gang, what it expects to lose and whether it pays are judged on them, not on one month's
        lumpy count. Rows of gangs no longer active are 0."""
        w, n = self.params.gangs.yield_memory, self.held_by_gang.shape[0]
        active = self.gang_active
        this_month = {
            "seen_held": self.held_by_gang,
            "seen_transit": self.transit_by_gang,
            "seen_recruited": self.recruits_by_gang_region,
        }
        for name, now in this_month.items():
            last = getattr(self, name)
            last = np.concatenate([last, np.zeros((n - last.shape[0], *last.shape[1:]))])  # rows of new gangs
            mask = active.reshape(-1, *([1] * (now.ndim - 1)))
            setattr(self, name, np.where(mask, last + w * (now - last), 0.0))

    def _recruiter_tallies(self) -> None:
        """Persons recruited this month by gang and region (what makes a gang visible at home)."""
        for r in self.agents_of(Recruiter):
            if r.gang is not None and r.recruits:
                self.recruits_by_gang_region[r.gang.gid, r.region] += r.recruits

    def _gang_entry(self, ctx) -> None:
        """New gangs form while a new gang is expected to pay: keyed Poisson, per million residents."""
        gp, mk = self.params.gangs, self.market
        expected = gp.initial_recruiters * (self.recruiter_yield * mk.best_margin() - gp.recruiter_wage)
        if expected - gp.members * gp.member_cost <= 0:
            return
        lam = gp.entry_per_million * self.params.residents / 1e6
        for _ in range(int(actor_poisson(self.keys, "gangs.entry", ctx.month, 0, lam)[0])):
            gang = self.new_gang(np.maximum(mk.margin.max(axis=1), 0.0), ctx.month)
            for _ in range(gp.initial_recruiters):
                gang.hire(ctx.month)

    def _informal_recruiters(self, ctx) -> None:
        """Former victims back home who start recruiting for their gang (acquaintances of the next victims)."""
        rate = self.params.recruitment.informal_from_returned_victims
        back = self.returned_victims
        n_regions = back.shape[1]
        for gid, region in zip(*np.nonzero(back)):
            gang = self.gang_list[gid]
            if not gang.active:
                continue
            lam = rate * back[gid, region]
            n = int(actor_poisson(self.keys, "gangs.informal_recruiters", ctx.month, gid * n_regions + region, lam)[0])
            for _ in range(n):
                gang.hire(ctx.month, INFORMAL, int(region))

    def protection_of(self, gid: int, unit: PoliceUnit) -> float:
        """Share of ``unit``'s actions against gang ``gid`` that its bribes stop (0 for no gang)."""
        if gid < 0 or not self.gang_list[gid].active:
            return 0.0
        return float(self.gang_list[gid].protection[unit.uix])

    def visibility(self, unit: PoliceUnit) -> np.ndarray:
        """[gang] what makes each gang visible to ``unit``: victims held there, in transit, or recruited
        there (running averages, real persons)."""
        if unit.kind == "destination":
            return self.seen_held[:, unit.where]
        if unit.kind == "border":
            return self.seen_transit[:, unit.country]
        return self.seen_recruited[:, unit.where]

    def expected_loss(self, gang: Gang, ctx) -> np.ndarray:
        """[unit] what ``gang`` expects to lose to each police unit this month, unprotected (USD).

        Victims freed (valued at the market's value of a victim there) and members arrested (through
        freed victims and investigations, at the expected penalty per arrest), from the gang's running
        averages of its victims, so that the bribe does not follow one month's count.
        """
        mk, g = self.market, gang.gid
        loss = np.zeros(len(self.units))
        members = gang.members
        victim_value = np.maximum(mk.value.max(axis=1), 0.0)  # [destination]
        for u in self.units:
            pen, pp = mk.penalty_by_unit[u.uix], u.police  # its law
            loss[u.uix] = self.operation_rates[u.uix][g] * pp.arrest_share * members * pen
            if u.kind == "destination":
                freed = mk.raid[u.where] * self.seen_held[g, u.where]
                loss[u.uix] += freed * (victim_value[u.where] + pp.arrests_per_rescue * pen)
            elif u.kind == "border":
                freed = mk.p_stop[u.country] * self.seen_transit[g, u.country]
                value = victim_value[gang.routes].mean() if gang.routes.size else 0.0
                loss[u.uix] += freed * (value + pp.arrests_per_rescue * pen)
            else:
                suspects = [r for r in gang.recruiters if r.region == u.where and r.kind == DECEPTIVE]
                if suspects:
                    loss[u.uix] += float(u.recruiter_hazards(suspects, self.ctx_of(u)).sum()) * pen
        return loss

    def actor_row(self, country: Country | None = None) -> dict:
        """Output columns about recruiters, gangs and police (real counts): of the whole run, or of
        ``country``: its recruiters, the gangs with a recruiter there, revenue from its victims, and the
        arrests, cases, bribes and integrity of its own units (not the destinations')."""
        recs = list(self.agents_of(Recruiter))
        gangs = [g for g in self.gang_list if g.active]
        units = list(self.agents_of(PoliceUnit))
        counts = self.actor_counts
        if country is not None:
            recs = [r for r in recs if r.region in country.regions]
            present = {r.gang.gid for r in recs if r.gang is not None}
            gangs = [g for g in gangs if g.gid in present]
            units = [u for u in units if u.country == country.index]
            counts = {**country.actor_counts, "gang_revenue_usd": country.revenue}
        return {
            "recruiters_active": len(recs),
            "recruiters_deceptive": sum(r.deceptive for r in recs),
            "gangs_active": len(gangs),
            **counts,
            "police_integrity": float(np.mean([u.integrity for u in units])),
            "officials_corrupted": float(sum(u.corrupted for u in units)),
        }


def _one_country(attr: str) -> property:
    def get(model):
        if len(model.countries) > 1:
            raise AttributeError(f"{attr}: a run of several countries has one per country (model.countries)")
        return getattr(model.countries[0], attr)

    def put(model, value):
        setattr(model.countries[0], attr, value)

    return property(get, put, doc=f"the {attr} of a run of one country")


for _attr in ONE_COUNTRY:
    setattr(MigrationModel, _attr, _one_country(_attr))
