"""Benchmark: the full model at a given number of person-agents, vectorised or reference engine.

``bench(agents, months)`` runs the scenario (the baseline unless told otherwise) with ``agents``
person-agents at the start, one agent per person (``population.size = agents``, ``scale = 1``; the
baseline's markets are per 100,000 residents, so every process stays active at any size; a scenario
of several countries runs at one agent per person of each), and
returns one dict; ``sim bench`` (``sim.commands.bench``) prints it as one JSON line:

- ``engine``: ``vectorised`` (``sim.engine.model``) or ``reference`` (``sim.engine.reference``);
- ``agents``, ``months`` (a scenario of several countries runs at one agent per person of each);
- ``seconds``: wall time of the months only (building the model is ``setup_seconds``; the compiled
  passes are loaded beforehand by a small warm-up run, a one-off cost of the process);
- ``person_months_per_s``: agents x months / seconds;
- ``peak_rss_mb``: peak resident memory of the process;
- ``bytes_per_agent``: memory of the person state divided by agents. Vectorised: the person arrays
  in use at the end (``Population.nbytes``). Reference: the Python heap allocated to build the model
  (traced by ``tracemalloc``), less the person arrays it starts from, at the start;
- ``countries``: the source countries of the run; ``threads``: the threads of the compiled passes
  (both cores by default; ``NUMBA_NUM_THREADS=1`` runs on one).
"""

from __future__ import annotations

import resource
import time
import tracemalloc
import warnings
from pathlib import Path
from typing import Any

import numba

from sim.core.population import FIELDS, Population
from sim.engine.runner import model_class, resolve
from sim.scenario import SCENARIOS_DIR, ScenarioError, ScenarioWarning

BASELINE = SCENARIOS_DIR / "baseline.toml"
WARM_UP_AGENTS = 2_000
DEFAULT_AGENTS = 1_000_000


def bench(
    agents: int | None, months: int, scenario: str | Path | None = None, reference: bool = False
) -> dict[str, Any]:
    """Run the model at ``agents`` person-agents for ``months`` and measure it (see the module doc).

    A scenario of several countries runs at one agent per person of its countries (``agents`` must
    then be None)."""
    engine = "reference" if reference else "vectorised"
    cls = model_class(engine)
    path = BASELINE if scenario is None else scenario
    labels = {"population.size": "--agents", "months": "--months"}
    if resolve(path).countries:
        if agents is not None:
            raise ScenarioError([f"--agents: {path} holds several countries; it runs at one agent per person of "
                                 "each (leave --agents out)"])  # fmt: skip
        sc = resolve(path, None, labels, scale=1, months=int(months))
        agents = sc.residents
    else:
        agents = DEFAULT_AGENTS if agents is None else agents
        sc = resolve(path, {"population.size": int(agents)}, labels, scale=1, months=int(months))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScenarioWarning)  # the warm-up's one month is not the user's horizon
        cls(resolve(BASELINE, {"population.size": WARM_UP_AGENTS}, scale=1, months=1)).run()  # loads compiled passes

    t0 = time.perf_counter()
    if reference:
        tracemalloc.start()
        model = cls(sc)
        traced = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        person_bytes = traced - _array_bytes(model.countries[0].pop)  # one country
    else:
        model = cls(sc)
    setup = time.perf_counter() - t0

    t0 = time.perf_counter()
    model.run()
    seconds = time.perf_counter() - t0
    if not reference:
        person_bytes = sum(c.pop.nbytes() for c in model.countries)
    return {
        "engine": engine,
        "agents": int(agents),
        "months": int(months),
        "seconds": round(seconds, 4),
        "person_months_per_s": round(agents * months / seconds),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "bytes_per_agent": round(person_bytes / agents, 1),
        "setup_seconds": round(setup, 3),
        "scenario": sc.name,
        "countries": [c.name for c in model.countries],
        "threads": numba.get_num_threads(),
    }


def _array_bytes(pop: Population) -> int:
    """Bytes allocated to the arrays of a ``Population`` (its whole capacity)."""
    return sum(getattr(pop, name).nbytes for name in FIELDS) + pop.abroad_ids.nbytes
