"""Police units in source regions, at the border and at destinations.

A unit's quality is training x integrity x (1 + cooperation gain x cooperation); its effectiveness is
quality times capacity relative to its base, and scales interdiction and raid rates. Interventions add
training, capacity, integrity and cooperation while in force.

Each month a unit:
- arrests gang members in the raids and stops that free victims (destination units: raids; the border
  unit: interdictions): a gang with ``M`` free members whose victims the month's raids or stops were
  expected to free ``v`` of (real persons; ``GangTallies.expected_rescued``) loses
  Binomial(M, min(1, arrests_per_rescue x v / M)) members, ``arrests_per_rescue`` per victim and never
  more than it has. Arrests follow the expected victims freed rather than the person-agents drawn, so
  that at a coarse scale members are not arrested in lumps of a person-agent's persons;
- investigates gangs as organisations: it runs ``capacity`` investigations a month, shared among the
  gangs in proportion to what makes them visible in its jurisdiction (victims held at a destination,
  persons recruited in a source region); each uncovers its gang with probability ``gang_detection`` x
  quality, less the protection the gang bought there, and then arrests ``arrest_share`` of its members;
- source units also investigate the deceptive recruiters of their region, each with a hazard from
  capacity, quality and the recruiter's exposure;
- hands every arrest to the courts (``sim.processes.courts``).
Bribes keep officials on gangs' payrolls (one per ``bribe_per_official`` a month); the unit's integrity
moves each month towards its base times the share of its officials not on a payroll. Every random
decision is a draw keyed by the unit and the gang's or recruiter's key (``sim.core.rng.origin_key``).
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.core.rng import actor_binomial, actor_poisson, actor_uniforms
from sim.core.state import MonthState, RunningAverages
from sim.processes.recruiters import DECEPTIVE


class PoliceUnit(mesa.Agent):
    def __init__(self, model, kind: str, where: int, params, country: int | None, police):
        super().__init__(model)
        self.kind = kind  # "source", "border" or "destination"
        self.where = where  # the run's region or destination index (-1 for a border)
        self.country = country  # index of its source country (None: a destination's unit)
        self.police = police  # the police and law block it works under (its country's, or the run's)
        # index among the units, all made at the start from the scenario's countries, regions and destinations
        # (not during the run): its decisions are named by it
        self.uix = len(model.units)
        model.units.append(self)
        self.base = params
        self.integrity = params.integrity  # eroded by bribes
        self.bribes = 0.0  # bribes received this month
        self.corrupted = 0.0  # officials on gangs' payroll

    def training(self, ctx) -> float:
        return min(1.0, self.base.training + ctx.training_add[self.kind])

    def integrity_now(self, ctx) -> float:
        return min(1.0, self.integrity + ctx.integrity_add)

    def cooperation(self, ctx) -> float:
        return min(1.0, self.base.cooperation + ctx.cooperation_add)

    def capacity(self, ctx) -> float:
        return self.base.capacity * ctx.capacity_mult[self.kind]

    def quality(self, ctx) -> float:
        """Training x integrity x (1 + cooperation gain x cooperation): how well each case is worked."""
        gain = self.police.cooperation_gain
        return self.training(ctx) * self.integrity_now(ctx) * (1 + gain * self.cooperation(ctx))

    def effectiveness(self, ctx) -> float:
        """Quality times capacity relative to the unit's base: scales interdiction and raid rates."""
        return self.quality(ctx) * ctx.capacity_mult[self.kind]

    def operation_rates(self, visibility: np.ndarray, ctx) -> np.ndarray:
        """Expected investigations a month that uncover each gang, before protection (by visibility)."""
        total = visibility.sum()
        if total <= 0:
            return np.zeros_like(visibility)
        return self.capacity(ctx) * visibility / total * min(1.0, self.police.gang_detection * self.quality(ctx))

    def visibility(self, seen: RunningAverages) -> np.ndarray:
        """[gang] what makes each gang visible to the unit: victims held at its destination, in transit
        across its border, or recruited in its region (running averages, real persons)."""
        if self.kind == "destination":
            return seen.held[:, self.where]
        if self.kind == "border":
            return seen.in_transit[:, self.country]
        return seen.recruited[:, self.where]

    def take_bribe(self, amount: float) -> None:
        self.bribes += amount

    # -- the month ---------------------------------------------------------------------------------
    def step(self, ctx) -> None:
        model, law = self.model, self.police
        tallies = model.state.tallies
        if self.kind == "source":
            self.investigate_recruiters(ctx)
        elif self.kind == "destination":
            self.arrest_through_victims(tallies.expected_rescued[:, self.where], ctx)
        else:
            self.arrest_through_victims(tallies.expected_interdicted[:, self.country], ctx)
        self.investigate_gangs(self.visibility(model.state.seen), ctx)
        erode(self, model.params.gangs.bribe_per_official, law.integrity_recovery)

    def _gangs(self, counts: np.ndarray) -> list:
        """Active gangs with a positive entry in ``counts`` (indexed by gang id)."""
        return [self.model.gang_list[g] for g in np.flatnonzero(counts > 0) if self.model.gang_list[g].active]

    def arrest_through_victims(self, freed_by_gang: np.ndarray, ctx) -> None:
        """Members arrested in raids or stops: ``arrests_per_rescue`` per victim expected freed, at most all."""
        model, law = self.model, self.police
        gangs = [g for g in self._gangs(freed_by_gang) if int(g.members) > 0]
        if not gangs:
            return
        rows, keys = np.array([g.gid for g in gangs]), [g.key for g in gangs]
        members = np.array([int(g.members) for g in gangs])
        p = np.minimum(1.0, law.arrests_per_rescue * freed_by_gang[rows] / members)
        arrested = actor_binomial(model.keys, f"police.arrests_through_victims.{self.uix}", ctx.month, keys, members, p)
        for gang, n in zip(gangs, arrested):
            model.courts.file(self, gang, int(n), ctx)

    def investigate_gangs(self, visibility: np.ndarray, ctx) -> None:
        """Investigations shared by visibility; each uncovered gang loses ``arrest_share`` of its members."""
        model, law = self.model, self.police
        gangs = self._gangs(visibility)
        if not gangs:
            return
        rows, keys = np.array([g.gid for g in gangs]), [g.key for g in gangs]
        rates = self.operation_rates(visibility[rows], ctx)
        protection = np.array([g.protection[self.uix] for g in gangs])
        ops = actor_poisson(model.keys, f"police.operations.{self.uix}", ctx.month, keys, rates * (1 - protection))
        for gang, n_ops in zip(gangs, ops):
            if n_ops <= 0 or gang.members <= 0:
                continue
            p = 1 - (1 - law.arrest_share) ** int(n_ops)
            decision = f"police.gang_arrests.{self.uix}"
            arrested = int(actor_binomial(model.keys, decision, ctx.month, gang.key, int(gang.members), p)[0])
            model.courts.file(self, gang, arrested, ctx)

    def recruiter_hazards(self, suspects: list, ctx) -> np.ndarray:
        """Monthly probability that each deceptive recruiter of the region is caught (before protection).

        Each investigation targets one suspect and finds enough at rate detection_rate x quality x
        exposure (exposure: persons the recruiter delivered x ``exposure_per_recruit``, with no cap, so
        that the hazard is linear in the persons recruited and the same whether they come one by one
        or in a person-agent's lump); the unit runs ``capacity`` investigations, at most one per suspect.
        """
        law = self.police
        exposure = np.array([r.exposure for r in suspects])
        capacity = self.capacity(ctx)
        hazard = capacity * law.detection_rate * self.quality(ctx) * exposure / max(len(suspects), capacity)
        return 1 - np.exp(-hazard)

    def investigate_recruiters(self, ctx) -> None:
        model = self.model
        suspects = [r for r in model.recruiters_in_region(self.where) if r.deceptive]
        if not suspects:
            return
        protection = np.array([r.gang.protection[self.uix] for r in suspects])
        p = self.recruiter_hazards(suspects, ctx) * (1 - protection)
        caught = actor_uniforms(model.keys, "police.recruiter_caught", ctx.month, [r.key for r in suspects]) < p
        for r, c in zip(suspects, caught):
            if c:
                r.leave()
                model.courts.file(self, None, 1, ctx)


