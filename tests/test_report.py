"""The policy brief: one self-contained page whose every number is the comparison's, costs that are rate
times exposure, bad input refused before anything runs, and figures that a browser shows."""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from experiment_helpers import BASELINE, ROOT, SMALL, sim_main

from sim import load_scenario
from sim.report import build_report, write_report
from sim.studies.costs import intervention_costs, run_cost
from sim.studies.experiments import compare
from sim.studies.experiments.compare import base_resolution, read_comparison, write_comparison
from sim.studies.experiments.costs import cost_effectiveness, cost_per_unit, scenario_of
from sim.studies.experiments.formatting import count, effect_decimals, number, percent, usd

SCENARIOS = ROOT / "scenarios"
MONTHS = 60  # police training from month 37, the awareness campaign from month 25 to the end
ALTERNATIVES = ["police_training", "awareness_campaign", "victim_protection"]
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
CHROMIUM = "/usr/bin/chromium"


class Page(HTMLParser):
    """The parts of a page the tests look at: references, balance of tags, marked numbers and their context."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.refs, self.stack, self.unbalanced = [], [], []
        self.numbers = []  # (attributes of the span, its text, the enclosing element's class, its data attributes)
        self.findings = []  # (attributes of the li, its text, its numbers' texts, its text with "#" for each number)
        self._span = None
        self._finding = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for k, v in attrs:
            if k in ("src", "href", "xlink:href", "action", "data", "poster") or k.endswith(":href"):
                self.refs.append((tag, k, v or ""))
        if tag in VOID:
            return
        self.stack.append((tag, a))
        if tag == "li" and "finding" in a.get("class", ""):
            self._finding = [a, "", [], ""]
        if tag == "span" and a.get("class") == "n":
            self._span = [{k.removeprefix("data-"): v for k, v in attrs if k.startswith("data-")}, ""]

    def handle_startendtag(self, tag, attrs):
        for k, v in attrs:
            if k in ("src", "href", "xlink:href") or k.endswith(":href"):
                self.refs.append((tag, k, v or ""))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1][0] != tag:
            self.unbalanced.append(tag)
            return
        self.stack.pop()
        if tag == "span" and self._span is not None:
            self.numbers.append((self._span[0], self._span[1]))
            if self._finding is not None:
                self._finding[2].append(self._span[1])
                self._finding[1] += self._span[1]
                self._finding[3] += "#"
            self._span = None
        if tag == "li" and self._finding is not None:
            self.findings.append(tuple(self._finding))
            self._finding = None

    def handle_data(self, data):
        if self._span is not None:
            self._span[1] += data
        if self._finding is not None and self._span is None:
            self._finding[1] += data
            self._finding[3] += data


@pytest.fixture(scope="module")
def comparison():
    size = {"population.size": SMALL["population.size"]}
    alternatives = [SCENARIOS / f"{a}.toml" for a in ALTERNATIVES]
    return compare(BASELINE, alternatives, reps=3, months=MONTHS, overrides=size, scale=SMALL["scale"], workers=1)


@pytest.fixture(scope="module")
def html(comparison):
    return build_report(comparison)


def expected_texts(span: dict, c, ce) -> set[str]:
    """What a marked number must read, from the comparison's tables and the shared formatter (with or without sign)."""
    field = span["field"]
    if "metric" in span:
        row = c.effects[(c.effects["scenario"] == span["scenario"]) & (c.effects["metric"] == span["metric"])].iloc[0]
        x = float(row[field]) * (-1 if span.get("neg") == "1" else 1)
        if field == "relative_effect":
            return {percent(x), percent(x, True)}
        if span.get("per") == "baseline_mean":
            x = x / float(row["baseline_mean"])
            x = min(x, 1.0) if span.get("cap") == "1" else x  # a fall of a count is at most 100%
            return {percent(x), percent(x, True)}
        d = effect_decimals(span["metric"], float(row["ci_low"]), float(row["ci_high"]))
        return {number(span["metric"], x), number(span["metric"], x, True), number(span["metric"], x, True, d)}
    if field == "breakdown_cost":  # one intervention's cost, mean over the scenario's runs
        sc = scenario_of(c, span["scenario"])
        runs = c.timeseries[c.timeseries["scenario"] == span["scenario"]].groupby("replication")
        costs = [intervention_costs(sc, g).set_index("intervention").loc[span["intervention"], "cost"]
                 for _, g in runs]  # fmt: skip
        return {usd(float(np.mean(costs)))}
    x = float(ce.set_index("scenario").loc[span["scenario"], field])
    return {usd(x)} if field.startswith("cost") else {count(x), count(x, True)}


