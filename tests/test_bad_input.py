"""Bad input gets one clear line per problem (FILE: key: what is wrong), exit status 2, no traceback,
and nothing written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SCENARIOS

from sim.commands.cli import main

SIM = str(Path(sys.executable).with_name("sim"))
ROOT = Path(__file__).resolve().parents[1]
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
    "market parameter out of range": (BASE + "[market]\nelasticity_sexual = 0\n", "market.elasticity_sexual: Input should be greater than or equal to 0.2"),
    "unknown market key": (BASE + "[market]\nelasticity = 1\n", "market.elasticity: unknown key"),
    "bribe share out of range": (
        BASE + "[gangs]\nbribe_share = 0\n", "gangs.bribe_share: Input should be greater than or equal to 0.01"
    ),
    "gang parameter of the wrong type": (BASE + '[gangs]\nrecruiter_wage = "a lot"\n', "gangs.recruiter_wage: "),
    "court delay out of range": (BASE + "[police]\ncourt_delay = -1\n", "police.court_delay: Input should be greater than or equal to 0"),
    "demand path not a path": (
        BASE + "[destinations.eu]\nsexual_demand_per_100k = 5.0\n", "destinations.eu.sexual_demand_per_100k: "
    ),
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
        BASE + "[economy]\nlabour_demand = [[2010, 0.9], [2005, 0.9]]\n", "economy.labour_demand: years must be in ascending order"
    ),
    "age bands out of order": (BASE + "[outputs]\nprofile_age_bands = [15, 45, 25]\n", "outputs.profile_age_bands: ages must be increasing"),
    "region shares that do not add up": (BASE + "[regions.capital]\nshare = 0.5\n", "regions: shares must add up to 1"),
    "a month that is neither an index nor a date": (
        BASE + '[interventions.x]\nkind = "law_reform"\nstart_month = "June 2004"\n',
        "interventions.x.start_month: expected a month index (1 is the first simulated month) or a 'YYYY-MM' date, got 'June 2004'",
    ),
    "true for a number": (BASE + "[population]\nmale_share = true\n", "population.male_share: expected a number, got true"),
    "a value where a table belongs": (BASE + "police = 3\n", "police: expected a table ([police] or police = {...}), got 3"),
    "an empty file": ("", 'regions: required table is missing (a scenario usually starts with extends = "'),
    "a name that climbs out of the results folder": (BASE + 'name = ".."\n', "name: must be a plain name"),
    "an absolute name": (BASE + 'name = "/tmp/elsewhere"\n', "name: must be a plain name"),
    "a name with a folder": (BASE + 'name = "bad/name"\n', "name: must be a plain name"),
    "an intervention that starts after the horizon": (
        BASE + 'months = 12\n[interventions.x]\nkind = "law_reform"\nstart_month = "2004-01"\n',
        "interventions.x.start_month: starts 2004-01, after the last simulated month 2000-12 (months = 12)",
    ),
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


def test_one_mistake_is_one_line(tmp_path, capsys):
    """A month given as neither index nor date is one problem, not one per type pydantic tried."""
    proc, _ = sim_run(tmp_path, CASES["a month that is neither an index nor a date"][0], capsys=capsys)
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "constrained" not in proc.stderr


def test_a_bad_name_writes_nothing_anywhere(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("..", str(tmp_path / "abs"), "bad/name"):
        (tmp_path / "bad.toml").write_text(BASE + f'name = "{name}"\n')
        assert main(["run", str(tmp_path / "bad.toml"), "--months", "1"]) == 2
        assert "name: must be a plain name" in capsys.readouterr().err
        assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml"]


@pytest.mark.parametrize("command", ["run", "compare"])
def test_an_option_does_not_hide_an_invalid_value_in_the_file(tmp_path, capsys, command):
    (tmp_path / "bad.toml").write_text(BASE + 'months = "abc"\n')
    files = [tmp_path / "bad.toml"] + ([SCENARIOS / "baseline.toml"] if command == "compare" else [])
    code = main([command, *map(str, files), "--months", "12", "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith(f"{tmp_path / 'bad.toml'}: months: Input should be a valid integer"), err
    assert not (tmp_path / "out").exists()


def test_a_scale_that_leaves_too_few_person_agents_is_refused(tmp_path, capsys):
    proc, out = sim_run(tmp_path, BASE, extra=("--scale", "1000000"), capsys=capsys)
    assert proc.returncode == 2 and not out.exists()
    assert proc.stderr.strip() == (
        "--scale: 1,000,000 persons per person-agent leaves 4 person-agents for 4,000,000 residents; "
        "at least 1,000 are needed (a scale of 4,000 or less)"
    )


def test_a_file_with_a_byte_order_mark_is_read(tmp_path):
    import sim

    (tmp_path / "bom.toml").write_text("\ufeff" + BASE + "months = 12\n", encoding="utf-8")
    assert sim.load_scenario(tmp_path / "bom.toml").months == 12


def test_a_shortened_horizon_or_one_past_every_time_path_is_a_warning(tmp_path, capsys):
    import sim
    from sim.scenario import ScenarioWarning

    with pytest.warns(ScenarioWarning, match=r"the run ends 2099-12, after every time path of the scenario has ended"):
        sim.load_scenario(SCENARIOS / "baseline.toml", {"months": 1200})
    (tmp_path / "late.toml").write_text(BASE + 'start = "2030-01"\n')
    code = main(["run", str(tmp_path / "late.toml"), "--months", "2", "--scale", "400", "--out", str(tmp_path / "o"), "--no-plots"])
    err = capsys.readouterr().err
    assert code == 0 and "warning: --months: the run ends 2030-02, after every time path" in err, err
    code = main(["run", str(SCENARIOS / "peacekeeper_ban.toml"), "--months", "2", "--scale", "400", "--out",
                 str(tmp_path / "p"), "--no-plots"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 0
    assert "warning: --months: the run ends 2000-02, before interventions.ban starts (2004-06): it has no effect" in err


def test_bench_names_its_option(capsys):
    code = main(["bench", "--agents", "10", "--months", "1"])
    assert code == 2 and capsys.readouterr().err.strip() == "--agents: Input should be greater than or equal to 1000 (got 10)"


def _compare_files(tmp_path, **alt) -> list[str]:
    (tmp_path / "base.toml").write_text(BASE + "months = 60\n")
    (tmp_path / "alt.toml").write_text(BASE + "".join(f"{k} = {v}\n" for k, v in alt.items()))
    return [str(tmp_path / "base.toml"), str(tmp_path / "alt.toml")]


def test_compare_refuses_runs_of_different_horizons_starts_or_scales(tmp_path, capsys):
    files = _compare_files(tmp_path, months=120, start='"2001-01"', scale=25)
    code = main(["compare", *files, "--reps", "2", "--out", str(tmp_path / "out")])
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and not (tmp_path / "out").exists()
    alt, base = files[1], files[0]
    assert lines == [
        f"{alt}: months: 120 differs from the base's 60 ({base}); compared runs need the same horizon (or give --months for all)",
        f"{alt}: start: 2001-01 differs from the base's 2000-01 ({base}); compared runs need the same start month",
        f"{alt}: scale: 25 differs from the base's 5 ({base}); compared runs need the same scale (or give --scale for all)",
    ]


class _NoRun:
    """Stands for the model: a command that gets this far has started running."""

    def __init__(self, *a, **k):
        raise AssertionError("the command ran a model before checking its output folder")


def _out_commands(tmp_path, out) -> dict[str, list[str]]:
    from experiment_helpers import write_experiment

    grid = write_experiment(tmp_path, {"police.raid_rate": {"levels": [0.01]}})
    sobol = write_experiment(tmp_path, {"police.raid_rate": {"min": 0.01, "max": 0.1}, "police.conviction_rate":
                             {"min": 0.2, "max": 0.6}}, name="sob", design="sobol", samples=2)  # fmt: skip
    base = str(SCENARIOS / "baseline.toml")
    return {
        "run": ["run", base, "--months", "1", "--out", str(out)],
        "compare": ["compare", base, str(SCENARIOS / "peacekeeper_ban.toml"), "--reps", "2", "--months", "1",
                    "--workers", "1", "--out", str(out)],  # fmt: skip
        "sweep": ["sweep", str(grid), "--workers", "1", "--out", str(out)],
        "sensitivity": ["sensitivity", str(sobol), "--workers", "1", "--out", str(out)],
        "report": ["report", base, str(SCENARIOS / "peacekeeper_ban.toml"), "--reps", "2", "--months", "60",
                   "--workers", "1", "--out", str(out)],  # fmt: skip
        "calibrate": ["calibrate", str(ROOT / "calibration" / "moldova.toml"), "--workers", "1", "--out", str(out)],
    }


@pytest.mark.parametrize("command", ["run", "compare", "sweep", "sensitivity", "report", "calibrate"])
@pytest.mark.parametrize("problem", ["an existing file", "a path under a file", "a folder that cannot be written"])
def test_an_unusable_output_folder_is_one_line_and_exit_2_before_anything_runs(tmp_path, capsys, monkeypatch, command, problem):
    import os

    import sim.engine.runner

    monkeypatch.setattr(sim.engine.runner, "MigrationModel", _NoRun)
    target = tmp_path / "taken"
    if problem == "a folder that cannot be written":
        target.mkdir()
        real = os.access
        monkeypatch.setattr(os, "access", lambda p, mode, **k: False if Path(p) == target else real(p, mode, **k))
        out, expected = target, "the folder cannot be written (permission denied)"
    else:
        target.write_text("not a folder")
        out = target if problem == "an existing file" else target / "sub"
        expected = "is a file, not a folder" if out == target else f"cannot be created: {target} is a file, not a folder"
    code = main(_out_commands(tmp_path, out)[command])
    err = capsys.readouterr().err
    assert code == 2 and err.strip() == f"{out}: --out: {expected}", err


# one bad input per command: every command of `sim` answers bad input with one line and exit status 2
BAD_INPUT = {
    "scenarios": (["scenarios", "extra"], "unrecognized arguments: extra"),
    "run": (["run", "MISSING.toml"], "MISSING.toml: file not found"),
    "bench": (["bench", "--scenario", "MISSING.toml", "--agents", "2000", "--months", "1"], "MISSING.toml: file not found"),
    "compare": (["compare", str(SCENARIOS / "baseline.toml"), "MISSING.toml"], "MISSING.toml: file not found"),
    "sweep": (["sweep", "MISSING.toml"], "MISSING.toml: file not found"),
    "sensitivity": (["sensitivity", "MISSING.toml"], "MISSING.toml: file not found"),
    "report": (["report", str(SCENARIOS / "baseline.toml"), "MISSING.toml"], "MISSING.toml: file not found"),
    "dashboard": (["dashboard", "--port", "0"], "--port: must be between 1 and 65535, got 0"),
    "calibrate": (["calibrate", "MISSING.toml"], "MISSING.toml: file not found"),
    "validate": (["validate", "--budget", "1"], "--budget: must be at least 2, got 1"),
}


def test_every_command_has_a_bad_input_case():
    from sim.commands.cli import build_parser

    sub = next(a for a in build_parser()._actions if a.dest == "command")
    assert set(sub.choices) == set(BAD_INPUT), "give each command one bad input in BAD_INPUT"


@pytest.mark.parametrize("command", list(BAD_INPUT))
def test_every_command_answers_bad_input_with_one_line_and_exit_2(tmp_path, capsys, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    argv, expected = BAD_INPUT[command]
    try:
        code = main(argv)
    except SystemExit as e:  # argparse
        code = e.code
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and expected in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == []


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


def test_a_folder_given_as_a_scenario_is_one_line_naming_it(tmp_path, capsys):
    (tmp_path / "bad.toml").mkdir()
    proc, _ = sim_run(tmp_path, None, capsys=capsys)
    assert proc.returncode == 2 and proc.stderr.strip() == f"{tmp_path / 'bad.toml'}: a directory, not a scenario file"


def test_a_folder_named_by_extends_names_the_file_and_the_key(tmp_path, capsys):
    (tmp_path / "folder").mkdir()
    proc, out = sim_run(tmp_path, f'extends = "{tmp_path / "folder"}"\n', capsys=capsys)
    assert proc.returncode == 2 and not out.exists()
    assert (
        proc.stderr.strip()
        == f"{tmp_path / 'bad.toml'}: extends: {tmp_path / 'folder'} is a directory, not a scenario file"
    )


EMPTY = {
    "run": ["run", ""],
    "compare": ["compare", "baseline", ""],
    "report": ["report", "baseline", ""],
    "bench": ["bench", "--scenario", ""],
    "sweep": ["sweep", ""],
    "sensitivity": ["sensitivity", ""],
    "calibrate": ["calibrate", ""],
}


@pytest.mark.parametrize("command", list(EMPTY))
def test_an_empty_name_says_the_name_is_empty(tmp_path, capsys, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    code = main(EMPTY[command])
    err = capsys.readouterr().err.strip()
    kind = {"sweep": "experiment", "sensitivity": "experiment", "calibrate": "calibration"}.get(command, "scenario")
    assert code == 2 and err.startswith(f"the {kind} name is empty: give a"), err
    assert sorted(p.name for p in tmp_path.iterdir()) == []


WRONG_KIND = [  # (command, file given, its kind, the kind the command takes)
    ("calibrate", "scenarios/baseline.toml", "scenario", "a calibration", "`sim run`"),
    ("sweep", "scenarios/baseline.toml", "scenario", "an experiment", "`sim run`"),
    ("sensitivity", "calibration/moldova.toml", "calibration", "an experiment", "`sim calibrate`"),
    ("calibrate", "experiments/sobol.toml", "experiment", "a calibration", "`sim sweep` or `sim sensitivity`"),
    ("run", "experiments/sobol.toml", "experiment", "a scenario", "`sim sweep` or `sim sensitivity`"),
    ("run", "calibration/moldova.toml", "calibration", "a scenario", "`sim calibrate`"),
]


@pytest.mark.parametrize("command, file, kind, wanted, takes", WRONG_KIND)
def test_a_file_of_another_kind_is_one_line_saying_which_command_takes_it(tmp_path, capsys, command, file, kind, wanted,
                                                                          takes):  # fmt: skip
    path = SCENARIOS.parent / file
    code = main([command, str(path), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err.strip()
    a = "an" if kind == "experiment" else "a"
    assert code == 2 and err == f"{path}: this is {a} {kind} file, not {wanted} file ({takes} takes it)"
    assert not (tmp_path / "out").exists()


def test_a_scenario_that_extends_a_file_of_another_kind_names_that_file(tmp_path, capsys):
    other = SCENARIOS.parent / "experiments" / "sobol.toml"
    proc, _ = sim_run(tmp_path, f'extends = "{other}"\n', capsys=capsys)
    assert proc.returncode == 2
    assert (
        proc.stderr.strip()
        == f"{other}: this is an experiment file, not a scenario file (`sim sweep` or `sim sensitivity` takes it)"
    )


def test_each_kind_of_file_is_recognised_by_keys_no_other_kind_has():
    """The keys that mark a kind are never valid keys of another kind, and every shipped file is of its kind."""
    import tomllib

    from sim.scenario import KINDS, Scenario, shipped_files, wrong_kind
    from sim.studies.calibration.schema import CalibrationFile
    from sim.studies.experiments.design import ExperimentFile

    fields = {"scenario": {"extends", *Scenario.model_fields}, "experiment": set(ExperimentFile.model_fields),
              "calibration": set(CalibrationFile.model_fields)}  # fmt: skip
    for kind, k in KINDS.items():
        assert set(k.markers) <= fields[kind], kind
        for other in KINDS:
            if other != kind:
                assert not set(k.markers) & fields[other], (kind, other)
        for path in shipped_files(kind):
            data = tomllib.loads(path.read_text())
            assert wrong_kind(path, data, kind) is None, path
            assert all(wrong_kind(path, data, o) is not None for o in KINDS if o != kind), path


def test_names_resolve_the_same_way_for_every_kind_of_file(tmp_path, monkeypatch):
    """A path (from the working directory, or from the file that names it) or a shipped name, with or
    without .toml, through one function."""
    from sim.scenario import CALIBRATIONS_DIR, EXPERIMENTS_DIR, find_file

    monkeypatch.chdir(tmp_path)
    holder = tmp_path / "sub" / "mine.toml"
    holder.parent.mkdir()
    for ref, kind, expected in [
        ("baseline", "scenario", SCENARIOS / "baseline.toml"),
        ("baseline.toml", "scenario", SCENARIOS / "baseline.toml"),
        ("countries/moldova", "scenario", SCENARIOS / "countries" / "moldova.toml"),
        ("countries/moldova.toml", "scenario", SCENARIOS / "countries" / "moldova.toml"),
        ("unemployment_x_enforcement", "experiment", EXPERIMENTS_DIR / "unemployment_x_enforcement.toml"),
        ("sobol.toml", "experiment", EXPERIMENTS_DIR / "sobol.toml"),
        ("moldova", "calibration", CALIBRATIONS_DIR / "moldova.toml"),
    ]:
        assert find_file(ref, kind) == expected, ref
        assert find_file(ref, kind, holder=holder, key="extends") == expected, ref
    # a file of the user's own comes first: beside the file that names it, or in the working directory
    (tmp_path / "sub" / "baseline.toml").write_text("")
    (tmp_path / "moldova.toml").write_text("")
    assert find_file("baseline.toml", holder=holder, key="extends") == tmp_path / "sub" / "baseline.toml"
    assert find_file("baseline") == SCENARIOS / "baseline.toml"  # a name without .toml: not in the working dir
    assert find_file("moldova.toml", "calibration") == Path("moldova.toml")


@pytest.mark.parametrize("ref", ["baseline", "baseline.toml", "countries/moldova"])
def test_extends_takes_a_shipped_name_as_a_command_does(tmp_path, ref):
    import sim

    (tmp_path / "mine.toml").write_text(f'extends = "{ref}"\nseed = 7\n')
    sc = sim.load_scenario(tmp_path / "mine.toml")
    assert sc.seed == 7 and sc.name == "mine"
    assert sc.model_dump(exclude={"seed", "name"}) == sim.load_scenario(ref).model_dump(exclude={"seed", "name"})


def test_shipped_experiments_and_calibrations_load_by_name(tmp_path, monkeypatch):
    from sim.studies.calibration import load_calibration
    from sim.studies.experiments.design import load_experiment

    monkeypatch.chdir(tmp_path)
    assert load_experiment("unemployment_x_enforcement").name == "unemployment_x_enforcement"
    assert load_calibration("moldova").path.stem == "moldova"


@pytest.mark.parametrize("argv, expected", [
    (["run", "baselin"], "baselin: file not found; did you mean baseline?"),
    (["sweep", "sobl"], "sobl: file not found; did you mean sobol?"),
    (["calibrate", "moldov"], "moldov: file not found; did you mean moldova?"),
    (["run", "{tmp}/bad.toml"], ("{tmp}/bad.toml: extends: file 'countries/moldva' not found (looked in {tmp} and "
                                 "among the shipped scenarios); did you mean countries/moldova?")),
])  # fmt: skip
def test_a_name_that_resolves_nowhere_gets_the_closest_shipped_names(tmp_path, capsys, monkeypatch, argv, expected):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.toml").write_text('extends = "countries/moldva"\n')
    code = main([a.format(tmp=tmp_path) for a in argv])
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and lines[0].startswith(expected.format(tmp=tmp_path)), lines
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml"]


def test_every_command_with_workers_defaults_to_one_per_core():
    from sim.commands.cli import build_parser
    from sim.studies.experiments.executors import default_workers

    sub = next(a for a in build_parser()._actions if a.dest == "command")
    with_workers = {name: p for name, p in sub.choices.items() if any(a.dest == "workers" for a in p._actions)}
    assert {"run", "compare", "report", "sweep", "sensitivity", "calibrate", "validate"} <= set(with_workers)
    for name, p in with_workers.items():
        assert p.get_default("workers") == default_workers(), name


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


def _sim(argv: list[str], capsys) -> tuple[int, str, str]:
    """``sim`` in this process: (exit status, stdout, stderr), whether argparse or a command stops it."""
    try:
        code = main([str(a) for a in argv])
    except SystemExit as e:  # argparse
        code = e.code
    out = capsys.readouterr()
    return code, out.out, out.err


# every command that takes --scheduler, with the rest of a valid command line
SCHEDULER_COMMANDS = {
    "compare": ["compare", "baseline", "peacekeeper_ban", "--reps", "2", "--months", "1"],
    "report": ["report", "baseline", "peacekeeper_ban", "--reps", "2", "--months", "1"],
    "sweep": ["sweep", str(ROOT / "experiments" / "unemployment_x_enforcement.toml")],
    "sensitivity": ["sensitivity", str(ROOT / "experiments" / "morris.toml")],
    "calibrate": ["calibrate", str(ROOT / "calibration" / "moldova.toml")],
}


def test_every_command_with_a_scheduler_is_listed():
    from sim.commands.cli import build_parser

    sub = next(a for a in build_parser()._actions if a.dest == "command")
    takes = {name for name, p in sub.choices.items() if any(a.dest == "scheduler" for a in p._actions)}
    assert takes == set(SCHEDULER_COMMANDS)


def _port_that_refuses() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again: nothing listens there


@pytest.mark.parametrize("command", list(SCHEDULER_COMMANDS))
@pytest.mark.parametrize("address, expected", [
    ("notanaddress", "--scheduler: expected an address tcp://HOST:PORT (port 1 to 65535), got 'notanaddress'"),
    ("tcp://host:99999", "--scheduler: expected an address tcp://HOST:PORT (port 1 to 65535), got 'tcp://host:99999'"),
    ("http://host:8786", "--scheduler: expected an address tcp://HOST:PORT (port 1 to 65535), got 'http://host:8786'"),
    ("refusing", "--scheduler: cannot reach a Dask scheduler at tcp://127.0.0.1:{port} (Connection refused)"),
])  # fmt: skip
def test_a_bad_or_unreachable_scheduler_is_one_line_and_exit_2_before_anything_runs(
    tmp_path, capsys, monkeypatch, command, address, expected
):
    import sim.engine.runner

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sim.engine.runner, "MigrationModel", _NoRun)
    port = _port_that_refuses()
    if address == "refusing":
        address = f"tcp://127.0.0.1:{port}"
    code, _, err = _sim([*SCHEDULER_COMMANDS[command], "--out", tmp_path / "out", "--scheduler", address], capsys)
    assert code == 2 and err.strip() == expected.format(port=port), err
    assert list(tmp_path.iterdir()) == []


def _serve(reply: bytes | None):
    """A TCP server on 127.0.0.1 that accepts connections and sends ``reply`` (None: says nothing); its port."""
    import socket
    import threading

    server = socket.create_server(("127.0.0.1", 0))
    held = []

    def accept():
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            held.append(conn)
            if reply is not None:
                conn.sendall(reply)

    threading.Thread(target=accept, daemon=True).start()
    return server


def test_a_scheduler_that_does_not_answer_is_refused_after_the_connection_timeout(tmp_path, capsys, monkeypatch):
    from sim.studies.experiments import executors

    monkeypatch.setattr(executors, "CONNECT_SECONDS", 0.5)
    with _serve(None) as server:
        address = f"tcp://127.0.0.1:{server.getsockname()[1]}"
        code, _, err = _sim([*SCHEDULER_COMMANDS["sweep"], "--out", tmp_path / "out", "--scheduler", address], capsys)
    assert code == 2, err
    assert err.strip() == f"--scheduler: cannot reach a Dask scheduler at {address} (no answer within 0.5 s)"
    assert not (tmp_path / "out").exists()


def test_something_other_than_a_scheduler_at_the_address_is_one_line_with_no_noise_at_exit(tmp_path):
    """Through the installed command: nothing is printed after the line (no ``Exception ignored``)."""
    with _serve(b"HTTP/1.1 400 Bad Request\r\n\r\n" * 100) as server:
        address = f"127.0.0.1:{server.getsockname()[1]}"
        argv = [SIM, *SCHEDULER_COMMANDS["compare"], "--out", str(tmp_path / "out"), "--scheduler", address]
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd=tmp_path, check=False)
    assert proc.returncode == 2
    why = "something answers there, but not a Dask scheduler"
    assert proc.stderr == f"--scheduler: cannot reach a Dask scheduler at {address} ({why})\n"
    assert list(tmp_path.iterdir()) == []


def test_the_validation_page_is_checked_before_anything_runs(tmp_path, capsys, monkeypatch):
    import sim.studies.validation

    monkeypatch.setattr(sim.studies.validation, "validate", _NoRun)
    (tmp_path / "afile").write_text("")
    runs = ["--runs", tmp_path / "runs"]
    cases = {
        tmp_path: f"{tmp_path}: --out: is a folder, not a file",
        tmp_path / "afile" / "page.md":
            f"{tmp_path / 'afile' / 'page.md'}: --out: cannot be created: {tmp_path / 'afile'} is a file, not a folder",
    }
    for page, expected in cases.items():
        code, _, err = _sim(["validate", "--out", page, *runs], capsys)
        assert code == 2 and err.strip() == expected, err
    code, _, err = _sim(["validate", "--out", tmp_path / "page.md", "--runs", tmp_path / "afile"], capsys)
    assert code == 2 and err.strip() == f"{tmp_path / 'afile'}: --runs: is a file, not a folder", err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]


@pytest.fixture
def no_server(monkeypatch):
    """The dashboard's server, replaced: a command that gets as far as serving fails the test instead of hanging."""
    import uvicorn

    def run(self):
        raise AssertionError("the dashboard started serving")

    monkeypatch.setattr(uvicorn.Server, "run", run)


