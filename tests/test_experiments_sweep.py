"""Sweeps: one row per run, resumable after any interruption, failures recorded, executor-independent."""

from __future__ import annotations

import json
import os
import shutil
import signal
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from experiment_helpers import results, sim_main, sim_process, write_experiment

from sim.studies.experiments import load_experiment, read_runs, read_timeseries, sensitivity, sweep

GRID = {"police.raid_rate": {"levels": [0.01, 0.05]}, "police.conviction_rate": {"levels": [0.2, 0.6]}}


@pytest.fixture
def grid(tmp_path) -> Path:
    return write_experiment(tmp_path, GRID, replications=2, months=24)


@pytest.fixture(scope="module")
def swept(tmp_path_factory) -> tuple[Path, Path, pd.DataFrame]:
    """The grid experiment, the folder of its sweep with one worker and the runs it returned (shared by the
    module's tests: copy the folder before changing it)."""
    folder = tmp_path_factory.mktemp("grid")
    path = write_experiment(folder, GRID, replications=2, months=24)
    return path, folder / "out", sweep(path, folder / "out", workers=1, plots=False)


def copy_of(folder: Path, tmp_path: Path) -> Path:
    """A copy of a sweep's folder under ``tmp_path`` (file times kept)."""
    return Path(shutil.copytree(folder, tmp_path / "out"))


