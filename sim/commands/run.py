"""The ``sim scenarios`` and ``sim run`` commands."""

from __future__ import annotations

from pathlib import Path

from sim.commands.options import Progress, compile_notice, positive, scale, seed, workers_option

POSTERIOR_SHOWN = ("population_home", "abroad_irregular", "victims_sexual", "victims_labour")  # printed by --posterior
DEFAULT_POSTERIOR_REPS = 10


def cmd_run(args) -> int:
    from sim.engine.plots import several_countries
    from sim.engine.resolution import resolution
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
    df = run(sc, progress=Progress("running"))
    write_results(df, out, plots=not args.no_plots)
    prov = df.attrs["provenance"]
    print(f"scenario {sc.name}, seed {prov['seed']}, {prov['person_agents']:,} person-agents "
          f"(scale {prov['scenario']['scale']:g}), {prov['wall_seconds']:.1f} s")  # fmt: skip
    width = max(len(k) for k, _ in key_outcomes(df))
    for label, value in key_outcomes(df):
        print(f"  {label:<{width}}  {value}")
    if (coarse := resolution(df).line) is not None:
        print(coarse)
    files = result_files(not args.no_plots, countries=several_countries(df))
    print(f"results in {out}/ ({', '.join(files)})")
    return 0


def _run_posterior(args, sc, out: Path) -> int:
    """``sim run --posterior``: replications that draw their parameters, and the quantiles of every output."""
    from sim.core.outputs import lookup
    from sim.studies.experiments.compare import LABELS
    from sim.studies.experiments.posterior import POSTERIOR_FILES, last_month, read_posterior, write_posterior_runs

    posterior = read_posterior(args.posterior, sc)
    table, _ = write_posterior_runs(sc, posterior, out, reps=args.reps, workers=args.workers)
    last = last_month(table)
    print(f"scenario {sc.name}: {args.reps} replications, each with a parameter set drawn from {args.posterior}")
    for col in POSTERIOR_SHOWN:
        r = last.loc[col]
        name = f"{LABELS.get(col, lookup(col).description)} ({lookup(col).unit})"
        print(f"  {name}, last month: {r['median']:,.0f} (90% band {r['low']:,.0f} to {r['high']:,.0f})")
    print(f"results in {out}/ ({', '.join(POSTERIOR_FILES)}); no plots are drawn from a posterior's quantiles")
    return 0


def cmd_scenarios(args) -> int:
    from sim.scenario import SCENARIOS_DIR, shipped_scenarios

    found = shipped_scenarios()
    width = max(len(name) for name, _ in found)
    for name, description in found:
        print(f"{name:<{width}}  {description}")
    print(f"\nfiles in {SCENARIOS_DIR}/; run one by its name: sim run {found[0][0] if len(found) == 1 else 'baseline'}")
    return 0


def register_scenarios(sub) -> None:
    """The ``sim scenarios`` sub-command."""
    p = sub.add_parser("scenarios", help="list the shipped scenarios with their descriptions")
    p.set_defaults(func=cmd_scenarios)


def register_run(sub) -> None:
    """The ``sim run`` sub-command."""
    p = sub.add_parser("run", help="run one scenario and write its table, manifest and plots")
    p.add_argument("scenario", help="scenario file (TOML), or a shipped scenario's name (see `sim scenarios`)")
    p.add_argument("--seed", type=seed, help="seed (default: the scenario's)")
    p.add_argument("--months", type=positive, help="months to simulate (default: the scenario's)")
    p.add_argument("--scale", type=scale, help="real persons per person-agent (default: the scenario's)")
    p.add_argument("--out", type=Path, help="output folder (default: results/<scenario name>)")
    p.add_argument("--no-plots", action="store_true", help="skip the PNG plots")
    p.add_argument("--posterior", type=Path, metavar="FILE",
                   help="posterior.csv (sim calibrate): replications draw their parameters; writes quantiles.csv")
    p.add_argument("--reps", type=positive, default=DEFAULT_POSTERIOR_REPS,
                   help="replications with --posterior (default: 10)")
    workers_option(p, "local worker processes with --posterior")
    p.set_defaults(func=cmd_run)
