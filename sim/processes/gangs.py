"""Organised-crime groups: sellers in the market for victims (``sim.processes.market``).

Each month a gang collects revenue from the victims it holds (at the month's prices) and from other
contraband on its routes, less what the police seize of it (``Gang.contraband_seized``); pays upkeep of
victims, recruiters' fees and wages, transport, its members and the bribes it chose; and decides, by
expected profit:

- recruiters: one more recruiter is expected to bring the recruits a month that gangs' recruiters
  bring on average (a running estimate over all gangs, ``MonthState.seen.recruiter_yield``) times the best margin
  (``sim.processes.market``) on the gang's routes; while that exceeds a recruiter's wage it hires, while it falls
  short it lets recruiters go, the faster the further the value is from the wage (at most ``hire_rate``
  and ``fire_rate`` per recruiter a month, reached when the gap is a whole wage). Hiring is financed
  on credit against expected earnings, not out of the month's cash: a gang that still expects to earn
  may run a debt (see break-up), so whether it can grow does not hang on the lumpy revenue of the few
  victims it happens to hold;
- routes: now and then (``route_review_rate``) it replaces its least valuable destination by the most
  valuable one it does not serve, when the value gained pays the cost of opening the route
  (``route_opening_cost``); a route is worth its victims and its contraband (``route_values``), so
  enforcement on a route acts on both. A new route builds its capacity over ``route_build_months``, and a
  recruit finds a place on it with probability the share built (``sim.processes.recruitment``), so a
  demand cut at one destination is partly displaced to the gang's other routes and partly lost;
- bribes: from each police unit and court that threatens it, it buys the protection that maximises the
  expected saving less the bribe (``bribe``), so a unit or court of high integrity is bribed less or not at all;
- it breaks up when too few members are free (arrests, prison), or when it is in debt and does not
  expect to earn (``expected_profit``): broken or unprofitable, not one bad month.

Capital pays the bribes (never beyond it) and carries a gang through months without revenue; above
``capital_cap`` it is spent, not kept. A gang is based in one source country (``home``, drawn when it
forms): its contraband crosses that country's border, and its revenue, capital and bribes are counted
there. Every random decision is a draw keyed by the gang's or the recruiter's key, which says where it
comes from (``sim.core.rng.origin_key``): a gang's the month and slot of its founding, a recruiter's its
gang's key and the gang's n-th hire (an informal recruiter's: its gang, region, month and number), so
that one more actor in a paired scenario changes no other's draws.
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.core.rng import actor_binomial, actor_poisson, actor_uniforms, origin_key
from sim.core.state import GangArrays, Risks
from sim.processes.police import expected_arrests, expected_loss
from sim.processes.recruiters import DECEPTIVE, INFORMAL, Recruiter


class Gang(mesa.Agent):
    """A gang serving some destinations (routes) from the run's source countries."""

    def __init__(
        self, model, key: int, routes: np.ndarray, members: float, capital: float, home: int = 0, built: float = 1.0
    ):
        super().__init__(model)
        self.key = key  # where it comes from: ``origin_key("gang", month founded, slot that month)``
        self.gid = len(model.gang_list)  # its row in the [gang, ...] arrays of ``MonthState``
        model.gang_list.append(self)
        self.hires = 0  # recruiters it has hired (its next hire's key is its key and this number)
        self.routes = np.asarray(routes, dtype=np.int64)  # destination indices
        self.capacity = np.full(self.routes.size, float(built))  # share of each route's capacity built (0-1)
        self.home = home  # the source country it is based in (its index)
        self.members = float(members)  # free members (not held by the courts)
        self.capital = float(capital)
        self.recruiters: list[Recruiter] = []
        self.revenue = 0.0
        self.bribes = 0.0
        self.profit = 0.0
        self.protection = np.zeros(len(model.units))  # share of each unit's actions against it stopped
        self.court_protection = np.zeros(len(model.courts.courts))  # share of each court's cases against it dropped
        self.active = True

    # -- the month ---------------------------------------------------------------------------------
    def step(self, ctx) -> None:
        model, gp = self.model, self.model.params.gangs
        gid, month, tallies = self.gid, ctx.month, self.model.state.tallies
        paid = [r for r in self.recruiters if r.kind == DECEPTIVE]
        recruits = sum(r.recruits for r in self.recruiters)
        seized = gp.contraband_per_route * float(self.contraband_seized(self.routes).sum())
        contraband = gp.contraband_per_route * len(self.routes) - seized
        self.revenue = float(tallies.revenue[gid]) + contraband
        self.bribes = self.bribe(ctx)
        costs = (
            model.params.recruitment.fee_per_recruit * recruits + float(tallies.transport[gid])
            + float(tallies.upkeep[gid]) + gp.recruiter_wage * len(paid) + gp.member_cost * self.members
            + self.bribes
        )  # fmt: skip
        self.profit = self.revenue - costs
        self.capital = min(self.capital + self.profit, gp.capital_cap)
        for counts in (model.actor_counts, model.countries[self.home].actor_counts):
            counts["gang_revenue_usd"] += self.revenue
            counts["contraband_usd"] += contraband
            counts["contraband_seized_usd"] += seized
        if self.members < gp.min_members or (self.capital < 0 and self.expected_profit() < 0):
            self.break_up()
            return
        self._attrition(month)
        self._plan_recruiters(ctx)
        self._build_routes()
        self._review_routes(month)

    def expected_profit(self) -> float:
        """What the gang expects to earn a month as it stands (USD): its victims held (running average)
        at the month's prices less upkeep (of the better-paying type at each destination), the margin its
        recruiters' recruits bring (pooled yield) and contraband past seizures, less wages and members'
        upkeep. Judged on expectations, not on one month's lumpy revenue, so that whether a gang pays does
        not depend on how many persons a person-agent stands for."""
        gp, market, seen = self.model.params.gangs, self.model.market, self.model.state.seen
        held = float((seen.held[self.gid] * (market.price - market.upkeep[None, :]).max(axis=1)).sum())
        flow = seen.recruiter_yield * len(self.recruiters) * max(0.0, market.best_margin(self.routes))
        paid = sum(r.kind == DECEPTIVE for r in self.recruiters)
        contraband = gp.contraband_per_route * float((1 - self.contraband_seized(self.routes)).sum())
        return held + flow + contraband - gp.recruiter_wage * paid - gp.member_cost * self.members

    def contraband_seized(self, dests: np.ndarray) -> np.ndarray:
        """[destination of ``dests``] the share of a month's contraband on a route to each that the police
        seize (``Market.seized_share``): the border police of the gang's country and the destination's, less
        the protection the gang bought from them."""
        model, market = self.model, self.model.market
        border = model.countries[self.home].border.uix
        stop = market.p_stop[self.home] * (1 - self.protection[border])
        raid = market.raid[dests] * (1 - self.protection[[model.dest_units[d].uix for d in dests]])
        return market.seized_share(stop, raid)

    def route_values(self) -> np.ndarray:
        """[destination] what a route to each destination is expected to bring the gang a month (USD): its
        recruiters' recruits (pooled yield, shared equally among its routes) at the best margin there, where
        positive, and the contraband that gets past seizures."""
        model, gp, market = self.model, self.model.params.gangs, self.model.market
        flow = model.state.seen.recruiter_yield * len(self.recruiters) / max(1, len(self.routes))
        dests = np.arange(market.margin.shape[0])
        contraband = gp.contraband_per_route * (1 - self.contraband_seized(dests))
        return flow * np.maximum(market.margin.max(axis=1), 0.0) + contraband

    def _attrition(self, month: int) -> None:
        gp, rp = self.model.params.gangs, self.model.params.recruitment
        if not self.recruiters:
            return
        recs = list(self.recruiters)
        rate = np.array([rp.informal_attrition if r.kind == INFORMAL else gp.recruiter_attrition for r in recs])
        quits = actor_uniforms(self.model.keys, "gangs.recruiter_quits", month, [r.key for r in recs]) < rate
        for r, q in zip(recs, quits):
            if q:
                r.leave()

    def _plan_recruiters(self, ctx) -> None:
        """Hire while one more recruiter is expected to pay, let go while the last one loses money."""
        model, gp = self.model, self.model.params.gangs
        gain = model.state.seen.recruiter_yield * max(0.0, model.market.best_margin(self.routes)) - gp.recruiter_wage
        pull = min(1.0, abs(gain) / gp.recruiter_wage)  # how far one more recruiter is from paying his wage
        paid = [r for r in self.recruiters if r.kind == DECEPTIVE]
        if gain > 0:
            lam = gp.hire_rate * pull * max(1, len(paid))
            for _ in range(int(actor_poisson(model.keys, "gangs.hires", ctx.month, self.key, lam)[0])):
                self.hire(ctx.month)
        elif gain < 0 and paid:
            p_fire = gp.fire_rate * pull
            fired = int(actor_binomial(model.keys, "gangs.fires", ctx.month, self.key, len(paid), p_fire)[0])
            for r in paid[len(paid) - fired :]:
                r.leave()

    def _build_routes(self) -> None:
        """Each route builds capacity (contacts with brothels, employers, document forgers), a share
        1 / ``route_build_months`` of the whole a month."""
        months = self.model.params.gangs.route_build_months
        self.capacity = np.minimum(1.0, self.capacity + (1.0 / months if months > 0 else 1.0))

    def _review_routes(self, month: int) -> None:
        """Now and then replace the least valuable route by the most valuable destination not served
        (``route_values``), when the value gained over ``1 / discount_rate`` months pays the cost of opening
        it; the new route starts without capacity (``_build_routes``)."""
        model, gp = self.model, self.model.params.gangs
        if float(actor_uniforms(model.keys, "gangs.route_review", month, self.key)[0]) >= gp.route_review_rate:
            return
        best = self.route_values()  # [destination]
        unserved = np.setdiff1d(np.arange(best.size), self.routes)
        if unserved.size == 0:
            return
        worst = int(np.argmin(best[self.routes]))
        candidate = unserved[np.argmax(best[unserved])]
        horizon = 1.0 / model.params.market.discount_rate
        if (best[candidate] - best[self.routes[worst]]) * horizon <= gp.route_opening_cost:
            return
        self.capital -= gp.route_opening_cost
        kept = np.arange(self.routes.size) != worst
        routes = np.append(self.routes[kept], candidate)
        capacity = np.append(self.capacity[kept], 0.0)
        order = np.argsort(routes)
        self.routes, self.capacity = routes[order], capacity[order]

    def hire(self, month: int, kind: int = DECEPTIVE, region: int | None = None, key: int | None = None) -> Recruiter:
        """A new recruiter: the gang's next hire, a paid front in a region drawn by population shares (and,
        with several countries, their margins: ``hire_region``), keyed by the gang's key and hire number;
        or a given kind, region and key."""
        model, rp = self.model, self.model.params.recruitment
        if key is None:
            key = origin_key(self.key, "hire", self.hires)
            self.hires += 1
        if region is None:
            region = hire_region(model, "gangs.hire_region", month, key, self.routes)
        reach = rp.reach_deceptive if kind == DECEPTIVE else rp.reach_informal
        rec = Recruiter(model, key, kind, region, reach, gang=self)
        if kind == DECEPTIVE:
            self.members += model.params.gangs.recruit_members_per_recruiter
        return rec

    # -- corruption --------------------------------------------------------------------------------
    def bribe(self, ctx) -> float:
        """Buy from each police unit and court the protection that maximises expected saving minus the bribe.

        Officials price protection by the stakes: a bribe ``b`` to a unit of integrity ``i`` from a gang
        that expects to lose ``L`` a month to it (``sim.processes.police.expected_loss``) buys protection
        ``s = max_protection (1 - exp(-b / (k L)))`` with ``k = bribe_share x i / (1 - i)``: the share of
        the unit's raids, interdictions, investigations and cases against the gang that corrupted
        officials stop. The saving ``L s - b`` is largest at ``b = k ln(max_protection / k) L`` when
        ``max_protection > k`` (protection ``max_protection - k``), and no bribe pays otherwise: a unit of
        high integrity is bribed less or not at all, and a gang pays in proportion to what the unit
        threatens. A court (prosecutors and judges) sells protection the same way: it threatens the expected
        penalties of the arrests whose cases it tries, and its protection is the share of them it drops.
        Bribes are paid from capital, never beyond it.
        """
        model, gp = self.model, self.model.params.gangs
        courts = model.courts.courts
        arrests = expected_arrests(self, model.units, model.market, model.state, model.ctx_of)  # [unit]
        tried_by = np.array([model.courts.court_of(u).cix for u in model.units])
        loss = np.concatenate(
            [
                expected_loss(self, model.units, model.market, model.state, model.ctx_of, arrests),
                np.bincount(tried_by, weights=arrests * model.market.penalty_by_unit, minlength=len(courts)),
            ]
        )  # [unit, then court]
        sellers = [*model.units, *courts]
        integrity = np.array([s.integrity_now(model.ctx_of(s)) for s in sellers])
        with np.errstate(divide="ignore", invalid="ignore"):
            # integrity 1: no bribe buys anything (k infinite); integrity 0: protection costs nothing (k = 0)
            k = np.where(integrity < 1, gp.bribe_share * integrity / (1 - integrity), np.inf)
            share = np.where((gp.max_protection > k) & (k > 0), k * np.log(gp.max_protection / k), 0.0)
        b = share * loss
        total = float(b.sum())
        budget = max(0.0, self.capital)
        if total > budget:
            b *= budget / total
            total = budget
        with np.errstate(divide="ignore", invalid="ignore"):
            bought = gp.max_protection * (1 - np.exp(-np.where(loss > 0, b / (k * loss), 0.0)))
            protection = np.where(k > 0, np.nan_to_num(bought), np.where(loss > 0, gp.max_protection, 0.0))
        n_units = len(model.units)
        self.protection, self.court_protection = protection[:n_units], protection[n_units:]
        for seller, amount in zip(sellers, b):
            if amount > 0:
                seller.take_bribe(float(amount))
        for counts in (model.actor_counts, model.countries[self.home].actor_counts):
            counts["bribes_usd"] += total
            counts["bribes_courts_usd"] += float(b[n_units:].sum())
        return total

    def lose_members(self, n: float) -> None:
        self.members = max(0.0, self.members - n)

    def break_up(self) -> None:
        self.active = False
        model = self.model
        model.state.gangs.active[self.gid] = False
        for r in list(self.recruiters):
            r.leave()
        self.remove()


