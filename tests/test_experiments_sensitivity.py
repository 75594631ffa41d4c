"""Sensitivity analysis: indices that point at the parameter driving a metric, deterministic given the runs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from experiment_helpers import sim_main, write_experiment

from sim.studies.experiments import RunsFailed, analyse, load_experiment

PARAMS = {
    "police.raid_rate": {"min": 0.0, "max": 1.0},
    "police.conviction_rate": {"min": 0.0, "max": 1.0},
    "gangs.max_protection": {"min": 0.0, "max": 1.0},
}


def _runs(exp, replications: int = 2) -> pd.DataFrame:
    """Runs whose metric is 10 x raid_rate + conviction_rate^2 (max_protection does nothing), two replications."""
    rows = []
    for point, values in enumerate(exp.points()):
        for rep in range(replications):
            y = 10 * values["police.raid_rate"] + values["police.conviction_rate"] ** 2
            rows.append({"point": point, "replication": rep, "status": "ok", "trafficked": y + (rep - 0.5)})
    return pd.DataFrame(rows)


@pytest.mark.parametrize("design, samples", [("sobol", 64), ("morris", 20)])
def test_indices_point_at_the_parameter_that_drives_the_metric(tmp_path, design, samples):
    exp = load_experiment(write_experiment(tmp_path, PARAMS, design=design, samples=samples, metrics=["trafficked"]))
    runs = _runs(exp)
    idx = analyse(exp, runs).set_index("parameter")
    main = "ST" if design == "sobol" else "mu_star"
    assert idx[main].idxmax() == "police.raid_rate"
    assert idx.loc["gangs.max_protection", main] == pytest.approx(0, abs=0.02)
    if design == "sobol":
        assert list(idx.reset_index().columns) == ["parameter", "metric", "S1", "S1_conf", "ST", "ST_conf"]
        assert idx.loc["police.raid_rate", "S1"] == pytest.approx(100 / 12 / (100 / 12 + 4 / 45), abs=0.05)
    else:
        assert list(idx.reset_index().columns) == ["parameter", "metric", "mu_star", "mu_star_conf", "sigma"]
        assert idx.loc["police.raid_rate", "mu_star"] == pytest.approx(10)
    # the bootstrap intervals use the experiment's seed: the same runs give the same table
    pd.testing.assert_frame_equal(analyse(exp, runs.sample(frac=1, random_state=1)).set_index("parameter"), idx)


def test_a_point_whose_runs_all_failed_stops_the_analysis_with_a_message(tmp_path):
    exp = load_experiment(write_experiment(tmp_path, PARAMS, design="morris", samples=4, metrics=["trafficked"]))
    runs = _runs(exp)
    runs.loc[runs["point"] == 3, "status"] = "failed"
    with pytest.raises(RunsFailed, match="every replication of 1 design points failed"):
        analyse(exp, runs)
    runs.loc[(runs["point"] == 3) & (runs["replication"] == 0), "status"] = "ok"  # one replication is enough
    assert np.isfinite(analyse(exp, runs)["mu_star"]).all()


def test_sensitivity_of_a_grid_is_refused_before_running(tmp_path, capsys):
    path = write_experiment(tmp_path, {"police.raid_rate": {"levels": [0.01, 0.02]}})
    status, _, err = sim_main(capsys, "sensitivity", path, "--out", tmp_path / "out")
    assert status == 2 and "needs design 'sobol' or 'morris'" in err
    assert not (tmp_path / "out").exists()


def test_sensitivity_command_writes_indices_and_a_chart_per_metric(tmp_path, capsys):
    params = {"migration.intercept": {"min": -7.0, "max": -5.0}, "police.conviction_rate": {"min": 0.1, "max": 0.6}}
    path = write_experiment(tmp_path, params, design="morris", samples=3, months=12)
    status, stdout, _ = sim_main(capsys, "sensitivity", path, "--out", tmp_path / "out", "--workers", 1)
    assert status == 0 and "mu_star" in stdout
    idx = pd.read_csv(tmp_path / "out" / "indices.csv")
    assert set(idx["metric"]) == {"trafficked", "population_home"} and set(idx["parameter"]) == set(params)
    for m in ("trafficked", "population_home"):
        assert (tmp_path / "out" / f"indices_{m}.png").exists() and (tmp_path / "out" / f"sweep_{m}.png").exists()
