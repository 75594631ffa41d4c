"""Checks of a scenario: what no single field shows (shares that add up, dates, targets, the scale), and
the messages of its problems, one ``FILE: dotted.key: message`` line each."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from sim.scenario.fields import NAME_PATTERN, Block, show
from sim.scenario.folders import SCENARIOS_DIR
from sim.scenario.interventions import INTERVENTION_KINDS, TYPE_OF_KIND, acts_in
from sim.scenario.schema import Scenario

MIN_PERSON_AGENTS = 1_000  # fewer person-agents than this (population.size / scale) is an error


class ScenarioError(Exception):
    """Problems found in a scenario file; ``problems`` holds one ``FILE: key: message`` line each."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class ScenarioWarning(UserWarning):
    """A scenario that runs but may not mean what was intended (``FILE: key: message``, one line)."""


def _get_dotted(data: dict, dotted: str) -> Any:
    for p in dotted.split("."):
        data = data[p]
    return data


PATTERN_TEXT = {
    NAME_PATTERN: "must be a plain name (no '/' or '\\', not starting with '.'): it names the results folder",
}


def _friendly(err: dict, key: str) -> str:
    t, got = err["type"], show(err.get("input"))
    if t == "extra_forbidden":
        return "unknown key"
    if t == "union_tag_invalid":
        return f"unknown intervention kind {err['input'].get('kind')!r} (known: {', '.join(INTERVENTION_KINDS)})"
    if t == "union_tag_not_found":
        return f"missing 'kind' (one of: {', '.join(INTERVENTION_KINDS)})"
    if t == "missing":
        if "." not in key and key in ("regions", "destinations"):
            baseline = SCENARIOS_DIR / "baseline.toml"
            return f"required table is missing (a scenario usually starts with extends = \"{baseline}\")"
        return "required value is missing"
    if t == "value_error":
        return err["msg"].removeprefix("Value error, ")
    if t in ("model_type", "model_attributes_type", "dict_type"):
        return f"expected a table ([{key}] or {key} = {{...}}), got {got}"
    if t == "string_pattern_mismatch":
        pattern = err.get("ctx", {}).get("pattern", "")
        return f"{PATTERN_TEXT.get(pattern, 'expected a YYYY-MM date')}, got {got}"
    return f"{err['msg']} (got {got})"


def _bools_for_numbers(data: Any, model: type[BaseModel], prefix: str = ""):
    """Dotted keys where ``true`` or ``false`` stands for a number (pydantic would take it as 1 or 0)."""
    if not isinstance(data, dict):
        return
    for name, field in model.model_fields.items():
        value, ann = data.get(name), field.annotation
        if isinstance(value, bool) and ann in (int, float):
            yield prefix + name
        elif isinstance(ann, type) and issubclass(ann, BaseModel):
            yield from _bools_for_numbers(value, ann, f"{prefix}{name}.")
        elif getattr(ann, "__origin__", None) is dict and isinstance(value, dict):
            inner = ann.__args__[1]
            for k, v in value.items():
                if isinstance(inner, type) and issubclass(inner, BaseModel):
                    sub = inner
                else:  # an intervention: its kind says its table
                    sub = TYPE_OF_KIND.get(v.get("kind")) if isinstance(v, dict) else None
                if sub is not None:
                    yield from _bools_for_numbers(v, sub, f"{prefix}{name}.{k}.")


def _dotted(loc: tuple) -> str:
    parts = [str(p) for p in loc if not (isinstance(p, str) and p in INTERVENTION_KINDS)]
    return ".".join(parts)


def validate(data: dict, file: Path | str, origin: dict | None = None) -> Scenario:
    """Validate a scenario dictionary; problems name ``file`` (or the file or option that set the key).

    ``origin`` maps dotted keys to where they were set: a file, ``"override"``, or a command-line
    option (``"--months"``), which then stands for the key in the message.
    """
    origin = origin or {}
    bools = list(_bools_for_numbers(data, Scenario))
    problems = [(k, f"expected a number, got {show(_get_dotted(data, k))}") for k in bools]
    if "regions" not in data and not data.get("countries"):
        problems.append(("regions", _friendly({"type": "missing"}, "regions")))
    try:
        sc = Scenario.model_validate(data)
    except ValidationError as e:
        found = [(_dotted(err["loc"]) or "(top level)", _friendly(err, _dotted(err["loc"]))) for err in e.errors()]
        problems += [(k, m) for k, m in found if k not in bools]
    if problems:
        raise ScenarioError(_lines(problems, origin, file)) from None
    problems = _lines(_semantic_problems(sc), origin, file)
    if problems:
        raise ScenarioError(problems)
    return sc


