"""The ``sim`` command: a thin layer over the Python API (``sim.run``, ``sim.experiments``)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .scenario import ScenarioError


def bounded(kind: type, lo: float, hi: float | None = None):
    """An argparse type: a number of ``kind`` within [lo, hi], with a clear message otherwise."""

    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {'a whole number' if kind is int else 'a number'}, got {text!r}") from None
        if value < lo or (hi is not None and value > hi):
            raise argparse.ArgumentTypeError(f"must be {'at least ' + str(lo) if hi is None else f'between {lo} and {hi}'}, got {value}")
        return value

    return parse


_positive = bounded(int, 1)
_seed = bounded(int, 0, 2**31 - 1)
_scale = bounded(float, 1)


class _Progress:
    """A one-line progress display on a terminal (stderr); silent otherwise."""

    def __init__(self, label: str):
        self.label = label
        self.tty = sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        if self.tty and (done == total or done % 6 == 0):
            sys.stderr.write(f"\r{self.label}: month {done}/{total}")
            if done == total:
                sys.stderr.write("\n")
            sys.stderr.flush()


def cmd_run(args) -> int:
    from .runner import key_outcomes, run, write_results

    df = run(args.scenario, seed=args.seed, months=args.months, scale=args.scale, progress=_Progress("running"))
    name = df.attrs["provenance"]["scenario"]["name"]
    out = write_results(df, args.out or Path("results") / name, plots=not args.no_plots)
    prov = df.attrs["provenance"]
    print(f"scenario {name}, seed {prov['seed']}, {prov['person_agents']:,} person-agents "
          f"(scale {prov['scenario']['scale']:g}), {prov['wall_seconds']:.1f} s")  # fmt: skip
    width = max(len(k) for k, _ in key_outcomes(df))
    for label, value in key_outcomes(df):
        print(f"  {label:<{width}}  {value}")
    print(f"results in {out}/ (timeseries.csv, manifest.json, *.png)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sim", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("run", help="run one scenario and write its table, manifest and plots")
    p.add_argument("scenario", help="scenario file (TOML)")
    p.add_argument("--seed", type=_seed, help="seed (default: the scenario's)")
    p.add_argument("--months", type=_positive, help="months to simulate (default: the scenario's)")
    p.add_argument("--scale", type=_scale, help="real persons per person-agent (default: the scenario's)")
    p.add_argument("--out", type=Path, help="output folder (default: results/<scenario name>)")
    p.add_argument("--no-plots", action="store_true", help="skip the PNG plots")
    p.set_defaults(func=cmd_run)

    for register in _extensions():
        register(sub)
    return parser


def _extensions():
    """Sub-commands defined next to the code they drive: each module has ``register(subparsers)``."""
    import importlib

    found = []
    for name in ("sim.bench", "sim.experiments.cli", "sim.dashboard"):
        try:
            found.append(importlib.import_module(name).register)
        except ModuleNotFoundError as e:
            if not name.startswith(str(e.name)):
                raise
    return found


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
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


if __name__ == "__main__":
    sys.exit(main())
