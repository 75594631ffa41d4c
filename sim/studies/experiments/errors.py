"""The errors of the experiment layer, each mapped by the ``sim`` command to a message and an exit status."""

from __future__ import annotations

from sim.scenario import ScenarioError


class ExperimentError(ScenarioError):
    """Problems in an experiment file, its output folder or the options; one ``FILE: key: message`` line each.

    A ``ScenarioError``: the ``sim`` command prints the lines and exits with status 2.
    """


class RunsFailed(RuntimeError):
    """Runs that did not complete where they are needed (a comparison, a sensitivity analysis), or runs that
    an executor lost (a worker process or the cluster went away). The ``sim`` command exits with status 1."""
