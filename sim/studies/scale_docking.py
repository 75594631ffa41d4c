"""Scale is resolution, year by year: ``python -m sim.studies.scale_docking [--seeds N] [--write]``.

A docking test across scales (like the engines' docking): one scenario at several scales (real persons
per person-agent), the same seeds, and each year's outputs compared between the finest scale and each
coarser one. Runs at different scales share no persons' draws, so they are compared unpaired.

Outputs, one number per run and year (``yearly``): persons trafficked, victims in exploitation (mean of
the months), victims identified, convictions and gangs active (mean of the months).

Test (``docking``). For each output, year and coarser scale: Welch's two-sided t-test of equal means
against the finest scale, at level ``ALPHA`` with Bonferroni's correction over the years; and the same
for the level (each run's yearly values averaged), at level ``ALPHA``. A comparison fails when its
difference is both significant and larger than ``TOLERANCE`` of the finest scale's mean: a real but
small difference is within the tolerance. Each row also gives the relative difference the test detects
with probability ``POWER`` from the observed spread (normal approximation: ``detectable``), so a passing
test says how large a difference it could have missed.
The table goes into docs/ODD.md (section 2, "Scales").
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from sim.scenario import ROOT
from sim.scenario.units import MONTHS_PER_YEAR

OUTPUTS = ("trafficked", "victims", "victims_identified", "convictions", "gangs_active")
FLOWS = ("trafficked", "victims_identified", "convictions")  # summed over a year; the others averaged
ALPHA = 0.01  # level of every test (Bonferroni-corrected over the years for the yearly tests)
TOLERANCE = 0.10  # a significant difference at most this share of the finest scale's mean still docks
POWER = 0.8  # the power at which ``power`` states the detectable difference
SCENARIOS = ("baseline", "police_training")
SCALES = (2, 5, 20)
MONTHS = 96


def yearly(df: pd.DataFrame) -> pd.DataFrame:
    """One run's outputs by calendar year (index: year; columns: ``OUTPUTS``); whole years only."""
    body = df[df["month"] > 0].assign(year=lambda d: d["date"].str[:4].astype(int))
    body = body.assign(victims=body["victims_sexual"] + body["victims_labour"])
    sums = body.groupby("year")[list(FLOWS)].sum()
    means = body.groupby("year")[[o for o in OUTPUTS if o not in FLOWS]].mean()
    whole = body.groupby("year").size() == MONTHS_PER_YEAR
    return sums.join(means)[list(OUTPUTS)][whole]


def _one(spec: tuple[str, float, int, int, dict]) -> pd.DataFrame:
    from sim.engine.runner import run

    scenario, scale, seed, months, overrides = spec
    table = yearly(run(scenario, seed=seed, months=months, scale=scale, overrides=overrides))
    return table.assign(scenario=Path(str(scenario)).stem, scale=scale, seed=seed).reset_index()


def runs(scenarios=SCENARIOS, scales=SCALES, seeds=range(1, 21), months: int = MONTHS, overrides=None,
         workers: int | None = None, progress: bool = False) -> pd.DataFrame:  # fmt: skip
    """Yearly outputs of every scenario at every scale and seed (long table: scenario, scale, seed, year,
    ``OUTPUTS``), in a deterministic order whatever the executor."""
    from sim.studies.experiments.executors import make_executor

    specs = [(s, float(k), int(seed), months, dict(overrides or {})) for s in scenarios for k in scales for seed in seeds]
    out = []
    with make_executor(workers) as ex:
        for i, table in enumerate(ex.map_unordered(_one, specs), 1):
            out.append(table)
            if progress:
                print(f"\r{i}/{len(specs)} runs", end="", flush=True)
    if progress:
        print()
    return pd.concat(out).sort_values(["scenario", "scale", "seed", "year"]).reset_index(drop=True)


def _detectable(sd_a: float, sd_b: float, n_a: int, n_b: int, level: float, mean: float) -> float:
    """The relative difference of means Welch's test at ``level`` detects with probability ``POWER``."""
    se = math.sqrt(sd_a**2 / n_a + sd_b**2 / n_b)
    z = stats.norm.ppf(1 - level / 2) + stats.norm.ppf(POWER)
    return z * se / abs(mean) if mean else math.inf


def _compare(a: np.ndarray, b: np.ndarray, level: float) -> dict:
    p = stats.ttest_ind(a, b, equal_var=False).pvalue if (a.std() + b.std()) > 0 else 1.0
    rel = (b.mean() - a.mean()) / abs(a.mean()) if a.mean() else (0.0 if b.mean() == 0 else math.inf)
    return {
        "fine": a.mean(), "coarse": b.mean(), "relative": rel, "p": float(p),
        "detectable": _detectable(a.std(ddof=1), b.std(ddof=1), a.size, b.size, level, a.mean()),
    }  # fmt: skip