def mismatches(html: str, c) -> list[str]:
    ce = cost_effectiveness(c)
    page = Page(html)
    return [f"{a}: {text!r} not in {sorted(expected_texts(a, c, ce))}" for a, text in page.numbers
            if text not in expected_texts(a, c, ce)]  # fmt: skip


def test_the_brief_is_one_page_that_references_nothing_outside_itself(html):
    page = Page(html)
    assert html.startswith("<!DOCTYPE html>") and not page.unbalanced and not page.stack
    outside = [(t, k, v) for t, k, v in page.refs if not v.startswith("#")]
    assert outside == []
    assert not re.search(r"<(script|link|iframe|img)\b", html)
    assert not re.search(r"url\(\s*['\"]?(?!#)", html)  # no fonts or images fetched from CSS
    assert html.count("<svg") == 3  # fan charts, effects, cost against effect: inlined


def test_every_number_of_the_findings_and_tables_is_the_comparisons_value_formatted(html, comparison):
    page = Page(html)
    fields = {a["field"] for a, _ in page.numbers}
    assert len(page.numbers) > 200 and {"effect", "ci_low", "ci_high", "cost", "averted"} <= fields
    assert mismatches(html, comparison) == []


def test_the_findings_say_each_effect_and_whether_it_is_distinguishable_from_zero(html, comparison):
    page = Page(html)
    assert page.findings
    for attrs, text, _, bare in page.findings:
        # every digit in a finding is a marked number, a year or the "95%" of the interval
        assert not re.findall(r"\d+", re.sub(r"\b(19|20)\d\d\b|95%", "", bare)), text
        if "unclear" in attrs.get("class", ""):
            assert "distinguishable from zero" in text or "The same in every paired run" in text
        else:
            assert re.search(r" (lowers|raises) .+ \(95% interval .+ to .+\), from .+ to .+\.$", text), text


def test_a_wrong_number_in_the_brief_is_caught(html, comparison):
    c = comparison
    wrong = c.effects.copy()
    k = wrong.index[(wrong["scenario"] == "police_training") & (wrong["metric"] == "trafficked")][0]
    wrong.loc[k, "effect"] += max(1.0, abs(wrong.loc[k, "effect"]) * 0.1)
    perturbed = type(c)(c.base, c.scenarios, wrong, c.runs, c.timeseries, c.manifest)
    assert any("'trafficked'" in m and "'effect'" in m for m in mismatches(html, perturbed))


def test_the_cost_is_the_rate_times_what_the_intervention_covers_over_its_months_in_force(html, comparison):
    ce = cost_effectiveness(comparison).set_index("scenario")
    sc = load_scenario(SCENARIOS / "baseline.toml")
    units = len(sc.regions) + 1  # the source country's own: one per region and the border unit
    training = sc.costs.police_training_per_unit_month * units * (MONTHS - 37 + 1)
    campaign = sc.costs.awareness_campaign_per_100k_month * SMALL["population.size"] / 1e5 * (MONTHS - 25 + 1)
    assert ce.loc["police_training", "cost"] == pytest.approx(training)
    assert ce.loc["awareness_campaign", "cost"] == pytest.approx(campaign)
    # victim protection: per victim identified while in force, which each run counts
    ts = comparison.timeseries
    alt = ts[(ts["scenario"] == "victim_protection") & (ts["month"] >= 37)]
    identified = alt.groupby("replication")["victims_identified"].sum().mean()
    assert ce.loc["victim_protection", "cost"] == pytest.approx(sc.costs.victim_protection_per_victim * identified)
    numbers = Page(html).numbers
    shown = {a["scenario"]: t for a, t in numbers if a["field"] == "cost" and "metric" not in a}
    assert shown["police_training"] == usd(training) and shown["awareness_campaign"] == usd(campaign)
    parts = {(a["scenario"], a["intervention"]): t for a, t in numbers if a["field"] == "breakdown_cost"}
    assert parts[("police_training", "training")] == usd(training)
    assert parts[("awareness_campaign", "campaign")] == usd(campaign)


def test_a_scenario_sets_its_own_cost_rates():
    sc = load_scenario(SCENARIOS / "police_training.toml", {"costs.police_training_per_unit_month": 1000, "months": 48})
    units = len(sc.regions) + 1  # source and border units
    assert run_cost(sc) == pytest.approx(1000 * units * 12)


