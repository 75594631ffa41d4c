"""Experiment files: what to vary, how to sample it, and the deterministic list of runs it gives.

An experiment is a TOML file (``experiments/*.toml``)::

    base = "../scenarios/baseline.toml"      # relative to the experiment file, or a name: "baseline"
    design = "sobol"                         # "grid", "lhs", "sobol" or "morris"
    samples = 64                             # base sample size (not for grids)
    replications = 1                         # replication i of every point uses seed + i
    months = 120                             # default: the base scenario's
    seed = 1
    metrics = ["trafficked", "population_home"]   # names from sim.core.outputs (default: all)

    [fixed]                                  # dotted overrides applied to every run
    "population.size" = 1_000_000

    [parameters."police.raid_rate"]          # grid: levels = [...]; samplers: min/max
    min = 0.01
    max = 0.10

``load_experiment`` validates the file like a scenario: every problem is reported as
``FILE: dotted.key: what is wrong`` through ``ExperimentError`` (a ``ScenarioError``, so the ``sim``
command exits with status 2). ``Experiment.runs()`` gives the runs in a fixed order: run ``point *
replications + i`` is replication ``i`` of design point ``point`` with seed ``seed + i``.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sim.core.outputs import FLOWS, RUN_RATIOS, STOCKS
from sim.scenario import (
    NAME_PATTERN,
    PATTERN_TEXT,
    Scenario,
    ScenarioError,
    find_file,
    load_scenario,
    read_file,
    show,
)
from sim.studies.experiments.errors import ExperimentError
from sim.studies.experiments.runs import RunSpec

SAMPLERS = ("lhs", "sobol", "morris")
METRICS: tuple[str, ...] = FLOWS + STOCKS + tuple(RUN_RATIOS)  # what ``sim.summarise`` gives, one number per run


# ---------------------------------------------------------------------------------------------------
# The file's schema.


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ParameterSpec(_Strict):
    levels: list[Any] | None = Field(None, min_length=1, description="values of a grid design")
    min: float | None = Field(None, description="lower bound for a sampler")
    max: float | None = Field(None, description="upper bound for a sampler")


class ExperimentFile(_Strict):
    name: str | None = Field(
        None, pattern=NAME_PATTERN, max_length=100, description="name of the experiment and of its results folder"
    )
    description: str = ""
    base: str = Field(description="base scenario file, relative to the experiment file, or a shipped scenario's name")
    design: Literal["grid", "lhs", "sobol", "morris"]
    samples: int | None = Field(None, ge=1, le=1_000_000, description="base sample size of a sampler")
    morris_levels: int = Field(4, ge=2, le=100, description="grid levels of the Morris design")
    replications: int = Field(1, ge=1, le=10_000)
    months: int | None = Field(None, ge=1, le=1200, description="horizon (default: the base scenario's)")
    seed: int = Field(1, ge=0, le=2**31 - 1)
    metrics: list[str] | None = Field(None, min_length=1, description="summary metrics (default: all)")
    fixed: dict[str, Any] = Field(default_factory=dict, description="dotted overrides for every run")
    parameters: dict[str, ParameterSpec] = Field(min_length=1, description="dotted keys to vary")


# ---------------------------------------------------------------------------------------------------
# The resolved experiment.


@dataclass(frozen=True)
class Parameter:
    """One varied parameter: a dotted key with grid levels or sampler bounds."""

    key: str
    levels: tuple[Any, ...] | None = None
    min: float | None = None
    max: float | None = None
    integer: bool = False  # sampled values are rounded (the scenario field is a whole number)

    def value(self, x: Any) -> Any:
        """The value given to the scenario for design value ``x``."""
        if self.levels is not None:
            return x
        return int(round(float(x))) if self.integer else float(x)


@dataclass(frozen=True)
class Experiment:
    """A validated experiment: base scenario (with ``fixed`` applied), parameters, design, runs."""

    name: str
    file: str
    description: str
    base_file: str
    base: Scenario  # the base scenario with ``fixed`` and ``months`` applied
    design: str
    parameters: tuple[Parameter, ...]
    replications: int
    months: int
    seed: int
    metrics: tuple[str, ...]
    fixed: dict[str, Any] = field(default_factory=dict)
    samples: int | None = None
    morris_levels: int = 4

    @property
    def keys(self) -> list[str]:
        return [p.key for p in self.parameters]

    def problem(self) -> dict:
        """The SALib problem of a sampler design."""
        return {
            "num_vars": len(self.parameters),
            "names": self.keys,
            "bounds": [[p.min, p.max] for p in self.parameters],
        }

    def design_matrix(self) -> np.ndarray:
        """The sampler's matrix (one row per design point, before rounding); not for grids."""
        from SALib.sample import latin, morris, sobol

        problem, n = self.problem(), self.samples
        match self.design:
            case "lhs":
                return latin.sample(problem, n, seed=self.seed)
            case "sobol":
                return sobol.sample(problem, n, calc_second_order=False, seed=self.seed)
            case "morris":
                return morris.sample(problem, n, num_levels=self.morris_levels, seed=self.seed)
        raise ValueError(f"design {self.design!r} has no sampler matrix")

    def points(self) -> list[dict[str, Any]]:
        """The design points: one ``{dotted key: value}`` per point, in a fixed order."""
        if self.design == "grid":
            rows = itertools.product(*(p.levels for p in self.parameters))
        else:
            rows = self.design_matrix().tolist()
        return [{p.key: p.value(x) for p, x in zip(self.parameters, row)} for row in rows]

    def runs(self) -> list[RunSpec]:
        """Every run: replication ``i`` of each point uses ``seed + i`` (common random numbers)."""
        return [
            RunSpec(point * self.replications + i, self.base, values, self.seed + i, point=point, replication=i)
            for point, values in enumerate(self.points())
            for i in range(self.replications)
        ]

    def to_dict(self) -> dict:
        """The experiment as resolved (JSON-ready): what the manifest records."""
        return {
            "name": self.name,
            "file": self.file,
            "description": self.description,
            "base_file": self.base_file,
            "design": self.design,
            "samples": self.samples,
            "morris_levels": self.morris_levels if self.design == "morris" else None,
            "replications": self.replications,
            "months": self.months,
            "seed": self.seed,
            "metrics": list(self.metrics),
            "fixed": self.fixed,
            "parameters": {
                p.key: {"levels": list(p.levels)} if p.levels is not None else {"min": p.min, "max": p.max, "integer": p.integer}
                for p in self.parameters
            },
            "base": self.base.model_dump(mode="json"),
        }

    @property
    def fingerprint(self) -> str:
        """A hash of everything that decides the runs (not names, file paths or the metrics tabulated)."""
        d = self.to_dict()
        for k in ("name", "file", "description", "base_file", "metrics"):
            d.pop(k)
        return hashlib.sha256(json.dumps(d, sort_keys=True).encode()).hexdigest()


