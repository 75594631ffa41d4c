"""Bad input gets one clear line per problem (FILE: key: what is wrong), exit status 2, no traceback,
and nothing written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SCENARIOS
from sim.cli import main

SIM = str(Path(sys.executable).with_name("sim"))
BASE = f'extends = "{SCENARIOS / "baseline.toml"}"\n'


class Result:
    def __init__(self, returncode: int, stderr: str):
        self.returncode, self.stderr = returncode, stderr


def sim_run(tmp_path: Path, text: str | None, name: str = "bad.toml", extra: tuple = (), capsys=None):
    """``sim run`` on a file holding ``text``: in-process (fast) when ``capsys`` is given."""
    path = tmp_path / name
    if text is not None:
        path.write_text(text)
    out = tmp_path / "out"
    args = ["run", str(path), "--out", str(out), *extra]
    if capsys is None:
        proc = subprocess.run([SIM, *args], capture_output=True, text=True, timeout=120)
        return Result(proc.returncode, proc.stderr), out
    try:
        code = main(args)
    except SystemExit as e:  # argparse
        code = e.code
    return Result(code, capsys.readouterr().err), out


CASES = {
    "missing file": (None, "file not found"),
    "malformed TOML": (BASE + "months = 12\n[population\nsize = 3\n", "line 3"),
    "unknown key": (BASE + "[migration]\nintercep = 1.0\n", "migration.intercep: unknown key"),
    "unknown top-level key": (BASE + "monhts = 12\n", "monhts: unknown key"),
    "wrong type": (BASE + 'months = "twelve"\n', "months: Input should be a valid integer"),
    "value out of range": (BASE + "[police]\nconviction_rate = 1.5\n", "police.conviction_rate: Input should be less than or equal to 1"),
    "unknown intervention": (
        BASE + '[interventions.x]\nkind = "magic"\nstart_month = 3\nstrength = 1\n',
        "interventions.x: unknown intervention kind 'magic'",
    ),
    "intervention target that does not exist": (
        BASE + '[interventions.x]\nkind = "peacekeeper_ban"\nstart_month = "2004-06"\ndestinations = ["mars"]\n',
        "interventions.x.destinations: unknown destination 'mars'",
    ),
    "missing extends": ('extends = "nothere.toml"\n', "extends: file 'nothere.toml' not found"),
    "time path value out of range": (BASE + "[demography]\ntfr = [[2001, 20]]\n", "demography.tfr.0.1: Input should be less than or equal to 8"),
    "time path years out of order": (
        BASE + "[economy]\nlabour_demand = [[2010, 0.9], [2005, 0.9]]\n", "economy.labour_demand: Value error, years must be in ascending order"
    ),
    "age bands out of order": (BASE + "[outputs]\nprofile_age_bands = [15, 45, 25]\n", "outputs.profile_age_bands: ages must be increasing"),
    "region shares that do not add up": (BASE + "[regions.capital]\nshare = 0.5\n", "regions: shares must add up to 1"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_scenario_is_reported_with_file_and_key_and_exit_2(tmp_path, case, capsys):
    text, expected = CASES[case]
    proc, out = sim_run(tmp_path, text, capsys=capsys)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert any(line.startswith(str(tmp_path / "bad.toml") + ": ") and expected in line for line in lines), proc.stderr
    assert not out.exists()


def test_circular_extends_is_reported(tmp_path, capsys):
    (tmp_path / "a.toml").write_text('extends = "b.toml"\n')
    (tmp_path / "b.toml").write_text('extends = "a.toml"\n')
    proc, out = sim_run(tmp_path, None, name="a.toml", capsys=capsys)
    assert proc.returncode == 2
    assert "extends: circular chain a.toml -> b.toml -> a.toml" in proc.stderr
    assert "Traceback" not in proc.stderr and not out.exists()


def test_every_problem_is_listed_not_just_the_first(tmp_path, capsys):
    proc, _ = sim_run(tmp_path, BASE + "monhts = 1\n[police]\nconviction_rate = 7\n", capsys=capsys)
    assert proc.returncode == 2
    assert "monhts: unknown key" in proc.stderr and "police.conviction_rate" in proc.stderr


def test_unreadable_file_is_reported(tmp_path, capsys):
    (tmp_path / "bad.toml").mkdir()
    proc, out = sim_run(tmp_path, None, capsys=capsys)
    assert proc.returncode == 2 and "cannot read the file" in proc.stderr and "Traceback" not in proc.stderr


def test_bad_command_line_value_exits_2(tmp_path, capsys):
    proc, out = sim_run(tmp_path, BASE, extra=("--months", "0"), capsys=capsys)
    assert proc.returncode == 2 and "--months" in proc.stderr and not out.exists()


def test_the_installed_command_exits_2_without_traceback(tmp_path):
    """The same through the real ``sim`` executable, as a user runs it."""
    proc, out = sim_run(tmp_path, BASE + "[migration]\nintercep = 1.0\n")
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"{tmp_path / 'bad.toml'}: migration.intercep: unknown key"
    assert not out.exists()


def test_failed_write_leaves_previous_results_untouched(tmp_path):
    """Results are moved into place only when complete: a failure midway keeps the old folder as it was."""
    import pandas as pd

    import sim

    df = sim.run(SCENARIOS / "baseline.toml", months=3, scale=100, overrides={"population.size": 100_000})
    out = tmp_path / "res"
    sim.write_results(df, out, plots=False)
    before = (out / "timeseries.csv").read_bytes()
    broken = df.copy()
    broken.attrs["provenance"] = {"not json": object()}  # manifest cannot be written
    with pytest.raises(TypeError):
        sim.write_results(broken.iloc[:2], out, plots=False)
    assert (out / "timeseries.csv").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["res"]  # no temporary folder left behind
    assert len(pd.read_csv(out / "timeseries.csv")) == 4
