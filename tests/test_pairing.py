"""Pairing: two runs with the same seed differ only downstream of where their rules differ.

Every actor's and event's key says where it comes from (``sim.core.rng.origin_key``), so an actor or a
court case that exists in one run and not in the other (a phantom: a key made, nothing done) changes no
other actor's draws. The variant with sequential ids (every key a counter over the run, as ids used to
be) must fail the same check: the phantom shifts every later id and the runs drift apart.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from conftest import SCENARIOS, small_sizes

import sim
import sim.engine.model as model_module
from sim.core.rng import Keys, rendezvous
from sim.engine.model import MigrationModel
from sim.processes import courts, gangs
from sim.processes.recruiters import LICENSED, Recruiter

PHANTOM_MONTH, MONTHS, SCALE = 24, 48, 20
SIZE = 1_000_000


def phantom_recruiter(model, ctx) -> None:
    """A licensed recruiter that reaches nobody, hired and gone in the same month."""
    Recruiter(model, gangs.origin_key("phantom recruiter", ctx.month), LICENSED, 0, 0.0).leave()


def phantom_case(model, ctx) -> None:
    """A court case opened by the first police unit after its cases of the month, with nobody in it."""
    model.courts.case_key(model.units[0], ctx.month)


def run_with(monkeypatch, phantom=None, sequential: bool = False) -> pd.DataFrame:
    """The baseline, small, with ``phantom(model, ctx)`` called after the actors' month ``PHANTOM_MONTH``
    (``sequential``: in the variant with sequential ids)."""
    actors_month = MigrationModel.actors_month

    def with_phantom(self, ctx):
        actors_month(self, ctx)
        if phantom is not None and ctx.month == PHANTOM_MONTH:
            phantom(self, ctx)

    with monkeypatch.context() as patch:
        patch.setattr(MigrationModel, "actors_month", with_phantom)
        if sequential:
            sequential_ids(patch)
        return sim.run(SCENARIOS / "baseline.toml", seed=3, months=MONTHS, scale=SCALE,
                       overrides=small_sizes("baseline.toml", SIZE))  # fmt: skip


def sequential_ids(patch) -> None:
    """The broken variant: every actor's and case's key is the next number of one counter over the run."""
    counter = itertools.count()
    for module in (gangs, model_module):
        patch.setattr(module, "origin_key", lambda *parts: next(counter))
    patch.setattr(courts.Courts, "case_key", lambda self, unit, month: next(counter))


@pytest.mark.parametrize("phantom", [phantom_recruiter, phantom_case], ids=["recruiter", "court case"])
def test_a_phantom_actor_leaves_every_output_identical(monkeypatch, phantom):
    base, with_phantom = run_with(monkeypatch), run_with(monkeypatch, phantom)
    assert base["gangs_active"].iloc[PHANTOM_MONTH:].sum() > 0 and base["arrests"].iloc[PHANTOM_MONTH:].sum() > 0
    pd.testing.assert_frame_equal(base, with_phantom)


@pytest.mark.parametrize("phantom", [phantom_recruiter, phantom_case], ids=["recruiter", "court case"])
def test_with_sequential_ids_a_phantom_actor_changes_the_run(monkeypatch, phantom):
    base, with_phantom = run_with(monkeypatch, sequential=True), run_with(monkeypatch, phantom, sequential=True)
    pd.testing.assert_frame_equal(base.iloc[: PHANTOM_MONTH + 1], with_phantom.iloc[: PHANTOM_MONTH + 1])
    assert not base.equals(with_phantom)


# -- contacts: which recruiter reaches whom -----------------------------------------------------------
PERSONS = 20_000


def choices(weights, keys=None, persons=PERSONS) -> np.ndarray:
    """The recruiter (index) each of ``persons`` in one region meets, recruiters of ``weights`` (reach)."""
    weights = np.asarray(weights, dtype=np.float64)
    keys = np.arange(100, 100 + weights.size) if keys is None else np.asarray(keys)
    uids = np.arange(persons)
    return rendezvous(Keys(1), "contact", 5, uids, np.zeros(persons, np.int64), np.zeros(weights.size, np.int64),
                      keys, weights)  # fmt: skip


def cumulative_choices(weights, persons=PERSONS) -> np.ndarray:
    """The broken variant: one uniform per person against the recruiters' cumulative reach."""
    u = Keys(1).draw("contact", 5, np.arange(persons))
    cum = np.cumsum(weights) / np.sum(weights)
    return np.searchsorted(cum, u, side="right")


def test_one_more_recruiter_takes_contacts_only_from_its_own_share():
    """Three recruiters of reach 1, 2, 3; a fourth of reach 2 joins, listed first. Every person whose
    recruiter changes now meets the newcomer, and the newcomer's share is 2 / 8 (binomial, 4 standard
    errors: 0.012 for 20,000 persons)."""
    before = choices([1, 2, 3], keys=[101, 102, 103])
    after = choices([2, 1, 2, 3], keys=[104, 101, 102, 103])
    moved = after - 1 != before
    assert np.all(after[moved] == 0)
    assert abs(np.mean(after == 0) - 2 / 8) < 4 * np.sqrt(2 / 8 * 6 / 8 / PERSONS)


def test_recruiters_are_met_in_proportion_to_their_reach():
    """Shares of 1:2:3:0 (chi-square goodness of fit, 3 degrees of freedom, 0.1% level: 16.27); the
    recruiter of no reach meets nobody."""
    weights = np.array([1.0, 2.0, 3.0, 0.0])
    counts = np.bincount(choices(weights), minlength=4)
    expected = PERSONS * weights[:3] / weights.sum()
    assert counts[3] == 0
    assert ((counts[:3] - expected) ** 2 / expected).sum() < 16.27


def test_with_cumulative_reach_one_more_recruiter_reshuffles_the_contacts():
    before = cumulative_choices([1, 2, 3])
    after = cumulative_choices([2, 1, 2, 3])
    moved = after - 1 != before
    assert np.mean(moved & (after != 0)) > 0.1  # persons moved between the recruiters already there
