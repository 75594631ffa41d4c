"""``sim report BASE ALT... | --from DIR``: the policy brief, ``OUT/report.html``.

Every problem with the input is found before anything runs or is written and printed as one
``FILE: key: message`` line (exit status 2). With scenario files, the comparison's tables are written
beside the brief (as ``sim compare`` writes them), so ``--from`` can rebuild it later.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sim.commands.options import Progress, compile_notice, positive, scale, scheduler, seed, workers_option
from sim.scenario import ScenarioError
from sim.studies.experiments.errors import ExperimentError, RunsFailed


def register(sub) -> None:
    p = sub.add_parser("report", help="policy brief (report.html): effects with intervals, costs, cost-effectiveness")
    p.add_argument("scenarios", nargs="*", metavar="BASE ALT", help="base scenario, then the alternatives")
    p.add_argument("--from", dest="from_dir", type=Path, metavar="DIR",
                   help="folder of an earlier sim compare (instead of scenario files)")
    p.add_argument("--reps", type=int, default=10, help="replications per scenario (default: 10)")
    p.add_argument("--seed", type=seed, default=1, help="seed of replication 0; replication i: seed + i (default: 1)")
    p.add_argument("--months", type=positive, help="months to simulate (default: the scenarios')")
    p.add_argument("--scale", type=scale, help="real persons per person-agent (default: the scenarios')")
    p.add_argument("--posterior", type=Path, metavar="FILE",
                   help="posterior.csv: each replication draws one weighted parameter set")
    p.add_argument("--out", type=Path, help="output folder (default: results/report, or DIR with --from)")
    workers_option(p)
    p.add_argument("--scheduler", type=scheduler, metavar="ADDRESS",
                   help="run on the Dask cluster at ADDRESS (tcp://HOST:PORT)")  # fmt: skip
    p.set_defaults(func=cmd_report)


def _problems(args) -> list[str]:
    """Every problem with the options and files, before anything runs."""
    from sim.engine.runner import OPTIONS, check_output_file, check_output_folder, resolve

    problems = []
    if args.from_dir is not None:
        if args.scenarios:
            problems.append("--from: give either scenario files or --from DIR, not both")
        for opt in ("posterior", "months", "scale"):
            if getattr(args, opt) is not None:
                problems.append(f"--{opt}: not used with --from (the comparison has run)")
    else:
        if len(args.scenarios) < 2:
            problems.append("BASE ALT: give a base scenario and at least one alternative (or --from DIR)")
        if args.reps < 2:
            problems.append(f"--reps: a confidence interval needs at least 2 replications (got {args.reps})")
        for path in args.scenarios:
            try:
                resolve(path, labels=OPTIONS, months=args.months, scale=args.scale)
            except ScenarioError as e:
                problems.extend(e.problems)
        if args.posterior is not None and args.scenarios:
            from sim.studies.experiments.posterior import read_posterior

            try:
                read_posterior(args.posterior, args.scenarios[0])
            except ScenarioError as e:
                problems.extend(e.problems)
    try:
        check_output_file(check_output_folder(out_folder(args)) / "report.html")
    except ScenarioError as e:
        problems.extend(e.problems)
    return problems


def out_folder(args) -> Path:
    """Where the brief goes: ``--out``, else the ``--from`` folder, else results/report."""
    return args.out or (args.from_dir if args.from_dir is not None else Path("results/report"))


def cmd_report(args) -> int:
    from sim.engine.runner import OPTIONS
    from sim.report import write_report
    from sim.studies.experiments.compare import base_resolution, compare, read_comparison, write_comparison

    problems = _problems(args)
    comparison = None
    if not problems and args.from_dir is not None:
        try:
            comparison = read_comparison(args.from_dir)
        except ExperimentError as e:
            problems = [f"--from: {line}" for line in e.problems]
    if problems:
        raise ExperimentError(problems)
    out = out_folder(args)
    progress = Progress("report")
    if comparison is None:
        compile_notice()
        posterior = None
        if args.posterior is not None:
            from sim.studies.experiments.posterior import read_posterior

            posterior = read_posterior(args.posterior, args.scenarios[0])
        try:
            comparison = compare(
                args.scenarios[0], args.scenarios[1:], reps=args.reps, seed=args.seed, months=args.months,
                scale=args.scale, workers=args.workers, scheduler=args.scheduler, posterior=posterior, labels=OPTIONS,
                progress=progress.tty, label="report",
            )  # fmt: skip
        except RunsFailed as e:
            print(e, file=sys.stderr)
            return 1
        progress.say(f"writing the comparison's tables in {out}")
        write_comparison(comparison, out, plots=False)
    progress.say("writing the brief (effects, costs, figures)")
    path = write_report(comparison, out)
    if (coarse := base_resolution(comparison).line) is not None:
        print(coarse)
    print(f"brief in {path}")
    return 0
