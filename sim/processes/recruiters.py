"""Recruiters: licensed agencies, deceptive fronts of gangs, informal acquaintances and returnees."""

from __future__ import annotations

import mesa
import numpy as np

KINDS = ("licensed", "deceptive", "informal")
LICENSED, DECEPTIVE, INFORMAL = range(len(KINDS))


class Recruiter(mesa.Agent):
    """A recruiter in one source region. ``gang`` is set for those who work for organised crime."""

    def __init__(self, model, key: int, kind: int, region: int, reach: float, gang=None):
        super().__init__(model)
        self.key = key  # where it comes from (``sim.core.rng.origin_key``): its draws are keyed by it
        self.kind = kind
        self.region = region
        self.reach = reach  # real persons contacted per month
        self.gang = gang
        self.exposure = 0.0  # what the police could learn about the recruiter
        self.recruits = 0.0  # real persons delivered this month
        self.months_active = 0
        if gang is not None:
            gang.recruiters.append(self)

    @property
    def deceptive(self) -> bool:
        return self.gang is not None

    def step(self) -> None:
        self.months_active += 1
        self.exposure += self.model.params.recruitment.exposure_per_recruit * self.recruits

    def leave(self) -> None:
        """Stop recruiting (convicted, or the gang broke up)."""
        if self.gang is not None and self in self.gang.recruiters:
            self.gang.recruiters.remove(self)
        self.remove()


def recruiters_step(model) -> None:
    """Every active recruiter's month, in creation order (``Recruiter.step``: months active, exposure)."""
    model.agents_of(Recruiter).do("step")


def recruiter_table(model, country) -> dict:
    """Active recruiters in ``country``: the agents, and their key, region (the country's index), reach,
    kind and gang id (-1: honest) as arrays."""
    recs = [r for r in model.agents_of(Recruiter) if r.region in country.regions]
    return {
        "agents": recs,
        "key": np.array([r.key for r in recs], dtype=np.int64),
        "region": np.array([r.region - country.offset for r in recs], dtype=np.int64),
        "reach": np.array([r.reach for r in recs], dtype=np.float64),
        "kind": np.array([r.kind for r in recs], dtype=np.int64),
        "gang": np.array([r.gang.gid if r.gang is not None else -1 for r in recs], dtype=np.int64),
    }
