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


# how many decimals more than its usual ones an effect and its interval may show, so that an interval that
# excludes zero reads as excluding it; an interval that still reads as zero with them is not called distinguishable
EXTRA_DECIMALS = 3


def _signed(x: float, rounded: float, spec: str, sign: bool) -> str:
    """``rounded`` formatted with ``spec``; with ``sign``, a value that rounds to zero keeps the sign of ``x``
    ('-0.0' for a small fall, '+0.0' for zero or a small rise); without, never '-0'."""
    text = format(rounded + 0.0, ("+" if sign else "") + spec)
    if sign and rounded == 0 and x < 0:
        text = "-" + text[1:]
    return text


def decimals(metric: str) -> int:
    """The decimals a value of an output is shown with: shares in percent 2, ratios 4, counts and the rest 0."""
    unit = lookup(metric).unit
    return 2 if unit in ("share", "0-1") else 4 if unit == "ratio" else 0


def number(metric: str, x: float, sign: bool = False, digits: int | None = None) -> str:
    """A value of an output: counts with thousands separators, shares in percent (2 decimals), ratios to 4;
    ``digits`` decimals instead when given (an effect's: ``effect_decimals``)."""
    if not _finite(x):
        return MISSING
    d = decimals(metric) if digits is None else digits
    x = float(x) * (100 if lookup(metric).unit in ("share", "0-1") else 1)
    return _signed(x, round(x, d), f",.{d}f", sign)


def effect_decimals(metric: str, low: float, high: float) -> int:
    """The decimals an effect and its interval ``low``..``high`` are shown with: the output's own, or up to
    ``EXTRA_DECIMALS`` more when the interval excludes zero but its end nearest zero would read as zero."""
    d = decimals(metric)
    if not (_finite(low) and _finite(high)) or not (low > 0 or high < 0):
        return d
    near = min(abs(float(low)), abs(float(high))) * (100 if lookup(metric).unit in ("share", "0-1") else 1)
    for extra in range(EXTRA_DECIMALS + 1):
        if round(near, d + extra) != 0:
            return d + extra
    return d


def distinguishable(metric: str, low: float, high: float) -> bool:
    """Whether an effect's 95% interval excludes zero as shown (with ``effect_decimals``): it excludes zero
    and its end nearest zero does not read as zero. This is what the ``*`` of the tables marks."""
    if not (_finite(low) and _finite(high)) or not (low > 0 or high < 0):
        return False
    scale = 100 if lookup(metric).unit in ("share", "0-1") else 1
    near = min(abs(float(low)), abs(float(high))) * scale
    return round(near, effect_decimals(metric, low, high)) != 0


def percent(x: float, sign: bool = False) -> str:
    """A relative change or share as a percentage with one decimal: 0.123 -> '12.3%' ('+12.3%' with sign; a
    small fall '-0.0%')."""
    if not _finite(x):
        return MISSING
    x = float(x) * 100
    return _signed(x, round(x, 1), ".1f", sign) + "%"


def count(x: float, sign: bool = False) -> str:
    """A count of persons (or anything whole): '11,934' ('+11,934' with sign)."""
    if not _finite(x):
        return MISSING
    return _signed(float(x), round(float(x)), ",.0f", sign)


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


# fewer replications than this make a rough 90% band (its ends are the 5th and 95th percentiles of a few runs)
BAND_REPLICATIONS = 10


def band_caution(reps: int) -> str | None:
    """What a fan chart and the table under it say when its bands come from fewer than
    ``BAND_REPLICATIONS`` replications (None otherwise)."""
    if reps >= BAND_REPLICATIONS:
        return None
    return (f"caution: the 90% bands come from only {reps} replication{'' if reps == 1 else 's'} per scenario "
            f"(rough; {BAND_REPLICATIONS} or more give steadier bands)")  # fmt: skip
