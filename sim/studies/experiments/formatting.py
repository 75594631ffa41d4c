"""How numbers are shown: one function per kind of number, used by the printed table and the brief.

Nothing is formatted anywhere else, so the terminal, the CSV readers and the brief show a value the
same way.
"""

from __future__ import annotations

import math

from sim.core.outputs import lookup

MISSING = "n/a"


def _finite(x) -> bool:
    try:
        return math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


def number(metric: str, x: float, sign: bool = False) -> str:
    """A value of an output: counts with thousands separators, shares in percent (2 decimals), ratios to 4."""
    if not _finite(x):
        return MISSING
    unit = lookup(metric).unit
    decimals = 2 if unit in ("share", "0-1") else 4 if unit == "ratio" else 0
    x = round(float(x) * (100 if unit in ("share", "0-1") else 1), decimals) + 0.0  # + 0.0: no "-0"
    return f"{x:{'+' if sign else ''},.{decimals}f}"


def percent(x: float, sign: bool = False) -> str:
    """A relative change or share as a percentage with one decimal: 0.123 -> '12.3%' ('+12.3%' with sign)."""
    if not _finite(x):
        return MISSING
    x = round(float(x) * 100, 1) + 0.0
    return f"{x:{'+' if sign else ''}.1f}%"


def count(x: float, sign: bool = False) -> str:
    """A count of persons (or anything whole): '11,934' ('+11,934' with sign)."""
    if not _finite(x):
        return MISSING
    x = round(float(x)) + 0.0
    return f"{x:{'+' if sign else ''},.0f}"


def usd(x: float) -> str:
    """An amount of US dollars to three significant digits: '$12.3 million', '$1.25 billion', '$48,200'."""
    if not _finite(x):
        return MISSING
    r = float(f"{abs(float(x)):.3g}")
    sign = "-" if x < 0 and r != 0 else ""
    for size, word in ((1e9, "billion"), (1e6, "million")):
        if r >= size:
            return f"{sign}${r / size:.3g} {word}"
    return f"{sign}${r:,.0f}" if r >= 1000 else f"{sign}${r:.3g}"


def factor(x: float) -> str:
    """How many times larger: 4.23 -> '4.2 times'."""
    if not _finite(x):
        return MISSING
    return f"{float(x):.1f} times"