def _origin_of(key: str, origin: dict, file: Path | str) -> tuple[Any, str | None]:
    """Where ``key`` was last set (itself, a table holding it or a key inside it), and that key.

    ``origin`` lists keys in the order they were set (parents first, overrides last); ``file`` if nowhere.
    """
    parts = key.split(".")
    prefixes = {".".join(parts[:n]) for n in range(1, len(parts) + 1)}
    last = None
    for k in origin:
        if k in prefixes or k.startswith(key + "."):
            last = k
    return (origin[last], last) if last is not None else (file, None)


class Label(str):
    """What stands for an overridden key in messages: an option (``--months``) or ``FILE: fixed.key``."""


def _lines(problems: list[tuple[str, str]], origin: dict, file: Path | str) -> list[str]:
    """``SRC: key: message`` lines; a ``Label`` stands for the key it set (``--scale: message``)."""
    out = []
    for key, message in problems:
        src, set_key = _origin_of(key, origin, file)
        out.append(f"{src}{key[len(set_key):]}: {message}" if isinstance(src, Label) else f"{src}: {key}: {message}")
    return list(dict.fromkeys(out))


def _semantic_problems(sc: Scenario, scale: float | None = None, prefix: str = "") -> list[tuple[str, str]]:
    """Problems no single field shows: (dotted key, message). A country of a run of several is checked
    with the run's ``scale`` and its keys under ``prefix`` (``countries.NAME.``)."""
    out = []
    if sc.countries:
        return _region_problems(sc)
    if not sc.regions:
        out.append(("regions", _friendly({"type": "missing"}, "regions")))
    elif abs(sum(r.share for r in sc.regions.values()) - 1) > 1e-6:
        total = sum(r.share for r in sc.regions.values())
        out.append(("regions", f"shares must add up to 1 (they add up to {total:.4f})"))
    if sum(sc.population.age_shares) <= 0:
        out.append(("population.age_shares", "at least one share must be positive"))
    if sc.population.secondary_share + sc.population.tertiary_share > 1:
        out.append(("population.tertiary_share", "secondary and tertiary shares add up to more than 1"))
    if sc.demography.fertility_min_age > sc.demography.fertility_max_age:
        out.append(("demography.fertility_max_age", "must not be below demography.fertility_min_age"))
    if sorted(set(sc.outputs.profile_age_bands)) != list(sc.outputs.profile_age_bands):
        out.append(("outputs.profile_age_bands", "ages must be increasing"))
    if sc.migration.min_age >= sc.migration.max_age:
        out.append(("migration.max_age", "must be above migration.min_age"))
    for kind in ("sexual", "labour"):
        if getattr(sc.exploitation, f"{kind}_end_age") <= getattr(sc.exploitation, f"{kind}_prime_age"):
            out.append((f"exploitation.{kind}_end_age", f"must be above exploitation.{kind}_prime_age"))
    if sc.exploitation.debt_min > sc.exploitation.debt_max:
        out.append(("exploitation.debt_max", "must not be below exploitation.debt_min"))
    scale = sc.scale if scale is None else scale
    size, agents = sc.population.size, round(sc.population.size / scale)
    if agents < MIN_PERSON_AGENTS:
        key = "scale" if not prefix else prefix + "population.size"
        out.append((
            key,
            f"{scale:,.10g} persons per person-agent leaves {agents:,} person-agents for {size:,} residents; "
            f"at least {MIN_PERSON_AGENTS:,} are needed (a scale of {size // MIN_PERSON_AGENTS:,} or less)",
        ))  # fmt: skip
    out += _intervention_problems(sc, {sc.name: sc.regions}, sc.interventions)
    return [(k if k == "scale" or k.startswith(prefix) else prefix + k, m) for k, m in out]


