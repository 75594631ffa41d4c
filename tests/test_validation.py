"""``sim validate``: out-of-sample scores as Flee computes them (ARD, MASE against persistence)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.studies.validation import report, scores


def fit(observed, simulated, in_sample, target="residents"):
    n = len(observed)
    return pd.DataFrame({
        "target": [target] * n, "country": [""] * n, "year": list(range(2005, 2005 + n)),
        "observed": observed, "observed_low": [o * 0.9 for o in observed], "observed_high": [o * 1.1 for o in observed],
        "simulated_median": simulated, "simulated_low": [s * 0.95 for s in simulated],
        "simulated_high": [s * 1.05 for s in simulated], "in_sample": in_sample,
    })  # fmt: skip


def test_ard_and_mase_are_the_relative_miss_and_the_miss_against_persistence():
    # fitted 100 in 2005; then 110 and 120 published, 105 and 130 simulated
    s = scores(fit([100, 110, 120], [100, 105, 130], [True, False, False])).iloc[0]
    assert s["years"] == 2
    assert s["ard"] == pytest.approx((5 / 110 + 10 / 120) / 2)
    assert s["mase"] == pytest.approx(((5 + 10) / 2) / ((10 + 20) / 2))  # persistence misses by 10 and 20
    assert s["within_band"] == pytest.approx(0.5)  # 110 in the band [99.75, 110.25], 120 not in [123.5, 136.5]

def test_a_perfect_forecast_scores_zero_and_mase_needs_a_fitted_year():
    s = scores(fit([100, 110], [100, 110], [True, False])).iloc[0]
    assert s["ard"] == 0 and s["mase"] == 0 and s["within_band"] == 1
    s = scores(fit([100, 110], [90, 110], [False, False])).iloc[0]
    assert np.isnan(s["mase"]) and s["ard"] == pytest.approx(0.05)


def test_the_page_lists_the_scores_and_the_misses():
    f = fit([100, 110, 120], [100, 105, 200], [True, False, False])
    r = {"in_time": f, "in_time_scores": scores(f), "runs": 40, "seconds": 3.0, "across": None,
         "across_scores": None, "others": [], "full": None}  # fmt: skip
    page = report({"moldova": r}, "sim validate")
    assert "| moldova | residents | 2 |" in page and "residents 2007 too high (200 against 120)" in page
