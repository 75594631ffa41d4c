"""The census and recording a month (step 11): one pass over the persons counts what the outputs and the
next month's rules need (``census``, kept on the country by ``MigrationModel.take_census``); ``record``
makes the month's row from it and changes no state.

The row's columns are declared in ``sim.core.outputs``; this module fills them. Counts are converted to
real persons here (times ``scale``), and nowhere else.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from sim.core.economy import LABOUR, SEXUAL
from sim.core.outputs import CHANNELS, EDUCATIONS, NAMES, PROFILE_COLUMNS, SEXES, age_band_labels, per_destination_row
from sim.core.population import EDU_TERTIARY, SEXUAL_BOUND, Population, Status
from sim.core.state import Census
from sim.scenario.units import MONTHS_PER_YEAR

TRAFFICKED = "trafficked"  # the flow of all victims, counted in profiles by the kind they are bound for
_HOME_MAX = np.uint8(Status.INACTIVE)
_EMP = np.uint8(Status.EMPLOYED)
_UNEMP = np.uint8(Status.UNEMPLOYED)


CENSUS_CHUNK = 1 << 20  # persons per histogram copy (the chunks are counted in parallel)


@nb.njit(cache=True, parallel=True)
def _census(n, status, birth, region, edu, month, n_regions, working_age, old_age, youth):
    """Counts over residents: by status, by broad age group, labour market by region and age group.

    One pass that only counts: each person adds one to a cell [status, region, age group (below
    ``working_age``, working age, from ``old_age``), younger than ``youth``, tertiary educated] of a
    histogram (a copy per chunk of persons, the chunks counted in parallel, and four copies within a
    chunk, so that consecutive persons rarely wait on the same counter); the counts are sums over its
    cells, the same whatever the number of threads. Ages are in months. The labour market counts the
    employed and unemployed of all ages (the labour rule keeps them of working age).
    """
    chunks = (n + CENSUS_CHUNK - 1) // CENSUS_CHUNK
    hist = np.zeros((max(chunks, 1), 4, 9, n_regions, 3, 2, 2), dtype=np.int64)
    for c in nb.prange(chunks):
        for i in range(c * CENSUS_CHUNK, min(n, (c + 1) * CENSUS_CHUNK)):
            age = month - np.int64(birth[i])
            group = np.int64(age >= working_age) + np.int64(age >= old_age)
            hist[c, i & 3, status[i], region[i], group, np.int64(age < youth), np.int64(edu[i] == EDU_TERTIARY)] += 1
    h = hist.sum(axis=0).sum(axis=0)
    by_status = h.reshape(9, -1).sum(axis=1)
    home = h[: _HOME_MAX + 1]
    ages = home.sum(axis=4).sum(axis=3).sum(axis=1).sum(axis=0)
    residents = home.reshape(_HOME_MAX + 1, n_regions, -1).sum(axis=2).sum(axis=0)
    labour = np.zeros((n_regions, 2, 3), dtype=np.int64)  # employed, unemployed, unemployed tertiary
    emp = h[_EMP].sum(axis=1)  # [region, young, tertiary]
    unemp = h[_UNEMP].sum(axis=1)
    labour[:, :, 0] = emp.sum(axis=2)
    labour[:, :, 1] = unemp.sum(axis=2)
    labour[:, :, 2] = unemp[:, :, 1]
    return by_status, ages, labour, residents


class Profiles:
    """Persons who left over the run by channel, sex, age band and education (``profiles.csv``)."""

    def __init__(self, sc):
        edges = list(sc.outputs.profile_age_bands)
        self.labels = age_band_labels(edges)
        lows = edges if edges[0] == 0 else [0, *edges]
        self.band_months = np.array(lows[1:], dtype=np.int64) * MONTHS_PER_YEAR  # an age in months falls right of these
        self.scale = sc.scale
        self.counts = np.zeros((len(CHANNELS), len(SEXES), len(self.labels), len(EDUCATIONS)), dtype=np.int64)

    def add(self, pop: Population, ids: np.ndarray, month: int, flow: str) -> None:
        """Count the persons ``ids`` leaving by ``flow`` (a flow of ``CHANNELS``, or ``trafficked``: split by the
        kind of exploitation the victims are bound for) in ``month``."""
        if flow == TRAFFICKED:
            sexual = (pop.flags[ids] & SEXUAL_BOUND) > 0
            self.add(pop, ids[sexual], month, "trafficked_sexual")
            self.add(pop, ids[~sexual], month, "trafficked_labour")
            return
        age = month - pop.birth[ids].astype(np.int64)
        band = np.searchsorted(self.band_months, age, side="right")
        cell = (pop.sex[ids].astype(np.int64) * len(self.labels) + band) * len(EDUCATIONS) + pop.edu[ids]
        channel = list(CHANNELS.values()).index(flow)
        self.counts[channel] += np.bincount(cell, minlength=self.counts[channel].size).reshape(self.counts.shape[1:])

    def add_person(self, sex: int, age_months: int, edu: int, flow: str, sexual: bool = False) -> None:
        """Count one person leaving by ``flow`` (the reference engine's departures, one at a time; a victim
        by the kind of exploitation, ``sexual`` or not)."""
        if flow == TRAFFICKED:
            flow = "trafficked_sexual" if sexual else "trafficked_labour"
        band = int(np.searchsorted(self.band_months, age_months, side="right"))
        self.counts[list(CHANNELS.values()).index(flow), sex, band, edu] += 1

    def table(self, country: str) -> dict[str, list]:
        """The table of ``country`` as columns (``PROFILE_COLUMNS``), in real persons; ``sim.engine.runner.profiles``
        makes it a DataFrame."""
        cells = np.indices(self.counts.shape).reshape(4, -1)
        names = (list(CHANNELS), list(SEXES), self.labels, list(EDUCATIONS))
        cols = {PROFILE_COLUMNS[0].name: [country] * cells.shape[1]}
        cols.update({c.name: [names[k][i] for i in cells[k]] for k, c in enumerate(PROFILE_COLUMNS[1:5])})
        cols[PROFILE_COLUMNS[5].name] = (self.counts.reshape(-1) * self.scale).tolist()
        return cols


def census(country, month: int, troops: np.ndarray) -> Census:
    """State of ``country`` at the end of ``month``: what its row counts and its next month's rules read
    (``troops``: the destinations' troops of the month, for the victims where troops are stationed)."""
    pop: Population = country.pop
    params = country.params
    pop.refresh_abroad()
    by_status, ages, labour, residents = _census(
        pop.n, pop.status, pop.birth, pop.region, pop.edu, month, country.n_regions,
        params.outputs.working_age * MONTHS_PER_YEAR, params.outputs.old_age * MONTHS_PER_YEAR,
        params.economy.youth_age * MONTHS_PER_YEAR,
    )  # fmt: skip
    # victims in exploitation (what the markets clear) and on their way, by destination and type, in real persons
    ids = pop.abroad_ids
    st = pop.status[ids]
    n_dest = len(params.destinations)

    def by_market(v: np.ndarray, sexual: np.ndarray) -> np.ndarray:
        cell = pop.dest[v].astype(np.int64) * 2 + np.where(sexual, SEXUAL, LABOUR)
        return (np.bincount(cell, minlength=2 * n_dest).reshape(n_dest, 2) * params.scale).astype(np.float64)

    v = ids[(st == Status.SEXUAL) | (st == Status.LABOUR)]
    vs = pop.status[v]
    moving = ids[st == Status.TRANSIT]
    exploited = v[vs == Status.SEXUAL]
    return Census(
        by_status=by_status,
        ages=ages,
        labour=labour,
        residents=residents,
        emigrants=country.counts["_emigrants_by_region"],
        victims_exploited=by_market(v, vs == Status.SEXUAL),
        victims_in_transit=by_market(moving, (pop.flags[moving] & SEXUAL_BOUND) > 0),
        peacekeeping=int((troops[pop.dest[exploited]] > 0).sum()),
    )


def record(model) -> dict:
    """The output row of the current month for the run, the sum over its countries, from each country's
    census of the month (``Country.census``); each country's own row is appended to its ``rows``. It
    reads the model and changes nothing but the countries' ``rows``."""
    parts = [_census_columns(c.census) for c in model.countries]
    market = model.market
    price = market.price
    if price is None:  # before the first month
        price = market.clearing_price(model.state.victims_exploited, model.ctx)
    if len(model.countries) == 1:
        country = model.countries[0]
        row = _row(model, parts[0], country.counts, model.actor_row(), price)
        country.rows.append(row)
        return row
    for country, part in zip(model.countries, parts):
        country.rows.append(_row(model, part, country.counts, model.actor_row(country), price))
    total = {k: sum(p[k] for p in parts) for k in parts[0] if k != "labour"}
    total["labour"] = np.concatenate([p["labour"] for p in parts])  # [the run's regions, ...]
    counts: dict = {}
    for country in model.countries:
        for name, value in country.counts.items():
            if not name.startswith("_") or name in ("_emigrants_tertiary", "_emigrants_female"):
                counts[name] = counts.get(name, 0) + value
    return _row(model, total, counts, model.actor_row(), price)


def _census_columns(kept: Census) -> dict:
    """What a row reads of a census, as a dict (summed over countries by ``record``)."""
    return {"by_status": kept.by_status, "ages": kept.ages, "labour": kept.labour, "peacekeeping": kept.peacekeeping,
            "victims": kept.victims_exploited}  # fmt: skip


def _row(model, columns: dict, counts: dict, actors: dict, price: np.ndarray) -> dict:
    """An output row from a census's ``columns`` (of a country, or summed), the month's ``counts`` of persons
    (person-agents), the actors' columns and the prices."""
    s, a, lab = columns["by_status"], columns["ages"], columns["labour"]
    scale = model.params.scale
    row = dict.fromkeys(NAMES, 0.0)
    row["month"] = model.month
    row["date"] = model.params.date(model.month)
    for name, value in counts.items():
        if not name.startswith("_"):
            row[name] = value * scale
    row["population_home"] = int(s[: Status.INACTIVE + 1].sum()) * scale
    row["abroad_legal"] = int(s[Status.ABROAD_LEGAL]) * scale
    row["abroad_irregular"] = int(s[Status.ABROAD_IRREGULAR]) * scale
    row["in_transit"] = int(s[Status.TRANSIT]) * scale
    row["victims_sexual"] = int(s[Status.SEXUAL]) * scale
    row["victims_labour"] = int(s[Status.LABOUR]) * scale
    row["victims_peacekeeping"] = columns["peacekeeping"] * scale
    row["victim_months"] = float(columns["victims"].sum())
    row["working_age_share"] = a[1] / max(1, a.sum())
    row["old_age_dependency_ratio"] = a[2] / max(1, a[1])
    emp, unemp = lab[..., 0].sum(), lab[..., 1].sum()
    row["unemployment_rate"] = unemp / max(1, emp + unemp)
    left = counts.get("emigrants_legal", 0) + counts.get("emigrants_irregular", 0) + counts.get("trafficked", 0)
    row["emigrants_tertiary_share"] = counts.get("_emigrants_tertiary", 0) / left if left else 0.0
    row["emigrants_female_share"] = counts.get("_emigrants_female", 0) / left if left else 0.0
    row.update(actors)
    row.update(per_destination_row(list(model.params.destinations), columns["victims"], price))
    return row
