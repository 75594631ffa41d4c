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
from pathlib import Path

from sim.scenario import ScenarioError, ScenarioWarning

DESCRIPTION = "Agent-based simulation of recruitment abroad, human trafficking and demographic loss."
EPILOG = """examples:
  sim scenarios                                  list the shipped scenarios
  sim run baseline                               run scenarios/baseline.toml, write results/baseline/
  sim run my.toml --months 120 --scale 50        a scenario file of your own, shorter and coarser
  sim compare baseline peacekeeper_ban           effects of an intervention, paired replications
  sim COMMAND --help                             the options of a command"""


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


def plural(n: int, word: str) -> str:
    """``1 replication``, ``2 replications``."""
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def compile_notice() -> None:
    """Say on stderr that the first run compiles the model's passes (numba caches them for later runs)."""
    cache = Path(os.environ.get("NUMBA_CACHE_DIR") or Path(__file__).parents[1])
    if not any(cache.rglob("*.nbi")):
        print("compiling the model's passes (first run only, 10 to 40 s)...", file=sys.stderr, flush=True)


def cmd_run(args) -> int:
    from sim.engine.runner import (
        OPTIONS,
        check_output_folder,
        key_outcomes,
        resolve,
        result_files,
        run,
        write_results,
    )

    sc = resolve(args.scenario, months=args.months, scale=args.scale, seed=args.seed, labels=OPTIONS)
    out = check_output_folder(args.out or Path("results") / sc.name)
    compile_notice()
    if args.posterior is not None:
        return _run_posterior(args, sc, out)
    df = run(sc, progress=_Progress("running"))
    write_results(df, out, plots=not args.no_plots)
    prov = df.attrs["provenance"]
    print(f"scenario {sc.name}, seed {prov['seed']}, {prov['person_agents']:,} person-agents "
          f"(scale {prov['scenario']['scale']:g}), {prov['wall_seconds']:.1f} s")  # fmt: skip
    width = max(len(k) for k, _ in key_outcomes(df))
    for label, value in key_outcomes(df):
        print(f"  {label:<{width}}  {value}")
    print(f"results in {out}/ ({', '.join(result_files(not args.no_plots))})")
    return 0


def _run_posterior(args, sc, out: Path) -> int:
    """``sim run --posterior``: replications that draw their parameters, and the quantiles of every output."""
    import json

    from sim.studies.experiments.posterior import read_posterior, run_with_posterior

    posterior = read_posterior(args.posterior, sc)
    table, manifest = run_with_posterior(sc, posterior, reps=args.reps, workers=args.workers)
    out.mkdir(parents=True, exist_ok=True)
    for name, write in (("quantiles.csv", lambda p: table.to_csv(p, index=False)),
                        ("manifest.json", lambda p: p.write_text(json.dumps(manifest, indent=2) + "\n"))):  # fmt: skip
        tmp = out / f".{name}.tmp"
        write(tmp)
        tmp.replace(out / name)
    last = table[table["month"] == table["month"].max()].set_index("output")
    print(f"scenario {sc.name}: {args.reps} replications, each with a parameter set drawn from {args.posterior}")
    for col in ("population_home", "abroad_irregular", "victims_sexual", "victims_labour"):
        r = last.loc[col]
        print(f"  {col} in the last month: {r['median']:,.0f} (90%: {r['low']:,.0f} to {r['high']:,.0f})")
    print(f"results in {out}/ (quantiles.csv, manifest.json)")
    return 0


def cmd_scenarios(args) -> int:
    from sim.scenario import SCENARIOS_DIR, shipped_scenarios

    found = shipped_scenarios()
    width = max(len(name) for name, _ in found)
    for name, description in found:
        print(f"{name:<{width}}  {description}")
    print(f"\nfiles in {SCENARIOS_DIR}/; run one by its name: sim run {found[0][0] if len(found) == 1 else 'baseline'}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from sim import __version__

    parser = argparse.ArgumentParser(
        prog="sim", description=DESCRIPTION, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"sim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("scenarios", help="list the shipped scenarios with their descriptions")
    p.set_defaults(func=cmd_scenarios)

    p = sub.add_parser("run", help="run one scenario and write its table, manifest and plots")
    p.add_argument("scenario", help="scenario file (TOML), or a shipped scenario's name (see `sim scenarios`)")
    p.add_argument("--seed", type=_seed, help="seed (default: the scenario's)")
    p.add_argument("--months", type=_positive, help="months to simulate (default: the scenario's)")
    p.add_argument("--scale", type=_scale, help="real persons per person-agent (default: the scenario's)")
    p.add_argument("--out", type=Path, help="output folder (default: results/<scenario name>)")
    p.add_argument("--no-plots", action="store_true", help="skip the PNG plots")
    p.add_argument("--posterior", type=Path, metavar="FILE",
                   help="posterior.csv (sim calibrate): replications draw their parameters; writes quantiles.csv")
    p.add_argument("--reps", type=_positive, default=10, help="replications with --posterior (default: 10)")
    p.add_argument("--workers", type=_positive, help="local worker processes with --posterior (default: one per core)")
    p.set_defaults(func=cmd_run)

    for register in _extensions():
        register(sub)
    return parser


def _extensions():
    """Sub-commands defined next to the code they drive: each module has ``register(subparsers)``."""
    import importlib

    found = []
    for name in ("sim.commands.bench", "sim.commands.experiments", "sim.studies.calibration", "sim.studies.validation", "sim.commands.dashboard"):
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
    if issubclass(category, ScenarioWarning):
        print(f"warning: {message}", file=sys.stderr, flush=True)
    else:
        sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


if __name__ == "__main__":
    sys.exit(main())
