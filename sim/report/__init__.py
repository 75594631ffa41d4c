"""The policy brief: a comparison's effects, costs and certainty in one self-contained HTML file.

The same functions as ``sim compare`` give the numbers (``Comparison.effects``, the cost-effectiveness
of ``sim.studies.experiments.costs``), ``sim.studies.experiments.formatting`` formats them and ``sim.studies.experiments.plots``
draws the charts, inlined as SVG. One Jinja2 template per section (``sim/report/templates``). In a
notebook::

    from sim import experiments as ex, report
    c = ex.compare("scenarios/baseline.toml", ["scenarios/police_training.toml"], reps=10)
    report.show(c)                                  # the brief, inline
    report.write_report(c, "results/brief")         # results/brief/report.html
    c = ex.read_comparison("results/compare")       # or the folder of an earlier sim compare
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from sim.report.context import build_context
from sim.studies.experiments.compare import Comparison
from sim.studies.experiments.store import write_text

__all__ = ["build_report", "show", "write_report"]


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("sim.report", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def build_report(comparison: Comparison, *, figures: bool = True, fragment: bool = False) -> str:
    """The brief of ``comparison`` as HTML: a whole page, or with ``fragment`` the body alone (for a notebook)."""
    ctx = build_context(comparison, figures=figures)
    env = _environment()
    if fragment:
        style = env.get_template("style.css").render()
        return f"<style>\n{style}\n</style>\n" + env.get_template("content.html").render(**ctx)
    return env.get_template("brief.html").render(**ctx)


def write_report(comparison: Comparison, out: str | Path, *, figures: bool = True) -> Path:
    """Write ``out/report.html`` (to a temporary name, then renamed: complete or absent); return its path."""
    out = Path(out)
    html = build_report(comparison, figures=figures)
    out.mkdir(parents=True, exist_ok=True)
    return write_text(out / "report.html", html)


def show(comparison: Comparison, *, figures: bool = True):
    """The brief as an IPython ``HTML`` object, shown inline in a notebook."""
    from IPython.display import HTML

    return HTML(build_report(comparison, figures=figures, fragment=True))
