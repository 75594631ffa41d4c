"""Field helpers: every parameter is declared once, with its unit, range, description and source."""

from __future__ import annotations

import re
from typing import Annotated, Any, Union

import numpy as np
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from sim.scenario.sources import SOURCES


def P(default: Any, unit: str, lo: float | None, hi: float | None, desc: str, source: str = "assumption"):
    """A scalar parameter with its unit, allowed range [lo, hi], description and source."""
    assert source in SOURCES, source
    return Field(
        default,
        ge=lo,
        le=hi,
        description=desc,
        json_schema_extra={"unit": unit, "source": source, "range": [lo, hi]},
    )


def _sorted_years(path: list[tuple[float, float]]) -> list[tuple[float, float]]:
    years = [y for y, _ in path]
    if years != sorted(years):
        raise ValueError("years must be in ascending order")
    return path


def PathOf(lo: float, hi: float, min_len: int = 1):
    """Type of a time path: ``[[year, value], ...]`` with values in [lo, hi]."""
    year = Annotated[float, Field(ge=1900, le=2300)]
    value = Annotated[float, Field(ge=lo, le=hi)]
    return Annotated[list[tuple[year, value]], Field(min_length=min_len), AfterValidator(_sorted_years)]


def T(default: Any, unit: str, lo: float, hi: float, desc: str, source: str = "assumption"):
    """A time-path parameter (see ``PathOf``)."""
    assert source in SOURCES, source
    return Field(
        default,
        description=desc,
        json_schema_extra={"unit": unit, "source": source, "range": [lo, hi], "path": True},
    )


class Block(BaseModel):
    """A table of parameters: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", validate_default=True)


def show(value: Any) -> str:
    """A value as the TOML file writes it (``true``, ``'text'``, ``3``), for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def _month_ref(value: Any) -> Any:
    """One clear problem for a month that is neither a month index nor a 'YYYY-MM' date."""
    expected = "expected a month index (1 is the first simulated month) or a 'YYYY-MM' date"
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"{expected}, got {show(value)}")
    if isinstance(value, int) and value < 1:
        raise ValueError(f"{expected}; month indices start at 1, got {value}")
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
        raise ValueError(f"{expected}, got {value!r}")
    return value


MonthRef = Annotated[Union[int, str], BeforeValidator(_month_ref)]

# a scenario's name names its results folder (results/NAME): a plain file name, never a path
NAME_PATTERN = r"^[^/\\\x00-\x1f.][^/\\\x00-\x1f]*$"


def path_value(path, year: float) -> float:
    """Linear interpolation of a time path ``[[year, value], ...]``, constant beyond its ends."""
    ys = [p[0] for p in path]
    vs = [p[1] for p in path]
    return float(np.interp(year, ys, vs))
