"""Courts: from arrest to prosecution, verdict after a delay, prison and return.

An arrest by a police unit opens a case of one or more persons (gang members or a recruiter). A share
of the arrested is prosecuted (``prosecution_rate``, raised by law reform); the others are released at
once. The prosecuted are held until the verdict, ``court_delay`` months later. At the verdict a case
is dropped by a corrupted official with probability ``corrupt_drop`` x (1 - integrity) of the
arresting unit, or with the protection the gang bought from that unit; otherwise each accused is
convicted with probability ``conviction_rate`` (raised by law reform) and serves the sentence in force
at the verdict (``sentence_years``, lengthened by law reform). Members who come back (acquitted,
released or at the end of their sentence) rejoin their gang with probability ``rejoin_share`` if it
still exists. Every draw is keyed by the case's number.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.core.rng import actor_binomial
from sim.processes.gangs import protection_of
from sim.scenario.units import MONTHS_PER_YEAR


@dataclass
class Case:
    cid: int
    gang: int  # gang id, -1 for none
    unit: object  # the arresting police unit
    persons: int  # prosecuted and held
    verdict_month: int


class Courts:
    def __init__(self, model):
        self.model = model
        self.pending: list[Case] = []
        # (release month, gang id, persons, rejoin share of the law they were convicted under)
        self.prison: list[tuple[int, int, int, float]] = []
        self.next_id = 0

    def file(self, unit, gang, arrested: int, ctx) -> None:
        """Arrests by ``unit``: counted, prosecuted or released, and the prosecuted held to the verdict."""
        if arrested <= 0:
            return
        model, law = self.model, unit.police  # the law where the arrest was made
        cid = self.next_id
        self.next_id += 1
        p_pros = min(1.0, law.prosecution_rate + ctx.prosecution_add)
        prosecuted = int(actor_binomial(model.keys, "courts.prosecution", ctx.month, cid, arrested, p_pros)[0])
        self._count(unit, "arrests", arrested)
        self._count(unit, "prosecutions", prosecuted)
        gid = -1 if gang is None else gang.gid
        if gang is not None:
            gang.lose_members(arrested)
            self._rejoin(gid, arrested - prosecuted, ctx.month, cid, law.rejoin_share)
        if prosecuted:
            self.pending.append(Case(cid, gid, unit, prosecuted, ctx.month + law.court_delay))

    def step(self, ctx) -> None:
        """Verdicts of the cases due this month, and releases from prison."""
        model, month = self.model, ctx.month
        due = [case for case in self.pending if case.verdict_month <= month]
        self.pending = [case for case in self.pending if case.verdict_month > month]
        for case in due:
            law, ctx = case.unit.police, model.ctx_of(case.unit)  # the law and its changes where it is tried
            protection = protection_of(model, case.gang, case.unit)
            p_drop = law.corrupt_drop * (1 - case.unit.integrity_now(ctx))
            p_drop = p_drop + (1 - p_drop) * protection
            dropped = float(model.keys.draw("courts.dropped", month, np.array([case.cid]))[0]) < p_drop
            p_convict = min(1.0, law.conviction_rate + ctx.conviction_add)
            convicted = 0 if dropped else int(
                actor_binomial(model.keys, "courts.conviction", month, case.cid, case.persons, p_convict)[0]
            )
            self._count(case.unit, "convictions", convicted)
            self._rejoin(case.gang, case.persons - convicted, month, case.cid, law.rejoin_share)
            if convicted and case.gang >= 0:
                months = int(round((law.sentence_years + ctx.sentence_add) * MONTHS_PER_YEAR))
                self.prison.append((month + months, case.gang, convicted, law.rejoin_share))
        released: dict[tuple[int, float], int] = {}
        for _, gid, n, rejoin in (p for p in self.prison if p[0] <= month):
            released[gid, rejoin] = released.get((gid, rejoin), 0) + n
        self.prison = [p for p in self.prison if p[0] > month]
        for (gid, rejoin), n in released.items():
            self._rejoin(gid, n, month, gid, rejoin, "courts.rejoin_from_prison")

    def _count(self, unit, flow: str, n: int) -> None:
        """Tally ``n`` of ``flow`` for the run and for the unit's country."""
        self.model.actor_counts[flow] += n
        if unit.country is not None:
            self.model.countries[unit.country].actor_counts[flow] += n

    def _rejoin(self, gid: int, persons: int, month: int, key_id: int, rejoin_share: float,
                decision: str = "courts.rejoin") -> None:
        """Released members rejoin their gang, if it still exists, each with probability ``rejoin_share``
        (of the law where they were arrested)."""
        if gid < 0 or persons <= 0:
            return
        gang = self.model.gang_list[gid]
        if gang.active:
            back = actor_binomial(self.model.keys, decision, month, key_id, persons, rejoin_share)
            gang.members += float(back[0])
