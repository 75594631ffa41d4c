"""The Mesa model: persons as arrays, recruiters, gangs and police units as agents, one month a step.

``MigrationModel.step`` is the month's schedule, one line per process (see docs/ODD.md):

 1. exogenous paths and interventions      ``economy.month_context``
 2. home labour market                     ``labour.step``
 3. who looks for work abroad              ``Migration.lookers``
 4. recruitment and departures             ``recruitment.step``
 5. transit and border interdiction        ``transit.step``
 6. exploitation and its exits             ``exploitation.step``
 7. gangs                                  ``Gang.step`` (and entry of new gangs)
 8. police                                 ``PoliceUnit.step``
 9. migrants abroad return or settle       ``Migration.step_abroad``
10. demography                             ``Demography.step``
11. record the month                       ``metrics.record``
"""

from __future__ import annotations

import mesa
import numpy as np
from mesa.agentset import AgentSet

from . import exploitation, interventions, labour, recruitment, transit
from .agents import Gang, PoliceUnit, Recruiter
from .demography import Demography, LifeTables
from .economy import month_context
from .metrics import Profiles, record
from .migration import Migration
from .outputs import FLOWS

# flows of the strategic actors: real counts and dollars, not multiplied by the scale
ACTOR_FLOWS = ("gang_revenue_usd", "bribes_usd", "arrests", "prosecutions", "convictions")
from .population import initial_population
from .rng import Keys, process_rng
from .scenario import Scenario


