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

import numpy as np
import pandas as pd

from sim.scenario import INTERVENTION_TYPES, Scenario, kind_of
from sim.scenario.costing import ALL_UNITS, HOME_UNITS, SHARED_UNITS, Cost
from sim.scenario.interventions import DESTINATIONS, HOME_AND_DESTINATION_POLICE

# how each kind is costed (its class's declaration); a kind without a cost (an economic shock) costs nothing
COSTS: dict[str, Cost] = {kind_of(t): t.cost for t in INTERVENTION_TYPES if t.cost is not None}
# kinds that act on the destinations only (in a run of several countries, costed once for the run)
DESTINATION_KINDS = tuple(kind_of(t) for t in INTERVENTION_TYPES if t.scope == DESTINATIONS)
# kinds that reach the destinations' police units too (costed once more for the run, on those units)
SHARED_KINDS = tuple(kind_of(t) for t in INTERVENTION_TYPES if t.scope == HOME_AND_DESTINATION_POLICE)


def months_in_force(sc: Scenario, iv) -> np.ndarray:
    """Month indices (1 = first simulated month) within the run during which ``iv`` is in force."""
    start = sc.month_index(iv.start_month)
    end = sc.months if iv.end_month is None else min(sc.month_index(iv.end_month), sc.months)
    return np.arange(max(start, 1), end + 1)


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
        exposure = float(iv.exposure(view, months, ts, scope))
        if c.run_wide:
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