# -- the gangs of the run, for the model's month ---------------------------------------------------
def new_gang(model, weights: np.ndarray, month: int, slot: int) -> Gang:
    """The ``slot``-th gang founded in ``month`` (0: at the start), its routes drawn without replacement in
    proportion to ``weights`` (keyed by the gang's key and the destination), based in a source country
    drawn in proportion to the countries' residents at the start (keyed by the gang's key; the one country
    of a run of one)."""
    gp = model.params.gangs
    key = origin_key("gang", month, slot)
    n_dest = len(weights)
    n_routes = min(gp.routes_per_gang, n_dest)
    u = actor_uniforms(model.keys, "gangs.routes", month, [origin_key(key, d) for d in range(n_dest)])
    w = np.maximum(np.asarray(weights, dtype=np.float64), 0.0)
    with np.errstate(divide="ignore"):
        score = np.where(w > 0, np.log(np.maximum(u, 1e-300)) / np.maximum(w, 1e-300), -np.inf)  # Efraimidis-Spirakis
    routes = np.sort(np.argsort(-score, kind="stable")[:n_routes])
    home = 0
    if len(model.countries) > 1:
        residents = np.array([country.params.population.size for country in model.countries], dtype=np.float64)
        u = float(actor_uniforms(model.keys, "gangs.home", month, key)[0])
        home = int(min(np.searchsorted(np.cumsum(residents) / residents.sum(), u, side="right"), residents.size - 1))
    built = 1.0 if month == 0 else 0.0  # the gangs at the start have built their routes; new ones have not
    return Gang(model, key, routes, gp.members, gp.capital, home, built)


