"""Mechanisms act in the right direction: each intervention is compared with the baseline over the
same seeds (common random numbers), at a size where the effect stands out of the noise."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import small_run

SEEDS = (1, 2, 3)
MONTHS = 120
BAN_MONTH = 54  # June 2004


def runs(name: str):
    return [small_run(name, seed=s, months=MONTHS, size=1_000_000, scale=20) for s in SEEDS]


def total(name: str, column: str) -> np.ndarray:
    """Per seed: the column summed over the simulated months."""
    return np.array([df.loc[df["month"] > 0, column].sum() for df in runs(name)])


def outflows(name: str) -> np.ndarray:
    return total(name, "emigrants_legal") + total(name, "emigrants_irregular") + total(name, "trafficked")


def test_higher_unemployment_raises_outflows():
    assert (outflows("high_unemployment.toml") > outflows("baseline.toml")).all()


def test_peacekeeper_ban_lowers_sexual_exploitation_at_the_peacekeeping_destination():
    def after_ban(name):
        return np.array([df.loc[df["month"] >= BAN_MONTH, "victims_peacekeeping"].mean() for df in runs(name)])

    base, ban = after_ban("baseline.toml"), after_ban("peacekeeper_ban.toml")
    assert ban.mean() < 0.97 * base.mean()
    assert (ban <= base).all()


@pytest.mark.parametrize("name", ["police_training.toml", "law_reform.toml"])
def test_police_training_and_law_reform_raise_convictions(name):
    assert total(name, "convictions").mean() > 1.5 * total("baseline.toml", "convictions").mean()


def test_awareness_campaign_lowers_trafficking():
    campaign, base = total("awareness_campaign.toml", "trafficked"), total("baseline.toml", "trafficked")
    assert campaign.mean() < 0.95 * base.mean()


def test_emigration_of_young_women_lowers_births():
    assert (total("baseline.toml", "births") < total("no_emigration.toml", "births")).all()


def test_emigration_lowers_the_home_population_against_no_emigration():
    end = lambda name: np.array([df["population_home"].iloc[-1] for df in runs(name)])  # noqa: E731
    assert (end("baseline.toml") < end("no_emigration.toml")).all()


def test_victim_protection_raises_identified_victims():
    assert total("victim_protection.toml", "victims_identified").mean() > 1.3 * total("baseline.toml", "victims_identified").mean()


def test_detected_victims_are_far_fewer_than_true_victims():
    df = runs("baseline.toml")[0]
    entered = df["trafficked"].sum()
    assert 0 < df["victims_identified"].sum() < 0.5 * entered
