"""What a new user meets first: the list of scenarios, running one by name, --version, help, first-run notice."""

from __future__ import annotations

import json
import re

import pytest
from conftest import ALL_SCENARIOS, SCENARIOS

import sim
from sim.commands.cli import build_parser, main
from sim.commands.options import compile_notice


def test_sim_scenarios_lists_every_shipped_scenario_with_its_description(capsys):
    assert main(["scenarios"]) == 0
    printed = capsys.readouterr().out
    for file in ALL_SCENARIOS:
        sc = sim.load_scenario(SCENARIOS / file)
        assert re.search(rf"^{sc.name} +{re.escape(sc.description)}$", printed, re.M), sc.name


def test_a_shipped_scenario_runs_by_its_name(tmp_path, capsys):
    out = tmp_path / "res"
    assert main(["run", "baseline", "--months", "2", "--scale", "400", "--out", str(out), "--no-plots"]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["scenario"]["name"] == "baseline" and manifest["scenario"]["months"] == 2


def test_a_scenario_that_is_not_found_says_how_to_find_the_shipped_ones(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["run", "baselin"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "baselin: file not found; did you mean baseline? (`sim scenarios` lists them)"
    assert main(["run", "nothing_like_it"]) == 2
    assert capsys.readouterr().err.strip() == (
        "nothing_like_it: file not found (a shipped scenario is named by its file in scenarios/, as in "
        "`sim run baseline`; `sim scenarios` lists them)"
    )


def test_version_is_the_package_version(capsys):
    with pytest.raises(SystemExit) as e:
        main(["--version"])
    assert e.value.code == 0 and capsys.readouterr().out.strip() == f"sim {sim.__version__}"


def test_help_is_plain_text_with_examples():
    text = build_parser().format_help()
    assert "``" not in text and "sim run baseline" in text and "sim scenarios" in text


def test_the_first_run_says_it_compiles_and_later_runs_do_not(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path))
    compile_notice()
    assert "compiling the model's passes (first run only" in capsys.readouterr().err
    (tmp_path / "sim").mkdir()
    (tmp_path / "sim" / "labour.pass-25.py312.nbi").write_bytes(b"")
    compile_notice()
    assert capsys.readouterr().err == ""


def _run(capsys, tmp_path, name: str, *extra: str) -> str:
    assert main(["run", name, "--months", "3", "--scale", "400", "--out", str(tmp_path / "res"), *extra]) == 0
    return capsys.readouterr().out


def test_no_plots_writes_no_plot_and_removes_those_of_an_earlier_run(tmp_path, capsys):
    printed = _run(capsys, tmp_path, "baseline")
    assert "outflows.png" in printed and (tmp_path / "res" / "outflows.png").exists()
    printed = _run(capsys, tmp_path, "baseline", "--no-plots")
    files = "timeseries.csv, by_country.csv, profiles.csv, manifest.json"
    assert printed.strip().endswith(f"results in {tmp_path / 'res'}/ ({files})")
    assert sorted(p.name for p in (tmp_path / "res").iterdir()) == sorted(files.split(", "))


def test_key_outcomes_give_shares_in_percent_and_no_share_of_nobody(tmp_path, capsys):
    printed = _run(capsys, tmp_path, "baseline", "--no-plots")
    assert re.search(r"working-age share start / end +\d\d\.\d% / \d\d\.\d%$", printed, re.M)
    assert re.search(r"emigrants with tertiary education +\d+\.\d%$", printed, re.M)
    printed = _run(capsys, tmp_path, "no_emigration", "--no-plots")
    assert re.search(r"emigrants with tertiary education +n/a \(nobody left\)$", printed, re.M)
