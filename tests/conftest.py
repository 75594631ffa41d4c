"""Shared helpers: small, fast runs of the shipped scenarios."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd
import pytest

import sim

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
ALL_SCENARIOS = sorted(p.name for p in SCENARIOS.glob("*.toml"))


@lru_cache(maxsize=None)
def _run_cached(name: str, seed: int, months: int, size: int, scale: float) -> pd.DataFrame:
    return sim.run(SCENARIOS / name, seed=seed, months=months, scale=scale, overrides={"population.size": size})


def small_run(name: str, seed: int = 1, months: int = 36, size: int = 200_000, scale: float = 50) -> pd.DataFrame:
    """A run of a shipped scenario at a small size (cached for the session; do not modify it)."""
    return _run_cached(name, seed, months, size, scale)


@pytest.fixture
def run_small():
    return small_run