# ---------------------------------------------------------------------------------------------------
# Loading and validation.


def as_experiment(experiment: Experiment | str | Path, months: int | None = None, reps: int | None = None) -> Experiment:
    """``experiment`` itself, or the file loaded with ``months`` and ``reps`` replacing its values."""
    if not isinstance(experiment, Experiment):
        return load_experiment(experiment, months=months, reps=reps)
    if months is not None or reps is not None:
        raise ValueError("months and reps replace the values of an experiment file: pass the file, not an Experiment")
    return experiment


def _flatten(d: dict, prefix: str = "", stop=lambda v: not isinstance(v, dict)) -> dict[str, Any]:
    """``{"a": {"b": 1}}`` -> ``{"a.b": 1}`` (TOML writes ``a.b = 1`` unquoted as nested tables)."""
    out: dict[str, Any] = {}
    for k, v in d.items():
        if stop(v) or not v:
            out[prefix + k] = v
        else:
            out.update(_flatten(v, f"{prefix}{k}.", stop))
    return out


def _is_spec(v: Any) -> bool:
    return not isinstance(v, dict) or bool({"levels", "min", "max"} & set(v))


def _message(err: dict) -> str:
    match err["type"]:
        case "extra_forbidden":
            return "unknown key"
        case "missing":
            return "required value is missing"
        case "string_pattern_mismatch":
            return f"{PATTERN_TEXT.get(err['ctx']['pattern'], err['msg'])}, got {show(err['input'])}"
    return f"{err['msg']} (got {show(err.get('input'))})"


def _without_source(problem: str, key: str) -> str:
    """``"SRC: key: message"`` -> ``"message"`` (or ``"other.key: message"`` for another key)."""
    rest = problem.split(": ", 1)[-1]
    return rest.removeprefix(f"{key}: ")


_MISSING = object()


def _lookup(data: Any, dotted: str) -> Any:
    """The value at ``a.b.c`` in nested dicts, or ``_MISSING``."""
    for part in dotted.split("."):
        if not isinstance(data, dict) or part not in data:
            return _MISSING
        data = data[part]
    return data


