"""Mechanisms act in the direction the evidence says.

Each scenario is run against the baseline over the same seeds (paired replications with common random
numbers) for the baseline's source country of 4,000,000 at 10 persons per agent, 2000-2009, six seeds. The effect of a scenario on
an output is the mean paired difference with its 95% t interval, computed by the function `sim compare`
uses (``paired_effects``). A mechanism passes when the interval lies wholly on the side of zero the
evidence says; ``test_a_mechanism_that_is_switched_off_fails`` shows the check fails when the mechanism
behind an effect is removed.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd
import pytest
from conftest import SCENARIOS, small_run

import sim
from sim.studies.experiments import paired_effects

pytestmark = pytest.mark.slow

SEEDS = (1, 2, 3, 4, 5, 6)
MONTHS = 120
SIZE, SCALE = 4_000_000, 10


@lru_cache(maxsize=None)
def summaries(name: str, changes: tuple = ()) -> pd.DataFrame:
    rows = []
    for seed in SEEDS:
        if changes:
            over = {"population.size": SIZE, **dict(changes)}
            df = sim.run(SCENARIOS / name, seed=seed, months=MONTHS, scale=SCALE, overrides=over)
        else:
            df = small_run(name, seed=seed, months=MONTHS, size=SIZE, scale=SCALE)
        s = sim.summarise(df)
        s["outflows"] = s["emigrants_legal"] + s["emigrants_irregular"] + s["trafficked"]
        rows.append({"scenario": name, "replication": seed, **s})
    return pd.DataFrame(rows)


def interval(name: str, metric: str, changes: tuple = ()) -> tuple[float, float]:
    """95% interval of the paired effect of scenario ``name`` on ``metric`` against the baseline."""
    runs = pd.concat([summaries("baseline.toml", changes), summaries(name, changes)])
    row = paired_effects(runs, "baseline.toml", [metric]).iloc[0]
    return float(row["ci_low"]), float(row["ci_high"])


RAISES = [
    ("high_unemployment.toml", "outflows"),
    ("victim_protection.toml", "victims_identified"),
    ("no_emigration.toml", "births"),  # emigration of young women lowers births at home
    ("no_emigration.toml", "population_home"),  # and residents at the end
]
LOWERS = [
    ("awareness_campaign.toml", "trafficked"),
    # donor training of the source country's own units deters and rescues: fewer victim-months at the destinations
    # (its effect on persons trafficked over 2000-2009, -9% [-1,079, +275] with these seeds, needs more runs or years)
    ("police_training.toml", "victim_months_sexual_at_eu"),
    ("police_training.toml", "victim_months_sexual_at_balkans"),
    ("destination_policing.toml", "trafficked"),  # raids where the victims are held
    ("law_reform.toml", "trafficked"),
    ("legal_migration.toml", "emigrants_irregular"),
    ("demand_reduction.toml", "victim_months_sexual_at_eu"),
]


@pytest.mark.parametrize("name,metric", RAISES, ids=[f"{n}-raises-{m}" for n, m in RAISES])
def test_scenario_raises(name, metric):
    lo, hi = interval(name, metric)
    assert lo > 0, f"95% interval [{lo:,.0f}, {hi:,.0f}] does not lie above zero"


@pytest.mark.parametrize("name,metric", LOWERS, ids=[f"{n}-lowers-{m}" for n, m in LOWERS])
def test_scenario_lowers(name, metric):
    lo, hi = interval(name, metric)
    assert hi < 0, f"95% interval [{lo:,.0f}, {hi:,.0f}] does not lie below zero"


def test_a_mechanism_that_is_switched_off_fails():
    """With perceived risk weighing nothing, an awareness campaign cannot lower trafficking: the check fails."""
    lo, hi = interval("awareness_campaign.toml", "trafficked", (("recruitment.perceived_risk", 0.0),))
    assert not hi < 0, (lo, hi)


def test_detected_victims_are_far_fewer_than_true_victims():
    df = small_run("baseline.toml", seed=1, months=MONTHS, size=SIZE, scale=SCALE)
    entered = df["trafficked"].sum()
    assert 0 < df["victims_identified"].sum() < 0.5 * entered
