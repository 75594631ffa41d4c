"""Organised-crime groups: revenue, recruiters, bribes, growth and break-up."""

from __future__ import annotations

import mesa
import numpy as np

from .recruiter import Recruiter


class Gang(mesa.Agent):
    """A gang serving some destinations (routes) from the source country."""

    def __init__(self, model, routes: np.ndarray, members: float, capital: float):
        super().__init__(model)
        self.gid = len(model.gang_list)
        model.gang_list.append(self)
        self.routes = routes  # destination indices
        self.members = float(members)
        self.capital = float(capital)
        self.recruiters: list[Recruiter] = []
        self.revenue = 0.0
        self.bribes = 0.0
        self.profit = 0.0
        self.active = True

    def step(self, ctx) -> None:
        """Collect revenue, pay recruiters, members and bribes; hire; break up when broken."""
        model, gp = self.model, self.model.params.gangs
        fees = model.params.recruitment.fee_per_recruit * sum(r.recruits for r in self.recruiters)
        self.revenue = float(model.revenue_by_gang[self.gid]) + gp.contraband_per_route * len(self.routes)
        self.bribes = gp.bribe_share * self.revenue
        self.profit = self.revenue - self.bribes - fees - gp.member_cost * self.members
        self.capital += self.profit
        model.actor_counts["gang_revenue_usd"] += self.revenue
        model.pay_bribes(self, self.bribes)
        if self.members < 1 or self.capital < 0:
            self.break_up()
            return
        for r in list(self.recruiters):
            if model.gang_rng.random() < gp.recruiter_attrition:
                r.leave()
        if self.profit > gp.hire_threshold and model.room(ctx)[self.routes].max() >= gp.hire_room:
            self.hire()

    def hire(self) -> None:
        model = self.model
        region = model.draw_region(model.gang_rng)
        Recruiter(model, 1, region, model.params.recruitment.reach_deceptive, gang=self)
        self.members += model.params.gangs.recruit_members_per_recruiter

    def lose_members(self, n: float) -> None:
        self.members = max(0.0, self.members - n)

    def break_up(self) -> None:
        self.active = False
        model = self.model
        model.gang_active[self.gid] = False
        for r in list(self.recruiters):
            r.leave()
        self.remove()
