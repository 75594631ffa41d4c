"""Transit (step 5): the deceived travel with the gang; border police may stop them.

Each month in transit a victim is stopped at the border with probability ``interdiction_rate`` times
the border unit's effectiveness (training, integrity eroded by bribes, cooperation, capacity), less
the protection the victim's gang bought at the border.
Stopped victims are identified and sent home. The others arrive after ``transit.months`` and are
exploited, sexually or as forced labour, at their destination.
"""

from __future__ import annotations

import numpy as np

from sim.core.population import IDENTIFIED, SEXUAL_BOUND, Status
from sim.core.state import GangTallies, MonthState
from sim.processes.migration import come_home


def note_returned_victims(
    tallies: GangTallies, scale: float, offset: int, gang: np.ndarray, region: np.ndarray
) -> None:
    """Victims back home this month, by gang and home region (``region``: the country's index, ``offset``
    its first region's index among the run's), in real persons (future informal recruiters)."""
    returned = tallies.returned_victims
    n_regions = returned.shape[1]
    cells = gang.astype(np.int64) * n_regions + region.astype(np.int64) + offset
    returned += np.bincount(cells, minlength=returned.size).reshape(returned.shape) * scale


def step(country, ctx, state: MonthState) -> None:
    """Transit of ``country``'s victims across its border, at the month's risks of interdiction."""
    pop, keys, m, counts = country.pop, country.keys, ctx.month, country.counts
    transit = country.params.transit
    ids = pop.abroad_ids
    ids = ids[pop.status[ids] == Status.TRANSIT]
    if ids.size == 0:
        return
    tallies, scale, index = state.tallies, country.params.scale, country.index
    n_rows = tallies.expected_interdicted.shape[0]
    gang = pop.gang[ids].astype(np.int64)
    stop_by_gang = state.risks.stop[:, index]
    tallies.in_transit[:, index] += np.bincount(gang, minlength=n_rows) * scale
    stopped = keys.draw("transit.interdiction", m, ids) < stop_by_gang[gang]
    tallies.expected_interdicted[:, index] += np.bincount(gang, weights=stop_by_gang[gang] * scale, minlength=n_rows)
    caught = ids[stopped]
    note_returned_victims(tallies, scale, country.offset, gang[stopped], pop.region[caught])
    pop.flags[caught] |= IDENTIFIED
    come_home(pop, caught, m)
    counts["interdicted"] += caught.size
    counts["victims_identified"] += caught.size
    counts["returns"] += caught.size
    moving = ids[~stopped]
    arrived = moving[(m - pop.since[moving].astype(np.int32)) >= transit.months]
    sexual = (pop.flags[arrived] & SEXUAL_BOUND) > 0
    pop.status[arrived] = np.where(sexual, Status.SEXUAL, Status.LABOUR).astype(np.uint8)
    pop.since[arrived] = m
