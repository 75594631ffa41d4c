"""Coarse runs say so: fewer than 30 person-agents trafficked a year is one line, with the largest round scale
that would resolve them, worked out from the run's own figures."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from experiment_helpers import BASELINE, sim_main

from sim.engine.resolution import MIN_AGENTS_A_YEAR, Resolution, resolution, resolving_scale


def _table(*per_month: float, months: int = 24, initial: float = 10_000, emigrants: float = 1_000) -> pd.DataFrame:
    """Stacked runs of ``months`` months, each trafficking the same number of persons a month (and as many
    emigrants leaving legally as irregularly); month 0 (the initial state, left out) carries ``initial``."""
    runs = [
        pd.DataFrame({"replication": i, "month": range(months + 1), "trafficked": [initial] + [x] * months,
                      "emigrants_legal": emigrants, "emigrants_irregular": emigrants})
        for i, x in enumerate(per_month)
    ]  # fmt: skip
    return pd.concat(runs, ignore_index=True)


def test_the_threshold_is_30_person_agents_a_year():
    assert MIN_AGENTS_A_YEAR == 30


def test_a_coarse_run_says_how_few_person_agents_it_traffics_and_the_scale_that_resolves_them():
    r = resolution(_table(50), scale=100)  # 600 persons a year: 6 person-agents at scale 100
    assert (r.persons_a_year, r.agents_a_year, r.coarse, r.resolving_scale) == (600, 6, True, 20)
    assert r.line == (
        "coarse: persons trafficked are 6 person-agents a year at scale 100; "
        "a scale of 20 or less resolves them (30 a year)"
    )


def test_a_fine_run_says_nothing():
    r = resolution(_table(50), scale=10)  # 60 person-agents a year
    assert (r.agents_a_year, r.coarse, r.line) == (60, False, None)
    assert resolution(_table(50), scale=20).line is None  # exactly 30 a year is resolved


def test_replications_are_judged_on_their_mean():
    r = resolution(_table(20, 80), scale=100)  # 240 and 960 persons a year: 600 on average
    assert r.persons_a_year == 600 and r.resolving_scale == 20


@pytest.mark.parametrize(
    "persons_a_year, scale",
    [(30, 1), (59.9, 1), (60, 2), (149, 2), (150, 5), (299, 5), (300, 10), (599, 10), (600, 20), (1_500, 50),
     (3_000_000, 100_000), (29.9, None)],
)  # fmt: skip
def test_the_resolving_scale_is_the_largest_round_scale_with_30_a_year(persons_a_year, scale):
    assert resolving_scale(persons_a_year) == scale


def test_where_even_one_person_a_person_agent_leaves_few_it_says_so():
    r = Resolution(scale=50, persons_a_year=22)
    assert r.coarse and r.resolving_scale is None
    assert r.line == (
        "coarse: persons trafficked are 0.4 person-agents a year at scale 50; "
        "a scale of 1 resolves them best (22 a year, fewer than 30)"
    )


def test_no_person_agent_trafficked_where_persons_left_is_coarse_with_no_scale_to_say():
    r = resolution(_table(0, 0, months=12), scale=4000)
    assert r.coarse and r.resolving_scale is None
    assert r.line == (
        "coarse: no person-agent was trafficked in 12 months at scale 4,000; "
        "the run is too coarse to tell which scale resolves them"
    )


def test_nobody_left_or_one_person_a_person_agent_is_not_coarse():
    assert resolution(_table(0, emigrants=0), scale=100).line is None  # nothing to resolve (no emigration)
    assert resolution(_table(1), scale=1).line is None  # 12 a year at scale 1: the few are real persons


def _sim_run(capsys, tmp_path, scale: int) -> tuple[str, dict, pd.DataFrame]:
    out = tmp_path / f"s{scale}"
    status, printed, _ = sim_main(capsys, "run", BASELINE, "--months", 24, "--scale", scale, "--out", out, "--no-plots")
    assert status == 0
    return printed, json.loads((out / "manifest.json").read_text()), pd.read_csv(out / "timeseries.csv")


def test_sim_run_at_a_coarse_scale_prints_the_line_after_the_key_outcomes(tmp_path, capsys):
    printed, manifest, df = _sim_run(capsys, tmp_path, 400)
    r = resolution(df, scale=400)
    assert r.coarse  # a few person-agents a year at 400 persons each
    lines = printed.splitlines()
    assert lines[-2] == r.line and lines[-1].startswith("results in ")
    assert manifest["resolution"] == {**r.as_dict(), "coarse": True}


def test_sim_run_at_a_fine_scale_does_not(tmp_path, capsys):
    printed, manifest, df = _sim_run(capsys, tmp_path, 10)
    assert "coarse" not in printed
    r = manifest["resolution"]
    assert r["coarse"] is False and r["person_agents_a_year"] >= MIN_AGENTS_A_YEAR
    assert r["persons_a_year"] == pytest.approx(df.loc[df["month"] > 0, "trafficked"].mean() * 12)
