"""The ``sim compare``, ``sim sweep`` and ``sim sensitivity`` commands: a thin layer over ``sim.studies.experiments``.

Exit status: 0 done, 1 some runs failed (recorded; the same command again retries them), 2 a problem in
the input (one ``FILE: key: message`` line each, nothing run), 130 interrupted (finished runs are kept).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.commands.options import compile_notice, plural, positive, scale, scheduler, seed, workers_option
from sim.engine.runner import OPTIONS, check_output_folder, resolve
from sim.studies.experiments.errors import RunsFailed

SHOWN_METRICS = 4  # metrics a sweep prints per design point (runs.csv has all)


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.3g}"


def _executor_options(p: argparse.ArgumentParser) -> None:
    workers_option(p)
    p.add_argument("--scheduler", type=scheduler, metavar="ADDRESS",
                   help="run on the Dask cluster at ADDRESS (tcp://HOST:PORT)")  # fmt: skip
    p.add_argument("--no-plots", action="store_true", help="skip the PNG charts")


def _sweep_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("experiment", help="experiment file (TOML), or a shipped experiment's name (in experiments/)")
    p.add_argument("--out", type=Path, help="results folder (default: results/<experiment name>)")
    p.add_argument("--months", type=positive, help="months to simulate (default: the experiment's)")
    p.add_argument("--reps", type=positive, help="replications per design point (default: the experiment's)")
    _executor_options(p)


def register_compare(sub) -> None:
    """The ``sim compare`` sub-command."""
    p = sub.add_parser("compare", help="effects of scenarios against a base, paired replications with 95%% intervals")
    p.add_argument("base",
                   help="base scenario file (TOML) or a shipped scenario's name (see `sim scenarios`)")  # fmt: skip
    p.add_argument("alternatives", nargs="+", help="scenario files or names to compare with the base")
    p.add_argument("--reps", type=positive, default=10, help="replications per scenario (default: 10)")
    p.add_argument("--seed", type=seed, default=1,
                   help="seed of replication 0; replication i uses seed + i (default: 1)")  # fmt: skip
    p.add_argument("--months", type=positive, help="months to simulate (default: the scenarios')")
    p.add_argument("--scale", type=scale, help="real persons per person-agent (default: the scenarios')")
    p.add_argument("--out", type=Path, default=Path("results/compare"),
                   help="results folder (default: results/compare)")  # fmt: skip
    p.add_argument("--posterior", type=Path, metavar="FILE",
                   help="posterior.csv (sim calibrate): replication i draws one parameter set for every scenario")
    _executor_options(p)
    p.set_defaults(func=cmd_compare)


def register_sweeps(sub) -> None:
    """The ``sim sweep`` and ``sim sensitivity`` sub-commands."""
    p = sub.add_parser("sweep", help="run an experiment's design (resumable): runs.csv and timeseries.parquet")
    _sweep_options(p)
    p.set_defaults(func=cmd_sweep)

    p = sub.add_parser("sensitivity",
                       help="Sobol or Morris sensitivity indices of an experiment (runs or resumes its sweep)")
    _sweep_options(p)
    p.set_defaults(func=cmd_sensitivity)


def _guarded(run):
    """Map run failures and Ctrl-C to a message and an exit status."""

    def cmd(args) -> int:
        try:
            return run(args)
        except RunsFailed as e:
            print(e, file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            if args.command != "compare":
                print("interrupted: finished runs are kept; run the same command again to resume", file=sys.stderr)
                return 130
            raise

    return cmd


@_guarded
def cmd_compare(args) -> int:
    from sim.studies.experiments.compare import CHARTS, base_resolution, compare, effects_table, write_comparison

    check_output_folder(args.out)
    for source in (args.base, *args.alternatives):  # an invalid file is reported before anything else is said
        resolve(source, labels=OPTIONS, months=args.months, scale=args.scale)
    compile_notice()
    posterior = None
    if args.posterior is not None:
        from sim.studies.experiments.posterior import read_posterior

        posterior = read_posterior(args.posterior, args.base)
    c = compare(
        args.base, args.alternatives, reps=args.reps, seed=args.seed, months=args.months, scale=args.scale,
        workers=args.workers, scheduler=args.scheduler, labels=OPTIONS, posterior=posterior,
    )  # fmt: skip
    write_comparison(c, args.out, plots=not args.no_plots)
    print(effects_table(c))
    print()
    if (coarse := base_resolution(c).line) is not None:
        print(coarse)
    files = ["effects.csv", "runs.csv", "manifest.json", *(() if args.no_plots else CHARTS)]
    print(f"results in {args.out}/ ({', '.join(files)})")
    return 0


def _report(info: dict) -> int:
    """Print what a sweep did (``attrs["sweep"]`` of its result); exit status 1 if runs failed."""
    failed = info["failed"]
    print(f"{plural(info['ran'] + info['skipped'], 'run')}: {info['ran']} run now, {info['skipped']} already done; "
          f"{info['ok']} ok, {failed} failed")  # fmt: skip
    print(f"results in {info['out']}/ (runs.csv, timeseries.parquet, manifest.json)")
    if failed:
        print(f"{plural(failed, 'run')} failed (see the status and error columns of runs.csv); "
              "the same command again retries them", file=sys.stderr)  # fmt: skip
    return 1 if failed else 0


@_guarded
def cmd_sweep(args) -> int:
    from sim.studies.experiments.design import load_experiment
    from sim.studies.experiments.sweep import default_out, grid_means, sweep

    exp = load_experiment(args.experiment, months=args.months, reps=args.reps)
    out = check_output_folder(args.out or default_out(exp))
    print(_heading("sweep", exp))
    compile_notice()
    runs = sweep(exp, out, workers=args.workers, scheduler=args.scheduler, plots=not args.no_plots)
    if exp.design == "grid":
        shown = list(exp.metrics[:SHOWN_METRICS])
        means = _in_percent(grid_means(exp, runs, shown))
        which = ""
        if len(shown) != len(exp.metrics):
            which = f" ({len(shown)} of {len(exp.metrics)} metrics; runs.csv has all)"
        print(f"mean over replications per design point{which}:\n{means.to_string(float_format=_fmt)}")
    return _report(runs.attrs["sweep"])


def _in_percent(table):
    """Share columns in percent, as ``sim run`` and ``sim compare`` print them (``working_age_share (%)``)."""
    from sim.core.outputs import BY_NAME

    shares = [c for c in table.columns if BY_NAME[c].unit in ("share", "0-1")]
    return table.assign(**{c: table[c] * 100 for c in shares}).rename(columns={c: f"{c} (%)" for c in shares})


def _heading(command: str, exp) -> str:
    return (f"{command} {exp.name}: design {exp.design}, {plural(len(exp.parameters), 'parameter')}, "
            f"{plural(exp.replications, 'replication')}, {exp.months} months")  # fmt: skip


@_guarded
def cmd_sensitivity(args) -> int:
    from sim.studies.experiments.design import load_experiment
    from sim.studies.experiments.sensitivity import sensitivity
    from sim.studies.experiments.sweep import default_out

    exp = load_experiment(args.experiment, months=args.months, reps=args.reps)
    out = check_output_folder(args.out or default_out(exp))
    print(_heading("sensitivity", exp))
    compile_notice()
    indices = sensitivity(exp, out, workers=args.workers, scheduler=args.scheduler, plots=not args.no_plots)
    by = "ST" if exp.design == "sobol" else "mu_star"
    for m, g in indices.groupby("metric", sort=False):
        ranked = g.drop(columns="metric").sort_values(by, ascending=False)
        print(f"\n{m}:\n{ranked.to_string(index=False, float_format=_fmt)}")
    print()
    status = _report(indices.attrs["sweep"])
    print(f"indices in {indices.attrs['sweep']['out']}/indices.csv")
    return status
