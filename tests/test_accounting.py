"""The two accounting identities hold exactly, every month, in every shipped scenario."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import ALL_SCENARIOS, small_run

ABROAD = ["abroad_legal", "abroad_irregular", "in_transit", "victims_sexual", "victims_labour"]


@pytest.mark.parametrize("name", ALL_SCENARIOS)
def test_home_population_changes_by_births_deaths_departures_and_returns(name):
    df = small_run(name, months=48)
    change = df["population_home"].diff().iloc[1:]
    flows = (
        df["births"] - df["deaths_home"] - df["emigrants_legal"] - df["emigrants_irregular"] - df["trafficked"]
        + df["returns"]
    ).iloc[1:]  # fmt: skip
    np.testing.assert_array_equal(change.to_numpy(), flows.to_numpy())


@pytest.mark.parametrize("name", ALL_SCENARIOS)
def test_stock_abroad_changes_by_departures_returns_and_deaths_abroad(name):
    df = small_run(name, months=48)
    stock = df[ABROAD].sum(axis=1)
    flows = (df["emigrants_legal"] + df["emigrants_irregular"] + df["trafficked"] - df["returns"] - df["deaths_abroad"]).iloc[1:]
    np.testing.assert_array_equal(stock.diff().iloc[1:].to_numpy(), flows.to_numpy())


def test_identities_are_not_trivially_satisfied():
    """Every flow in the identities actually occurs in the baseline, so the identities test something."""
    df = small_run("baseline.toml", months=48, size=1_000_000, scale=5)  # trafficking is rare: a finer resolution
    for col in ["births", "deaths_home", "emigrants_legal", "emigrants_irregular", "trafficked", "returns", "deaths_abroad"]:
        assert df[col].sum() > 0, col


def test_no_emigration_means_nobody_leaves():
    df = small_run("no_emigration.toml", months=48)
    assert df[["emigrants_legal", "emigrants_irregular", "trafficked"]].to_numpy().sum() == 0