def test_cost_per_victim_averted_is_given_only_when_the_effect_is_distinguishable_from_zero(html, comparison):
    assert cost_per_unit(1e6, 100, 50, 200) == (1e4, 5e3, 2e4, "gain")
    assert cost_per_unit(1e6, 100, -10, 200)[3] == "unclear" and math.isnan(cost_per_unit(1e6, 100, -10, 200)[0])
    assert cost_per_unit(1e6, -100, -200, -50)[3] == "loss"
    ce = cost_effectiveness(comparison)
    for r in ce.itertuples():
        if r.averted_ci_low <= 0 <= r.averted_ci_high:
            assert r.cost_per_averted_verdict == "unclear" and math.isnan(r.cost_per_averted)
    if (ce["cost_per_averted_verdict"] == "unclear").any():
        assert "undefined: the effect is not distinguishable from zero" in html


def test_the_brief_from_the_folder_of_a_comparison_shows_the_same_numbers(comparison, tmp_path, capsys):
    write_comparison(comparison, tmp_path / "cmp", plots=False)
    again = read_comparison(tmp_path / "cmp")
    assert [t for _, t in Page(build_report(again, figures=False)).numbers] == \
        [t for _, t in Page(build_report(comparison, figures=False)).numbers]  # fmt: skip
    status, out, err = sim_main(capsys, "report", "--from", tmp_path / "cmp", "--out", tmp_path / "brief")
    assert status == 0 and err == "" and (tmp_path / "brief" / "report.html").is_file()


def test_the_command_writes_the_brief_and_the_comparison(tmp_path, capsys):
    out = tmp_path / "r"
    status, stdout, err = sim_main(capsys, "report", BASELINE, SCENARIOS / "peacekeeper_ban.toml", "--reps", 2,
                                   "--months", 24, "--scale", 100, "--workers", 1, "--out", out)  # fmt: skip
    assert status == 0, err
    written = {p.name for p in out.iterdir()}
    assert written >= {"report.html", "effects.csv", "runs.csv", "timeseries.parquet", "costs.csv"}
    html = (out / "report.html").read_text()
    assert "Peacekeeper ban" in html
    coarse = base_resolution(read_comparison(out)).line  # the base's trafficking is a few person-agents at 100
    assert coarse is not None and stdout.splitlines() == [coarse, f"brief in {out / 'report.html'}"]
    assert f'<p class="resolution">{coarse}</p>' in html


