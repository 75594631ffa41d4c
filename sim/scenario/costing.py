"""How an intervention kind declares its cost, and the exposures its declaration counts.

What a programme of a kind costs while in force is a rate (a field of ``CostParams``, in the scenario's
``[costs]``) times an exposure the model has (police units, officials, residents covered, permits,
troops, destinations covered, victims identified), read by ``sim.studies.costs``, never by the model.
US dollars, undiscounted. No published unit cost fits a stylised source country, so every rate is an
assumption with a wide range; the figures the ranges were chosen against are cited in docs/ODD.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.scenario.fields import P

# police units counted for a cost: their kinds, and which of them a scope holds
ALL_UNITS = ("source", "border", "destination")
HOME_UNITS = ("source", "border")  # a country's own
SHARED_UNITS = ("destination",)  # the run's, in a run of several countries
UNITS_OF_KIND = {"source": "regions", "border": None, "destination": "destinations"}


@dataclass(frozen=True)
class Cost:
    """The cost of an intervention kind: its rate (a field of ``CostParams``: name, default, unit, range,
    description, source) and the unit of the exposure the kind's ``exposure`` counts."""

    rate: str  # name of the rate's field in CostParams
    default: float
    unit: str
    lo: float
    hi: float
    description: str
    exposure_unit: str
    source: str = "assumption"
    run_wide: bool = False  # the exposure is read from the run's rows: a country of several bears its residents' share

    def field(self):
        """The pydantic field of the rate in ``CostParams``."""
        return P(self.default, self.unit, self.lo, self.hi, self.description, self.source)


def police_units(sc, kinds, scope=ALL_UNITS) -> int:
    """Police units of ``kinds`` within ``scope``: one per source region, one border unit, one per destination."""
    return sum(1 if UNITS_OF_KIND[k] is None else len(getattr(sc, UNITS_OF_KIND[k])) for k in kinds if k in scope)


def officials(sc, scope=ALL_UNITS) -> float:
    """Officials of the police units within ``scope``."""
    pp = sc.police
    per_kind = {
        "source": pp.source.officials * len(sc.regions), "border": pp.border.officials,
        "destination": pp.destination.officials * len(sc.destinations),
    }  # fmt: skip
    return sum(per_kind[k] for k in scope)


def court_officials(sc, scope=ALL_UNITS) -> float:
    """Prosecutors and judges of the courts that try the cases of the police units within ``scope``: the source
    country's court (its source and border units' cases) and one court per destination."""
    home = sc.police.courts.officials if set(scope) & set(HOME_UNITS) else 0.0
    shared = sc.police.courts.officials * len(sc.destinations) if set(scope) & set(SHARED_UNITS) else 0.0
    return home + shared


def covered(names: list[str], known: dict) -> list[str]:
    """The names an intervention covers: ``names``, or all of ``known`` when empty."""
    return list(names) if names else list(known)
