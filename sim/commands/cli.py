"""The ``sim`` command: a thin layer over the Python API (``sim.run``, ``sim.studies.experiments``).

Bad input, whatever the command, is one ``FILE: key: message`` (or ``--option: message``) line per
problem on stderr and exit status 2, before anything runs or is written; a scenario that runs but may
not mean what was intended gets a ``warning:`` line.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings

from sim.commands import bench, calibrate, dashboard, experiments, report, run, validate
from sim.commands.options import Parser
from sim.scenario import ScenarioError, ScenarioWarning

DESCRIPTION = "Agent-based simulation of recruitment abroad, human trafficking and demographic loss."
EPILOG = """examples:
  sim scenarios                                  list the shipped scenarios
  sim run baseline                               run scenarios/baseline.toml, write results/baseline/
  sim run my.toml --months 120 --scale 50        a scenario file of your own, shorter and coarser
  sim compare baseline peacekeeper_ban           effects of an intervention, paired replications
  sim COMMAND --help                             the options of a command"""

# every sub-command, in the order ``sim --help`` lists them
COMMANDS = (
    run.register_scenarios,
    run.register_run,
    bench.register,
    experiments.register_compare,
    report.register,
    experiments.register_sweeps,
    calibrate.register,
    validate.register,
    dashboard.register,
)


def build_parser() -> argparse.ArgumentParser:
    from sim import __version__

    parser = Parser(
        prog="sim", description=DESCRIPTION, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"sim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for register in COMMANDS:
        register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("default", ScenarioWarning)  # each warning once
            warnings.showwarning = _show_warning
            return args.func(args)
    except ScenarioError as e:
        for line in e.problems:
            print(line, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader of stdout went away (`sim run ... | head`): results are written
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Every warning, the scenario's or a library's, is one ``warning: message`` line."""
    print(f"warning: {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
