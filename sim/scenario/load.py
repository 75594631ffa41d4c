"""Loading a scenario: files, ``extends``, overrides, the countries of a run, and the shipped scenarios."""

from __future__ import annotations

import copy
import re
import tomllib
import warnings
from pathlib import Path
from typing import Any

from sim.scenario.checks import (
    Label,
    ScenarioError,
    ScenarioWarning,
    _after_horizon,
    _lines,
    _past_every_path,
    validate,
)
from sim.scenario.fields import show
from sim.scenario.folders import SCENARIOS_DIR
from sim.scenario.schema import NATIONAL_BLOCKS, Scenario


def scenario_path(ref: str | Path) -> Path:
    """The file of a scenario: ``ref`` itself, or a shipped scenario named without a path or suffix
    (``baseline``, ``countries/moldova``)."""
    path = Path(ref)
    if not path.exists() and path.suffix == "" and not path.is_absolute():
        shipped = SCENARIOS_DIR / f"{path}.toml"
        if shipped.exists():
            return shipped
    return path


def shipped_files() -> list[Path]:
    """The shipped scenarios and country presets (files starting with ``_`` hold shared parts only)."""
    files = sorted(SCENARIOS_DIR.glob("*.toml")) + sorted((SCENARIOS_DIR / "countries").glob("*.toml"))
    return [p for p in files if not p.name.startswith("_")]


def shipped_scenarios() -> list[tuple[str, str]]:
    """(name, description) of every shipped scenario, sorted by name; a country preset is named after its
    file in ``scenarios/`` (``countries/moldova``), as ``sim run`` takes it."""
    name = lambda p: p.relative_to(SCENARIOS_DIR).with_suffix("").as_posix()  # noqa: E731
    return sorted((name(p), load_scenario(p).description) for p in shipped_files())


def read_toml(path: str | Path) -> dict:
    """The tables of a TOML file (scenario, experiment or calibration); raise ``ScenarioError`` with one line
    (``FILE: file not found``, ``FILE: line L, column C: malformed TOML: ...``) if it cannot be read."""
    problems: list[str] = []
    data = _read_toml(Path(path), problems)
    if problems:
        raise ScenarioError(problems)
    return data


def _read_toml(path: Path, problems: list[str]) -> dict | None:
    try:
        text = path.read_text(encoding="utf-8-sig")  # a byte-order mark is not an error
    except FileNotFoundError:
        problems.append(f"{path}: file not found")
        return None
    except (OSError, UnicodeDecodeError) as e:
        problems.append(f"{path}: cannot read the file ({e.__class__.__name__}: {e})")
        return None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        msg = str(e)
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        where = f"line {m.group(1)}, column {m.group(2)}" if m else "TOML"
        problems.append(f"{path}: {where}: malformed TOML: {re.sub(r' \(at .*\)$', '', msg)}")
        return None


def _merge(base: dict, over: dict, origin: dict, file: Path, prefix: str = "") -> dict:
    """Merge ``over`` into a copy of ``base``; tables merge, other values replace. Track origins."""
    out = copy.deepcopy(base)
    for k, v in over.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v, origin, file, key + ".")
        else:
            out[k] = copy.deepcopy(v)
            origin.pop(key, None)  # re-inserted: the order of ``origin`` is the order keys were set in
            origin[key] = file
    return out


def _resolve(path: Path, chain: list[Path], problems: list[str], origin: dict) -> dict | None:
    data = _read_toml(path, problems)
    if data is None:
        return None
    parent_ref = data.pop("extends", None)
    if parent_ref is None:
        for k in _flat_keys(data):
            origin.setdefault(k, path)
        return data
    if not isinstance(parent_ref, str):
        problems.append(f"{path}: extends: must be a file name (a string)")
        return None
    parent = (path.parent / parent_ref).resolve()
    if parent in chain:
        cycle = " -> ".join(p.name for p in [*chain, parent])
        problems.append(f"{path}: extends: circular chain {cycle}")
        return None
    if not parent.exists():
        problems.append(f"{path}: extends: file '{parent_ref}' not found (looked in {path.parent})")
        return None
    base = _resolve(parent, [*chain, parent], problems, origin)
    if base is None:
        return None
    merged = _merge(base, data, origin, path)
    if "name" not in data:
        merged["name"] = None  # a child without a name is named after its own file, not its parent
    return merged


def _flat_keys(d: dict, prefix: str = "") -> list[str]:
    keys = []
    for k, v in d.items():
        keys.append(prefix + k)
        if isinstance(v, dict):
            keys.extend(_flat_keys(v, f"{prefix}{k}."))
    return keys


def set_dotted(data: dict, dotted: str, value: Any) -> None:
    """Set ``a.b.c = value`` in nested dicts, creating tables on the way."""
    parts = dotted.split(".")
    d = data
    for p in parts[:-1]:
        nxt = d.get(p)
        if not isinstance(nxt, dict):
            nxt = d[p] = {}
        d = nxt
    d[parts[-1]] = value