def erode(official, bribe_per_official: float, recovery: float) -> None:
    """The month's end for a police unit or a court (``official``: ``base.integrity``, ``base.officials``,
    ``integrity``, ``bribes``, ``corrupted``): this month's bribes keep officials on a payroll (one per
    ``bribe_per_official``, at most all), and integrity moves a share ``recovery`` of the way towards the base
    times the share of officials not on a payroll."""
    official.corrupted = min(official.base.officials, official.bribes / bribe_per_official)
    target = official.base.integrity * (1 - official.corrupted / official.base.officials)
    official.integrity += recovery * (target - official.integrity)
    official.bribes = 0.0


def _freed(gang, u: PoliceUnit, market, seen: RunningAverages) -> float:
    """Victims of ``gang`` that unit ``u`` is expected to free this month, unprotected (real persons)."""
    if u.kind == "destination":
        return market.raid[u.where] * seen.held[gang.gid, u.where]
    if u.kind == "border":
        return market.p_stop[u.country] * seen.in_transit[gang.gid, u.country]
    return 0.0


def expected_arrests(gang, units: list[PoliceUnit], market, state: MonthState, ctx_of) -> np.ndarray:
    """[unit] members and recruiters of ``gang`` each police unit is expected to arrest this month,
    unprotected: through investigations, through the victims it frees, and (source units) the gang's
    deceptive recruiters it catches; from the gang's running averages, so that the bribes do not follow one
    month's count. ``ctx_of(unit)`` is the context a unit acts in."""
    gid, seen = gang.gid, state.seen
    arrests = np.zeros(len(units))
    for u in units:
        law = u.police  # its law
        arrests[u.uix] = state.operation_rates[u.uix][gid] * law.arrest_share * gang.members
        arrests[u.uix] += _freed(gang, u, market, seen) * law.arrests_per_rescue
        if u.kind == "source":
            suspects = [r for r in gang.recruiters if r.region == u.where and r.kind == DECEPTIVE]
            if suspects:
                arrests[u.uix] += float(u.recruiter_hazards(suspects, ctx_of(u)).sum())
    return arrests