def hire_region(model, decision: str, month: int, key: int, routes: np.ndarray | None = None) -> int:
    """One of the run's regions, drawn in proportion to its residents at the start (keyed by the recruiter's
    ``key``).

    With several countries and a gang's ``routes``, each region's weight is also its country's best
    margin on those routes (``Market.country_margin``, zero where none pays): a gang hires where a
    recruit pays most, and moves between countries as their margins change.
    """
    if len(model.countries) == 1:  # the regions' shares as given
        weights = np.array([r.share for r in model.params.regions.values()])
    else:
        weights = model.region_residents0
    if len(model.countries) > 1 and routes is not None:
        pays = np.maximum(model.market.country_margin[:, routes].max(axis=(1, 2)), 0.0) if routes.size else 0
        if np.any(pays > 0):
            weights = weights * pays[model.region_country]
    u = float(actor_uniforms(model.keys, decision, month, key)[0])
    return int(min(np.searchsorted(np.cumsum(weights) / weights.sum(), u, side="right"), len(weights) - 1))


def random_gang(model, key: int) -> Gang | None:
    """An active gang drawn for the recruiter of ``key`` at the start (keyed), or None when there is none."""
    active = [g for g in model.gang_list if g.active]
    if not active:
        return None
    u = float(actor_uniforms(model.keys, "init.recruiter_which_gang", 0, key)[0])
    return active[min(int(u * len(active)), len(active) - 1)]


