"""The state of one browser tab (Solara keeps module-level reactives and tasks per tab), the scenarios the
page lists, and the work it sends to a background thread: a run, and its comparison with the baseline."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pandas as pd
import solara

from sim.core.outputs import columns as output_columns
from sim.dashboard.levers import edited
from sim.engine.model import MigrationModel
from sim.engine.runner import run
from sim.scenario import SCENARIOS_DIR, Scenario, load_scenario, shipped_files

BASELINE = "baseline"
REPS = 5  # replications of a comparison from the page, by default
PROGRESS_EVERY = 6  # months between two updates of the progress bar


def page_scenarios() -> dict[str, Path]:
    """The shipped scenarios and country presets (``sim.scenario.shipped_files``) by the name the page shows
    (``countries/NAME`` for a preset): the baseline first, then the other scenarios, then the presets."""
    by_name = {p.relative_to(SCENARIOS_DIR).with_suffix("").as_posix(): p for p in shipped_files()}
    return dict(sorted(by_name.items(), key=lambda kv: (kv[0] != BASELINE, kv[0].startswith("countries/"), kv[0])))


def frame(model: MigrationModel) -> pd.DataFrame:
    """The months a model has recorded so far, as ``sim.run`` returns them."""
    return pd.DataFrame(model.rows, columns=output_columns(model.params.destinations))


def compare_with_baseline(sc: Scenario, reps: int = REPS, workers: int | None = None):
    """``sim.studies.experiments.compare`` of ``sc`` against the baseline (same months, scale and seeds)."""
    from sim.studies.experiments import compare

    base = load_scenario(page_scenarios()[BASELINE])
    return compare(base, [sc], reps=reps, seed=sc.seed, months=sc.months, scale=sc.scale, workers=workers)


scenario_name = solara.reactive(BASELINE)
values: solara.Reactive[dict] = solara.reactive({})
compare_on = solara.reactive(False)
reps = solara.reactive(REPS)
progress = solara.reactive(0.0)
status = solara.reactive("")
shown: solara.Reactive[pd.DataFrame | None] = solara.reactive(None)  # the run on show
effects: solara.Reactive[Any] = solara.reactive(None)  # the last comparison


class _Stopped(Exception):
    """A newer run replaced this one."""


def selected_scenario() -> Scenario:
    """The scenario picked in this tab, as its file has it."""
    return load_scenario(page_scenarios()[scenario_name.value])


def current_scenario() -> Scenario:
    """The scenario picked in this tab, with its levers as set."""
    return edited(selected_scenario(), values.value)


@solara.lab.task(prefer_threaded=True)
def run_task(sc: Scenario, with_compare: bool, n_reps: int):
    """A run (and the comparison when asked) in a background thread; returns the run's table."""
    progress.set(0.0)
    effects.set(None)
    t0 = time.perf_counter()

    def on_month(done: int, total: int) -> None:
        if not run_task.is_current():
            raise _Stopped
        if done == total or done % PROGRESS_EVERY == 0:
            progress.set(done / total)
            status.set(f"running {sc.name}: month {done} of {total}")

    try:
        df = run(sc, progress=on_month)
    except _Stopped:
        return None
    seconds = time.perf_counter() - t0
    shown.set(df)
    status.set(f"{sc.name}: {sc.months} months in {seconds:.1f} s")
    if with_compare:
        if sc.name == BASELINE:
            status.set(status.value + "; the baseline itself: change a lever or pick another scenario to compare")
            return df
        status.set(f"comparing {sc.name} with {BASELINE}: {2 * n_reps} runs of about {seconds:.1f} s each ...")
        t1 = time.perf_counter()
        c = compare_with_baseline(sc, n_reps)
        if not run_task.is_current():
            return None
        effects.set(c)
        took = time.perf_counter() - t1
        status.set(f"{sc.name}: run in {seconds:.1f} s; comparison, {n_reps} paired replications, in {took:.1f} s")
    return df