class MigrationModel(mesa.Model):
    """One run of a scenario. ``rows`` holds the recorded months (row 0: the initial state)."""

    def __init__(self, scenario: Scenario, seed: int | None = None):
        seed = scenario.seed if seed is None else int(seed)
        super().__init__(rng=seed)
        sc = self.params = scenario
        self.seed = seed
        self.keys = Keys(seed)
        self.month = 0
        self.life = LifeTables(sc)
        n_agents = max(1, int(round(sc.population.size / sc.scale)))
        self.pop = initial_population(sc, self.keys, n_agents, self.life)
        self.interventions = interventions.build(sc)
        self.migration = Migration(sc, self.keys)
        self.demography = Demography(sc, self.keys, self.life)
        self.gang_rng = process_rng(seed, "gangs")
        self.police_rng = process_rng(seed, "police")
        self.recruiter_list: list[Recruiter] = []
        self.gang_list: list[Gang] = []
        self._create_actors()
        self.ctx = month_context(sc, 1, self.interventions)  # the context at the start
        exploitation.seed_victims(self)
        self.emigrants_by_region = np.zeros(len(sc.regions))
        self.profiles = Profiles(sc)  # who left, over the run
        self.counts = self._zero_counts()
        self.actor_counts = dict.fromkeys(ACTOR_FLOWS, 0.0)
        self.rows = [record(self, self.counts)]
        self.labour_force0 = self.labour_counts.copy()  # the labour force at the start (jobs are a share of it)

    # -- the month -------------------------------------------------------------------------------
    def step(self) -> None:
        ctx, c = self._start_month()  # 1
        m = self.month
        labour.step(self.pop, m, self.keys, self.params.economy, ctx.u_target, self.labour_counts)  # 2
        lookers = self.migration.lookers(self.pop, ctx, self.emigrants_by_region, self.residents_by_region)  # 3
        recruitment.step(self, lookers, ctx, c)  # 4
        transit.step(self, ctx, c)  # 5
        exploitation.step(self, ctx, c)  # 6
        self._actors_step(ctx)  # 7-8
        self.migration.step_abroad(self.pop, ctx, c)  # 9
        self.demography.step(self.pop, m, c)  # 10
        self.emigrants_by_region = c["_emigrants_by_region"]
        self.rows.append(record(self, c))  # 11

    def _start_month(self):
        """Step 1: the month's index, zeroed tallies and context (economy, demand, interventions)."""
        self.month += 1
        self.counts = self._zero_counts()
        self.actor_counts = dict.fromkeys(ACTOR_FLOWS, 0.0)
        self.ctx = month_context(self.params, self.month, self.interventions, self.labour_counts, self.labour_force0)
        self._refresh_gang_arrays()
        return self.ctx, self.counts

    def _actors_step(self, ctx) -> None:
        """Steps 7-8: gangs act (and new gangs enter), recruiters tally their month, police units act."""
        self.agents_of(Gang).do("step", ctx)
        self._gang_entry(ctx)
        self.agents_of(Recruiter).do("step")
        self.agents_of(PoliceUnit).do("step", ctx)

    def run(self, months: int | None = None) -> None:
        for _ in range(self.params.months if months is None else months):
            self.step()

    # -- set-up ------------------------------------------------------------------------------------
    def _zero_counts(self) -> dict:
        c = dict.fromkeys((f for f in FLOWS if f not in ACTOR_FLOWS), 0)
        c.update(_emigrants_tertiary=0, _emigrants_female=0, _emigrants_by_region=np.zeros(len(self.params.regions)))
        c["_profiles"] = self.profiles
        return c

    def _create_actors(self) -> None:
        sc, rng = self.params, self.gang_rng
        size = sc.population.size
        demand0 = month_context(sc, 1, []).demand.sum(axis=1)
        n_gangs = int(rng.poisson(sc.gangs.per_million * size / 1e6))
        for _ in range(n_gangs):
            self.new_gang(demand0)
        self._refresh_gang_arrays()
        rp = sc.recruitment
        for r, region in enumerate(sc.regions.values()):
            residents = size * region.share / 1e5
            for kind, per, reach in ((0, rp.licensed_per_100k, rp.reach_licensed),
                                     (1, rp.deceptive_per_100k, rp.reach_deceptive),
                                     (2, rp.informal_per_100k, rp.reach_informal)):  # fmt: skip
                for _ in range(int(rng.poisson(per * residents))):
                    gang = None
                    if kind == 1 or (kind == 2 and rng.random() < rp.informal_deceptive_share):
                        gang = self._random_gang(rng)
                        if gang is None:
                            continue
                    Recruiter(self, kind, r, reach, gang=gang)
        pp = sc.police
        self.source_units = [PoliceUnit(self, "source", r, pp.source) for r in range(len(sc.regions))]
        self.border = PoliceUnit(self, "border", -1, pp.border)
        self.dest_units = [PoliceUnit(self, "destination", d, pp.destination) for d in range(len(sc.destinations))]

    def new_gang(self, demand: np.ndarray) -> Gang:
        gp, rng = self.params.gangs, self.gang_rng
        n_dest = len(demand)
        k = min(gp.routes_per_gang, n_dest)
        w = demand + 1e-9
        routes = np.sort(rng.choice(n_dest, size=k, replace=False, p=w / w.sum()))
        return Gang(self, routes, gp.members, gp.capital)

    def _random_gang(self, rng) -> Gang | None:
        gangs = [g for g in self.gang_list if g.active]
        return gangs[int(rng.integers(len(gangs)))] if gangs else None

    def draw_region(self, rng) -> int:
        shares = np.array([r.share for r in self.params.regions.values()])
        return int(rng.choice(len(shares), p=shares / shares.sum()))

    # -- views the processes read ------------------------------------------------------------------
    def _refresh_gang_arrays(self) -> None:
        n_dest = len(self.params.destinations)
        self.gang_routes = np.zeros((max(1, len(self.gang_list)), n_dest))
        self.gang_active = np.zeros(max(1, len(self.gang_list)), dtype=bool)
        for g in self.gang_list:
            if g.active:
                self.gang_routes[g.gid, g.routes] = 1.0
                self.gang_active[g.gid] = True

    def agents_of(self, cls) -> AgentSet:
        """The active agents of one type (an empty AgentSet when there are none)."""
        return self.agents_by_type[cls] if cls in self.agents_by_type else AgentSet([], random=self.random)

    def recruiter_table(self) -> dict:
        """Active recruiters: the agents, and their rid, region, reach, kind and gang id (-1: honest) as arrays."""
        recs = list(self.agents_of(Recruiter))
        return {
            "agents": recs,
            "rid": np.array([r.rid for r in recs], dtype=np.int64),
            "region": np.array([r.region for r in recs], dtype=np.int64),
            "reach": np.array([r.reach for r in recs], dtype=np.float64),
            "kind": np.array([r.kind for r in recs], dtype=np.int64),
            "gang": np.array([r.gang.gid if r.gang is not None else -1 for r in recs], dtype=np.int64),
        }

    def recruiters_in_region(self, region: int) -> list[Recruiter]:
        return [r for r in self.agents_of(Recruiter) if r.region == region]

    def unmet_demand(self, ctx) -> np.ndarray:
        """Victims the markets of each destination would still absorb, in person-agents."""
        gap = self.params.exploitation.new_victim_target * ctx.demand - self.victims_held
        return np.maximum(0.0, gap).sum(axis=1)

    def room(self, ctx) -> np.ndarray:
        """Share of each destination's target number of victims still lacking (0-1)."""
        target = self.params.exploitation.new_victim_target * ctx.demand.sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(target > 0, self.unmet_demand(ctx) / target, 0.0)

    # -- interactions between actors ---------------------------------------------------------------
    def _gang_entry(self, ctx) -> None:
        unmet = self.unmet_demand(ctx)
        if self.room(ctx).max() >= self.params.gangs.hire_room and self.gang_rng.random() < self.params.gangs.entry_rate:
            gang = self.new_gang(unmet)
            gang.hire()
            self._refresh_gang_arrays()

    def pay_bribes(self, gang: Gang, amount: float) -> None:
        if amount <= 0:
            return
        units = [self.border] + [self.dest_units[d] for d in gang.routes]
        units += [self.source_units[r] for r in sorted({r.region for r in gang.recruiters})]
        for u in units:
            u.take_bribe(amount / len(units))
        self.actor_counts["bribes_usd"] += amount

    def prosecute(self, unit: PoliceUnit, arrests: int, ctx) -> int:
        """Arrests -> prosecutions -> convictions (unless a corrupted official drops the case)."""
        pp, rng = self.params.police, self.police_rng
        prosecuted = rng.binomial(arrests, min(1.0, pp.prosecution_rate + ctx.prosecution_add))
        dropped = rng.binomial(prosecuted, pp.corrupt_drop * (1 - unit.integrity_now(ctx)))
        convicted = rng.binomial(prosecuted - dropped, min(1.0, pp.conviction_rate + ctx.conviction_add))
        self.actor_counts["arrests"] += arrests
        self.actor_counts["prosecutions"] += prosecuted
        self.actor_counts["convictions"] += convicted
        return int(convicted)

    def arrest_gang_members(self, unit: PoliceUnit, freed_by_gang: np.ndarray, ctx) -> None:
        """Rescues and interdictions lead to arrests of the gang members involved."""
        per = self.params.police.arrests_per_rescue
        for gid in np.flatnonzero(freed_by_gang):
            gang = self.gang_list[gid]
            if not gang.active:
                continue
            arrests = min(int(self.police_rng.poisson(per * freed_by_gang[gid])), int(gang.members))
            if arrests:
                gang.lose_members(self.prosecute(unit, arrests, ctx))

    def actor_row(self) -> dict:
        """Output columns about recruiters, gangs and police (real counts)."""
        recs = list(self.agents_of(Recruiter))
        gangs = [g for g in self.gang_list if g.active]
        units = list(self.agents_of(PoliceUnit))
        return {
            "recruiters_active": len(recs),
            "recruiters_deceptive": sum(r.deceptive for r in recs),
            "gangs_active": len(gangs),
            **self.actor_counts,
            "police_integrity": float(np.mean([u.integrity for u in units])),
            "officials_corrupted": float(sum(u.corrupted for u in units)),
        }
