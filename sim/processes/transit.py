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
from sim.processes.migration import come_home


def note_returned_victims(model, country, gang: np.ndarray, region: np.ndarray) -> None:
    """Victims back home this month, by gang and home region (``region``: the country's index), in real
    persons (future informal recruiters)."""
    n_regions = model.returned_victims.shape[1]
    cells = gang.astype(np.int64) * n_regions + region.astype(np.int64) + country.offset
    model.returned_victims += (
        np.bincount(cells, minlength=model.returned_victims.size).reshape(model.returned_victims.shape) * model.params.scale
    )


def step(model, country, ctx, counts: dict) -> None:
    """Transit of ``country``'s victims across its border."""
    pop, keys, m, tp = country.pop, country.keys, ctx.month, model.params.transit
    ids = pop.abroad_ids
    ids = ids[pop.status[ids] == Status.TRANSIT]
    if ids.size == 0:
        return
    scale, n, c = model.params.scale, model.expected_interdicted_by_gang.shape[0], country.index
    gang = pop.gang[ids].astype(np.int64)
    stop_g = model.stop_gc[:, c]
    model.transit_by_gang[:, c] += np.bincount(gang, minlength=n) * scale
    stopped = keys.draw("transit.interdiction", m, ids) < stop_g[gang]
    model.expected_interdicted_by_gang[:, c] += np.bincount(gang, weights=stop_g[gang] * scale, minlength=n)
    caught = ids[stopped]
    note_returned_victims(model, country, gang[stopped], pop.region[caught])
    pop.flags[caught] |= IDENTIFIED
    come_home(pop, caught, m)
    counts["interdicted"] += caught.size
    counts["victims_identified"] += caught.size
    counts["returns"] += caught.size
    moving = ids[~stopped]
    arrived = moving[(m - pop.since[moving].astype(np.int32)) >= tp.months]
    sexual = (pop.flags[arrived] & SEXUAL_BOUND) > 0
    pop.status[arrived] = np.where(sexual, Status.SEXUAL, Status.LABOUR).astype(np.uint8)
    pop.since[arrived] = m
