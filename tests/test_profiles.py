"""Who left: ``profiles.csv`` counts the emigrants of a run by channel, sex, age band and education, and
adds up to the flows of ``timeseries.csv`` in both engines."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd
import pytest
from conftest import SCENARIOS

import sim
from sim.core.outputs import CHANNELS, PROFILE_COLUMNS

RUNS = {
    "vectorised": dict(months=24, scale=20, overrides={"population.size": 400_000}),
    "reference": dict(months=12, scale=10, overrides={"population.size": 40_000}),
}


@lru_cache(maxsize=None)
def run(engine: str) -> pd.DataFrame:
    """The run of ``engine`` (cached for the session; do not modify it)."""
    return sim.run(SCENARIOS / "baseline.toml", seed=2, engine=engine, **RUNS[engine])


@pytest.mark.parametrize("engine", list(RUNS))
def test_profiles_add_up_to_the_flows_of_each_channel(engine):
    """Exactly: every departure is counted once in its channel, in real persons."""
    df = run(engine)
    table = sim.profiles(df)
    assert list(table.columns) == [c.name for c in PROFILE_COLUMNS]
    by_channel = table.groupby("channel")["persons"].sum()
    for channel, flow in CHANNELS.items():
        assert by_channel[channel] == df.loc[df["month"] > 0, flow].sum(), channel
    assert by_channel.sum() > 0
    scale = RUNS[engine]["scale"]
    assert (table["persons"] % scale == 0).all()


def test_both_engines_write_the_same_cells():
    a, b = sim.profiles(run("vectorised")), sim.profiles(run("reference"))
    cells = ["channel", "sex", "age_band", "education"]
    pd.testing.assert_frame_equal(a[cells], b[cells])
    assert a["age_band"].unique().tolist() == ["0-14", "15-24", "25-34", "35-44", "45-64", "65+"]


def test_age_bands_follow_their_parameter():
    df = sim.run(
        SCENARIOS / "baseline.toml", seed=1, months=6, scale=50,
        overrides={"population.size": 200_000, "outputs.profile_age_bands": [18, 30, 60]},
    )  # fmt: skip
    table = sim.profiles(df)
    assert table["age_band"].unique().tolist() == ["0-17", "18-29", "30-59", "60+"]
    assert table.loc[table["age_band"] == "0-17", "persons"].sum() == 0  # nobody under migration.min_age leaves


def test_cli_writes_profiles_csv(tmp_path):
    df = sim.run(SCENARIOS / "baseline.toml", seed=1, months=3, scale=100, overrides={"population.size": 200_000})
    sim.write_results(df, tmp_path / "out", plots=False)
    written = pd.read_csv(tmp_path / "out" / "profiles.csv")
    pd.testing.assert_frame_equal(written, sim.profiles(df), check_dtype=False)