def test_sweep_writes_one_row_per_run_and_the_monthly_rows_of_each(swept):
    grid, out, runs = swept
    assert list(runs.columns) == [
        "run_id", "point", "police.raid_rate", "police.conviction_rate", "replication", "seed", "status", "error",
        "trafficked", "population_home",
    ]  # fmt: skip
    assert runs["run_id"].tolist() == list(range(8))
    assert runs["seed"].tolist() == [1, 2] * 4
    assert (runs["status"] == "ok").all()
    pd.testing.assert_frame_equal(read_runs(out), runs, check_dtype=False)
    ts = read_timeseries(out)
    assert ts.groupby("run_id").size().tolist() == [25] * 8  # the initial state and 24 months
    assert ts.loc[ts["run_id"] == 5, "trafficked"].iloc[1:].sum() == runs.loc[5, "trafficked"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["fingerprint"] == load_experiment(grid).fingerprint
    assert manifest["experiment"]["parameters"]["police.raid_rate"] == {"levels": [0.01, 0.05]}
    assert {"commit", "versions"} <= set(manifest) and manifest["ok"] == 8


def test_running_the_same_sweep_again_skips_finished_runs(swept, tmp_path):
    grid, out = swept[0], copy_of(swept[1], tmp_path)
    before = results(out, "runs.csv", "timeseries.parquet")
    stamps = {p: p.stat().st_mtime_ns for p in (out / "runs").iterdir()}
    again = sweep(grid, out, workers=1, plots=False)
    assert again.attrs["sweep"]["ran"] == 0 and again.attrs["sweep"]["skipped"] == 8
    assert {p: p.stat().st_mtime_ns for p in (out / "runs").iterdir()} == stamps
    assert results(out, "runs.csv", "timeseries.parquet") == before


def test_a_folder_holding_another_experiment_is_refused_with_exit_2(swept, tmp_path, capsys):
    grid, out = swept[0], copy_of(swept[1], tmp_path)
    before = results(out, "runs.csv", "timeseries.parquet", "manifest.json")
    status, _, err = sim_main(capsys, "sweep", grid, "--out", out, "--reps", 3)  # three replications: another experiment
    assert status == 2
    assert err.strip() == (
        f"{out}: holds the runs of {grid} with replications = 2 (now 3); choose another --out folder or remove this one"
    )
    assert results(out, "runs.csv", "timeseries.parquet", "manifest.json") == before


def test_a_sweep_says_what_it_prints(tmp_path, capsys):
    metrics = ["trafficked", "working_age_share", "emigrants_irregular", "returns", "population_home"]
    path = write_experiment(tmp_path, {"police.raid_rate": {"levels": [0.01, 0.05]}}, months=3, metrics=metrics)
    status, stdout, _ = sim_main(capsys, "sweep", path, "--out", tmp_path / "out", "--workers", 1, "--no-plots")
    assert status == 0
    assert stdout.startswith("sweep exp: design grid, 1 parameter, 1 replication, 3 months\n")
    assert "mean over replications per design point (4 of 5 metrics; runs.csv has all):" in stdout
    assert "2 runs: 2 run now, 0 already done; 2 ok, 0 failed" in stdout
    share = read_runs(tmp_path / "out")["working_age_share"].iloc[0]
    assert "working_age_share (%)" in stdout and f"{share * 100:.3g}" in stdout  # in percent, as sim run prints it


def test_a_failing_run_is_recorded_and_the_sweep_completes(tmp_path, capsys):
    # each debt is valid alone; one combination (debt_max below debt_min) is not
    path = write_experiment(
        tmp_path, {"exploitation.debt_min": {"levels": [600, 2000]}, "exploitation.debt_max": {"levels": [2300, 1000]}},
        months=3,
    )
    out = tmp_path / "out"
    status, stdout, err = sim_main(capsys, "sweep", path, "--out", out, "--workers", 1, "--no-plots")
    assert status == 1
    assert "3 ok, 1 failed" in stdout and "1 run failed" in err
    runs = read_runs(out)
    assert runs["status"].tolist() == ["ok", "ok", "ok", "failed"]
    assert "exploitation.debt_max: must not be below exploitation.debt_min" in runs.loc[3, "error"]
    assert sorted(read_timeseries(out)["run_id"].unique()) == [0, 1, 2]
    # failed runs are retried when the command runs again (a failure may be transient)
    assert sweep(path, out, workers=1, plots=False).attrs["sweep"]["ran"] == 1


@pytest.mark.slow
def test_results_do_not_depend_on_the_number_of_workers(swept, tmp_path):
    grid, one = swept[:2]
    sweep(grid, tmp_path / "two", workers=2, plots=False)
    names = ("runs.csv", "timeseries.parquet", "manifest.json")
    assert results(one, *names) == results(tmp_path / "two", *names)


def test_progress_bar_shows_runs_and_failures_on_a_terminal_only(tmp_path, capsys):
    grid = write_experiment(tmp_path, GRID, replications=2, months=3)  # 8 short runs: the bar is what is tested
    sweep(grid, tmp_path / "shown", workers=1, plots=False, progress=True)
    err = capsys.readouterr().err
    assert "8/8" in err and "failed 0" in err and "run/s" in err
    sim_main(capsys, "sweep", grid, "--out", tmp_path / "hidden", "--workers", 1, "--no-plots")
    assert capsys.readouterr().err == ""  # stderr is not a terminal under pytest: no bar in logs


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _children(pid: int) -> list[int]:
    kids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.append(int(stat.parent.name))
    return kids


@pytest.mark.slow
def test_sobol_killed_by_sigkill_and_resumed_gives_the_same_files_as_an_uninterrupted_run(tmp_path):
    path = write_experiment(
        tmp_path,
        {"migration.intercept": {"min": -7.0, "max": -5.0}, "police.conviction_rate": {"min": 0.1, "max": 0.6},
         "gangs.routes_per_gang": {"min": 1, "max": 3}},
        design="sobol", samples=8, months=36,
    )  # fmt: skip
    runs, killed = 8 * (3 + 2), tmp_path / "killed"
    proc = sim_process("sensitivity", path, "--out", killed, "--workers", 2, "--no-plots")
    try:
        deadline = time.monotonic() + 120
        while len(list((killed / "runs").glob("[0-9]*.parquet"))) < runs // 4 and time.monotonic() < deadline:
            time.sleep(0.02)
        workers = _children(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)  # the sweep's own process only, at an arbitrary moment
        proc.wait()
        done = list((killed / "runs").glob("[0-9]*.parquet"))
        assert runs // 4 <= len(done) < runs and not (killed / "runs.csv").exists()
        for f in done:  # every run file present is complete
            assert pq.read_table(f).num_rows == 37
        # the workers notice that the sweep is gone and exit
        deadline = time.monotonic() + 20
        while any(map(_alive, workers)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert workers and not any(map(_alive, workers))
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # whatever is left of the process group
        except ProcessLookupError:
            pass

    resumed = sensitivity(path, killed, workers=2, plots=False)
    assert resumed.attrs["sweep"]["skipped"] == len(done)
    sensitivity(path, tmp_path / "whole", workers=1, plots=False)
    names = ("runs.csv", "timeseries.parquet", "indices.csv", "manifest.json")
    assert results(killed, *names) == results(tmp_path / "whole", *names)


def test_changing_only_the_metrics_retabulates_the_stored_runs(swept, tmp_path):
    grid, out = swept[0], copy_of(swept[1], tmp_path)
    other = tmp_path / "births.toml"
    other.write_text(grid.read_text().replace('["trafficked", "population_home"]', '["births"]'))
    runs = sweep(other, out, workers=1, plots=False)
    assert runs.attrs["sweep"]["ran"] == 0
    assert list(runs.columns[-1:]) == ["births"] and "trafficked" not in runs.columns
    assert runs["births"].tolist() == [
        g.loc[g["month"] > 0, "births"].sum() for _, g in read_timeseries(out).groupby("run_id")
    ]
