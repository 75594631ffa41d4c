"""Shared helpers: small, fast runs of the shipped scenarios."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import numba
import pandas as pd
import pytest

import sim
from sim.scenario import load_scenario

# The compiled passes run on one thread in the tests' process unless NUMBA_NUM_THREADS is set: the tests'
# runs are small, and a second thread costs more than it brings on a busy machine. Outputs are the same on
# any number of threads (test_reproducibility checks one against two).
if "NUMBA_NUM_THREADS" not in os.environ:
    numba.set_num_threads(1)

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
ALL_SCENARIOS = sorted(p.name for p in SCENARIOS.glob("*.toml"))


@lru_cache(maxsize=None)
def _run_cached(name: str, seed: int, months: int, size: int, scale: float) -> pd.DataFrame:
    return sim.run(SCENARIOS / name, seed=seed, months=months, scale=scale, overrides=small_sizes(name, size))


def small_sizes(name: str, size: int) -> dict:
    """Overrides that shrink a shipped scenario to ``size`` residents (each of its countries, if it has several)."""
    sc = load_scenario(SCENARIOS / name)
    over = {f"countries.{c}.population.size": size for c in sc.countries} or {"population.size": size}
    if sc.market.demand_population:  # absolute demand shrinks with the countries, keeping its ratio to them
        over["market.demand_population"] = sc.market.demand_population * size * max(1, len(sc.countries)) / sc.residents
    return over


def small_run(name: str, seed: int = 1, months: int = 36, size: int = 200_000, scale: float = 50) -> pd.DataFrame:
    """A run of a shipped scenario at a small size (cached for the session; do not modify it)."""
    return _run_cached(name, seed, months, size, scale)


@pytest.fixture
def run_small():
    return small_run
