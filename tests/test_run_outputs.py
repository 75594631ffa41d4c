"""`sim run` writes the table, manifest and plots a reader expects; the API gives the same table."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from conftest import SCENARIOS

import sim
from sim.commands.cli import main
from sim.core.outputs import columns

REQUIRED = """month date population_home births deaths_home emigrants_legal emigrants_irregular trafficked returns
abroad_legal abroad_irregular in_transit victims_sexual victims_labour deaths_abroad victims_identified rescued escaped
unemployment_rate recruiters_active gangs_active gang_revenue_usd bribes_usd arrests prosecutions convictions
working_age_share old_age_dependency_ratio emigrants_tertiary_share""".split()


def test_cli_run_writes_table_manifest_and_plots(tmp_path, capsys):
    scenario = tmp_path / "small.toml"
    scenario.write_text(f'extends = "{SCENARIOS / "baseline.toml"}"\nname = "small"\nscale = 100\n[population]\nsize = 200000\n')
    out = tmp_path / "res"
    assert main(["run", str(scenario), "--months", "14", "--seed", "4", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "victims at end (true)" in printed and "victims identified (detected" in printed

    df = pd.read_csv(out / "timeseries.csv")
    assert list(df.columns) == columns(["eu", "balkans", "cis"])
    assert set(REQUIRED) <= set(df.columns)
    for d in ("eu", "balkans", "cis"):  # victims held and the month's prices at each destination
        assert {f"victims_sexual_at_{d}", f"victims_labour_at_{d}", f"price_sexual_{d}", f"price_labour_{d}"} <= set(df.columns)
    victims = df[[f"victims_sexual_at_{d}" for d in ("eu", "balkans", "cis")]].sum(axis=1)
    assert (victims == df["victims_sexual"]).all()  # the destinations' victims add up to the total
    assert len(df) == 15 and df["month"].tolist() == list(range(15))
    assert df["date"].iloc[0] == "1999-12" and df["date"].iloc[1] == "2000-01" and df["date"].iloc[14] == "2001-02"

    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 4
    assert manifest["scenario"]["name"] == "small" and manifest["scenario"]["scale"] == 100
    assert manifest["scenario"]["destinations"]["balkans"]["troops"][0] == [2000.5, 62900]  # inherited from baseline
    assert {"python", "mesa", "numpy", "trafficking-sim"} <= set(manifest["versions"])
    assert "commit" in manifest and manifest["wall_seconds"] > 0

    for png in ("outflows.png", "victims.png", "population.png", "enforcement.png"):
        assert (out / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    api = sim.run(scenario, seed=4, months=14)
    pd.testing.assert_frame_equal(api.reset_index(drop=True), df, check_dtype=False, atol=1e-9)


def test_counts_are_in_real_persons():
    """A person-agent stands for `scale` residents: halving the scale roughly keeps the totals."""
    over = {"population.size": 400_000}
    coarse = sim.run(SCENARIOS / "baseline.toml", seed=1, months=2, scale=100, overrides=over)
    fine = sim.run(SCENARIOS / "baseline.toml", seed=1, months=2, scale=50, overrides=over)
    for df in (coarse, fine):
        assert abs(df["population_home"].iloc[0] - 400_000 * (1 - 0.02)) < 0.01 * 400_000
    assert (coarse["population_home"] % 100 == 0).all()


def test_plot_legends_sit_outside_the_axes_and_counts_have_thousands_separators(monkeypatch, tmp_path):
    import sim.engine.plots

    figures = {}
    monkeypatch.setattr(sim.engine.plots, "_save", lambda fig, path: figures.setdefault(path.name, fig))
    df = sim.run(SCENARIOS / "baseline.toml", months=24, scale=100, overrides={"population.size": 400_000})
    sim.engine.plots.run_plots(df, tmp_path)
    # one source country: every chart but the countries side by side
    assert sorted(figures) == sorted(f for f in sim.engine.plots.PLOT_FILES if f != "countries.png")
    for name, fig in figures.items():
        fig.canvas.draw()
        assert all(ax.get_legend() is None for ax in fig.axes) and len(fig.legends) == 1, name
        legend = fig.legends[0].get_window_extent()
        assert not any(legend.overlaps(ax.get_window_extent()) for ax in fig.axes), name
    labels = [t.get_text() for t in figures["outflows.png"].axes[0].get_yticklabels()]
    assert any("," in t for t in labels) and all("e" not in t for t in labels), labels


def test_the_countries_chart_has_exact_ticks_at_round_steps(monkeypatch, tmp_path):
    import sim.engine.plots

    figures = {}
    monkeypatch.setattr(sim.engine.plots, "_save", lambda fig, path: figures.setdefault(path.name, fig))
    months = np.arange(0, 61)
    rows = [{"country": c, "month": m, "date": f"{2020 + (m - 1) // 12 if m else 2019}-{(m - 1) % 12 + 1:02d}",
             "population_home": 100_000 * (1 - fall * m / 60), "emigrants_legal": 10.0, "emigrants_irregular": 5.0,
             "trafficked": 1.0, "victims_identified": 0.5}
            for c, fall in (("A", 0.12), ("B", 0.03)) for m in months]  # fmt: skip
    df = pd.DataFrame({"month": months})
    df.attrs["by_country"] = pd.DataFrame(rows).to_dict(orient="list")
    assert sim.engine.plots.several_countries(df)
    sim.engine.plots.country_plot(pd.DataFrame(rows), "two", tmp_path / "countries.png")
    fig = figures["countries.png"]
    fig.canvas.draw()
    for ax in fig.axes:
        ticks = [t for t in ax.get_yticklabels() if ax.get_ylim()[0] <= t.get_position()[1] <= ax.get_ylim()[1]]
        for t in ticks:  # each label is its tick's value, exactly
            assert float(t.get_text().replace(",", "").replace("\u2212", "-")) == pytest.approx(t.get_position()[1])
    steps = np.diff(fig.axes[2].get_yticks())  # residents, % of the start: round steps
    assert np.allclose(steps, steps[0]) and f"{steps[0]:g}"[0] in "125", steps
    assert sim.engine.plots.tick(97.5) == "97.5" and sim.engine.plots.tick(1_200_000) == "1,200,000"
    assert sim.engine.plots.tick(0.30000000000000004) == "0.3" and sim.engine.plots.tick(-0.0) == "0"
    one = df.copy()
    one.attrs["by_country"] = pd.DataFrame([r for r in rows if r["country"] == "A"]).to_dict(orient="list")
    assert not sim.engine.plots.several_countries(one)
