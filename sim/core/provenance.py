"""Provenance of a result: the resolved scenario, the seed, versions and the git commit."""

from __future__ import annotations

import importlib.metadata
import platform
import subprocess
from pathlib import Path


def package_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in ("trafficking-sim", "mesa", "numpy", "numba", "pandas", "pydantic", "scipy"):
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def git_commit() -> str | None:
    """Commit of the working tree the package runs from ('+dirty' when it has changes), or None."""
    here = Path(__file__).resolve().parent
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, timeout=5, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=here, capture_output=True, text=True, timeout=5
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return commit + ("+dirty" if dirty else "")


def provenance(scenario, seed: int, **extra) -> dict:
    return {
        "scenario": scenario.model_dump(mode="json"),
        "seed": int(seed),
        "versions": package_versions(),
        "commit": git_commit(),
        "platform": platform.platform(),
        **extra,
    }
