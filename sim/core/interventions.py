"""Interventions: timed changes the simulation asks about each month.

Each scenario entry under ``[interventions.NAME]`` becomes one ``Intervention`` with a first and last
month. When it is in force it changes the month's context (``sim.core.economy.MonthContext``); the rules
themselves never test for interventions. What a kind changes is its class's ``apply``, in
``sim.scenario.interventions`` (one class per kind); this module gives it the masks of the regions and
destinations it covers.
"""

from __future__ import annotations

import numpy as np


class Intervention:
    """One intervention of a run: its scenario entry, its months in force and the masks of what it covers."""

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

    def apply(self, ctx, *, patronage_mult, civilian_mult, labour_mult, shock) -> None:
        """Change the month's context as the intervention's kind says (``sim.scenario.interventions``)."""
        mults = {"patronage_mult": patronage_mult, "civilian_mult": civilian_mult, "labour_mult": labour_mult}
        self.spec.apply(ctx, self.regions, self.destinations, **mults, shock=shock)


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
