"""Validation out of sample: ``sim validate`` writes ``docs/VALIDATION.md``.

For each shipped calibration (``calibration/*.toml``, one per country preset):

- **in time**: the calibration is fitted again on the figures of 2000-2010 only (``fit_until = 2010``)
  and its posterior's runs are scored on the figures of 2011-2019;
- **across countries**: the posteriors of the other presets (``calibration/posteriors/NAME/``), pooled
  with equal weight, run the preset and are scored on all its figures.

Scores, as Flee scores its forecasts: the averaged relative difference (ARD, the mean over a target's
years of |simulated median - published| / published) and the mean absolute scaled error (MASE: the
mean absolute error over the mean absolute error of a naive forecast, the published figure of the
target's last fitted year carried forward; below 1 the model beats it; undefined without a fitted year).
"""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd

from sim.scenario import CALIBRATIONS_DIR, shipped_files
from sim.studies.calibration import Calibration, calibrate, fit_table, load_calibration

POSTERIORS = CALIBRATIONS_DIR / "posteriors"
FIT_UNTIL = 2010


def shipped_calibrations() -> list[Path]:
    return shipped_files("calibration")


def in_time(cal: Calibration, until: int = FIT_UNTIL) -> Calibration:
    """The calibration fitted on the figures up to ``until`` only."""
    spec = copy.deepcopy(cal.spec)
    spec.fit_until = until
    return Calibration(spec, cal.scenario, cal.path)


def scores(fit: pd.DataFrame) -> pd.DataFrame:
    """ARD and MASE of each target over its out-of-sample years (``in_sample`` false)."""
    rows = []
    for target, t in fit.groupby("target", sort=False):
        t = t.sort_values("year")
        out, fitted = t[~t["in_sample"]], t[t["in_sample"]]
        if out.empty:
            continue
        err = (out["simulated_median"] - out["observed"]).abs()
        ard = float((err / out["observed"].abs()).mean())
        mase = np.nan
        if not fitted.empty:
            naive = (out["observed"] - fitted["observed"].iloc[-1]).abs().mean()
            mase = float(err.mean() / naive) if naive > 0 else np.nan
        inside = ((out["observed"] >= out["simulated_low"]) & (out["observed"] <= out["simulated_high"])).mean()
        rows.append({"target": target, "years": len(out), "ard": ard, "mase": mase, "within_band": float(inside)})
    return pd.DataFrame(rows, columns=["target", "years", "ard", "mase", "within_band"])


def pooled_posterior(others: list[str]) -> pd.DataFrame:
    """The posteriors of the presets ``others`` with equal weight each."""
    parts = []
    for name in others:
        p = pd.read_csv(POSTERIORS / name / "posterior.csv")
        p["weight"] = p["weight"] / p["weight"].sum() / len(others)
        parts.append(p)
    return pd.concat(parts, ignore_index=True)


def validate(out_dir: str | Path, *, workers: int | None = None, budget: int | None = None) -> dict[str, dict]:
    """Fit each shipped calibration on 2000-2010 (into ``out_dir/NAME``, resumable) and score it on
    2011-2019, and score each preset with the other presets' posteriors; returns the tables by preset."""
    out_dir = Path(out_dir)
    files = shipped_calibrations()
    names = [f.stem for f in files]
    results = {}
    for f in files:
        cal = load_calibration(f, budget)
        early = in_time(cal)
        m = calibrate(early, out_dir / f.stem, workers=workers)
        fit_time = pd.read_csv(out_dir / f.stem / "fit.csv")
        others = [n for n in names if n != f.stem and (POSTERIORS / n / "posterior.csv").exists()]
        fit_across = None
        if others:
            pooled = pooled_posterior(others)
            keys = [k for k in cal.keys if k in pooled.columns]
            pooled = pooled[[*keys, "weight"]]
            across = in_time(cal, until=min(y for _, y, _ in cal.target_years()) - 1)  # every year out of sample
            fit_across = fit_table(across, pooled.reset_index(drop=True))
        full = POSTERIORS / f.stem / "fit.csv"
        results[f.stem] = {
            "in_time": fit_time, "in_time_scores": scores(fit_time), "runs": m["runs"], "seconds": m["seconds"],
            "across": fit_across, "across_scores": scores(fit_across) if fit_across is not None else None,
            "others": others, "full": pd.read_csv(full) if full.exists() else None,
        }  # fmt: skip
    return results


