"""Loading a scenario: files, ``extends``, overrides, the countries of a run, and the shipped scenarios."""

from __future__ import annotations

import copy
import difflib
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
from sim.scenario.folders import KINDS
from sim.scenario.schema import NATIONAL_BLOCKS, Scenario

MAX_SUGGESTED = 3  # shipped names suggested for a name that resolves nowhere
NAME_CUTOFFS = (0.8, 0.6)  # difflib similarity of a suggested name: the closest tier that has any


def find_file(ref: str | Path, kind: str = "scenario", *, holder: Path | None = None, key: str = "") -> Path:
    """The file that ``ref`` names, the one way a scenario, an experiment or a calibration file is named
    (a command's argument, ``extends``, ``countries``, an experiment's ``base``, a calibration's
    ``scenario``): a path, relative to the working directory or, when ``holder`` is given, to the folder of
    ``holder``, the file whose ``key`` names it; else a shipped file of ``kind`` named by its path in the
    kind's folder, with or without ``.toml`` (``baseline``, ``countries/moldova``; ``moldova`` for a
    calibration). Raises ``ScenarioError`` with one line when the name is empty, names a folder or names
    nothing (with the closest shipped names)."""
    k = KINDS[kind]
    where = f"{holder}: {key}: " if holder is not None else ""
    text = str(ref)
    if not text.strip():
        empty = f"the {kind} name is empty: give {_a(kind)} file or a shipped {kind}'s name ({_listed(kind)})"
        raise ScenarioError([where + empty])
    path = Path(text)
    given = holder.parent / path if holder is not None else path
    if given.is_dir():
        folder = f"{where}{text} is" if holder is not None else f"{text}:"
        raise ScenarioError([f"{folder} a directory, not {_a(kind)} file"])
    if given.exists():
        return given
    if not path.is_absolute():
        for shipped in (k.folder / path, k.folder / f"{text}.toml"):
            if shipped.is_file():
                return shipped
    names = shipped_names(kind)
    close = _closest(text.removesuffix(".toml"), names) or _closest(path.name.removesuffix(".toml"), names)
    looked = (
        f"file '{text}' not found (looked in {holder.parent} and among the shipped {kind}s)"
        if holder
        else f"{text}: file not found"
    )
    if close:
        hint = f"; did you mean {' or '.join(close)}? ({_listed(kind)})"
    else:
        hint = f" (a shipped {kind} is named by its file in {k.folder.name}/, as in {_example(kind)}; {_listed(kind)})"
    raise ScenarioError([f"{where}{looked}{hint}"])


def _closest(name: str, names: list[str]) -> list[str]:
    """The shipped names closest to ``name``: the very close ones if any, else the fairly close ones."""
    for cutoff in NAME_CUTOFFS:
        if close := difflib.get_close_matches(name, names, n=MAX_SUGGESTED, cutoff=cutoff):
            return close
    return []


def _a(kind: str) -> str:
    return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}"


def _listed(kind: str) -> str:
    if kind == "scenario":
        return "`sim scenarios` lists them"
    return f"shipped: {', '.join(shipped_names(kind))}"


def _example(kind: str) -> str:
    return f"`{KINDS[kind].commands[0]} {shipped_names(kind)[0] if kind != 'scenario' else 'baseline'}`"


def shipped_files(kind: str = "scenario") -> list[Path]:
    """The shipped files of ``kind`` (``KINDS``), those of its folder, then of its sub-folders (the country
    presets); files starting with ``_`` hold shared parts only."""
    folder = KINDS[kind].folder
    files = sorted(folder.glob("*.toml")) + sorted(folder.glob("*/*.toml"))
    return [p for p in files if not p.name.startswith("_")]


def shipped_names(kind: str = "scenario") -> list[str]:
    """The names ``find_file`` takes for the shipped files of ``kind``: ``baseline``, ``countries/moldova``."""
    return [p.relative_to(KINDS[kind].folder).with_suffix("").as_posix() for p in shipped_files(kind)]


def shipped_scenarios() -> list[tuple[str, str]]:
    """(name, description) of every shipped scenario, sorted by name; a country preset is named after its
    file in ``scenarios/`` (``countries/moldova``), as ``sim run`` takes it."""
    return sorted((name, load_scenario(p).description) for name, p in zip(shipped_names(), shipped_files()))


def wrong_kind(path: Path | str, data: dict, kind: str) -> str | None:
    """The line for a file given as ``kind`` that is of another kind, recognised by the keys only that kind
    has (``FileKind.markers``); None if it may be of ``kind`` (its own problems are then reported)."""
    if any(m in data for m in KINDS[kind].markers):
        return None
    for other in KINDS.values():
        if other.name != kind and any(m in data for m in other.markers):
            takes = " or ".join(f"`{c}`" for c in other.commands)
            return f"{path}: this is {_a(other.name)} file, not {_a(kind)} file ({takes} takes it)"
    return None


def read_file(path: Path, kind: str) -> dict:
    """The table of the TOML file ``path`` given as ``kind``; ``ScenarioError`` with one line if it cannot be
    read or parsed, or is of another kind (``wrong_kind``)."""
    problems: list[str] = []
    data = _read_toml(path, problems)
    if data is None:
        raise ScenarioError(problems)
    if (line := wrong_kind(path, data, kind)) is not None:
        raise ScenarioError([line])
    return data


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
    if (line := wrong_kind(path, data, "scenario")) is not None:
        problems.append(line)
        return None
    parent_ref = data.pop("extends", None)
    if parent_ref is None:
        for k in _flat_keys(data):
            origin.setdefault(k, path)
        return data
    if not isinstance(parent_ref, str):
        problems.append(f"{path}: extends: must be a file name (a string)")
        return None
    try:
        parent = find_file(parent_ref, holder=path, key="extends").resolve()
    except ScenarioError as e:
        problems.extend(e.problems)
        return None
    if parent in chain:
        cycle = " -> ".join(p.name for p in [*chain, parent])
        problems.append(f"{path}: extends: circular chain {cycle}")
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

    The file must be valid on its own, whatever the overrides replace. ``path`` is a file or a shipped
    scenario's name (``"baseline"``), as ``find_file`` takes them. Problems are named after the file that
    set the key; an override's after ``labels[key]`` if given (what set it, say ``"--months"``), else ``override: key``.
    An intervention that starts after the horizon is a problem in the file, and a ``ScenarioWarning``
    when an override shortens the horizon; a horizon past every time path is a warning.
    """
    path = find_file(path)
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
    ``name`` (or file); their keys' origins are their own files. Names are files relative to the file
    that set ``countries`` or shipped scenarios' names (``find_file``)."""
    refs = data.get("countries")
    if refs is None or isinstance(refs, dict):
        return
    setter = Path(origin.get("countries", path))
    if not isinstance(refs, list) or not all(isinstance(r, str) for r in refs):
        problems.append(f"{setter}: countries: must be a list of file names (strings), got {show(refs)}")
        return
    tables: dict[str, dict] = {}
    for ref in refs:
        try:
            file = find_file(ref, holder=setter, key="countries").resolve()
        except ScenarioError as e:
            problems.extend(e.problems)
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
