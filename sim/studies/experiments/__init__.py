"""Experiments on the model: paired comparisons, sweeps and sensitivity analyses, locally or on Dask.

The Python API (the ``sim compare``, ``sim sweep`` and ``sim sensitivity`` commands are thin layers
over it); everything returns pandas DataFrames::

    from sim import experiments as ex
    c = ex.compare("scenarios/baseline.toml", ["scenarios/peacekeeper_ban.toml"], reps=10)
    c.effects                                  # effect, 95% CI, relative effect per scenario and metric
    runs = ex.sweep("experiments/unemployment_x_enforcement.toml", "results/uxe", workers=2)
    ts = ex.read_timeseries("results/uxe")     # monthly rows of every run, keyed by run_id
    idx = ex.sensitivity("experiments/morris.toml", scheduler="tcp://127.0.0.1:8786")

Experiments see the model only through ``sim.run`` and ``sim.summarise``.
"""

from sim.studies.experiments.compare import (
    DEFAULT_METRICS,
    Comparison,
    compare,
    effects_table,
    paired_effects,
    read_comparison,
    write_comparison,
)
from sim.studies.experiments.design import Experiment, load_experiment
from sim.studies.experiments.errors import ExperimentError, RunsFailed
from sim.studies.experiments.sensitivity import analyse, sensitivity
from sim.studies.experiments.store import read_runs, read_timeseries
from sim.studies.experiments.sweep import sweep

__all__ = [
    "DEFAULT_METRICS",
    "Comparison",
    "Experiment",
    "ExperimentError",
    "RunsFailed",
    "analyse",
    "compare",
    "effects_table",
    "load_experiment",
    "paired_effects",
    "read_comparison",
    "read_runs",
    "read_timeseries",
    "sensitivity",
    "sweep",
    "write_comparison",
]