def _num(x: float) -> str:
    if x != x:  # NaN
        return "n/a"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def _series(fit: pd.DataFrame) -> list[str]:
    lines = ["| target | year | published [interval] | simulated median [90%] | fitted |", "|---|---:|---|---|---|"]
    for r in fit.itertuples():
        published = f"{_num(r.observed)} [{_num(r.observed_low)}, {_num(r.observed_high)}]"
        simulated = f"{_num(r.simulated_median)} [{_num(r.simulated_low)}, {_num(r.simulated_high)}]"
        lines.append(f"| {r.target} | {r.year} | {published} | {simulated} | {'yes' if r.in_sample else 'no'} |")
    return lines


def _misses(fit: pd.DataFrame) -> list[str]:
    """Target-years whose published interval and simulated band do not overlap."""
    out = []
    for r in fit.itertuples():
        if r.simulated_high < r.observed_low:
            out.append(f"{r.target} {r.year} too low ({_num(r.simulated_median)} against {_num(r.observed)})")
        elif r.simulated_low > r.observed_high:
            out.append(f"{r.target} {r.year} too high ({_num(r.simulated_median)} against {_num(r.observed)})")
    return out


def _listed(misses: list[str]) -> str:
    return "; ".join(misses) if misses else "no figure whose interval the runs' band misses"


def report(results: dict[str, dict], command: str) -> str:
    """``docs/VALIDATION.md`` from ``validate``'s tables."""
    lines = [
        "# Validation out of sample",
        "",
        f"Written by `{command}` (`sim/studies/validation.py`): do not edit by hand. Each country preset's calibration",
        "(`calibration/NAME.toml`) is fitted again on its published figures of 2000-2010 only and scored on",
        "those of 2011-2019 (**in time**); and each preset is run with the other presets' shipped posteriors",
        "(`calibration/posteriors/`), pooled, and scored on all its figures (**across countries**). ARD is the",
        "averaged relative difference of the posterior runs' median from the published figure; MASE the",
        "mean absolute error over that of a naive forecast (the figure of the target's last fitted year",
        "carried forward: below 1 the model beats it; n/a without a fitted year); *within band* the share of",
        "published figures inside the runs' 90% band.",
        "",
        "| preset | target | in time: years | ARD | MASE | within band | across countries: ARD | within band |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        t = r["in_time_scores"].set_index("target")
        a = r["across_scores"].set_index("target") if r["across_scores"] is not None else None
        targets = list(dict.fromkeys([*t.index, *(a.index if a is not None else [])]))
        for target in targets:
            ti = t.loc[target] if target in t.index else None
            ai = a.loc[target] if a is not None and target in a.index else None
            cells = ["0", "", "", ""]
            if ti is not None:
                cells = [f"{int(ti['years'])}", _num(ti["ard"]), _num(ti["mase"]), f"{ti['within_band']:.0%}"]
            cells += [_num(ai["ard"]), f"{ai['within_band']:.0%}"] if ai is not None else ["", ""]
            lines.append(f"| {name} | {target} | " + " | ".join(cells) + " |")
    for name, r in results.items():
        lines += ["", f"## {name}", "", f"Fitted on 2000-2010 in {r['runs']} runs ({r['seconds']:.0f} s).", ""]
        lines += _series(r["in_time"])
        misses = _misses(r["in_time"])
        lines += ["", f"What it gets wrong, in time: {_listed(misses)}."]
        if r["across"] is not None:
            lines += ["", f"With the posteriors of {', '.join(r['others'])}, pooled:", ""]
            lines += _series(r["across"])
            misses = _misses(r["across"])
            lines += ["", f"What it gets wrong, across countries: {_listed(misses)}."]
        if r["full"] is not None:
            misses = _misses(r["full"])
            lines += ["", f"Fitted on every year (the shipped posterior), what it gets wrong: {_listed(misses)}."]
    return "\n".join(lines) + "\n"
