"""Helpers for the experiment tests: small experiment files and running the ``sim`` command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sim.commands.cli import main

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.toml"
EXPERIMENTS = ROOT / "experiments"
SMALL = {"population.size": 100_000, "scale": 50}  # 2,000 person-agents: a run takes a fraction of a second


def _toml(value) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return repr(value)


def write_experiment(folder: Path, parameters: dict, *, name: str = "exp", fixed: dict | None = None, **top) -> Path:
    """An experiment file on the baseline at the small size; ``top`` sets design, samples, months..."""
    top = {"base": str(BASELINE), "design": "grid", "months": 24, "metrics": ["trafficked", "population_home"], **top}
    lines = [f"{k} = {_toml(v)}" for k, v in top.items()]
    lines += ["[fixed]", *(f'"{k}" = {_toml(v)}' for k, v in {**SMALL, **(fixed or {})}.items())]
    for key, spec in parameters.items():
        lines += [f'[parameters."{key}"]', *(f"{k} = {_toml(v)}" for k, v in spec.items())]
    path = folder / f"{name}.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def sim_main(capsys, *argv) -> tuple[int, str, str]:
    """Run the ``sim`` command in this process: (exit status, stdout, stderr); an option that argparse
    refuses exits (``SystemExit``) with its status."""
    try:
        status = main([str(a) for a in argv])
    except SystemExit as e:
        status = e.code
    out = capsys.readouterr()
    return status, out.out, out.err


def sim_process(*argv, **kw) -> subprocess.Popen:
    """Start the ``sim`` command as its own process group (so a test can kill all of it)."""
    return subprocess.Popen(
        [sys.executable, "-m", "sim.commands.cli", *map(str, argv)], cwd=ROOT, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kw,
    )  # fmt: skip


def results(out: Path, *names: str) -> dict:
    """The bytes of result files; ``manifest.json`` parsed, without the commit (it moves if one is made meanwhile)."""
    found = {}
    for name in names:
        if name == "manifest.json":
            found[name] = {k: v for k, v in json.loads((out / name).read_text()).items() if k != "commit"}
        else:
            found[name] = (out / name).read_bytes()
    return found
