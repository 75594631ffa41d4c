"""``sim calibrate``: ABC-SMC with pyabc fits a scenario's parameters to published figures, writes its
files, and resumes after being killed. The machinery is tested on a stubbed model (a known answer),
and once end to end on a short real run."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from conftest import SCENARIOS

from sim.commands.cli import main
from sim.studies.calibration import OUT_FILES, calibrate, distance, load_calibration

MOLDOVA = SCENARIOS / "countries" / "moldova.toml"
KEY = "migration.intercept"
TRUTH = -5.5  # the stub's parameter value that reproduces the figures


def write(tmp_path, body: str = "", **top) -> str:
    head = {"scenario": f'"{MOLDOVA}"', "particles": 10, "generations": 3, "budget": 300, "fit_until": 2005, **top}
    text = "\n".join(f"{k} = {v}" for k, v in head.items()) + f"""
[parameters."{KEY}"]
low = -6.5
high = -4.5
[targets.residents]
output = "population_home"
years = [2004, 2014]
observed = [3_383_332, 2_998_235]
low = [3_300_000, 2_900_000]
high = [3_450_000, 3_100_000]
source = "BNS, censuses of 2004 and 2014"
""" + body
    path = tmp_path / "cal.toml"
    path.write_text(text)
    return str(path)


def stub(cal, p):
    """Residents move linearly with the parameter: the figures are met at TRUTH."""
    x = p[KEY] - TRUTH
    return {"residents:2004": 3_383_332 + x * 1e6, "residents:2014": 2_998_235 + x * 2e6}


def test_the_posterior_of_a_stubbed_model_closes_in_on_the_known_answer_and_the_files_are_written(tmp_path):
    """A test of the machinery, not of the model: with a model whose answer is known, the posterior's
    mean is within 0.1 of it and its spread under a fifth of the prior's (uniform on a width of 2: sd
    0.58); ``test_..._without_the_distance`` shows the check fails when the fit ignores the targets."""
    cal = load_calibration(write(tmp_path))
    m = calibrate(cal, tmp_path / "out", simulator=stub, progress=False)
    for name in OUT_FILES:
        assert (tmp_path / "out" / name).stat().st_size > 0, name
    post = pd.read_csv(tmp_path / "out" / "posterior.csv")
    assert list(post.columns) == [KEY, "weight"] and post["weight"].sum() == pytest.approx(1.0)
    mean, sd = moments(post)
    assert abs(mean - TRUTH) < 0.1 and sd < 0.115
    fit = pd.read_csv(tmp_path / "out" / "fit.csv")
    assert list(fit["year"]) == [2004, 2014] and list(fit["in_sample"]) == [True, False]
    assert (fit["simulated_low"] <= fit["simulated_median"]).all()
    assert (fit["simulated_median"] <= fit["simulated_high"]).all()
    assert m["generations"] == 3 and len(m["acceptance_thresholds"]) == 3
    assert m["acceptance_thresholds"] == sorted(m["acceptance_thresholds"], reverse=True)  # thresholds fall
    saved = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert saved["runs"] == m["runs"] > 0 and saved["spec"]["parameters"][KEY]["low"] == -6.5


def test_the_progress_is_one_readable_line_per_generation(tmp_path, capsys):
    m = calibrate(load_calibration(write(tmp_path)), tmp_path / "out", simulator=stub, progress=True)
    lines = capsys.readouterr().err.strip().splitlines()
    gens = [line for line in lines if line.startswith("calibrate: generation ")]
    assert [g.split(":")[1] for g in gens] == [" generation 1 of 3", " generation 2 of 3", " generation 3 of 3"], lines
    for g, eps in zip(gens, m["acceptance_thresholds"], strict=True):
        assert f"distance threshold {eps:.3g}, " in g and " runs accepted (" in g and " of 300 runs so far" in g
    assert gens[-1].endswith(f"{m['runs']:,} of 300 runs so far")
    assert all(line.startswith("calibrate: ") and " eps: " not in line for line in lines), lines


def moments(post: pd.DataFrame) -> tuple[float, float]:
    mean = float(np.average(post[KEY], weights=post["weight"]))
    return mean, float(np.sqrt(np.average((post[KEY] - mean) ** 2, weights=post["weight"])))


def test_the_check_fails_for_a_fit_without_the_distance(tmp_path, monkeypatch):
    """The broken variant: every run is as good as any other, so the posterior stays the prior."""
    import sim.studies.calibration.smc

    monkeypatch.setattr(sim.studies.calibration.smc, "distance", lambda cal, simulated, in_sample_only=True: 0.0)
    calibrate(load_calibration(write(tmp_path)), tmp_path / "out", simulator=stub, progress=False)
    assert moments(pd.read_csv(tmp_path / "out" / "posterior.csv"))[1] > 0.115


def test_the_distance_is_the_miss_in_units_of_the_published_uncertainty(tmp_path):
    cal = load_calibration(write(tmp_path))
    exact = {"residents:2004": 3_383_332, "residents:2014": 2_998_235}
    assert distance(cal, exact) == 0
    assert distance(cal, {**exact, "residents:2004": 3_383_332 + 75_000}) == pytest.approx(1.0)  # half-width 75,000
    assert distance(cal, {**exact, "residents:2014": 0}) == 0  # 2014 is out of sample


def test_a_killed_calibration_resumes_from_its_last_finished_generation(tmp_path):
    cal = load_calibration(write(tmp_path))
    calls = {"n": 0}

    def dies(cal, p):
        calls["n"] += 1
        if calls["n"] > 35:  # within the second or third generation
            raise KeyboardInterrupt
        return stub(cal, p)

    with pytest.raises(KeyboardInterrupt):
        calibrate(cal, tmp_path / "out", simulator=dies, progress=False)
    assert not (tmp_path / "out" / "posterior.csv").exists()  # nothing half-written
    m = calibrate(cal, tmp_path / "out", simulator=stub, progress=False)
    assert m["resumed"] and m["generations"] == 3
    fresh = calibrate(cal, tmp_path / "fresh", simulator=stub, progress=False)
    assert not fresh["resumed"] and fresh["generations"] == 3


@pytest.mark.slow
def test_a_short_real_calibration_runs_end_to_end_from_the_command_line(tmp_path, capsys):
    """The real model: Moldova over 2000-2001 at a coarse scale, 4 particles, 2 generations."""
    body = """
