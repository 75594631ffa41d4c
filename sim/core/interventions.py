"""Interventions: timed changes the simulation asks about each month.

Each scenario entry under ``[interventions.NAME]`` becomes one ``Intervention`` with a first and last
month. When it is in force it changes the month's context (``sim.core.economy.MonthContext``); the rules
themselves never test for interventions. To add a kind: declare its parameters in ``sim.scenario``
and write its ``apply`` here.
"""

from __future__ import annotations

import numpy as np


class Intervention:
    def __init__(self, name: str, spec, sc):
        self.name = name
        self.spec = spec
        self.kind = spec.kind
        self.start = sc.month_index(spec.start_month)
        self.end = sc.month_index(spec.end_month) if spec.end_month is not None else None
        self.strength = spec.strength
        regions, dests = list(sc.regions), list(sc.destinations)
        self.regions = _mask(getattr(spec, "regions", None), regions)
        self.destinations = _mask(getattr(spec, "destinations", None), dests)

    def active(self, month: int) -> bool:
        return month >= self.start and (self.end is None or month <= self.end)

    def apply(self, ctx, *, patronage_mult, civilian_mult, shock) -> None:
        s, spec = self.strength, self.spec
        match self.kind:
            case "peacekeeper_ban":
                patronage_mult[self.destinations] *= 1.0 - s
            case "demand_reduction":
                civilian_mult[self.destinations] *= 1.0 - s
            case "legal_migration":
                ctx.permits[self.destinations] *= 1.0 + s
            case "police_training":
                for kind in spec.units:
                    ctx.training_add[kind] += s
                    ctx.capacity_mult[kind] *= 1.0 + spec.capacity_increase
            case "law_reform":
                ctx.conviction_add += s
                ctx.prosecution_add += spec.prosecution_increase
                ctx.sentence_add += spec.sentence_increase
            case "anti_corruption":
                ctx.integrity_add += s
            case "police_cooperation":
                ctx.cooperation_add += s
            case "awareness_campaign":
                ctx.awareness_boost[self.regions] += s
            case "victim_protection":
                ctx.protection = min(1.0, ctx.protection + s)
                ctx.identification_add += spec.identification_increase
                ctx.return_support += spec.return_support
            case "economic_shock":
                shock[self.regions] += s
                ctx.home_wage[self.regions] *= 1.0 + spec.wage_change
            case _:  # pragma: no cover - the scenario schema admits only the kinds above
                raise ValueError(f"unknown intervention kind {self.kind!r}")


def _mask(names, known: list[str]) -> np.ndarray:
    """Boolean mask over ``known`` for ``names``; empty or absent means all."""
    if not names:
        return np.ones(len(known), dtype=bool)
    return np.isin(np.array(known), np.array(names))


def build(sc, everywhere_only: bool = False) -> list[Intervention]:
    """The scenario's interventions; ``everywhere_only``: those not confined to some countries (what acts
    on the destinations of a run of several countries)."""
    specs = [(n, spec) for n, spec in sc.interventions.items() if not (everywhere_only and spec.countries)]
    return [Intervention(n, spec, sc) for n, spec in specs]
