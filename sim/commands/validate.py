"""The ``sim validate`` command: the calibrated presets scored out of sample (``sim.studies.validation``)."""

from __future__ import annotations

from pathlib import Path

from sim.commands.options import bounded, workers_option
from sim.scenario import ROOT

MIN_BUDGET = 2


def cmd_validate(args) -> int:
    from sim.engine.runner import check_output_file, check_output_folder
    from sim.studies.validation import report, validate

    page = check_output_file(args.out)
    out = check_output_folder(args.runs, "--runs")
    results = validate(out, workers=args.workers, budget=args.budget)
    command = "sim validate" + (f" --budget {args.budget}" if args.budget else "")
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(report(results, command))
    print(f"wrote {args.out} ({len(results)} presets; runs in {out}/)")
    return 0


def register(subparsers) -> None:
    """The ``sim validate`` sub-command."""
    p = subparsers.add_parser("validate", help="score the calibrated presets out of sample: docs/VALIDATION.md")
    p.add_argument("--out", type=Path, default=ROOT / "docs" / "VALIDATION.md", help="the page written")
    p.add_argument("--runs", type=Path, default=Path("results/validation"),
                   help="folder of the 2000-2010 calibrations (resumable; default: results/validation)")  # fmt: skip
    workers_option(p)
    p.add_argument("--budget", type=bounded(int, MIN_BUDGET),
                   help="runs at most per calibration (default: each file's)")  # fmt: skip
    p.set_defaults(func=cmd_validate)