def load_scenario(
    path: str | Path, overrides: dict[str, Any] | None = None, labels: dict[str, str] | None = None
) -> Scenario:
    """Read, resolve ``extends``, validate, apply ``overrides`` ({"dotted.key": value}) and validate again.

    The file must be valid on its own, whatever the overrides replace. ``path`` may name a shipped
    scenario without a path (``"baseline"``). Problems are named after the file that set the key; an
    override's after ``labels[key]`` if given (what set it, say ``"--months"``), else ``override: key``.
    An intervention that starts after the horizon is a problem in the file, and a ``ScenarioWarning``
    when an override shortens the horizon; a horizon past every time path is a warning.
    """
    path = scenario_path(path)
    if not path.exists():
        raise ScenarioError([
            f"{path}: file not found (a shipped scenario is named without a path, as in `sim run baseline`; "
            "`sim scenarios` lists them)"
        ])
    problems: list[str] = []
    origin: dict[str, Any] = {}
    data = _resolve(path.resolve(), [path.resolve()], problems, origin)
    if data is None:
        raise ScenarioError([p.replace(str(path.resolve()), str(path)) for p in problems])
    if not data.get("name"):
        data["name"] = path.stem
    _load_countries(data, path, origin, problems)
    if problems:
        raise ScenarioError(problems)
    origin = {k: (str(v) if str(v) != str(path.resolve()) else str(path)) for k, v in origin.items()}
    problems = _lines(_national_at_top(data, origin), origin, path)
    if problems:
        raise ScenarioError(problems)
    sc = validate(data, path, origin)
    _check_horizon(sc, origin, path, warn=False)
    if overrides:
        labels = labels or {}
        for dotted, value in overrides.items():
            set_dotted(data, dotted, value)
            origin.pop(dotted, None)
            origin[dotted] = Label(labels[dotted]) if dotted in labels else "override"
        problems = _lines(_national_at_top(data, overrides), origin, path)
        if problems:
            raise ScenarioError(problems)
        sc = validate(data, path, origin)
        _check_horizon(sc, origin, path, warn="months" in overrides)
    for line in _lines(_past_every_path(sc), origin, path):
        _warn(line)
    return sc


def _national_at_top(data: dict, keys) -> list[tuple[str, str]]:
    """(key, message) for each of ``keys`` (those set) that a scenario of several countries sets in a
    national block at its top: the countries' files set them, ``countries.NAME.KEY`` one country's."""
    if not data.get("countries"):
        return []
    national = [b for b in NATIONAL_BLOCKS if b != "police"] + ["police.source", "police.border"]
    msg = "a scenario of several countries takes this from each country's file (countries.NAME.{k} sets one)"
    return [(k, msg.format(k=k)) for k in keys if any(k == b or k.startswith(b + ".") for b in national)]


def _load_countries(data: dict, path: Path, origin: dict, problems: list[str]) -> None:
    """Replace the file names of ``countries`` by the countries' resolved tables, named after their
    ``name`` (or file); their keys' origins are their own files. Names are relative to the file that
    set ``countries``."""
    refs = data.get("countries")
    if refs is None or isinstance(refs, dict):
        return
    setter = Path(origin.get("countries", path))
    if not isinstance(refs, list) or not all(isinstance(r, str) for r in refs):
        problems.append(f"{setter}: countries: must be a list of file names (strings), got {show(refs)}")
        return
    tables: dict[str, dict] = {}
    for ref in refs:
        file = (setter.parent / ref).resolve()
        if not file.exists():
            problems.append(f"{setter}: countries: file '{ref}' not found (looked in {setter.parent})")
            continue
        own: dict[str, Any] = {}
        table = _resolve(file, [file], problems, own)
        if table is None:
            continue
        name = table.get("name") or file.stem
        table["name"] = name
        if name in tables:
            problems.append(f"{setter}: countries: two countries are named {name!r}")
            continue
        if isinstance(table.get("countries"), list):
            problems.append(f"{file}: countries: a country's file cannot hold countries of its own")
            continue
        tables[name] = table
        origin[f"countries.{name}"] = file
        for k, v in own.items():
            origin[f"countries.{name}.{k}"] = v
    data["countries"] = tables


def _check_horizon(sc: Scenario, origin: dict, path: Path, warn: bool) -> None:
    """Interventions after the horizon: an error, or a warning when ``warn`` (an override set the horizon)."""
    late = _after_horizon(sc)
    if not warn:
        problems = [(f"{name}.start_month", f"starts {start}, after the last simulated month "
                     f"{sc.date(sc.months)} (months = {sc.months})") for name, start in late]  # fmt: skip
        if problems:
            raise ScenarioError(_lines(problems, origin, path))
        return
    for name, start in late:
        msg = f"the run ends {sc.date(sc.months)}, before {name} starts ({start}): it has no effect"
        _warn(_lines([("months", msg)], origin, path)[0])


def _warn(message: str) -> None:
    warnings.warn(ScenarioWarning(message), stacklevel=3)
