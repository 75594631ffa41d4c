"""Cost-effectiveness of a comparison: what each alternative costs more than the base, and what it buys.

The cost of a run is ``sim.studies.costs.run_cost`` of its scenario (as resolved in the manifest) over its
monthly rows; the added cost of an alternative is the mean of the paired differences of cost, with its
95% t interval (``paired_effects``, as for every other metric). The effects (persons trafficked
averted, victims identified, convictions) are read from the comparison's effects, not recomputed.

Cost per victim averted = added cost / persons trafficked averted (the mean effect). Its 95% interval
divides the mean added cost by the bounds of the 95% interval of persons averted; it is given only when
that interval lies above zero. When the interval contains zero the ratio is undefined ("not
distinguishable from zero"); when it lies below zero the alternative increases trafficking and averts
no victim. Uncertainty in the cost itself (only the cost of victim protection varies between
replications) is left out of that interval; ``cost_ci_low``/``cost_ci_high`` show it.
"""

from __future__ import annotations

import math

import pandas as pd

from sim.scenario import Scenario
from sim.studies.costs import run_cost
from sim.studies.experiments.compare import Comparison, paired_effects

# what the verdict column says about the effect a cost is divided by
VERDICTS = {
    "gain": "the effect is distinguishable from zero",
    "unclear": "not distinguishable from zero: cost per unit undefined",
    "loss": "the alternative goes the wrong way: no unit gained",
    "free": "no added cost",
}

# (prefix, metric, sign): the gain per unit of which a cost is divided; sign -1: a fall is the gain
GAINS = (("averted", "trafficked", -1), ("identified", "victims_identified", 1), ("convictions", "convictions", 1))

CE_COLUMNS = ["scenario", "cost", "cost_ci_low", "cost_ci_high"] + [
    f"{p}{s}" for p, _, _ in GAINS for s in ("", "_ci_low", "_ci_high")
] + [f"cost_per_{p}{s}" for p in ("averted", "identified") for s in ("", "_low", "_high", "_verdict")]


def scenario_of(c: Comparison, name: str) -> Scenario:
    """The scenario ``name`` of a comparison, as resolved when it ran (from the manifest)."""
    return Scenario.model_validate(c.manifest["scenarios"][name])


def run_costs(c: Comparison) -> pd.DataFrame:
    """Cost (USD) of every run of a comparison: columns ``scenario``, ``replication``, ``cost``."""
    scenarios = {name: scenario_of(c, name) for name in c.scenarios}
    rows = [
        {"scenario": name, "replication": rep, "cost": run_cost(scenarios[name], g)}
        for (name, rep), g in c.timeseries.groupby(["scenario", "replication"], sort=False)
    ]
    return pd.DataFrame(rows, columns=["scenario", "replication", "cost"])


def cost_per_unit(cost: float, gain: float, low: float, high: float) -> tuple[float, float, float, str]:
    """Cost per unit gained, its interval from the gain's 95% interval [low, high], and a verdict key."""
    nan = float("nan")
    if not all(map(math.isfinite, (cost, gain, low, high))):
        return nan, nan, nan, "unclear"
    if high < 0:
        return nan, nan, nan, "loss"
    if low <= 0:
        return nan, nan, nan, "unclear"
    if cost <= 0:
        return nan, nan, nan, "free"
    return cost / gain, cost / high, cost / low, "gain"


def cost_effectiveness(c: Comparison) -> pd.DataFrame:
    """One row per alternative: added cost with its interval, the gains and the cost per unit gained."""
    costs = paired_effects(run_costs(c), c.base, ["cost"]).set_index("scenario")
    eff = c.effects.set_index(["scenario", "metric"])
    rows = []
    for name in c.scenarios[1:]:
        k = costs.loc[name]
        row = {"scenario": name, "cost": k["effect"], "cost_ci_low": k["ci_low"], "cost_ci_high": k["ci_high"]}
        for prefix, metric, sign in GAINS:
            if (name, metric) in eff.index:
                e = eff.loc[(name, metric)]
                lo, hi = sorted((sign * e["ci_low"], sign * e["ci_high"]))
                row |= {prefix: sign * e["effect"] + 0.0, f"{prefix}_ci_low": lo + 0.0, f"{prefix}_ci_high": hi + 0.0}
            else:
                row |= {prefix: float("nan"), f"{prefix}_ci_low": float("nan"), f"{prefix}_ci_high": float("nan")}
        for prefix in ("averted", "identified"):
            gain = (row[prefix], row[f"{prefix}_ci_low"], row[f"{prefix}_ci_high"])
            value, low, high, verdict = cost_per_unit(row["cost"], *gain)
            row |= {f"cost_per_{prefix}": value, f"cost_per_{prefix}_low": low, f"cost_per_{prefix}_high": high,
                    f"cost_per_{prefix}_verdict": verdict}  # fmt: skip
        rows.append(row)
    return pd.DataFrame(rows, columns=CE_COLUMNS)