[targets.deaths]
output = "deaths_home"
years = [2000, 2001]
observed = [41_224, 40_075]
low = [39_000, 38_000]
high = [43_500, 42_000]
source = "BNS deaths at home 2000-2001"
"""
    path = write(tmp_path, body, months=24, scale=100, particles=4, generations=2, budget=40, fit_until="2001")
    text = open(path).read().replace("years = [2004, 2014]", "years = [2000, 2001]").replace(
        "observed = [3_383_332, 2_998_235]", "observed = [3_500_000, 3_450_000]").replace(
        "low = [3_300_000, 2_900_000]", "low = [3_300_000, 3_250_000]").replace(
        "high = [3_450_000, 3_100_000]", "high = [3_700_000, 3_650_000]")  # fmt: skip
    open(path, "w").write(text)
    assert main(["calibrate", path, "--out", str(tmp_path / "real"), "--workers", "1"]) == 0
    out = capsys.readouterr()
    assert "results in" in out.out and "calibrate: " in out.err  # progress on stderr
    fit = pd.read_csv(tmp_path / "real" / "fit.csv")
    assert list(fit["target"]) == ["residents", "residents", "deaths", "deaths"]
    assert fit["simulated_median"].gt(0).all()


@pytest.mark.parametrize(
    "edit, expected",
    [
        ({"key": '"migration.intercep"'}, 'parameters.migration.intercep: -6.5 is not a value of the scenario'),
        ({"output": '"population_hom"'}, "targets.residents.output: unknown output 'population_hom'"),
        ({"years": "[2004]"}, "targets.residents: years, observed, low and high must have one value each per year"),
        ({"extra": "particle = 3"}, "particle: unknown key"),
    ],
)  # fmt: skip
def test_a_bad_calibration_file_is_one_line_each_with_exit_2(tmp_path, capsys, edit, expected):
    path = write(tmp_path)
    text = open(path).read()
    if "key" in edit:
        text = text.replace(f'"{KEY}"', edit["key"])
    if "output" in edit:
        text = text.replace('"population_home"', edit["output"])
    if "years" in edit:
        text = text.replace("years = [2004, 2014]", f"years = {edit['years']}")
    if "extra" in edit:
        text = edit["extra"] + "\n" + text
    open(path, "w").write(text)
    assert main(["calibrate", path, "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert any(expected in line for line in err), err
    assert not (tmp_path / "out").exists() and "Traceback" not in "\n".join(err)


def posterior_file(tmp_path, values: list[float], key: str = "recruitment.intercept") -> str:
    path = tmp_path / "posterior.csv"
    pd.DataFrame({key: values, "weight": [1.0] * len(values)}).to_csv(path, index=False)
    return str(path)


def test_run_with_a_posterior_writes_the_median_and_90_percent_band_of_every_output(tmp_path, capsys):
    post = posterior_file(tmp_path, [-3.5, -1.5])
    args = ["run", "baseline", "--months", "12", "--scale", "200", "--posterior", post, "--reps", "4",
            "--workers", "1", "--out", str(tmp_path / "q")]  # fmt: skip
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "  residents at home (persons), last month: " in out and "population_home" not in out, out
    assert "no plots are drawn" in out
    q = pd.read_csv(tmp_path / "q" / "quantiles.csv")
    assert list(q.columns) == ["month", "date", "output", "median", "low", "high"]
    assert set(q["month"]) == set(range(13)) and {"trafficked", "population_home"} <= set(q["output"])
    assert (q["low"] <= q["median"]).all() and (q["median"] <= q["high"]).all()
    manifest = json.loads((tmp_path / "q" / "manifest.json").read_text())
    assert manifest["replications"] == 4 and len(manifest["posterior"]["draws"]) == 4


@pytest.mark.slow
def test_a_comparison_with_a_posterior_has_wider_intervals_than_without(tmp_path):
    """Parameter uncertainty adds to the dice: drawing the level of demand from two distant values (half
    and four times the residents) widens the paired interval of persons trafficked (police training's
    effect is proportional to the market's size); one set equal to the default does not."""
    from sim.studies.experiments.compare import compare
    from sim.studies.experiments.posterior import read_posterior

    kw = dict(reps=6, months=72, scale=20, overrides={"population.size": 1_000_000}, workers=1, metrics=["trafficked"])
    base, alt = SCENARIOS / "baseline.toml", [SCENARIOS / "police_training.toml"]
    width = lambda c: float(c.effects.set_index("metric").loc["trafficked", "paired_ci_width"])  # noqa: E731
    plain = width(compare(base, alt, **kw))
    demand = posterior_file(tmp_path, [5e5, 4e6], "market.demand_population")
    wide = width(compare(base, alt, posterior=read_posterior(demand, base), **kw))
    same = width(compare(base, alt, posterior=read_posterior(posterior_file(tmp_path, [-2.5]), base), **kw))
    assert wide > plain and same == pytest.approx(plain)
