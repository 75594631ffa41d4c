"""The ``sim calibrate`` command: a calibration file fitted by ABC-SMC (``sim.studies.calibration``)."""

from __future__ import annotations

from pathlib import Path

from sim.commands.options import bounded, scheduler, workers_option

MIN_BUDGET = 2


def cmd_calibrate(args) -> int:
    from sim.engine.runner import check_output_folder
    from sim.studies.calibration import OUT_FILES, calibrate, load_calibration

    cal = load_calibration(args.file, args.budget)
    out = check_output_folder(args.out or Path("results") / "calibration" / Path(args.file).stem)
    m = calibrate(cal, out, workers=args.workers, scheduler=args.scheduler)
    eps = ", ".join(f"{e:.3g}" for e in m["acceptance_thresholds"])
    how = "resumed" if m["resumed"] else "new"
    print(f"calibration {cal.path.stem} ({how}): {m['runs']} runs, {m['generations']} generations "
          f"(thresholds {eps}), {m['seconds']} s")  # fmt: skip
    print(f"results in {out}/ ({', '.join(OUT_FILES)})")
    return 0


def register(subparsers) -> None:
    """The ``sim calibrate`` sub-command."""
    p = subparsers.add_parser("calibrate", help="fit a scenario's parameters to published figures (ABC-SMC)")
    p.add_argument("file", help="calibration file (TOML), or a shipped calibration's name (in calibration/)")
    p.add_argument("--out", type=Path, help="output folder (default: results/calibration/<file name>); "
                   "a calibration killed there resumes when run again")  # fmt: skip
    workers_option(p)
    p.add_argument("--scheduler", type=scheduler, metavar="ADDRESS",
                   help="run on the Dask cluster at ADDRESS (tcp://HOST:PORT) instead")  # fmt: skip
    p.add_argument("--budget", type=bounded(int, MIN_BUDGET), help="runs at most (default: the file's)")
    p.set_defaults(func=cmd_calibrate)
