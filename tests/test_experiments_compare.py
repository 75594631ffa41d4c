"""Paired comparisons: effects with intervals that common random numbers make narrow."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from conftest_experiments import BASELINE, ROOT, SMALL, sim_main
from sim.experiments import compare, paired_effects

SCENARIOS = ROOT / "scenarios"
REQUIRED = [
    "trafficked", "emigrants_legal", "emigrants_irregular", "convictions", "gang_revenue_usd", "births",
    "victims_sexual", "victims_labour", "population_home", "working_age_share",
]  # fmt: skip


def test_effect_and_intervals_are_the_paired_and_welch_t_intervals():
    rng = np.random.default_rng(3)
    base = rng.normal(100, 10, 8)
    alt = base + rng.normal(5, 2, 8)
    runs = pd.DataFrame({
        "scenario": ["base"] * 8 + ["alt"] * 8, "replication": list(range(8)) * 2,
        "births": np.r_[base, alt], "convictions": np.r_[np.zeros(8), np.ones(8)],
    })  # fmt: skip
    e = paired_effects(runs, "base", ["births", "convictions"]).set_index("metric")
    paired = stats.ttest_rel(alt, base).confidence_interval(0.95)
    welch = stats.ttest_ind(alt, base, equal_var=False).confidence_interval(0.95)
    assert e.loc["births", "effect"] == pytest.approx((alt - base).mean())
    assert (e.loc["births", "ci_low"], e.loc["births", "ci_high"]) == pytest.approx((paired.low, paired.high))
    assert e.loc["births", "unpaired_ci_width"] == pytest.approx(welch.high - welch.low)
    assert e.loc["births", "relative_effect"] == pytest.approx((alt - base).mean() / base.mean())
    assert np.isnan(e.loc["convictions", "relative_effect"])  # the baseline mean is 0


@pytest.fixture(scope="module")
def comparison(tmp_path_factory):
    copy = tmp_path_factory.mktemp("scenarios") / "baseline_again.toml"
    copy.write_text(f'extends = "{BASELINE}"\nname = "baseline_again"\n')
    alternatives = [SCENARIOS / "peacekeeper_ban.toml", SCENARIOS / "no_emigration.toml", copy]
    return compare(BASELINE, alternatives, reps=6, months=72, overrides={"population.size": SMALL["population.size"]},
                   scale=SMALL["scale"], workers=1)  # fmt: skip


def test_an_identical_scenario_has_zero_effect_and_a_zero_width_interval(comparison):
    """Replication i of every scenario uses the same seed: the same scenario gives the same run."""
    e = comparison.effects[comparison.effects["scenario"] == "baseline_again"]
    assert (e["effect"] == 0).all() and (e["paired_ci_width"] == 0).all()
    assert (e["unpaired_ci_width"] > 0).any()


def test_pairing_narrows_the_intervals(comparison):
    e = comparison.effects[comparison.effects["scenario"] == "peacekeeper_ban"].set_index("metric")
    for m in ("trafficked", "emigrants_irregular", "population_home", "births"):
        assert e.loc[m, "paired_ci_width"] < e.loc[m, "unpaired_ci_width"], m


def test_comparing_with_no_emigration_measures_the_demographic_loss(comparison):
    e = comparison.effects[comparison.effects["scenario"] == "no_emigration"].set_index("metric")
    assert e.loc["population_home", "ci_low"] > 0  # without emigration more residents stay: the loss
    assert e.loc["trafficked", "scenario_mean"] == 0 and e.loc["trafficked", "ci_high"] < 0


def test_compare_command_writes_effects_charts_and_a_readable_table(tmp_path, capsys):
    out = tmp_path / "cmp"
    status, stdout, _ = sim_main(
        capsys, "compare", BASELINE, SCENARIOS / "peacekeeper_ban.toml", SCENARIOS / "police_training.toml",
        "--reps", 2, "--months", 24, "--scale", 2000, "--workers", 1, "--out", out,
    )  # fmt: skip
    assert status == 0
    effects = pd.read_csv(out / "effects.csv")
    assert list(effects.columns) == [
        "scenario", "metric", "baseline_mean", "scenario_mean", "effect", "ci_low", "ci_high", "relative_effect",
        "paired_ci_width", "unpaired_ci_width",
    ]  # fmt: skip
    for name in ("peacekeeper_ban", "police_training"):
        assert set(REQUIRED) <= set(effects.loc[effects["scenario"] == name, "metric"])
        assert name in stdout
    assert "persons trafficked, total" in stdout and "95% CI" in stdout
    for png in ("fan_charts.png", "effects.png"):
        assert (out / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(pd.read_csv(out / "runs.csv")) == 3 * 2


def test_compare_needs_two_replications_and_distinct_names(capsys):
    status, _, err = sim_main(capsys, "compare", BASELINE, BASELINE, "--reps", 2, "--months", 1, "--scale", 2000)
    assert status == 2 and "two scenarios are named 'baseline'" in err
    status, _, err = sim_main(capsys, "compare", BASELINE, SCENARIOS / "peacekeeper_ban.toml", "--reps", 1)
    assert status == 2 and "at least 2 replications" in err
