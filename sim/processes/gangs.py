"""Organised-crime groups: sellers in the market for victims (``sim.processes.market``).

Each month a gang collects revenue from the victims it holds (at the month's prices) and from other
contraband on its routes; pays upkeep of victims, recruiters' fees and wages, transport, its members
and the bribes it chose; and decides, by expected profit:

- recruiters: one more recruiter is expected to bring the recruits a month that gangs' recruiters
  bring on average (a running estimate over all gangs, ``Model.recruiter_yield``) times the best margin
  (``sim.processes.market``) on the gang's routes; while that exceeds a recruiter's wage it hires, while it falls
  short it lets recruiters go, the faster the further the value is from the wage (at most ``hire_rate``
  and ``fire_rate`` per recruiter a month, reached when the gap is a whole wage). Hiring is financed
  on credit against expected earnings, not out of the month's cash: a gang that still expects to earn
  may run a debt (see break-up), so whether it can grow does not hang on the lumpy revenue of the few
  victims it happens to hold;
- routes: now and then (``route_review_rate``) it replaces its least profitable destination by the most
  profitable one it does not serve, when that is better (displacement);
- bribes: from each police unit that threatens it, it buys the protection that maximises the expected
  saving less the bribe (``bribe``), so a unit of high integrity is bribed less or not at all;
- it breaks up when too few members are free (arrests, prison), or when it is in debt and does not
  expect to earn (``expected_profit``): broken or unprofitable, not one bad month.

Capital pays the bribes (never beyond it) and carries a gang through months without revenue; above
``capital_cap`` it is spent, not kept. Every random decision is a draw keyed by the gang's
or the recruiter's id.
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.core.rng import actor_binomial, actor_poisson, actor_uniforms
from sim.processes.recruiters import DECEPTIVE, INFORMAL, Recruiter


class Gang(mesa.Agent):
    """A gang serving some destinations (routes) from the run's source countries."""

    def __init__(self, model, routes: np.ndarray, members: float, capital: float):
        super().__init__(model)
        self.gid = len(model.gang_list)
        model.gang_list.append(self)
        self.routes = np.asarray(routes, dtype=np.int64)  # destination indices
        self.members = float(members)  # free members (not held by the courts)
        self.capital = float(capital)
        self.recruiters: list[Recruiter] = []
        self.revenue = 0.0
        self.bribes = 0.0
        self.profit = 0.0
        self.protection = np.zeros(len(model.units))  # share of each unit's actions against it stopped
        self.active = True

    # -- the month ---------------------------------------------------------------------------------
    def step(self, ctx) -> None:
        model, gp = self.model, self.model.params.gangs
        gid, month = self.gid, ctx.month
        paid = [r for r in self.recruiters if r.kind == DECEPTIVE]
        recruits = sum(r.recruits for r in self.recruiters)
        self.revenue = float(model.revenue_by_gang[gid]) + gp.contraband_per_route * len(self.routes)
        self.bribes = self.bribe(ctx)
        costs = (
            model.params.recruitment.fee_per_recruit * recruits + float(model.transport_by_gang[gid])
            + float(model.upkeep_by_gang[gid]) + gp.recruiter_wage * len(paid) + gp.member_cost * self.members
            + self.bribes
        )  # fmt: skip
        self.profit = self.revenue - costs
        self.capital = min(self.capital + self.profit, gp.capital_cap)
        model.actor_counts["gang_revenue_usd"] += self.revenue
        if self.members < gp.min_members or (self.capital < 0 and self.expected_profit() < 0):
            self.break_up()
            return
        self._attrition(month)
        self._plan_recruiters(ctx)
        self._review_routes(month)

    def expected_profit(self) -> float:
        """What the gang expects to earn a month as it stands (USD): its victims held (running average)
        at the month's prices less upkeep (of the better-paying type at each destination), the margin its
        recruiters' recruits bring (pooled yield) and contraband, less wages and members' upkeep. Judged
        on expectations, not on one month's lumpy revenue, so that whether a gang pays does not depend on
        how many persons a person-agent stands for."""
        model, gp, mk = self.model, self.model.params.gangs, self.model.market
        held = float((model.seen_held[self.gid] * (mk.price - mk.upkeep[None, :]).max(axis=1)).sum())
        flow = model.recruiter_yield * len(self.recruiters) * max(0.0, mk.best_margin(self.routes))
        paid = sum(r.kind == DECEPTIVE for r in self.recruiters)
        contraband = gp.contraband_per_route * len(self.routes)
        return held + flow + contraband - gp.recruiter_wage * paid - gp.member_cost * self.members

    def _attrition(self, month: int) -> None:
        gp, rp = self.model.params.gangs, self.model.params.recruitment
        if not self.recruiters:
            return
        recs = list(self.recruiters)
        rate = np.array([rp.informal_attrition if r.kind == INFORMAL else gp.recruiter_attrition for r in recs])
        quits = actor_uniforms(self.model.keys, "gangs.recruiter_quits", month, [r.rid for r in recs]) < rate
        for r, q in zip(recs, quits):
            if q:
                r.leave()

    def _plan_recruiters(self, ctx) -> None:
        """Hire while one more recruiter is expected to pay, let go while the last one loses money."""
        model, gp = self.model, self.model.params.gangs
        gain = model.recruiter_yield * max(0.0, model.market.best_margin(self.routes)) - gp.recruiter_wage
        pull = min(1.0, abs(gain) / gp.recruiter_wage)  # how far one more recruiter is from paying his wage
        paid = [r for r in self.recruiters if r.kind == DECEPTIVE]
        if gain > 0:
            lam = gp.hire_rate * pull * max(1, len(paid))
            for _ in range(int(actor_poisson(model.keys, "gangs.hires", ctx.month, self.gid, lam)[0])):
                self.hire(ctx.month)
        elif gain < 0 and paid:
            fired = int(actor_binomial(model.keys, "gangs.fires", ctx.month, self.gid, len(paid), gp.fire_rate * pull)[0])
            for r in paid[len(paid) - fired:]:
                r.leave()

    def _review_routes(self, month: int) -> None:
        model, gp = self.model, self.model.params.gangs
        if float(actor_uniforms(model.keys, "gangs.route_review", month, self.gid)[0]) >= gp.route_review_rate:
            return
        best = model.market.margin.max(axis=1)  # [destination]
        unserved = np.setdiff1d(np.arange(best.size), self.routes)
        if unserved.size == 0:
            return
        worst = self.routes[np.argmin(best[self.routes])]
        candidate = unserved[np.argmax(best[unserved])]
        if best[candidate] > best[worst]:
            self.routes = np.sort(np.append(self.routes[self.routes != worst], candidate))

    def hire(self, month: int, kind: int = DECEPTIVE, region: int | None = None) -> Recruiter:
        """A new recruiter: a paid front in a region drawn by population shares (and, with several
        countries, their margins: ``Model.draw_region``), or a given kind and region."""
        model, rp = self.model, self.model.params.recruitment
        if region is None:
            region = model.draw_region("gangs.hire_region", month, len(model.recruiter_list), self.routes)
        reach = rp.reach_deceptive if kind == DECEPTIVE else rp.reach_informal
        rec = Recruiter(model, kind, region, reach, gang=self)
        if kind == DECEPTIVE:
            self.members += model.params.gangs.recruit_members_per_recruiter
        return rec

    # -- corruption --------------------------------------------------------------------------------
    def bribe(self, ctx) -> float:
        """Buy from each unit the protection that maximises expected saving minus the bribe.

        Officials price protection by the stakes: a bribe ``b`` to a unit of integrity ``i`` from a gang
        that expects to lose ``L`` a month to it (``model.expected_loss``) buys protection
        ``s = max_protection (1 - exp(-b / (k L)))`` with ``k = bribe_share x i / (1 - i)``: the share of
        the unit's raids, interdictions, investigations and cases against the gang that corrupted
        officials stop. The saving ``L s - b`` is largest at ``b = k ln(max_protection / k) L`` when
        ``max_protection > k`` (protection ``max_protection - k``), and no bribe pays otherwise: a unit of
        high integrity is bribed less or not at all, and a gang pays in proportion to what the unit
        threatens. Bribes are paid from capital, never beyond it.
        """
        model, gp = self.model, self.model.params.gangs
        loss = model.expected_loss(self, ctx)  # [unit]
        integrity = np.array([u.integrity_now(model.ctx_of(u)) for u in model.units])
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
            self.protection = np.where(k > 0, np.nan_to_num(bought), np.where(loss > 0, gp.max_protection, 0.0))
        for u, amount in zip(model.units, b):
            if amount > 0:
                u.take_bribe(float(amount))
                if u.country is not None:
                    model.countries[u.country].actor_counts["bribes_usd"] += float(amount)
        model.actor_counts["bribes_usd"] += total
        return total

    def lose_members(self, n: float) -> None:
        self.members = max(0.0, self.members - n)

    def break_up(self) -> None:
        self.active = False
        model = self.model
        model.gang_active[self.gid] = False
        for r in list(self.recruiters):
            r.leave()
        self.remove()
