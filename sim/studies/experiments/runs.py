"""One run as a pure function (spec in, monthly table or error out), and many runs with a progress bar.

A run's result depends only on its spec: the resolved scenario, the dotted overrides and the seed. A run
that raises is returned as ``failed`` with a one-line error instead of stopping its batch.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

import pandas as pd

from sim.engine.runner import run
from sim.scenario import Scenario, ScenarioError
from sim.studies.experiments.executors import Executor


@dataclass(frozen=True)
class RunSpec:
    """Run ``run_id``: ``scenario`` with ``overrides`` ({dotted key: value}) and ``seed``."""

    run_id: int
    scenario: Scenario
    overrides: dict[str, Any] = field(default_factory=dict)
    seed: int = 1
    point: int = 0  # design point (or scenario) index
    replication: int = 0


@dataclass
class RunOutcome:
    run_id: int
    status: str  # "ok" or "failed"
    error: str = ""
    timeseries: pd.DataFrame | None = None  # the monthly table of an ``ok`` run


def one_line(e: BaseException) -> str:
    """An exception as one line of text (scenario problems joined by '; ')."""
    text = "; ".join(e.problems) if isinstance(e, ScenarioError) else f"{e.__class__.__name__}: {e}"
    return " ".join(text.split())


def execute(spec: RunSpec) -> RunOutcome:
    """Run one spec; never raises for a problem of the run itself."""
    try:
        df = run(spec.scenario, seed=spec.seed, overrides=spec.overrides)
    except Exception as e:  # a failed run is a result to record, not a reason to stop the batch
        return RunOutcome(spec.run_id, "failed", one_line(e))
    # the provenance holds a wall time: keep results a pure function of the spec (and the countries' tables)
    df.attrs = {k: v for k, v in df.attrs.items() if k == "by_country"}
    return RunOutcome(spec.run_id, "ok", timeseries=df)


def run_all(
    specs: Iterable[RunSpec],
    executor: Executor,
    *,
    progress: bool | None = None,
    total: int | None = None,
    done: int = 0,
    label: str = "runs",
) -> Iterator[RunOutcome]:
    """Execute ``specs`` on ``executor`` and yield outcomes as they finish (in any order).

    ``progress`` (default: when stderr is a terminal) shows runs done out of ``total`` (``done`` of them
    before this call), failures, rate and time left on stderr.
    """
    from tqdm import tqdm

    specs = list(specs)
    show = sys.stderr.isatty() if progress is None else progress
    bar = tqdm(total=total or len(specs), initial=done, unit="run", desc=label, file=sys.stderr, disable=not show)
    failed = 0
    with bar:
        bar.set_postfix_str("failed 0")
        for outcome in executor.map_unordered(execute, specs):
            failed += outcome.status != "ok"
            bar.set_postfix_str(f"failed {failed}", refresh=False)
            bar.update()
            yield outcome
