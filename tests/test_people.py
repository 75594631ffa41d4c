"""The people side follows its inputs: births follow the fertility path, deaths the life-expectancy path,
unemployment the jobs and the labour force (so emigration of the unemployed lowers it), and the
emigrants' profile lands near the published one. Each statistical test states its tolerance."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import SCENARIOS, small_run

import sim
from sim.core.economy import unemployment_targets
from sim.engine.runner import model_class, resolve


def births_in(df, year: int) -> float:
    return df.loc[df["date"].str.startswith(str(year)), "births"].sum()


def test_fertility_follows_its_path():
    """TFR 1.0, then 1.6 from 2001: births of 2002 are 1.6 times those of a run held at 1.0 (same seed,
    so the same draws: the ratio's noise is about 2.5% at 100,000 person-agents; tolerance 10%), and
    those of 2000 are the same."""
    over = {"population.size": 1_000_000, "migration.enabled": False}
    run = lambda tfr: sim.run(SCENARIOS / "baseline.toml", seed=3, months=36, scale=10, overrides={**over, "demography.tfr": tfr})  # noqa: E731
    low, rising = run([[2000, 1.0]]), run([[2001, 1.0], [2001.01, 1.6]])
    assert births_in(rising, 2000) == births_in(low, 2000)
    assert births_in(rising, 2002) / births_in(low, 2002) == pytest.approx(1.6, rel=0.10)


LIFE_RUNS = {"vectorised": (200_000, 0.08), "reference": (60_000, 0.15)}  # person-agents, relative tolerance


@pytest.mark.slow
@pytest.mark.parametrize("engine", list(LIFE_RUNS))
def test_life_expectancy_follows_its_path(engine):
    """Life expectancy rising by 10 years over 2000-2002: deaths of 2002 match what the table of 2002
    implies for the persons alive at its start (relative tolerance 8% at 200,000 person-agents, 15% at
    60,000: about four standard errors), and are far fewer than the table of 2000 implies."""
    size, tolerance = LIFE_RUNS[engine]
    over = {
        "population.size": size, "migration.enabled": False,
        "demography.life_expectancy_male": [[2000.5, 60], [2002.5, 70]],
        "demography.life_expectancy_female": [[2000.5, 70], [2002.5, 80]],
    }  # fmt: skip
    model = model_class(engine)(resolve(SCENARIOS / "baseline.toml", over, scale=1, months=36))
    model.run(24)  # to December 2001
    country = model.countries[0]
    if engine == "vectorised":
        alive = np.flatnonzero(country.pop.status[: country.pop.n] != 8)
        birth, sex = country.pop.birth[alive].astype(np.int64), country.pop.sex[alive].astype(np.int64)
    else:
        birth = np.array([p.birth for p in model.persons], dtype=np.int64)
        sex = np.array([p.sex for p in model.persons], dtype=np.int64)
    age = np.clip(25 - birth, 0, country.life.n_ages - 13)

    def expected(month: int) -> float:
        cum = country.life.cum(month)
        return float((1 - np.exp(-(cum[sex, age + 12] - cum[sex, age]))).sum())

    model.run(12)  # 2002
    deaths = sum(r["deaths_home"] + r["deaths_abroad"] for r in model.rows[25:37])
    assert deaths == pytest.approx(expected(25), rel=tolerance)
    assert expected(25) < 0.8 * expected(1)


def test_fewer_unemployed_in_the_labour_force_mean_a_lower_unemployment_target():
    """The same jobs shared by a labour force with fewer unemployed (they emigrated): lower targets."""
    sc = sim.load_scenario(SCENARIOS / "baseline.toml")
    labour0 = np.zeros((len(sc.regions), 2, 3))
    labour0[..., 0], labour0[..., 1] = 900.0, 100.0
    after = labour0.copy()
    after[..., 1] = 50.0  # half the unemployed left
    start, now = unemployment_targets(sc, 1, None, labour0, labour0), unemployment_targets(sc, 1, None, after, labour0)
    assert (now < start).all()
    # at the start, the regions' rates (young and older workers together) are those the jobs path says
    force = labour0[..., 0] + labour0[..., 1]
    overall = (start * force).sum(axis=1) / force.sum(axis=1)
    demand = sc.economy.labour_demand[0][1]
    assert overall == pytest.approx([(1 - demand) * r.unemployment_multiplier for r in sc.regions.values()])


@pytest.mark.slow
def test_emigration_lowers_unemployment_against_no_emigration():
    """Paired seeds 1-3, 120 months, 50,000 person-agents: mean unemployment of 2005-2009 is lower with
    emigration than without for every seed, by at least half a point."""

    def later(name: str) -> np.ndarray:
        runs = [small_run(name, seed=s, months=120, size=1_000_000, scale=20) for s in (1, 2, 3)]
        return np.array([df.loc[df["month"] > 60, "unemployment_rate"].mean() for df in runs])

    assert (later("baseline.toml") < later("no_emigration.toml") - 0.005).all()


@pytest.mark.slow
def test_the_emigrants_profile_is_near_the_published_one():
    """Baseline, seeds 1-3, 120 months, 50,000 person-agents. Women about a third of emigrants (ILO2013;
    within 0.28-0.40), 87% aged 20-49 (ETF2009; within 0.80-0.93), about 40% tertiary (WB2019; within
    0.33-0.46)."""
    over = {"population.size": 1_000_000, "outputs.profile_age_bands": [20, 50]}
    tables = [sim.profiles(sim.run(SCENARIOS / "baseline.toml", seed=s, months=120, scale=20, overrides=over)) for s in (1, 2, 3)]
    p = tables[0].assign(persons=sum(t["persons"] for t in tables))
    left = p["persons"].sum()
    share = lambda rows: p.loc[rows, "persons"].sum() / left  # noqa: E731
    assert 0.28 <= share(p["sex"] == "female") <= 0.40
    assert 0.80 <= share(p["age_band"] == "20-49") <= 0.93
    assert 0.33 <= share(p["education"] == "tertiary") <= 0.46