def gang_arrays(model) -> GangArrays:
    """The routes, activity and protection of the run's gangs as arrays [gang, ...]."""
    arrays = GangArrays.zeros(len(model.gang_list), len(model.params.destinations), len(model.units))
    for gang in model.gang_list:
        if gang.active:
            arrays.routes[gang.gid, gang.routes] = 1.0
            arrays.capacity[gang.gid, gang.routes] = gang.capacity
            arrays.active[gang.gid] = True
            arrays.protection[gang.gid] = gang.protection
    return arrays


def month_risks(model) -> Risks:
    """The month's raid and interdiction probabilities for the victims of each gang (less its protection)."""
    protection = model.state.gangs.protection
    dest_ix = [u.uix for u in model.dest_units]
    border_ix = [country.border.uix for country in model.countries]
    return Risks(
        raid=model.market.raid[None, :] * (1 - protection[:, dest_ix]),
        stop=model.market.p_stop[None, :] * (1 - protection[:, border_ix]),
    )


def recruiter_tallies(model) -> None:
    """Persons recruited this month by gang and region (what makes a gang visible at home)."""
    recruits = model.state.tallies.recruits
    for r in model.agents_of(Recruiter):
        if r.gang is not None and r.recruits:
            recruits[r.gang.gid, r.region] += r.recruits