def test_a_dashboard_port_in_use_or_a_host_that_does_not_resolve_is_one_line_and_exit_2(capsys, no_server):
    with _serve(None) as server:
        port = server.getsockname()[1]
        code, out, err = _sim(["dashboard", "--port", port], capsys)
    assert code == 2 and out == "", out  # nothing announced
    assert err.strip() == f"--port: cannot listen on 127.0.0.1 port {port} (Address already in use)"
    code, out, err = _sim(["dashboard", "--host", "999.1.1.1"], capsys)
    assert code == 2 and out == "", out
    assert err.startswith("--host: cannot resolve 999.1.1.1 (") and err.count("\n") == 1, err


OPTION_ERRORS = [
    (["run", "baseline", "--reps", "0"], "--reps: must be at least 1, got 0"),
    (["run", "baseline", "--months", "-5"], "--months: must be at least 1, got -5"),
    (["compare", "baseline", "peacekeeper_ban", "--scale", "0"], "--scale: must be at least 1, got 0.0"),
    (["report", "baseline", "peacekeeper_ban", "--scale", "abc"], "--scale: expected a number, got 'abc'"),
    (["compare", "baseline", "peacekeeper_ban", "--seed", "-1"], "--seed: must be between 0 and 2147483647, got -1"),
    (["sweep", "x.toml", "--workers", "0"], "--workers: must be between 1 and 256, got 0"),
    (["calibrate", "x.toml", "--budget", "0"], "--budget: must be at least 2, got 0"),
    (["dashboard", "--port", "-1"], "--port: must be between 1 and 65535, got -1"),
    (["bench", "--months", "x"], "--months: expected a whole number, got 'x'"),
    (["run"], "sim run: the following arguments are required: scenario (see sim run --help)"),
    (["nosuchcommand"], "COMMAND: invalid choice: 'nosuchcommand'"),
]


