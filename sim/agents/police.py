"""Police units in source regions, at the border and at destinations.

A unit's effectiveness is training x integrity x (1 + cooperation gain x cooperation) x capacity
relative to its base. Interventions add training, capacity, integrity and cooperation while in force.
Bribes keep officials on gangs' payrolls (one per ``bribe_per_official`` a month); the unit's
integrity moves each month towards its base times the share of its officials not on a payroll.
"""

from __future__ import annotations

import mesa
import numpy as np


class PoliceUnit(mesa.Agent):
    def __init__(self, model, kind: str, where: int, params):
        super().__init__(model)
        self.kind = kind  # "source", "border" or "destination"
        self.where = where  # region or destination index (-1 for the border)
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
        gain = self.model.params.police.cooperation_gain
        return self.training(ctx) * self.integrity_now(ctx) * (1 + gain * self.cooperation(ctx))

    def effectiveness(self, ctx) -> float:
        """Quality times capacity relative to the unit's base: scales interdiction and raid rates."""
        return self.quality(ctx) * ctx.capacity_mult[self.kind]

    def take_bribe(self, amount: float) -> None:
        self.bribes += amount

    def step(self, ctx) -> None:
        model, pp = self.model, self.model.params.police
        if self.kind == "source":
            self.investigate_recruiters(ctx)
        elif self.kind == "destination":
            model.arrest_gang_members(self, model.rescued_by_gang[:, self.where], ctx)
        else:
            model.arrest_gang_members(self, model.interdicted_by_gang, ctx)
        # this month's bribes keep officials on a payroll; integrity moves towards what they leave
        self.corrupted = min(self.base.officials, self.bribes / model.params.gangs.bribe_per_official)
        target = self.base.integrity * (1 - self.corrupted / self.base.officials)
        self.integrity += pp.integrity_recovery * (target - self.integrity)
        self.bribes = 0.0

    def investigate_recruiters(self, ctx) -> None:
        """Each deceptive recruiter of the region is caught with a hazard from capacity and exposure."""
        model, pp = self.model, self.model.params.police
        suspects = [r for r in model.recruiters_in_region(self.where) if r.deceptive]
        if not suspects:
            return
        # each investigation targets one suspect and finds enough with probability
        # detection_rate x quality x min(1, exposure)
        exposure = np.minimum(1.0, np.array([r.exposure for r in suspects]))
        capacity = self.capacity(ctx)
        hazard = capacity * pp.detection_rate * self.quality(ctx) * exposure / max(len(suspects), capacity)
        p = 1 - np.exp(-hazard)
        caught = model.police_rng.random(len(suspects)) < p
        for r, c in zip(suspects, caught):
            if not c:
                continue
            convicted = model.prosecute(self, 1, ctx)
            if convicted:
                r.leave()
            else:
                r.exposure = 0.0