def update_recruiter_yield(model) -> None:
    """Running estimate of the persons a gang's recruiter delivers a month, over all gangs (real persons).

    Pooled over every gang's recruiters so that it does not depend on how lumpy one gang's month is.
    """
    seen, memory = model.state.seen, model.params.gangs.yield_memory
    recs = [r for r in model.agents_of(Recruiter) if r.gang is not None]
    if recs:
        now = sum(r.recruits for r in recs) / len(recs)
        seen.recruiter_yield += memory * (now - seen.recruiter_yield)


def update_running_averages(model) -> None:
    """Running averages (weight ``yield_memory``, real persons) of each active gang's victims held at
    each destination, in transit and recruited in each region, [gang, ...]: what the police see of
    a gang, what it expects to lose and whether it pays are judged on them, not on one month's
    lumpy count. Rows of gangs no longer active are 0."""
    state, memory = model.state, model.params.gangs.yield_memory
    tallies, seen = state.tallies, state.seen
    n_rows = tallies.held.shape[0]
    active = state.gangs.active
    this_month = {"held": tallies.held, "in_transit": tallies.in_transit, "recruited": tallies.recruits}
    for name, now in this_month.items():
        last = getattr(seen, name)
        last = np.concatenate([last, np.zeros((n_rows - last.shape[0], *last.shape[1:]))])  # rows of new gangs
        mask = active.reshape(-1, *([1] * (now.ndim - 1)))
        setattr(seen, name, np.where(mask, last + memory * (now - last), 0.0))


