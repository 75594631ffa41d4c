"""What a scenario's interventions cost: a cost rate (``[costs]`` in the scenario) times an exposure.

The cost of one intervention is its rate times its exposure summed over the months it is in force
within the run (from ``start_month`` to ``end_month`` or the last simulated month). Exposures are
quantities the model has: police units, officials, residents of the regions covered, legal permits
offered, troops deployed, destinations covered, or victims identified while the intervention is in
force (the only exposure read from the run's monthly rows). US dollars, undiscounted. A kind without
a cost (an economic shock is not a policy) costs nothing.

    costs = intervention_costs(scenario, timeseries)   # one row per intervention
    total = run_cost(scenario, timeseries)             # their sum
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from .economy import path_value
from .scenario import Scenario

UNITS_OF_KIND = {"source": "regions", "border": None, "destination": "destinations"}


def _units(sc: Scenario, kinds) -> int:
    """Police units of ``kinds``: one per source region, one border unit, one per destination."""
    return sum(1 if UNITS_OF_KIND[k] is None else len(getattr(sc, UNITS_OF_KIND[k])) for k in kinds)


def _officials(sc: Scenario) -> float:
    pp = sc.police
    return pp.source.officials * len(sc.regions) + pp.border.officials + pp.destination.officials * len(sc.destinations)


def _covered(names: list[str], known: dict) -> list[str]:
    return list(names) if names else list(known)


def months_in_force(sc: Scenario, iv) -> np.ndarray:
    """Month indices (1 = first simulated month) within the run during which ``iv`` is in force."""
    start = sc.month_index(iv.start_month)
    end = sc.months if iv.end_month is None else min(sc.month_index(iv.end_month), sc.months)
    return np.arange(max(start, 1), end + 1)


@dataclass(frozen=True)
class Cost:
    """How an intervention kind is costed: the rate (a field of ``CostParams``) and the exposure."""

    rate: str
    exposure_unit: str
    exposure: Callable  # (scenario, intervention, months in force, monthly rows or None) -> float


def _victims_identified(sc, iv, months, ts) -> float:
    if ts is None:
        return float("nan")
    return float(ts.loc[ts["month"].isin(months), "victims_identified"].sum())


def _permits(sc, iv, months, ts) -> float:
    per_100k = sc.population.size / 1e5
    dests = [d for name, d in sc.destinations.items() if name in _covered(iv.destinations, sc.destinations)]
    permits = sum(path_value(d.permits_per_100k, sc.year(m)) for d in dests for m in months)
    return float(permits * per_100k * iv.strength)


def _troops(sc, iv, months, ts) -> float:
    dests = [d for name, d in sc.destinations.items() if name in _covered(iv.destinations, sc.destinations)]
    return float(sum(path_value(d.troops, sc.year(m)) / 1000 for d in dests for m in months))


def _residents(sc, iv, months, ts) -> float:
    share = sum(sc.regions[r].share for r in _covered(iv.regions, sc.regions))
    return sc.population.size * share / 1e5 * len(months)


COSTS: dict[str, Cost] = {
    "police_training": Cost(
        "police_training_per_unit_month", "unit-months trained", lambda sc, iv, m, ts: _units(sc, iv.units) * len(m)
    ),
    "law_reform": Cost("law_reform_per_month", "months in force", lambda sc, iv, m, ts: float(len(m))),
    "anti_corruption": Cost(
        "anti_corruption_per_official_month", "official-months", lambda sc, iv, m, ts: _officials(sc) * len(m)
    ),
    "police_cooperation": Cost(
        "police_cooperation_per_unit_month", "unit-months",
        lambda sc, iv, m, ts: _units(sc, ("source", "border", "destination")) * len(m),
    ),  # fmt: skip
    "awareness_campaign": Cost("awareness_campaign_per_100k_month", "100k resident-months covered", _residents),
    "legal_migration": Cost("legal_migration_per_permit", "additional permits offered", _permits),
    "victim_protection": Cost("victim_protection_per_victim", "victims identified while in force", _victims_identified),
    "peacekeeper_ban": Cost("peacekeeper_ban_per_1000_troops_month", "1,000-troop-months covered", _troops),
    "demand_reduction": Cost(
        "demand_reduction_per_destination_month", "destination-months covered",
        lambda sc, iv, m, ts: len(_covered(iv.destinations, sc.destinations)) * len(m),
    ),  # fmt: skip
}

COST_COLUMNS = ["intervention", "kind", "months", "exposure", "exposure_unit", "rate", "rate_unit", "cost"]


def intervention_costs(sc: Scenario, ts: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per intervention of ``sc``: months in force, exposure, rate and cost (USD).

    ``ts`` is the run's monthly table; without it, costs that depend on the run are NaN.
    """
    rows = []
    for name, iv in sc.interventions.items():
        months = months_in_force(sc, iv)
        c = COSTS.get(iv.kind)
        if c is None:
            rows.append({"intervention": name, "kind": iv.kind, "months": len(months), "exposure": 0.0,
                         "exposure_unit": "", "rate": 0.0, "rate_unit": "", "cost": 0.0})  # fmt: skip
            continue
        exposure = float(c.exposure(sc, iv, months, ts))
        rate = float(getattr(sc.costs, c.rate))
        unit = type(sc.costs).model_fields[c.rate].json_schema_extra["unit"]
        rows.append({"intervention": name, "kind": iv.kind, "months": len(months), "exposure": exposure,
                     "exposure_unit": c.exposure_unit, "rate": rate, "rate_unit": unit,
                     "cost": rate * exposure})  # fmt: skip
    return pd.DataFrame(rows, columns=COST_COLUMNS)


def run_cost(sc: Scenario, ts: pd.DataFrame | None = None) -> float:
    """Total cost (USD) of the interventions of ``sc`` over the run ``ts``."""
    return float(intervention_costs(sc, ts)["cost"].sum())