@pytest.mark.parametrize("argv, expected", OPTION_ERRORS, ids=[" ".join(a) for a, _ in OPTION_ERRORS])
def test_an_option_error_is_one_line_worded_as_the_others_without_a_usage_block(
    tmp_path, capsys, monkeypatch, argv, expected
):
    monkeypatch.chdir(tmp_path)
    code, _, err = _sim(argv, capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1 and err.startswith(expected), err
    assert list(tmp_path.iterdir()) == []


def test_malformed_toml_is_worded_the_same_for_scenarios_experiments_and_calibrations(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text("months = 12\n[population\n")
    expected = f"{bad}: line 2, column 12: malformed TOML: Expected ']' at the end of a table declaration"
    for argv in (["run", bad], ["sweep", bad], ["sensitivity", bad], ["calibrate", bad], ["bench", "--scenario", bad]):
        code, _, err = _sim([*argv, "--out", tmp_path / "out"] if argv[0] != "bench" else argv, capsys)
        assert code == 2 and err.strip() == expected, (argv, err)


def test_every_warning_is_one_line_worded_the_same(tmp_path, capsys, monkeypatch):
    import warnings

    import sim.scenario

    def warns():
        warnings.warn("a library's warning", RuntimeWarning, stacklevel=1)
        return [("baseline", "a scenario")]

    monkeypatch.setattr(sim.scenario, "shipped_scenarios", warns)
    code, _, err = _sim(["scenarios"], capsys)
    assert code == 0 and err == "warning: a library's warning\n"


@pytest.mark.parametrize("manifest, which", [
    ({"base": "baseline", "alternatives": ["peacekeeper_ban"], "replications": 2, "seeds": [1, 2]},
     " (sim compare or sim report)"),
    ({"calibration": "calibration/moldova.toml", "spec": {}, "runs": 4}, " (sim calibrate)"),
    ({"scenario": {}, "seed": 1, "versions": {}}, " (sim run)"),
    ({"something": "else"}, ""),
])  # fmt: skip
def test_a_sweep_into_the_folder_of_another_command_says_so_in_one_line(tmp_path, capsys, manifest, which):
    import json

    from experiment_helpers import write_experiment

    grid = write_experiment(tmp_path, {"police.raid_rate": {"levels": [0.01]}})
    out = tmp_path / "other"
    out.mkdir()
    (out / "manifest.json").write_text(json.dumps(manifest))
    code, _, err = _sim(["sweep", grid, "--workers", "1", "--out", out], capsys)
    assert code == 2, err
    assert err == f"{out}: holds the output of another command{which}, not a sweep; choose another --out folder\n"
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json"]


@pytest.mark.parametrize("command", ["compare", "report"])
def test_a_warning_names_the_option_that_caused_it_in_every_command(tmp_path, capsys, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    code, _, err = _sim([command, "peacekeeper_ban", "MISSING.toml", "--reps", "2", "--months", "1"], capsys)
    lines = err.splitlines()
    assert code == 2 and len(lines) == 2 and lines[1].startswith("MISSING.toml: file not found"), err
    assert lines[0] == (
        "warning: --months: the run ends 2000-01, before interventions.ban starts (2004-06): it has no effect"
    )
