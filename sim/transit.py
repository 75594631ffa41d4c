"""Transit (step 5): the deceived travel with the gang; border police may stop them.

Each month in transit a victim is stopped at the border with probability ``interdiction_rate`` times
the border unit's effectiveness (training, integrity eroded by bribes, cooperation, capacity).
Stopped victims are identified and sent home. The others arrive after ``transit.months`` and are
exploited, sexually or as forced labour, at their destination.
"""

from __future__ import annotations

import numpy as np

from .migration import come_home
from .population import IDENTIFIED, SEXUAL_BOUND, Status


def step(model, ctx, counts: dict) -> None:
    pop, keys, m, tp = model.pop, model.keys, ctx.month, model.params.transit
    ids = pop.abroad_ids
    ids = ids[pop.status[ids] == Status.TRANSIT]
    model.interdicted_by_gang = np.zeros(len(model.gang_list))
    if ids.size == 0:
        return
    p_stop = min(1.0, tp.interdiction_rate * model.border.effectiveness(ctx))
    stopped = keys.draw("transit.interdiction", m, ids) < p_stop
    caught = ids[stopped]
    model.interdicted_by_gang = np.bincount(pop.gang[caught].astype(np.int64), minlength=len(model.gang_list)) * model.params.scale
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
