"""The calibration file (TOML): its schema, its checks, and the validated ``Calibration``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sim.core.outputs import lookup
from sim.scenario import Scenario, ScenarioError, find_file, load_scenario, read_file


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Prior(_Strict):
    low: float = Field(description="lowest value of the uniform prior")
    high: float = Field(description="highest value of the uniform prior")
    source: str = Field("assumption", description="where the range comes from")


class Target(_Strict):
    output: str | list[str] = Field(description="a column of the run's table, or several to add up")
    country: str | None = Field(None, description="the source country whose row is read (a run of several)")
    years: list[int] = Field(min_length=1, description="calendar years of the published figures")
    observed: list[float] = Field(min_length=1, description="the published figures, one per year")
    low: list[float] = Field(min_length=1, description="lower ends of their uncertainty, one per year")
    high: list[float] = Field(min_length=1, description="upper ends of their uncertainty, one per year")
    share: float = Field(1.0, gt=0, description="observation model: published = share x the model's output")
    source: str = Field(description="the publication")
    description: str = ""


class CalibrationFile(_Strict):
    scenario: str = Field(
        description="the scenario file, relative to the calibration file, or a shipped scenario's name"
    )
    description: str = ""
    scale: float | None = Field(None, ge=1, description="resolution of the calibration's runs")
    months: int | None = Field(None, ge=1, le=1200, description="months simulated (default: the scenario's)")
    seed: int = Field(1, ge=0, description="seed of the calibration (its runs' seeds derive from it)")
    particles: int = Field(20, ge=2, le=10_000, description="ABC-SMC population size")
    generations: int = Field(4, ge=1, le=100, description="populations at most")
    budget: int = Field(400, ge=2, description="runs at most")
    fit_until: int | None = Field(None, description="targets' years after this are out of sample")
    parameters: dict[str, Prior] = Field(min_length=1)
    targets: dict[str, Target] = Field(min_length=1)


@dataclass
class Calibration:
    """A validated calibration file: its spec, its scenario, and where it came from."""

    spec: CalibrationFile
    scenario: Scenario
    path: Path

    @property
    def keys(self) -> list[str]:
        return list(self.spec.parameters)

    def target_years(self) -> list[tuple[str, int, bool]]:
        """(target, year, in sample) of every published figure, in file order."""
        until = self.spec.fit_until
        return [(n, y, until is None or y <= until) for n, t in self.spec.targets.items() for y in t.years]

    def observed(self) -> dict[str, tuple[float, float, float]]:
        """``target:year`` -> (observed, low, high)."""
        return {
            f"{n}:{y}": (o, lo, hi)
            for n, t in self.spec.targets.items()
            for y, o, lo, hi in zip(t.years, t.observed, t.low, t.high)
        }


def load_calibration(path: str | Path, budget: int | None = None) -> Calibration:
    """Read and validate a calibration file (a path or a shipped calibration's name, as ``find_file`` takes
    them); every problem is one ``FILE: key: message`` line of a
    ``ScenarioError``. ``budget`` (``--budget``) replaces the file's."""
    path = find_file(path, "calibration")
    data = read_file(path, "calibration")
    if budget is not None:
        data["budget"] = budget
    try:
        spec = CalibrationFile.model_validate(data)
    except ValidationError as e:
        lines = []
        for err in e.errors():
            key = ".".join(str(p) for p in err["loc"]) or "(top level)"
            key = "--budget" if key == "budget" and budget is not None else f"{path}: {key}"
            msg = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
            lines.append(f"{key}: {msg}")
        raise ScenarioError(lines) from None
    scenario_file = find_file(spec.scenario, holder=path, key="scenario").resolve()
    top = {k: v for k, v in (("scale", spec.scale), ("months", spec.months)) if v is not None}
    sc = load_scenario(scenario_file, top or None)
    problems = _problems(spec, sc, scenario_file)
    if problems:
        raise ScenarioError([f"{path}: {k}: {m}" for k, m in problems])
    return Calibration(spec, sc, path)


def _problems(spec: CalibrationFile, sc: Scenario, scenario_file: Path) -> list[tuple[str, str]]:
    out = []
    for key, prior in spec.parameters.items():
        where = f"parameters.{key}"
        if not prior.low < prior.high:
            out.append((where, f"low ({prior.low:g}) must be below high ({prior.high:g})"))
            continue
        for value in (prior.low, prior.high):
            try:
                load_scenario(scenario_file, {key: value, **_top(spec)})
            except ScenarioError as e:
                why = e.problems[0].split(": ", 1)[-1]
                out.append((where, f"{value:g} is not a value of the scenario's {key}: {why}"))
                break
    first, last = int(sc.year(1)), int(sc.year(sc.months))
    for name, t in spec.targets.items():
        where = f"targets.{name}"
        columns = columns_of(t)
        for c in columns:
            if lookup(c) is None:
                out.append((f"{where}.output", f"unknown output {c!r} (sim.core.outputs lists them)"))
        if len({lookup(c).kind for c in columns if lookup(c) is not None}) > 1:
            out.append((f"{where}.output", "outputs added up must all be flows or all stocks"))
        if t.country is not None and t.country not in (sc.countries or {sc.name: None}):
            known = ", ".join(sc.countries or [sc.name])
            out.append((f"{where}.country", f"unknown country {t.country!r} (known: {known})"))
        if not len(t.years) == len(t.observed) == len(t.low) == len(t.high):
            out.append((where, "years, observed, low and high must have one value each per year"))
            continue
        for y, o, lo, hi in zip(t.years, t.observed, t.low, t.high):
            if not lo <= o <= hi:
                out.append((f"{where}.observed", f"{o:g} ({y}) must lie within [low, high] = [{lo:g}, {hi:g}]"))
            if not first <= y <= last:
                out.append((f"{where}.years", f"{y} is outside the simulated years {first}-{last}"))
    return out


def columns_of(t: Target) -> list[str]:
    """The outputs a target reads (one, or several to add up)."""
    return [t.output] if isinstance(t.output, str) else list(t.output)


def _top(spec: CalibrationFile) -> dict:
    return {k: v for k, v in (("scale", spec.scale), ("months", spec.months)) if v is not None}
