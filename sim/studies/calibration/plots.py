"""The plots of a calibration: prior and posterior of each parameter, the targets and the posterior's runs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sim.studies.calibration.schema import Calibration


def calibration_plots(cal: Calibration, posterior: pd.DataFrame, fit: pd.DataFrame, out: Path) -> None:
    """Write ``posterior.png`` (prior and posterior of each parameter) and ``fit.png`` (each target) into ``out``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    keys = cal.keys
    fig, axes = plt.subplots(1, len(keys), figsize=(3.2 * len(keys) + 1, 3), layout="constrained", squeeze=False)
    for ax, k in zip(axes[0], keys):
        p = cal.spec.parameters[k]
        ax.hist(posterior[k], bins=12, range=(p.low, p.high), weights=posterior["weight"], density=True,
                color="C0", alpha=0.8, label="posterior")  # fmt: skip
        ax.axhline(1 / (p.high - p.low), color="k", ls="--", label="prior")
        ax.set_title(k, fontsize=9)
    axes[0][0].legend(fontsize=8, frameon=False)
    fig.suptitle(f"Prior and posterior ({cal.path.stem})")
    fig.savefig(out / "posterior.png", dpi=100)
    plt.close(fig)
    names = list(dict.fromkeys(fit["target"]))
    fig, axes = plt.subplots(1, len(names), figsize=(3.6 * len(names) + 1, 3.2), layout="constrained", squeeze=False)
    for ax, name in zip(axes[0], names):
        t = fit[fit["target"] == name]
        ax.fill_between(t["year"], t["simulated_low"], t["simulated_high"], alpha=0.3, label="posterior 90%")
        ax.plot(t["year"], t["simulated_median"], label="posterior median")
        yerr = [t["observed"] - t["observed_low"], t["observed_high"] - t["observed"]]
        ax.errorbar(t["year"], t["observed"], yerr=yerr, fmt="ko", ms=3, label="published")
        ax.set_title(name, fontsize=9)
    axes[0][0].legend(fontsize=8, frameon=False)
    fig.suptitle(f"Targets and the posterior's runs ({cal.path.stem})")
    fig.savefig(out / "fit.png", dpi=100)
    plt.close(fig)
