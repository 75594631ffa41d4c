"""Paired comparisons: effects with intervals that common random numbers make narrow."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from experiment_helpers import BASELINE, ROOT, SMALL, sim_main
from scipy import stats

from sim.studies.experiments import compare, paired_effects
from sim.studies.experiments.compare import base_resolution, read_comparison

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


@pytest.mark.slow
def test_an_identical_scenario_has_zero_effect_and_a_zero_width_interval(comparison):
    """Replication i of every scenario uses the same seed: the same scenario gives the same run."""
    e = comparison.effects[comparison.effects["scenario"] == "baseline_again"]
    assert (e["effect"] == 0).all() and (e["paired_ci_width"] == 0).all()
    assert (e["unpaired_ci_width"] > 0).any()


@pytest.mark.slow
def test_pairing_narrows_the_intervals(comparison):
    e = comparison.effects[comparison.effects["scenario"] == "peacekeeper_ban"].set_index("metric")
    for m in ("trafficked", "emigrants_irregular", "population_home", "births"):
        assert e.loc[m, "paired_ci_width"] < e.loc[m, "unpaired_ci_width"], m


@pytest.mark.slow
def test_comparing_with_no_emigration_measures_the_demographic_loss(comparison):
    e = comparison.effects[comparison.effects["scenario"] == "no_emigration"].set_index("metric")
    assert e.loc["population_home", "ci_low"] > 0  # without emigration more residents stay: the loss
    # nobody is trafficked without emigration: the effect is the whole of the baseline's trafficking
    assert e.loc["trafficked", "scenario_mean"] == 0 < e.loc["trafficked", "baseline_mean"]
    assert e.loc["trafficked", "effect"] == -e.loc["trafficked", "baseline_mean"]


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
    assert stdout.startswith("Effects against baseline: 2 paired replications (seeds 1-2), 2000-01 to 2001-12 (24 months), scale 2000\n")
    coarse = base_resolution(read_comparison(out))  # the base's trafficking is a few person-agents at scale 2000
    assert coarse.coarse and stdout.splitlines()[-2] == coarse.line

    status, stdout, _ = sim_main(capsys, "compare", BASELINE, SCENARIOS / "peacekeeper_ban.toml", "--reps", 2,
                                 "--months", 2, "--scale", 2000, "--workers", 1, "--out", out, "--no-plots")  # fmt: skip
    assert status == 0 and ".png" not in stdout
    assert not (out / "fan_charts.png").exists() and not (out / "effects.png").exists()  # not left from the run before


def test_relative_intervals_of_a_count_stop_at_minus_100_percent():
    from sim.studies.experiments.plots import relative_effects

    e = pd.DataFrame({"baseline_mean": [10.0, 0.0], "effect": [-8.0, 1.0], "ci_low": [-30.0, 0.5], "ci_high": [14.0, 2.0]})
    r = relative_effects(e)
    assert r.loc[0].tolist() == [-80.0, -100.0, 140.0]
    assert r.loc[1].isna().all()  # no relative change of a metric whose baseline mean is 0


@pytest.mark.slow
def test_fan_charts_draw_the_base_on_top_and_say_how_many_replications(comparison, monkeypatch):
    from sim.studies.experiments import plots

    figures = []
    monkeypatch.setattr(plots, "_save", lambda fig, path: figures.append(fig))
    plots.fan_charts(comparison.timeseries, comparison.scenarios, "unused.png")
    fig = figures[0]
    assert fig.get_suptitle() == "Median and 90% band over 6 replications per scenario"
    for ax in fig.axes:
        top = max(ax.get_lines(), key=lambda line: line.get_zorder())
        assert top.get_label() == "baseline (base)"
    assert fig.legends[0].get_texts()[0].get_text() == "baseline (base)"


def test_compare_needs_two_replications_and_distinct_names(capsys):
    status, _, err = sim_main(capsys, "compare", BASELINE, BASELINE, "--reps", 2, "--months", 1, "--scale", 2000)
    assert status == 2 and "two scenarios are named 'baseline'" in err
    status, _, err = sim_main(capsys, "compare", BASELINE, SCENARIOS / "peacekeeper_ban.toml", "--reps", 1)
    assert status == 2 and "at least 2 replications" in err


def test_effects_chart_draws_a_metric_that_falls_to_zero_in_every_run(tmp_path):
    """A fall of 100% (-115 / 1.15 is -100.00000000000001 in floating point) is drawn with its interval
    cut at -100%, not refused by matplotlib as a negative error bar."""
    from sim.studies.experiments.plots import effects_chart, relative_effects

    e = pd.DataFrame({
        "scenario": ["alt", "alt"], "metric": ["victims_sexual", "victims_labour"], "baseline_mean": [115.0, 107.5],
        "scenario_mean": [0.0, 0.0], "effect": [-115.0, -107.5], "ci_low": [-225.1, -209.9], "ci_high": [-4.9, -5.1],
    })  # fmt: skip
    assert relative_effects(e)["low"].min() == -100
    assert effects_chart(e, "baseline", tmp_path / "effects.png").stat().st_size > 0


def test_share_displaced_is_victim_months_gained_elsewhere_over_those_lost_where_the_measure_acts():
    """Two replications: the measure at eu removes 190 and 210 victim-months there and adds 50 and 100
    elsewhere: 150 of 400 displaced. A measure at every destination has nowhere else to go, and one that
    removed nothing distinguishable from chance where it acts displaced nothing: no row for either."""
    from sim.studies.experiments.displacement import displacement

    dests = {"eu": {}, "cis": {}}
    base = {"destinations": dests, "interventions": {}}
    at_eu = {"destinations": dests, "interventions": {"c": {"kind": "demand_reduction", "destinations": ["eu"]}}}
    everywhere = {"destinations": dests, "interventions": {"c": {"kind": "demand_reduction", "destinations": []}}}

    def row(scenario, rep, eu, cis):
        return {"scenario": scenario, "replication": rep, "victim_months_sexual_at_eu": eu,
                "victim_months_labour_at_eu": 0.0, "victim_months_sexual_at_cis": cis,
                "victim_months_labour_at_cis": 0.0}  # fmt: skip

    runs = pd.DataFrame([
        row("base", 0, 1000, 500), row("base", 1, 1200, 400),
        row("alt", 0, 810, 550), row("alt", 1, 990, 500),
        row("all", 0, 900, 450), row("all", 1, 900, 300),
        row("none", 0, 1100, 500), row("none", 1, 1100, 400),
    ])  # fmt: skip
    table = displacement(runs, {"base": base, "alt": at_eu, "all": everywhere, "none": at_eu}, "base")
    assert list(table["scenario"]) == ["alt"]
    r = table.iloc[0]
    assert (r.lost, r.gained, r.destinations) == (200.0, 75.0, "eu")
    assert r.share_displaced == pytest.approx(75 / 200)
    assert r.ci_low <= r.share_displaced <= r.ci_high
