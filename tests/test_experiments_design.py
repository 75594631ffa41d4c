"""Experiment files: validated like scenarios, and a fixed list of runs with common random numbers."""

from __future__ import annotations

import pytest
from experiment_helpers import EXPERIMENTS, sim_main, write_experiment

from sim.studies.experiments import load_experiment


@pytest.mark.parametrize(
    "name, design, runs",
    [("unemployment_x_enforcement", "grid", 5 * 4 * 5), ("sobol", "sobol", 64 * (26 + 2) * 2), ("morris", "morris", 20 * (23 + 1))],
)
def test_shipped_experiments_are_valid_and_plan_their_runs(name, design, runs):
    exp = load_experiment(EXPERIMENTS / f"{name}.toml")
    assert exp.design == design
    specs = exp.runs()
    assert len(specs) == runs
    assert [s.run_id for s in specs] == list(range(runs))
    if design != "grid":
        assert len(exp.parameters) == {"sobol": 26, "morris": 23}[name]
        assert {"migration.intercept", "police.raid_rate", "market.elasticity_sexual", "burn_in"} <= set(exp.keys)
        # the assumptions of the troops' demand and of the ban, over the ranges docs/ODD.md (7.1) states
        ranges = {p.key: (p.min, p.max) for p in exp.parameters}
        assert ranges["destinations.balkans.patronage_per_1000_troops"] == (0.0086, 0.077)
        assert ranges["interventions.ban.strength"] == (0.5, 1.0)


def test_replication_i_of_every_point_uses_seed_plus_i(tmp_path):
    path = write_experiment(
        tmp_path, {"police.raid_rate": {"min": 0.01, "max": 0.05}}, design="lhs", samples=4, replications=3, seed=10
    )
    specs = load_experiment(path).runs()
    assert {(s.replication, s.seed) for s in specs} == {(0, 10), (1, 11), (2, 12)}
    for s in specs:
        assert s.run_id == s.point * 3 + s.replication
    # the design is a pure function of the file: loading again gives the same points
    assert [s.overrides for s in load_experiment(path).runs()] == [s.overrides for s in specs]


def test_sampled_whole_number_parameters_are_rounded(tmp_path):
    path = write_experiment(tmp_path, {"gangs.routes_per_gang": {"min": 1, "max": 3}}, design="lhs", samples=8)
    values = [s.overrides["gangs.routes_per_gang"] for s in load_experiment(path).runs()]
    assert all(isinstance(v, int) and 1 <= v <= 3 for v in values)


def test_unquoted_dotted_tables_mean_the_same_as_quoted_keys(tmp_path):
    quoted = write_experiment(tmp_path, {"police.raid_rate": {"levels": [0.01, 0.02]}}, name="quoted")
    nested = tmp_path / "nested.toml"
    nested.write_text(
        quoted.read_text().replace('[parameters."police.raid_rate"]', "[parameters.police.raid_rate]")
        .replace('"population.size"', "population.size")
    )  # fmt: skip
    assert load_experiment(nested).fingerprint == load_experiment(quoted).fingerprint


BAD = [
    ({"parameters": {"police.raid_rat": {"levels": [0.1]}}}, "parameters.police.raid_rat: not a parameter of the scenario"),
    ({"parameters": {"police.conviction_rate": {"levels": [0.2, 1.6]}}},
     "parameters.police.conviction_rate: value 1.6: Input should be less than or equal to 1"),
    ({"parameters": {"police.raid_rate": {"min": 0.1}}}, "parameters.police.raid_rate: a grid needs levels"),
    ({"design": "lhs", "samples": 4, "parameters": {"police.raid_rate": {"min": 0.2, "max": 0.1}}},
     "parameters.police.raid_rate: min must be below max"),
    ({"design": "sobol", "samples": 10, "parameters": {"police.raid_rate": {"min": 0.01, "max": 0.1}}},
     "samples: Sobol sequences need a power of 2"),
    ({"metrics": ["trafficked", "populaton_home"]}, "metrics: unknown output 'populaton_home'"),
    ({"desing": "grid"}, "desing: unknown key"),
    ({"base": "missing.toml"}, "base: file 'missing.toml' not found"),
    ({"fixed": {"population.size": 10}}, "fixed.population.size: Input should be greater than or equal to 1000"),
    ({"fixed": {"population.male_share": True}}, "fixed.population.male_share: expected a number, got true"),
]  # fmt: skip


@pytest.mark.parametrize("change, message", BAD, ids=[m.split(":")[0] for _, m in BAD])
def test_bad_experiment_gives_file_key_message_exit_2_and_writes_nothing(tmp_path, capsys, change, message):
    parameters = change.pop("parameters", {"police.raid_rate": {"levels": [0.01, 0.02]}})
    path = write_experiment(tmp_path, parameters, **change)
    out = tmp_path / "out"
    status, stdout, stderr = sim_main(capsys, "sweep", path, "--out", out)
    assert status == 2
    assert f"{path}: {message}" in stderr
    assert "Traceback" not in stderr
    assert not out.exists()


def test_an_experiment_name_that_is_a_path_is_refused(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = write_experiment(tmp_path, {"police.raid_rate": {"levels": [0.01]}})
    path.write_text('name = "../elsewhere"\n' + path.read_text())
    status, _, stderr = sim_main(capsys, "sweep", path)
    assert status == 2
    assert stderr.strip() == f"{path}: name: must be a plain name (no '/' or '\\', not starting with '.'): it names the results folder, got '../elsewhere'"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exp.toml"]