def load_experiment(path: str | Path, *, months: int | None = None, reps: int | None = None) -> Experiment:
    """Read and validate an experiment file (a path or a shipped experiment's name, as ``find_file`` takes
    them); ``months`` and ``reps`` replace the file's values."""
    try:
        path = find_file(path, "experiment")
        raw = read_file(path, "experiment")
    except ScenarioError as e:
        raise ExperimentError(e.problems) from None
    f = str(path)
    if isinstance(raw.get("parameters"), dict):
        raw["parameters"] = _flatten(raw["parameters"], stop=_is_spec)
    if isinstance(raw.get("fixed"), dict):
        raw["fixed"] = _flatten(raw["fixed"])
    if months is not None:
        raw["months"] = months
    if reps is not None:
        raw["replications"] = reps
    try:
        spec = ExperimentFile.model_validate(raw)
    except ValidationError as e:
        raise ExperimentError(
            [f"{f}: {'.'.join(str(p) for p in err['loc']) or '(top level)'}: {_message(err)}" for err in e.errors()]
        ) from None

    problems = _design_problems(spec, f)
    try:
        base_path = find_file(spec.base, holder=path, key="base").resolve()
    except ScenarioError as e:
        raise ExperimentError([*problems, *e.problems]) from None
    base = _load_base(spec, f, base_path, problems)
    if base is None:
        raise ExperimentError(problems)
    data = base.model_dump(mode="python")
    params = [_parameter(spec, key, data, base_path, f, problems) for key in spec.parameters]
    if problems:
        raise ExperimentError(problems)
    return Experiment(
        name=spec.name or path.stem,
        file=f,
        description=spec.description,
        base_file=str(base_path),
        base=base,
        design=spec.design,
        parameters=tuple(params),
        replications=spec.replications,
        months=base.months,
        seed=spec.seed,
        metrics=tuple(spec.metrics or METRICS),
        fixed=spec.fixed,
        samples=spec.samples,
        morris_levels=spec.morris_levels,
    )


def _design_problems(spec: ExperimentFile, f: str) -> list[str]:
    problems = []
    if spec.seed + spec.replications - 1 > 2**31 - 1:
        problems.append(f"{f}: seed: seed + replications - 1 must stay below 2**31 (got seed {spec.seed})")
    if spec.design == "grid" and spec.samples is not None:
        problems.append(f"{f}: samples: a grid has no sample size (its points are all level combinations)")
    if spec.design in SAMPLERS and spec.samples is None:
        problems.append(f"{f}: samples: required for design = {spec.design!r}")
    if spec.design == "sobol" and spec.samples is not None and spec.samples & (spec.samples - 1):
        problems.append(f"{f}: samples: Sobol sequences need a power of 2 (got {spec.samples})")
    if spec.design != "morris" and "morris_levels" in spec.model_fields_set:
        problems.append(f"{f}: morris_levels: only for design = 'morris'")
    for m in spec.metrics or []:
        if m not in METRICS:
            problems.append(f"{f}: metrics: unknown output {m!r} (known: {', '.join(METRICS)})")
    if spec.metrics and len(set(spec.metrics)) != len(spec.metrics):
        problems.append(f"{f}: metrics: a metric is listed twice")
    for key in spec.parameters:
        if key in spec.fixed:
            problems.append(f"{f}: parameters.{key}: also set in [fixed]")
    return problems


def _load_base(spec: ExperimentFile, f: str, base_path: Path, problems: list[str]) -> Scenario | None:
    """The base scenario with ``fixed`` and ``months`` applied; problems in ``fixed`` name this file."""
    over = dict(spec.fixed)
    if spec.months is not None:
        over["months"] = spec.months
    try:
        return load_scenario(base_path, over, _labels(spec, f))
    except ScenarioError as e:
        problems.extend(e.problems)
        return None


def _labels(spec: ExperimentFile, f: str) -> dict[str, str]:
    """What stands for the overrides of the experiment file in messages: ``FILE: fixed.key``."""
    return {**{k: f"{f}: fixed.{k}" for k in spec.fixed}, "months": f"{f}: months"}


def _parameter(spec: ExperimentFile, key: str, data: dict, base_path: Path, f: str, problems: list[str]) -> Parameter:
    """Check one varied parameter against the scenario; each level or bound is tried on the base."""
    p, where = spec.parameters[key], f"{f}: parameters.{key}"
    current = _lookup(data, key)
    if current is _MISSING:
        problems.append(f"{where}: not a parameter of the scenario {base_path.name}")
        return Parameter(key)
    if spec.design == "grid":
        if p.levels is None or p.min is not None or p.max is not None:
            problems.append(f"{where}: a grid needs levels = [...] (and no min/max)")
            return Parameter(key)
        trial, param = list(p.levels), Parameter(key, levels=tuple(p.levels))
    else:
        if p.levels is not None or p.min is None or p.max is None:
            problems.append(f"{where}: design {spec.design!r} needs min and max (and no levels)")
            return Parameter(key)
        if current is None:  # an optional number (``market.demand_population``): the bounds are tried below
            current = float(p.min)
        if isinstance(current, bool) or not isinstance(current, int | float):
            problems.append(f"{where}: a sampler varies numbers; the scenario's value is {current!r}")
            return Parameter(key)
        if not p.min < p.max:
            problems.append(f"{where}: min must be below max (got {p.min} and {p.max})")
            return Parameter(key)
        param = Parameter(key, min=p.min, max=p.max, integer=isinstance(current, int))
        trial = [param.value(p.min), param.value(p.max)]
    over = {**spec.fixed, **({"months": spec.months} if spec.months is not None else {})}
    for value in trial:
        try:
            load_scenario(base_path, {**over, key: value}, _labels(spec, f))
        except ScenarioError as e:
            problems.extend(f"{where}: value {value!r}: {_without_source(line, key)}" for line in e.problems)
    return param

