"""The documentation site builds with ``mkdocs build --strict`` and the tutorial script runs as shipped."""

from __future__ import annotations

import os
import runpy
import subprocess
import sys
import tempfile

import pytest
from conftest import ROOT

PNG = b"\x89PNG\r\n\x1a\n"


def test_documentation_site_builds_strict_with_every_page_and_nothing_fetched_from_the_web(tmp_path):
    """``make docs``'s build: a broken link, anchor or page fails it; the pages of the nav are written; no page
    asks for web fonts (the site reads offline)."""
    pytest.importorskip("mkdocs")
    site = tmp_path / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(ROOT / "mkdocs.yml"),
         "--site-dir", str(site)],
        check=False, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    for page in ("index.html", "reference/index.html", "ODD/index.html", "COUNTRIES/index.html",
                 "VALIDATION/index.html", "ARCHITECTURE/index.html", "tutorials/student/index.html",
                 "tutorials/researcher/index.html", "tutorials/analyst/index.html",
                 "tutorials/notebook/index.html", "howto/index.html", "tutorial.py"):  # fmt: skip
        assert (site / page).is_file(), f"{page} missing from the site"
    for html in site.rglob("*.html"):
        assert "fonts.googleapis" not in html.read_text(errors="replace"), f"{html.name} asks for web fonts"


def test_tutorial_script_runs_and_draws_its_plot(tmp_path, monkeypatch):
    """docs/tutorial.py (Jupytext percent format) runs a scenario, compares two and writes a PNG in a new
    temporary folder, from any working directory (about 20 s)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(sys, "argv", ["tutorial.py"])
    ns = runpy.run_path(str(ROOT / "docs" / "tutorial.py"), run_name="__main__")
    plot = ns["plot"]
    assert plot.is_file() and plot.parent.parent == tmp_path
    assert plot.read_bytes()[:8] == PNG
    assert set(ns["result"].scenarios) == {"baseline", "high_unemployment"}


def test_citation_file_states_the_version_and_license_of_pyproject():
    """CITATION.cff (Citation File Format 1.2.0) cites the version and licence the package declares."""
    import tomllib

    yaml = pytest.importorskip("yaml")
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert cff["cff-version"] == "1.2.0" and cff["type"] == "software"
    assert cff["title"] and cff["message"] and cff["authors"]
    assert (cff["version"], cff["license"]) == (project["version"], project["license"])
