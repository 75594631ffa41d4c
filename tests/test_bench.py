"""``sim bench``: one JSON line with the figures of a run, for either engine (smoke runs, no timing limits)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SCENARIOS

import sim

SIM = str(Path(sys.executable).with_name("sim"))
KEYS = {"engine", "agents", "months", "seconds", "person_months_per_s", "peak_rss_mb", "bytes_per_agent"}


def sim_bench(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([SIM, "bench", *args], capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("engine", ["vectorised", pytest.param("reference", marks=pytest.mark.slow)])
def test_bench_prints_one_json_line_with_the_figures(engine):
    proc = sim_bench("--agents", "5000", "--months", "3", *(["--reference"] if engine == "reference" else []))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1
    out = json.loads(lines[0])
    assert KEYS <= set(out)
    assert out["engine"] == engine and out["agents"] == 5000 and out["months"] == 3
    assert out["seconds"] > 0 and out["person_months_per_s"] > 0 and out["peak_rss_mb"] > 0
    assert out["person_months_per_s"] == pytest.approx(5000 * 3 / out["seconds"], rel=0.05)
    if engine == "vectorised":
        assert 20 <= out["bytes_per_agent"] <= 64  # the person arrays
    else:
        assert out["bytes_per_agent"] > 64  # Python objects


@pytest.mark.slow
def test_bench_takes_another_scenario():
    proc = sim_bench("--agents", "3000", "--months", "2", "--scenario", str(SCENARIOS / "high_unemployment.toml"))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["scenario"] == "high_unemployment"


@pytest.mark.slow
def test_bench_runs_several_countries_at_one_agent_per_person(tmp_path):
    """A scenario of several countries runs at its countries' sizes and names them; --agents is refused."""
    countries = SCENARIOS / "countries"
    for name in ("moldova", "bulgaria"):
        (tmp_path / f"{name}.toml").write_text(f'extends = "{countries / name}.toml"\n[population]\nsize = 30000\n')
    region = tmp_path / "two.toml"
    region.write_text(f'extends = "{countries / "_common.toml"}"\ncountries = ["moldova.toml", "bulgaria.toml"]\n')
    proc = sim_bench("--months", "2", "--scenario", str(region))
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["agents"] == 60000 and out["countries"] == ["moldova", "bulgaria"] and out["threads"] >= 1
    proc = sim_bench("--agents", "5000", "--months", "2", "--scenario", str(region))
    assert proc.returncode == 2 and proc.stderr.startswith("--agents:") and "Traceback" not in proc.stderr


def test_bench_rejects_a_bad_size():
    proc = sim_bench("--agents", "0")
    assert proc.returncode == 2 and "--agents" in proc.stderr and "Traceback" not in proc.stderr


def test_run_selects_the_engine():
    over = {"population.size": 3000}
    df = sim.run(SCENARIOS / "baseline.toml", months=2, scale=1, overrides=over, engine="reference")
    assert df.attrs["provenance"]["engine"] == "reference"
    assert len(df) == 3 and df["population_home"].iloc[-1] > 0
    with pytest.raises(ValueError, match="unknown engine"):
        sim.run(SCENARIOS / "baseline.toml", months=1, engine="agent-based")