def _intervention_problems(sc: Scenario, regions_of: dict[str, dict], interventions: dict) -> list[tuple[str, str]]:
    """Dates and targets of ``interventions``; ``regions_of`` maps each country to its regions."""
    out = []
    for name, iv in interventions.items():
        key = f"interventions.{name}"
        start = sc.month_index(iv.start_month)
        if start < 1:
            out.append((f"{key}.start_month", f"{iv.start_month!r} is before the start {sc.start}"))
        if iv.end_month is not None and sc.month_index(iv.end_month) < start:
            out.append((f"{key}.end_month", "before its start_month"))
        unknown = [c for c in iv.countries if c not in regions_of]
        for c in unknown:
            out.append((f"{key}.countries", f"unknown country {c!r} (known: {', '.join(regions_of)})"))
        targeted = [c for c in regions_of if acts_in(iv, c)]
        regions = {r: None for c in targeted for r in regions_of[c]}
        for field, known in (("regions", regions), ("destinations", sc.destinations)):
            for target in getattr(iv, field, []):
                if target not in known:
                    known_names = ", ".join(known)
                    out.append((f"{key}.{field}", f"unknown {field[:-1]} {target!r} (known: {known_names})"))
    return out


def _region_problems(sc: Scenario) -> list[tuple[str, str]]:
    """Problems of a run of several countries: each country's own, and how they fit together."""
    out = []
    for name, c in sc.countries.items():
        prefix = f"countries.{name}."
        if c.countries:
            out.append((prefix + "countries", "a country's file cannot hold countries of its own"))
            continue
        if set(c.destinations) != set(sc.destinations):
            out.append((prefix + "destinations", f"must be the run's destinations ({', '.join(sc.destinations)}), "
                        f"got {', '.join(c.destinations)}"))  # fmt: skip
            continue
        # a country runs over the run's months (its interventions' dates are read against the run's start)
        out += _semantic_problems(c.model_copy(update={"start": sc.start, "months": sc.months}), sc.scale, prefix)
    out += _intervention_problems(sc, {n: c.regions for n, c in sc.countries.items()}, sc.interventions)
    if sorted(set(sc.outputs.profile_age_bands)) != list(sc.outputs.profile_age_bands):
        out.append(("outputs.profile_age_bands", "ages must be increasing"))
    if sc.exploitation.debt_min > sc.exploitation.debt_max:
        out.append(("exploitation.debt_max", "must not be below exploitation.debt_min"))
    for name, iv in sc.interventions.items():
        if iv.countries and not iv.acts_at_home():
            out.append((f"interventions.{name}.countries", f"a {iv.kind} acts on the shared destinations only: it "
                        "cannot be confined to some countries (leave countries out)"))  # fmt: skip
    return out


def _after_horizon(sc: Scenario) -> list[tuple[str, str]]:
    """(dotted name, start date) of the interventions, the run's and its countries' own
    (``countries.NAME.interventions.X``), that start after the last simulated month."""
    tables = [("", sc.interventions)] + [(f"countries.{n}.", c.interventions) for n, c in sc.countries.items()]
    return [
        (f"{prefix}interventions.{name}", sc.date(sc.month_index(iv.start_month)))
        for prefix, ivs in tables
        for name, iv in ivs.items()
        if sc.month_index(iv.start_month) > sc.months
    ]


def _time_paths(block: BaseModel, prefix: str = ""):
    """(dotted key, path) of every time path in a scenario."""
    for name, field in type(block).model_fields.items():
        value = getattr(block, name)
        if (field.json_schema_extra or {}).get("path"):
            yield prefix + name, value
        elif isinstance(value, Block):
            yield from _time_paths(value, f"{prefix}{name}.")
        elif isinstance(value, dict):
            for k, v in value.items():
                if isinstance(v, Block):
                    yield from _time_paths(v, f"{prefix}{name}.{k}.")


def _past_every_path(sc: Scenario) -> list[tuple[str, str]]:
    """A horizon that ends after every time path of the scenario has ended: (key, message)."""
    key, last = max(((k, p[-1][0]) for k, p in _time_paths(sc) if p), key=lambda kp: kp[1])
    if sc.year(sc.months) <= last:
        return []
    return [("months", f"the run ends {sc.date(sc.months)}, after every time path of the scenario has ended "
                       f"(the last, {key}, in {last:g}); each is held at its last value beyond")]  # fmt: skip
