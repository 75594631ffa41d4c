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

from sim.core.economy import path_value
from sim.scenario import Scenario

UNITS_OF_KIND = {"source": "regions", "border": None, "destination": "destinations"}


ALL_UNITS = ("source", "border", "destination")
HOME_UNITS = ("source", "border")  # a country's own
SHARED_UNITS = ("destination",)  # the run's, in a run of several countries
# kinds that act on the destinations only (in a run of several countries, costed once for the run)
DESTINATION_KINDS = ("peacekeeper_ban", "demand_reduction")
SHARED_KINDS = ("police_training", "anti_corruption", "police_cooperation")  # they reach destination units too


def _units(sc: Scenario, kinds, scope=ALL_UNITS) -> int:
    """Police units of ``kinds`` within ``scope``: one per source region, one border unit, one per destination."""
    return sum(1 if UNITS_OF_KIND[k] is None else len(getattr(sc, UNITS_OF_KIND[k])) for k in kinds if k in scope)


def _officials(sc: Scenario, scope=ALL_UNITS) -> float:
    pp = sc.police
    per_kind = {
        "source": pp.source.officials * len(sc.regions), "border": pp.border.officials,
        "destination": pp.destination.officials * len(sc.destinations),
    }  # fmt: skip
    return sum(per_kind[k] for k in scope)


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
    exposure: Callable  # (scenario, intervention, months in force, monthly rows or None, unit scope) -> float


def _victims_identified(sc, iv, months, ts, scope=ALL_UNITS) -> float:
    if ts is None:
        return float("nan")
    return float(ts.loc[ts["month"].isin(months), "victims_identified"].sum())


def _permits(sc, iv, months, ts, scope=ALL_UNITS) -> float:
    per_100k = sc.population.size / 1e5
    dests = [d for name, d in sc.destinations.items() if name in _covered(iv.destinations, sc.destinations)]
    permits = sum(path_value(d.permits_per_100k, sc.year(m)) for d in dests for m in months)
    return float(permits * per_100k * iv.strength)


def _troops(sc, iv, months, ts, scope=ALL_UNITS) -> float:
    dests = [d for name, d in sc.destinations.items() if name in _covered(iv.destinations, sc.destinations)]
    return float(sum(path_value(d.troops, sc.year(m)) / 1000 for d in dests for m in months))


def _residents(sc, iv, months, ts, scope=ALL_UNITS) -> float:
    share = sum(sc.regions[r].share for r in _covered(iv.regions, sc.regions))
    return sc.population.size * share / 1e5 * len(months)


COSTS: dict[str, Cost] = {
    "police_training": Cost(
        "police_training_per_unit_month", "unit-months trained",
        lambda sc, iv, m, ts, scope=ALL_UNITS: _units(sc, iv.units, scope) * len(m),
    ),
    "law_reform": Cost("law_reform_per_month", "months in force", lambda sc, iv, m, ts, scope=ALL_UNITS: float(len(m))),
    "anti_corruption": Cost(
        "anti_corruption_per_official_month", "official-months",
        lambda sc, iv, m, ts, scope=ALL_UNITS: _officials(sc, scope) * len(m),
    ),
    "police_cooperation": Cost(
        "police_cooperation_per_unit_month", "unit-months",
        lambda sc, iv, m, ts, scope=ALL_UNITS: _units(sc, ALL_UNITS, scope) * len(m),
    ),  # fmt: skip
    "awareness_campaign": Cost("awareness_campaign_per_100k_month", "100k resident-months covered", _residents),
    "legal_migration": Cost("legal_migration_per_permit", "additional permits offered", _permits),
    "victim_protection": Cost("victim_protection_per_victim", "victims identified while in force", _victims_identified),
    "peacekeeper_ban": Cost("peacekeeper_ban_per_1000_troops_month", "1,000-troop-months covered", _troops),
    "demand_reduction": Cost(
        "demand_reduction_per_destination_month", "destination-months covered",
        lambda sc, iv, m, ts, scope=ALL_UNITS: len(_covered(iv.destinations, sc.destinations)) * len(m),
    ),  # fmt: skip
}

COST_COLUMNS = ["intervention", "kind", "months", "exposure", "exposure_unit", "rate", "rate_unit", "cost"]


def _costed(sc: Scenario):
    """(label, scenario, intervention, unit scope, share of the run's victims) of each cost to count.

    A run of one country costs its interventions as they are. In a run of several, each country's own
    interventions and the run's that act in it are costed on that country (its regions, residents,
    permits and home units; victims identified in proportion to its residents), as ``COUNTRY:NAME``;
    the run's interventions that are not confined are costed once more on what the countries share
    (destination units; the destinations' measures, only there).
    """
    if not sc.countries:
        for name, iv in sc.interventions.items():
            yield name, sc, iv, ALL_UNITS, 1.0
        return
    for country, csc in sc.country_scenarios():
        share = csc.population.size / sc.residents
        for name, iv in csc.interventions.items():
            if iv.kind not in DESTINATION_KINDS:
                yield f"{country}:{name}", csc, iv, HOME_UNITS, share
    for name, iv in sc.interventions.items():
        if not iv.countries and iv.kind in (*DESTINATION_KINDS, *SHARED_KINDS):
            yield name, sc, iv, SHARED_UNITS, 0.0


def intervention_costs(sc: Scenario, ts: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per intervention of ``sc`` (per country and intervention in a run of several, see
    ``_costed``): months in force, exposure, rate and cost (USD).

    ``ts`` is the run's monthly table; without it, costs that depend on the run are NaN.
    """
    rows = []
    for name, view, iv, scope, share in _costed(sc):
        months = months_in_force(view, iv)
        c = COSTS.get(iv.kind)
        if c is None:
            rows.append({"intervention": name, "kind": iv.kind, "months": len(months), "exposure": 0.0,
                         "exposure_unit": "", "rate": 0.0, "rate_unit": "", "cost": 0.0})  # fmt: skip
            continue
        exposure = float(c.exposure(view, iv, months, ts, scope))
        if iv.kind == "victim_protection":
            exposure *= share
        rate = float(getattr(view.costs, c.rate))
        unit = type(sc.costs).model_fields[c.rate].json_schema_extra["unit"]
        rows.append({"intervention": name, "kind": iv.kind, "months": len(months), "exposure": exposure,
                     "exposure_unit": c.exposure_unit, "rate": rate, "rate_unit": unit,
                     "cost": rate * exposure})  # fmt: skip
    return pd.DataFrame(rows, columns=COST_COLUMNS)


def run_cost(sc: Scenario, ts: pd.DataFrame | None = None) -> float:
    """Total cost (USD) of the interventions of ``sc`` over the run ``ts``."""
    return float(intervention_costs(sc, ts)["cost"].sum())