def test_the_command_shows_its_progress_on_a_terminal(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    status, _, err = sim_main(capsys, "report", BASELINE, SCENARIOS / "peacekeeper_ban.toml", "--reps", 2,
                              "--months", 12, "--scale", 100, "--workers", 1, "--out", tmp_path / "r")  # fmt: skip
    assert status == 0, err
    assert re.search(r"report: +100%.* 4/4 ", err), err  # the runs' bar, as sim compare shows it
    assert "report: writing the brief" in err.splitlines()[-1]


@pytest.mark.parametrize(
    "argv, lines",
    [
        (["{base}", "{tmp}/missing.toml"], ["{tmp}/missing.toml: file not found"]),
        (["{base}"], ["BASE ALT: give a base scenario and at least one alternative"]),
        (["{base}", "{base}", "--reps", "1"], ["--reps: a confidence interval needs at least 2 replications (got 1)"]),
        (["{base}", "{base}", "--out", "{tmp}/afile"], ["{tmp}/afile: --out: is a file, not a folder"]),
        (["--from", "{tmp}/nowhere"], ["--from: {tmp}/nowhere: folder not found"]),
        (["--from", "{tmp}/empty"],
         ["--from: {tmp}/empty/manifest.json: file not found", "--from: {tmp}/empty/effects.csv"]),
        (["{base}", "{base}", "--posterior", "{tmp}/none.csv"], ["{tmp}/none.csv: file not found"]),
        (["{base}", "{base}", "--posterior", "{tmp}/bad.csv"],
         ["{tmp}/bad.csv: weight: missing column", "{tmp}/bad.csv: police.raid_rat: unknown key"]),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_per_problem_exit_2_and_nothing_written(argv, lines, tmp_path, capsys):
    (tmp_path / "afile").write_text("")
    (tmp_path / "empty").mkdir()
    (tmp_path / "bad.csv").write_text("police.raid_rat,w\n0.02,1\n")
    subs = {"base": str(BASELINE), "tmp": str(tmp_path)}
    argv = [a.format(**subs) for a in argv]
    if "--out" not in argv:
        argv += ["--out", str(tmp_path / "out")]
    before = sorted(p.name for p in tmp_path.iterdir())
    status, out, err = sim_main(capsys, "report", *argv)
    assert status == 2 and "Traceback" not in err
    for line in lines:
        assert any(e.startswith(line.format(**subs)) for e in err.splitlines()), (line, err)
    assert sorted(p.name for p in tmp_path.iterdir()) == before and not (tmp_path / "empty" / "report.html").exists()


def test_a_posterior_of_one_set_is_the_same_as_overriding_its_parameters(tmp_path):
    post = tmp_path / "posterior.csv"
    post.write_text("police.raid_rate,exploitation.escape_rate,weight\n0.05,0.02,1\n")
    from sim.studies.experiments.posterior import read_posterior

    kw = dict(reps=2, months=24, scale=SMALL["scale"], workers=1)
    size = {"population.size": SMALL["population.size"]}
    posterior = read_posterior(post, BASELINE)
    drawn = compare(BASELINE, [SCENARIOS / "peacekeeper_ban.toml"], overrides=size, posterior=posterior, **kw)
    fixed = compare(BASELINE, [SCENARIOS / "peacekeeper_ban.toml"],
                    overrides={**size, "police.raid_rate": 0.05, "exploitation.escape_rate": 0.02}, **kw)  # fmt: skip
    assert drawn.runs.equals(fixed.runs)
    assert drawn.manifest["posterior"]["draws"] == [0, 0]
    assert "Each replication drew one of 1 weighted parameter set\nfrom" in build_report(drawn, figures=False)


def test_posterior_draws_follow_the_weights_and_the_seed():
    import pandas as pd

    from sim.studies.experiments.posterior import draw

    post = pd.DataFrame({"police.raid_rate": [0.01, 0.02, 0.03], "weight": [0.0, 0.25, 0.75]})
    picks = [i for i, _ in draw(post, list(range(1, 2001)))]
    assert picks == [i for i, _ in draw(post, list(range(1, 2001)))] and 0 not in picks
    assert np.mean(np.array(picks) == 2) == pytest.approx(0.75, abs=0.04)


def _needs_chromium():
    if Path(CHROMIUM).exists():
        return None
    if os.environ.get("CI") == "true":
        pytest.fail(f"{CHROMIUM} is missing in CI (.ci/run installs it)")
    pytest.skip(f"{CHROMIUM} not installed")


def _screenshot(page: Path, png: Path) -> np.ndarray:
    import matplotlib.image as mpimg

    profile = tempfile.mkdtemp()
    try:
        subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", f"--screenshot={png}", "--window-size=1200,5000", page.as_uri()],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return (mpimg.imread(png)[..., :3] * 255).round().astype(int)


def _near(img: np.ndarray, rgb) -> int:
    return int((np.abs(img - np.array(rgb)).sum(axis=2) < 30).sum())


def test_the_brief_rendered_by_a_browser_shows_its_figures(comparison, tmp_path):
    _needs_chromium()
    img = _screenshot(write_report(comparison, tmp_path / "with"), tmp_path / "with.png")
    colours = {tuple(c) for c in img.reshape(-1, 3)[::7]}
    assert len(colours) > 500  # text, tables and charts, not a blank page
    # the charts' points, lines and bands: the alternatives' colours (orange C1, green C2) cover many pixels
    bare = _screenshot(write_report(comparison, tmp_path / "without", figures=False), tmp_path / "without.png")
    for rgb in ((255, 127, 14), (44, 160, 44)):
        assert _near(img, rgb) > 500 > _near(bare, rgb), rgb


def test_the_brief_says_where_the_exploitation_a_demand_side_measure_removed_went():
    """The findings of a scenario with a demand-side measure carry its share displaced, worded by its sign,
    with the numbers of ``sim.studies.experiments.displacement``."""
    import pandas as pd

    from sim.report.context import displacement_sentences
    from sim.studies.experiments.compare import Comparison

    dests = {"eu": {}, "cis": {}}
    at_eu = {"destinations": dests, "interventions": {"c": {"kind": "demand_reduction", "destinations": ["eu"]}}}
    scenarios = {"base": {"destinations": dests, "interventions": {}}, "moved": at_eu, "lost": at_eu}

    def row(scenario, rep, eu, cis):
        return {"scenario": scenario, "replication": rep, "victim_months_sexual_at_eu": eu,
                "victim_months_labour_at_eu": 0.0, "victim_months_sexual_at_cis": cis,
                "victim_months_labour_at_cis": 0.0}  # fmt: skip

    runs = pd.DataFrame([
        row("base", 0, 1000, 500), row("base", 1, 1200, 400), row("moved", 0, 810, 550), row("moved", 1, 990, 500),
        row("lost", 0, 810, 450), row("lost", 1, 990, 300),
    ])  # fmt: skip
    c = Comparison("base", ["base", "moved", "lost"], pd.DataFrame(), runs, pd.DataFrame(), {"scenarios": scenarios})
    said = {k: str(v) for k, v in displacement_sentences(c).items()}
    assert "reappeared at other destinations" in said["moved"] and ">37.5%<" in said["moved"]
    assert "lost <span" in said["lost"] and ">-37.5%<" in said["lost"]