def docking(table: pd.DataFrame) -> pd.DataFrame:
    """Each scenario's, output's and coarser scale's comparisons with the finest scale: one row per year
    and one for the level (``year`` = "all"), with the means, the relative difference, Welch's p, the
    difference detectable at ``POWER`` and whether it docks (see the module's docstring)."""
    rows = []
    for scenario, t in table.groupby("scenario", sort=False):
        scales = sorted(t["scale"].unique())
        fine, years = t[t["scale"] == scales[0]], sorted(t["year"].unique())
        level = ALPHA / len(years)
        for scale in scales[1:]:
            coarse = t[t["scale"] == scale]
            for output in OUTPUTS:
                for year in years:
                    a = fine.loc[fine["year"] == year, output].to_numpy(float)
                    b = coarse.loc[coarse["year"] == year, output].to_numpy(float)
                    r = _compare(a, b, level)
                    docks = r["p"] > level or abs(r["relative"]) <= TOLERANCE
                    rows.append({"scenario": scenario, "scale": scale, "output": output, "year": str(year), **r,
                                 "docks": docks})  # fmt: skip
                a = fine.groupby("seed")[output].mean().to_numpy(float)
                b = coarse.groupby("seed")[output].mean().to_numpy(float)
                r = _compare(a, b, ALPHA)
                docks = r["p"] > ALPHA or abs(r["relative"]) <= TOLERANCE
                rows.append({"scenario": scenario, "scale": scale, "output": output, "year": "all", **r, "docks": docks})
    return pd.DataFrame(rows)


def failures(result: pd.DataFrame) -> list[str]:
    """One line per comparison that does not dock."""
    bad = result[~result["docks"]]
    return [
        f"{r.scenario} scale {r.scale:g} {r.output} {r.year}: {r.fine:,.1f} at the finest scale against "
        f"{r.coarse:,.1f} ({r.relative:+.0%}), Welch p={r.p:.2g}"
        for r in bad.itertuples()
    ]


def markdown(result: pd.DataFrame, n_seeds: int, months: int, finest: float) -> str:
    """The level of each output (mean over the years) at each scale, with the largest yearly gap."""
    lines = [
        f"{n_seeds} seeds a scale, {months} months, each coarser scale against scale {finest:g}: the relative "
        f"difference of the mean over the years, with the difference Welch's test at level {ALPHA:g} detects "
        f"with probability {POWER:.0%}; and the year of the smallest p (level {ALPHA:g} / years). Command: "
        "`python -m sim.studies.scale_docking --seeds N --write`.",
        "",
        "| scenario | output | scale | level: finest / coarser | difference (detectable) | largest yearly difference | docks |",
        "|---|---|---|---|---|---|---|",
    ]
    for (scenario, output, scale), g in result.groupby(["scenario", "output", "scale"], sort=False):
        all_ = g[g["year"] == "all"].iloc[0]
        years = g[g["year"] != "all"]
        worst = years.loc[years["p"].idxmin()]
        lines.append(
            f"| {scenario} | {output} | {scale:g} | {all_.fine:,.1f} / {all_.coarse:,.1f} | "
            f"{all_.relative:+.1%} ({all_.detectable:.0%}) | {worst.year}: {worst.relative:+.0%} (p={worst.p:.2g}) | "
            f"{'yes' if g['docks'].all() else 'no'} |"
        )
    return "\n".join(lines)


def write(text: str, path: Path = ROOT / "docs" / "ODD.md") -> None:
    """Put ``text`` between the scale-docking markers of docs/ODD.md."""
    from sim.studies.paramdoc import between_markers

    path.write_text(between_markers(path.read_text(), "scale-docking", text))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m sim.studies.scale_docking", description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=20, help="seeds per scenario and scale (default 20)")
    ap.add_argument("--months", type=int, default=MONTHS, help=f"months of each run (default {MONTHS})")
    ap.add_argument("--workers", type=int, default=None, help="local worker processes (default: one per core)")
    ap.add_argument("--csv", type=Path, help="also write the yearly outputs of every run to this CSV file")
    ap.add_argument("--write", action="store_true", help="also write the table into docs/ODD.md")
    args = ap.parse_args(argv)
    table = runs(seeds=range(1, args.seeds + 1), months=args.months, workers=args.workers, progress=True)
    if args.csv:
        table.to_csv(args.csv, index=False)
    result = docking(table)
    text = markdown(result, args.seeds, args.months, min(SCALES))
    print(text)
    for line in failures(result):
        print(line)
    if args.write:
        write(text)


if __name__ == "__main__":
    main()
