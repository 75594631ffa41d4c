"""How effects read in the tables of ``sim compare``, the page and the brief: a star only on what reads as
excluding zero, and the sign of a small fall kept."""

from __future__ import annotations

import pandas as pd

from sim.studies.experiments.compare import EFFECT_COLUMNS, Comparison, effects_table
from sim.studies.experiments.formatting import count, distinguishable, effect_decimals, number, percent


def _comparison(rows: list[dict]) -> Comparison:
    effects = pd.DataFrame([{"scenario": "alt", "paired_ci_width": 0.0, "unpaired_ci_width": 0.0, **r} for r in rows],
                           columns=EFFECT_COLUMNS)  # fmt: skip
    ts = pd.DataFrame({"scenario": ["base", "alt"], "replication": [0, 0], "month": [1, 1],
                       "date": ["2020-01", "2020-01"]})  # fmt: skip
    manifest = {"replications": 3, "seeds": [1, 3], "scenarios": {"base": {"months": 1, "scale": 10}}}
    return Comparison("base", ["base", "alt"], effects, pd.DataFrame(), ts, manifest)


def _line(table: str, text: str) -> str:
    return next(line for line in table.splitlines() if line.strip().startswith(text))


def test_an_effect_whose_interval_excludes_zero_is_shown_with_the_digits_that_tell_it_from_zero():
    # a share (shown in percent with 2 decimals): an effect of +0.003 percentage points, interval +0.001..+0.005
    row = {"metric": "working_age_share", "baseline_mean": 0.6, "scenario_mean": 0.60003, "effect": 3e-5,
           "ci_low": 1e-5, "ci_high": 5e-5, "relative_effect": 5e-5}  # fmt: skip
    line = _line(effects_table(_comparison([row])), "working-age share")
    assert "+0.003*" in line and "[+0.001, +0.005]" in line
    assert "+0.00*" not in line
    assert effect_decimals("working_age_share", 1e-5, 5e-5) == 3


def test_an_interval_that_reads_as_zero_even_with_more_digits_is_not_starred():
    row = {"metric": "trafficked", "baseline_mean": 100.0, "scenario_mean": 100.0, "effect": 1e-9,
           "ci_low": 1e-12, "ci_high": 2e-9, "relative_effect": 1e-11}  # fmt: skip
    line = _line(effects_table(_comparison([row])), "persons trafficked")
    assert "*" not in line
    assert not distinguishable("trafficked", 1e-12, 2e-9)
    assert distinguishable("trafficked", 0.4, 2.0) and not distinguishable("trafficked", -1.0, 2.0)


def test_a_small_fall_keeps_its_minus_sign():
    row = {"metric": "trafficked", "baseline_mean": 10_000.0, "scenario_mean": 9_999.7, "effect": -0.3,
           "ci_low": -2.0, "ci_high": 1.4, "relative_effect": -3e-5}  # fmt: skip
    line = _line(effects_table(_comparison([row])), "persons trafficked")
    assert line.endswith("-0.0%")
    assert "+0.0%" not in line
    assert percent(-3e-5, True) == "-0.0%" and percent(3e-5, True) == "+0.0%" and percent(0.0, True) == "+0.0%"
    assert percent(-3e-5) == "0.0%" and percent(-0.123) == "-12.3%"
    assert number("trafficked", -0.3, True) == "-0" and number("trafficked", -0.3) == "0"
    assert count(-0.2, True) == "-0" and count(0.0, True) == "+0" and count(-1234.0) == "-1,234"


def test_bands_from_fewer_than_ten_replications_carry_a_caution_on_the_chart_and_in_the_table():
    from sim.studies.experiments.plots import fan_figure

    row = {"metric": "trafficked", "baseline_mean": 100.0, "scenario_mean": 90.0, "effect": -10.0,
           "ci_low": -12.0, "ci_high": -8.0, "relative_effect": -0.1}  # fmt: skip
    c = _comparison([row])
    assert "caution: the 90% bands come from only 3 replications" in effects_table(c)
    c.manifest["replications"] = 10
    assert "caution" not in effects_table(c)
    for reps, caution in ((3, True), (10, False)):
        ts = pd.DataFrame([{"scenario": s, "replication": i, "month": m, "date": f"2020-{m:02d}", "trafficked": 1.0 + i,
                            "victims_identified": 0.0, "population_home": 1e5, "emigrants_legal": 1.0,
                            "emigrants_irregular": 1.0, "victims_sexual": 1.0, "victims_labour": 1.0}
                           for s in ("base", "alt") for i in range(reps) for m in range(1, 4)])  # fmt: skip
        fig = fan_figure(ts, ["base", "alt"])
        texts = [t.get_text() for t in fig.findobj(lambda o: hasattr(o, "get_text"))]
        assert any(t.startswith("caution: the 90% bands come from only 3") for t in texts) is caution
