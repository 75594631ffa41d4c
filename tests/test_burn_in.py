"""The burn-in (docs/ODD.md, section 5): a run starts from the victims', the gangs' and the market's own state,
not from the scenario's guesses, and its start is still the scenario's start."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from conftest import SCENARIOS

import sim
from sim.core.population import FIELDS, Status
from sim.engine.model import MigrationModel
from sim.engine.reference import ReferenceModel
from sim.engine.runner import resolve

SMALL = {"population.size": 1_000_000}  # 20,000 person-agents at scale 50: a few gangs
VICTIMS = (Status.TRANSIT, Status.SEXUAL, Status.LABOUR)


def small_model(burn_in: int, cls=MigrationModel, **over) -> MigrationModel:
    return cls(resolve(SCENARIOS / "baseline.toml", {**SMALL, "burn_in": burn_in, **over}, scale=50, months=12))


def test_the_start_is_the_scenarios_start_but_for_its_victims():
    """Every person who is no victim at the start of either run is as the scenario draws them (same seed):
    the burn-in changes who the victims are and nothing else of the persons; nobody is born or dies in it.
    Row 0 is the start (month 0) and counts no flow."""
    held, bare = small_model(36), small_model(0)
    pop, pop0 = held.countries[0].pop, bare.countries[0].pop
    assert pop.n == pop0.n
    victim = np.isin(pop.status[: pop.n], VICTIMS) | np.isin(pop0.status[: pop0.n], VICTIMS)
    assert victim.sum() > 0
    for name in FIELDS:
        a, b = getattr(pop, name)[: pop.n], getattr(pop0, name)[: pop0.n]
        assert np.array_equal(a[~victim], b[~victim]), name
    row, row0 = held.rows[0], bare.rows[0]
    assert row["month"] == 0 and row["date"] == row0["date"] == "1999-12"
    flows = ("trafficked", "emigrants_legal", "emigrants_irregular", "returns", "births", "deaths_home", "arrests")
    assert all(row[f] == 0 for f in flows)
    assert held.countries[0].profiles.counts.sum() == 0  # who left in the burn-in is not counted
    # the census differs only by the victims: residents at the start within the victims' difference
    victims, victims0 = (r["victims_sexual"] + r["victims_labour"] + r["in_transit"] for r in (row, row0))
    assert abs(row["population_home"] - row0["population_home"]) <= abs(victims - victims0)


def test_the_burn_in_runs_the_months_before_the_start_under_their_own_keys():
    """The burn-in's months are indices -burn_in to -1 (its draws keyed by them never coincide with a
    reported month's), then the reported months run from 1."""
    seen = []

    class Watched(MigrationModel):
        def begin_month(self):
            ctx = super().begin_month()
            seen.append((self.month, ctx.month))
            return ctx

    model = small_model(5, Watched)
    assert model.month == 0
    model.run(2)
    assert [m for m, _ in seen] == [-5, -4, -3, -2, -1, 1, 2]
    assert all(m == c for m, c in seen)


def test_the_burn_in_has_the_first_months_interventions_only():
    """An intervention from month 1 acts in the burn-in (the start differs); one from month 2 does not, so
    scenarios that differ only later share their start exactly (common random numbers)."""
    base = small_model(12).rows[0]
    for start, same in ((2, True), (1, False)):
        over = {"interventions.drive.kind": "anti_corruption", "interventions.drive.start_month": start,
                "interventions.drive.strength": 0.3}  # fmt: skip
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            row = small_model(12, **over).rows[0]
        assert (row == base) is same, start


def test_the_reference_engine_starts_from_the_same_state():
    """Both engines start from the state the burn-in leaves (the same row 0, the same victims)."""
    vec, ref = small_model(12), small_model(12, ReferenceModel)
    assert vec.rows[0] == ref.rows[0]
    victims = sorted((p.gang, p.dest, p.status) for p in ref.persons if p.status in VICTIMS)
    pop = vec.countries[0].pop
    ids = pop.victim_ids()
    assert victims == sorted(zip(pop.gang[ids].tolist(), pop.dest[ids].tolist(), pop.status[ids].tolist()))


def test_provenance_records_the_burn_in():
    df = sim.run(SCENARIOS / "baseline.toml", months=1, scale=50, overrides={**SMALL, "burn_in": 7})
    assert df.attrs["provenance"]["scenario"]["burn_in"] == 7


# -- the spin-up is gone -----------------------------------------------------------------------------------
SEEDS = range(1, 9)
YEARS = 4


def trafficked_by_year(burn_in: int | None) -> np.ndarray:
    """[seed, year] persons trafficked in each of the first ``YEARS`` reported years of the baseline at scale 20."""
    over = {} if burn_in is None else {"burn_in": burn_in}
    out = []
    for seed in SEEDS:
        df = sim.run(SCENARIOS / "baseline.toml", seed=seed, months=12 * YEARS, scale=20, overrides=over)
        body = df[df["month"] > 0]
        out.append(body.groupby((body["month"] - 1) // 12)["trafficked"].sum().to_numpy())
    return np.array(out)


def first_year_within_the_next_years(by_year: np.ndarray) -> tuple[bool, str]:
    """Whether the first year's mean over seeds lies within the range of the next years' means, widened by two
    standard errors of the first year's mean (its standard deviation over seeds / sqrt(seeds): a 95% allowance
    for the noise of a mean of so many runs)."""
    mean = by_year.mean(axis=0)
    se = by_year[:, 0].std(ddof=1) / np.sqrt(by_year.shape[0])
    lo, hi = mean[1:].min() - 2 * se, mean[1:].max() + 2 * se
    return bool(lo <= mean[0] <= hi), f"first year {mean[0]:.0f}, next years {np.round(mean[1:])}, +-2 se {2 * se:.0f}"


@pytest.mark.slow
def test_no_spin_up_in_the_first_year():
    """Baseline at scale 20, seeds 1-8: persons trafficked in the first reported year lie within the range of
    the next three years' (means over seeds, widened by two standard errors of the first year's mean). Without
    a burn-in the same test fails: the first year is a boom (about 1,300 against 400-650)."""
    ok, detail = first_year_within_the_next_years(trafficked_by_year(None))
    assert ok, detail
    ok, detail = first_year_within_the_next_years(trafficked_by_year(0))
    assert not ok, "without a burn-in the first year should be a boom: " + detail
