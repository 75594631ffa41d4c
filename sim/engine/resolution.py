"""Whether a run resolves its rarest output: persons trafficked a year, counted in person-agents.

A person-agent stands for ``scale`` real persons (docs/ODD.md, 2: Scales). Trafficking is rare, so at a
coarse scale a run's trafficking is a few person-agents a year, and what is built on it (victims, gangs'
revenue, arrests, convictions) moves in lumps. ``resolution`` judges a run, or the replications of one
scenario, on its yearly mean of the ``trafficked`` flow; ``Resolution.line`` is the one line that
``sim run``, ``sim compare``, ``sim report`` and the dashboard show when it is coarse, with the largest
round scale that would resolve it, from the run's own figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from sim.scenario.units import MONTHS_PER_YEAR

# fewer person-agents trafficked a year than this is a coarse run (assumption: docs/ODD.md, 2: Scales)
MIN_AGENTS_A_YEAR = 30
RESOLVED_OUTPUT = "trafficked"  # the output judged: the rarest flow the outcomes are built on
EMIGRANTS = ("emigrants_legal", "emigrants_irregular")  # where none left, none can be trafficked
ROUND_STEPS = (1, 2, 5)  # round scales: these times a power of ten (1, 2, 5, 10, 20, 50, 100, ...)
FINEST_SCALE = 1  # one person-agent a person: no scale resolves more


def resolving_scale(persons_a_year: float, need: float = MIN_AGENTS_A_YEAR) -> int | None:
    """The largest round scale (``ROUND_STEPS`` times a power of ten) at which ``persons_a_year`` are at
    least ``need`` person-agents a year; None when even one person-agent a person leaves fewer."""
    if not persons_a_year >= need * FINEST_SCALE:
        return None
    top = math.floor(math.log10(persons_a_year / need)) + 1  # one decade above, against rounding of the log
    for exponent in range(top, -1, -1):
        for step in sorted(ROUND_STEPS, reverse=True):
            s = step * 10**exponent
            if persons_a_year >= need * s:
                return s
    return FINEST_SCALE


def _agents(x: float) -> str:
    """A count of person-agents a year as the line says it: one decimal at most, 0.4 below one."""
    return f"{x:.1g}" if 0 < x < 1 else f"{x:,.1f}".removesuffix(".0")


@dataclass(frozen=True)
class Resolution:
    """How many person-agents a run's persons trafficked are a year, and the scale that would resolve them."""

    scale: float  # real persons per person-agent of the run
    persons_a_year: float  # persons trafficked a year, real persons (mean over the months and replications)
    months: int = 0  # months judged (of each replication)
    emigrated: bool = True  # whether anyone left (legally or not): where nobody did, nobody can be trafficked

    @property
    def agents_a_year(self) -> float:
        """Person-agents trafficked a year at the run's scale."""
        return self.persons_a_year / self.scale

    @property
    def resolving_scale(self) -> int | None:
        """The largest round scale that gives at least ``MIN_AGENTS_A_YEAR`` person-agents a year, or None."""
        return resolving_scale(self.persons_a_year)

    @property
    def coarse(self) -> bool:
        """Fewer than ``MIN_AGENTS_A_YEAR`` person-agents trafficked a year where a finer scale gives more.

        At one person-agent a person the few are real persons, and a run in which nobody left (no
        emigration) has nothing to resolve: neither is coarse. A run in which persons left but no
        person-agent was trafficked is."""
        if self.scale <= FINEST_SCALE:
            return False
        if self.persons_a_year == 0:
            return self.emigrated and self.months > 0
        return self.agents_a_year < MIN_AGENTS_A_YEAR

    @property
    def line(self) -> str | None:
        """The one line the faces show when the run is coarse (None when it is not)."""
        if not self.coarse:
            return None
        if self.persons_a_year == 0:
            return (
                f"coarse: no person-agent was trafficked in {self.months} months at scale {self.scale:,g}; "
                "the run is too coarse to tell which scale resolves them"
            )
        said = f"coarse: persons trafficked are {_agents(self.agents_a_year)} person-agents a year at scale {self.scale:,g}"
        s = self.resolving_scale
        if s is None:
            best = f"{_agents(self.persons_a_year / FINEST_SCALE)} a year, fewer than {MIN_AGENTS_A_YEAR}"
            return f"{said}; a scale of {FINEST_SCALE} resolves them best ({best})"
        return f"{said}; a scale of {s:,} or less resolves them ({self.persons_a_year / s:,.0f} a year)"

    def as_dict(self) -> dict:
        """The figures as plain values (the ``resolution`` of a run's ``manifest.json``)."""
        return {
            "output": RESOLVED_OUTPUT,
            "persons_a_year": round(self.persons_a_year, 3),
            "person_agents_a_year": round(self.agents_a_year, 3),
            "min_person_agents_a_year": MIN_AGENTS_A_YEAR,
            "coarse": self.coarse,
            "resolving_scale": self.resolving_scale,
        }


def resolution(table: pd.DataFrame, scale: float | None = None) -> Resolution:
    """The resolution of a run's table (``sim.run``), or of the stacked tables of one scenario's replications.

    Each row is a month of a run; rows of month 0 (the initial state) are left out, so the yearly mean is
    the mean monthly ``trafficked`` flow over all months judged, times ``MONTHS_PER_YEAR``. ``scale``
    defaults to the run's own (``table.attrs["provenance"]``).
    """
    if scale is None:
        scale = table.attrs["provenance"]["scenario"]["scale"]
    body = table[table["month"] > 0]
    persons = float(body[RESOLVED_OUTPUT].mean()) * MONTHS_PER_YEAR if len(body) else 0.0
    emigrated = bool((body[list(EMIGRANTS)].to_numpy() > 0).any())
    return Resolution(float(scale), persons, int(body["month"].nunique()), emigrated)