def expected_loss(gang, units: list[PoliceUnit], market, state: MonthState, ctx_of, arrests=None) -> np.ndarray:
    """[unit] what ``gang`` expects to lose to each police unit this month, unprotected (USD).

    Members and recruiters arrested (``expected_arrests``, or ``arrests`` when given) at the expected penalty
    of an arrest by the unit, victims freed at the market's value of a victim there, and contraband seized:
    the border unit of the gang's country seizes ``Market.contraband_stop`` of the contraband on all its
    routes, a destination's police ``Market.contraband_raid`` of what gets through to it.
    """
    seen = state.seen
    if arrests is None:
        arrests = expected_arrests(gang, units, market, state, ctx_of)
    loss = arrests * market.penalty_by_unit
    victim_value = np.maximum(market.value.max(axis=1), 0.0)  # [destination]
    through = market.contraband_per_route * (1 - market.contraband_stop[gang.home])  # a route's past the border
    for u in units:
        if u.kind == "destination":
            loss[u.uix] += _freed(gang, u, market, seen) * victim_value[u.where]
            if u.where in gang.routes:
                loss[u.uix] += through * market.contraband_raid[u.where]
        elif u.kind == "border":
            value = victim_value[gang.routes].mean() if gang.routes.size else 0.0
            loss[u.uix] += _freed(gang, u, market, seen) * value
            if u.country == gang.home:
                loss[u.uix] += market.contraband_per_route * gang.routes.size * market.contraband_stop[gang.home]
    return loss


def operation_rates(model) -> list[np.ndarray]:
    """[unit][gang] investigations each unit is expected to run this month that uncover each gang."""
    return [u.operation_rates(u.visibility(model.state.seen), model.ctx_of(u)) for u in model.units]


def police_step(model) -> None:
    """Every police unit's month, in creation order (``PoliceUnit.step``), each in its own context."""
    for u in model.agents_of(PoliceUnit):
        u.step(model.ctx_of(u))
