"""The levers the page shows: a dotted key each, with label, unit, range, description and source from the
scenario schema (``sim.scenario``), and the scenario they make (pure functions: the tests call them directly)."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

from sim.engine.runner import resolve
from sim.scenario import Scenario
from sim.scenario import levers as intervention_levers
from sim.scenario.interventions import LeverSpec

# The levers the page shows, one dotted key each: ``interventions.<kind>.<field>`` sets a field of the
# scenario's intervention of that kind (added from the first month, with the kind's other defaults,
# when the scenario has none); any other key is a scenario parameter. The intervention kinds declare their
# own lever (``sim.scenario.levers``): a new kind with a lever shows without a change here.
LEVERS: tuple[str, ...] = (*intervention_levers(), "scale", "months")
SLIDER_SPAN = 100  # a range at most this wide gets a slider, a wider one a number input
STEPS_PER_DECADE = 100  # a slider's step: the range's order of magnitude over this


@dataclass(frozen=True)
class Lever(LeverSpec):
    """One lever of the page: its dotted key (see LEVERS) and what the schema says of its parameter."""

    @property
    def kind(self) -> str | None:
        """The intervention kind the lever sets, or None for a scenario parameter."""
        parts = self.key.split(".")
        return parts[1] if parts[0] == "interventions" else None

    @property
    def field(self) -> str:
        """The field the lever sets (the key's last part)."""
        return self.key.split(".")[-1]

    @property
    def step(self) -> float:
        """A slider's step."""
        if self.integer:
            return 1
        return 10.0 ** math.floor(math.log10(self.hi - self.lo)) / STEPS_PER_DECADE

    @property
    def slider(self) -> bool:
        """A slider for a short range, a number input for a long one (months, scale)."""
        return (self.hi - self.lo) <= SLIDER_SPAN


def lever(key: str) -> Lever:
    """A lever: an intervention kind's own (``sim.scenario.levers``), or a scenario parameter's label, unit,
    range, description and source from the schema."""
    spec = intervention_levers().get(key)
    if spec is not None:
        return Lever(**dataclasses.asdict(spec))
    if key.startswith("interventions."):
        raise KeyError(f"{key}: no intervention kind has this lever")
    parts = key.split(".")
    cls = Scenario
    for p in parts[:-1]:
        cls = cls.model_fields[p].annotation
    f = cls.model_fields[parts[-1]]
    extra = f.json_schema_extra or {}
    lo, hi = extra["range"]
    label = parts[-1].replace("_", " ").capitalize()
    return Lever(key, label, extra["unit"], lo, hi, f.description or "", extra["source"], f.annotation is int)


def levers(keys: tuple[str, ...] = LEVERS) -> list[Lever]:
    """The levers of ``keys``, in their order."""
    return [lever(k) for k in keys]


def _intervention_of(sc: Scenario, kind: str):
    """(name, intervention) of the scenario's first intervention of ``kind``, or (None, None)."""
    return next(((n, iv) for n, iv in sc.interventions.items() if iv.kind == kind), (None, None))


def lever_value(sc: Scenario, lv: Lever) -> float:
    """The lever's value in the scenario (0 for an intervention the scenario does not have)."""
    if lv.kind is not None:
        _, iv = _intervention_of(sc, lv.kind)
        return float(getattr(iv, lv.field)) if iv is not None else 0.0
    value: Any = sc
    for p in lv.key.split("."):
        value = getattr(value, p)
    return value


def overrides(sc: Scenario, values: dict[str, float], keys: tuple[str, ...] = LEVERS) -> dict[str, Any]:
    """Dotted overrides that turn ``sc`` into the scenario the levers show (only what differs)."""
    out: dict[str, Any] = {}
    for lv in levers(keys):
        if lv.key not in values:
            continue
        v = int(values[lv.key]) if lv.integer else float(values[lv.key])
        if v == lever_value(sc, lv):
            continue
        if lv.kind is None:
            out[lv.key] = v
            continue
        name, _ = _intervention_of(sc, lv.kind)
        if name is None:  # a new intervention of that kind, in force from the first month
            name = lv.kind
            out[f"interventions.{name}.kind"] = lv.kind
            out[f"interventions.{name}.start_month"] = 1
        out[f"interventions.{name}.{lv.field}"] = v
    return out


def edited(sc: Scenario, values: dict[str, float]) -> Scenario:
    """The scenario as the levers set it; renamed ``<name>, changed`` when a lever differs."""
    over = overrides(sc, values)
    return resolve(sc, {**over, "name": f"{sc.name}, changed"}) if over else sc


def shown_number(x: float) -> str:
    """A lever's value or bound as the page writes it."""
    return f"{x:g}" if abs(x) < 1e6 else f"{x:,.0f}"


def lever_problems(vals: dict) -> list[str]:
    """A line for each lever value outside its range."""
    out = []
    for lv in levers():
        v = vals.get(lv.key)
        if v is not None and not (lv.lo <= v <= lv.hi):
            lo, hi = shown_number(lv.lo), shown_number(lv.hi)
            out.append(f"{lv.label}: must be between {lo} and {hi} (got {shown_number(v)})")
    return out
