"""The ``sim bench`` command: the measurement of ``sim.studies.bench``, printed as one JSON line."""

from __future__ import annotations

import json

from sim.commands.options import bounded

MAX_MONTHS = 1200
DEFAULT_MONTHS = 24


def cmd_bench(args) -> int:
    from sim.studies.bench import bench

    print(json.dumps(bench(args.agents, args.months, args.scenario, args.reference)))
    return 0


def register(subparsers) -> None:
    """The ``sim bench`` sub-command."""
    p = subparsers.add_parser("bench", help="time the full model at a given size; print one JSON line")
    p.add_argument(
        "--agents", type=bounded(int, 1), default=None,
        help="person-agents at the start (default 1,000,000; a scenario of several countries runs at its own sizes)",
    )  # fmt: skip
    p.add_argument("--months", type=bounded(int, 1, MAX_MONTHS), default=DEFAULT_MONTHS,
                   help="months to simulate (default 24)")  # fmt: skip
    p.add_argument("--scenario", help="scenario file or shipped scenario's name (default: baseline)")
    p.add_argument("--reference", action="store_true", help="run the reference engine (one Mesa agent per person)")
    p.set_defaults(func=cmd_bench)