def gangs_step(model, ctx) -> None:
    """Every active gang's month, in creation order (``Gang.step``)."""
    model.agents_of(Gang).do("step", ctx)


def gang_entry(model, ctx) -> None:
    """New gangs form while a new gang is expected to pay: keyed Poisson, per million residents. A new gang
    expects its recruiters' recruits at the best margin and, on each of its routes, the contraband an
    unprotected gang gets past seizures (``Market.contraband``, the mean over destinations and, by residents,
    over countries), less wages and members' upkeep."""
    gp, market = model.params.gangs, model.market
    expected = gp.initial_recruiters * (model.state.seen.recruiter_yield * market.best_margin() - gp.recruiter_wage)
    n_routes = min(gp.routes_per_gang, market.contraband.shape[1])
    expected += n_routes * float((market.weights @ market.contraband).mean())
    if expected - gp.members * gp.member_cost <= 0:
        return
    lam = gp.entry_per_million * model.params.residents / 1e6
    for slot in range(int(actor_poisson(model.keys, "gangs.entry", ctx.month, 0, lam)[0])):
        gang = new_gang(model, np.maximum(market.margin.max(axis=1), 0.0), ctx.month, slot)
        for _ in range(gp.initial_recruiters):
            gang.hire(ctx.month)


def informal_recruiters(model, ctx) -> None:
    """Former victims back home who start recruiting for their gang (acquaintances of the next victims): a
    keyed Poisson count per gang and region, each recruiter keyed by its gang, region, month and number."""
    rate = model.params.recruitment.informal_from_returned_victims
    back = model.state.tallies.returned_victims
    for gid, region in zip(*np.nonzero(back)):
        gang = model.gang_list[gid]
        if not gang.active:
            continue
        lam = rate * back[gid, region]
        cell = origin_key(gang.key, "informal", int(region))
        n_new = int(actor_poisson(model.keys, "gangs.informal_recruiters", ctx.month, cell, lam)[0])
        for j in range(n_new):
            gang.hire(ctx.month, INFORMAL, int(region), key=origin_key(cell, ctx.month, j))


def protection_of(model, gid: int, unit) -> float:
    """Share of ``unit``'s actions against gang ``gid`` that its bribes stop (0 for no gang)."""
    if gid < 0 or not model.gang_list[gid].active:
        return 0.0
    return float(model.gang_list[gid].protection[unit.uix])


def court_protection_of(model, gid: int, court) -> float:
    """Share of ``court``'s cases against gang ``gid`` that its bribes have dropped (0 for no gang)."""
    if gid < 0 or not model.gang_list[gid].active:
        return 0.0
    return float(model.gang_list[gid].court_protection[court.cix])
