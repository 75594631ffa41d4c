"""Courts: from arrest to prosecution, verdict after a delay, prison and return.

A court (``Court``: prosecutors and judges) tries the cases of some police units: each source country has
one for the cases of its source and border units, each destination one for its police's. An arrest by a
police unit opens a case of one or more persons (gang members or a recruiter). A share of the arrested
is prosecuted (``prosecution_rate``, raised by law reform); the others are released at once. The
prosecuted are held until the verdict, ``court_delay`` months later. At the verdict a case is dropped
(``drop_probability``) by corrupted officials of the arresting unit, with probability ``corrupt_drop`` x
(1 - the unit's integrity), or by corrupted prosecutors or judges, with ``corrupt_drop`` x (1 - the
court's integrity), or for the protection the gang bought from the unit or from the court; otherwise each
accused is convicted with probability ``conviction_rate`` (raised by law reform) and serves the sentence
in force at the verdict (``sentence_years``, lengthened by law reform). Members who come back
(acquitted, released or at the end of their sentence) rejoin their gang with probability
``rejoin_share`` if it still exists. Gangs bribe courts as they bribe police units
(``sim.processes.gangs.Gang.bribe``), and a court's integrity is eroded by the bribes as a unit's is
(``sim.processes.police.erode``). Every draw is keyed by the case's key, which says where it comes from:
the arresting unit, the month and the case's number among that unit's cases that month
(``sim.core.rng.origin_key``), never a counter over the run; the members' return from prison is keyed
by their case.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.core.rng import actor_binomial, origin_key
from sim.processes.gangs import court_protection_of, protection_of
from sim.processes.police import erode
from sim.scenario.units import MONTHS_PER_YEAR


def drop_probability(
    corrupt_drop: float,
    unit_integrity: float,
    court_integrity: float,
    unit_protection: float = 0.0,
    court_protection: float = 0.0,
) -> float:
    """Probability that a case is dropped: by corrupted officials of the arresting unit (``corrupt_drop`` x
    (1 - its integrity)), or by corrupted prosecutors or judges of the court (``corrupt_drop`` x (1 - its
    integrity)), or for the protection the gang bought from the unit or from the court; each independently."""
    kept = (1 - corrupt_drop * (1 - unit_integrity)) * (1 - corrupt_drop * (1 - court_integrity))
    return 1 - kept * (1 - unit_protection) * (1 - court_protection)


class Court:
    """The prosecutors and judges who try the cases of some police units: a source country's (``country``: its
    index) or a destination's (``where``: its index, ``country`` None)."""

    def __init__(self, cix: int, params, law, country: int | None, where: int):
        self.cix = cix  # its index among the run's courts
        self.base = params  # its CourtParams
        self.law = law  # the police and law block its cases follow
        self.country = country
        self.where = where
        self.integrity = params.integrity  # eroded by bribes
        self.bribes = 0.0  # bribes received this month
        self.corrupted = 0.0  # prosecutors and judges on gangs' payrolls

    def integrity_now(self, ctx) -> float:
        return min(1.0, self.integrity + ctx.court_integrity_add)

    def take_bribe(self, amount: float) -> None:
        self.bribes += amount


@dataclass
class Case:
    key: int  # origin_key("case", unit, month, n): the n-th case the unit filed that month
    gang: int  # gang id, -1 for none
    unit: object  # the arresting police unit
    persons: int  # prosecuted and held
    verdict_month: int


class Courts:
    """The run's courts (one per source country, then one per destination), their pending cases and prison."""

    def __init__(self, model):
        self.model = model
        self.courts = [
            Court(i, country.params.police.courts, country.params.police, country.index, -1)
            for i, country in enumerate(model.countries)
        ]
        self.courts += [
            Court(len(model.countries) + d, model.params.police.courts, model.params.police, None, d)
            for d in range(len(model.params.destinations))
        ]
        self.pending: list[Case] = []
        # (release month, gang id, persons, rejoin share of the law they were convicted under, case key)
        self.prison: list[tuple[int, int, int, float, int]] = []
        self.filed: dict[int, int] = {}  # cases filed this month by each unit (by its index)
        self.filed_month = 0

    def file(self, unit, gang, arrested: int, ctx) -> None:
        """Arrests by ``unit``: counted, prosecuted or released, and the prosecuted held to the verdict."""
        if arrested <= 0:
            return
        model, law = self.model, unit.police  # the law where the arrest was made
        key = self.case_key(unit, ctx.month)
        p_pros = min(1.0, law.prosecution_rate + ctx.prosecution_add)
        prosecuted = int(actor_binomial(model.keys, "courts.prosecution", ctx.month, key, arrested, p_pros)[0])
        self._count(unit, "arrests", arrested)
        self._count(unit, "prosecutions", prosecuted)
        gid = -1 if gang is None else gang.gid
        if gang is not None:
            gang.lose_members(arrested)
            self._rejoin(gid, arrested - prosecuted, ctx.month, key, law.rejoin_share)
        if prosecuted:
            self.pending.append(Case(key, gid, unit, prosecuted, ctx.month + law.court_delay))

    def court_of(self, unit) -> Court:
        """The court that tries the cases of ``unit``: its country's, or its destination's."""
        n_countries = len(self.model.countries)
        return self.courts[unit.country] if unit.country is not None else self.courts[n_countries + unit.where]

    def case_key(self, unit, month: int) -> int:
        """The key of the next case ``unit`` files in ``month``: its index, the month and the case's number
        among the unit's cases that month."""
        if month != self.filed_month:
            self.filed, self.filed_month = {}, month
        n = self.filed.get(unit.uix, 0)
        self.filed[unit.uix] = n + 1
        return origin_key("case", unit.uix, month, n)

    def step(self, ctx) -> None:
        """Verdicts of the cases due this month, releases from prison, and the courts' integrity."""
        model, month = self.model, ctx.month
        due = [case for case in self.pending if case.verdict_month <= month]
        self.pending = [case for case in self.pending if case.verdict_month > month]
        for case in due:
            law, ctx = case.unit.police, model.ctx_of(case.unit)  # the law and its changes where it is tried
            court = self.court_of(case.unit)
            p_drop = drop_probability(
                law.corrupt_drop, case.unit.integrity_now(ctx), court.integrity_now(ctx),
                protection_of(model, case.gang, case.unit), court_protection_of(model, case.gang, court),
            )  # fmt: skip
            dropped = float(model.keys.draw("courts.dropped", month, np.array([case.key]))[0]) < p_drop
            p_convict = min(1.0, law.conviction_rate + ctx.conviction_add)
            convicted = 0 if dropped else int(
                actor_binomial(model.keys, "courts.conviction", month, case.key, case.persons, p_convict)[0]
            )
            self._count(case.unit, "convictions", convicted)
            self._rejoin(case.gang, case.persons - convicted, month, case.key, law.rejoin_share)
            if convicted and case.gang >= 0:
                months = int(round((law.sentence_years + ctx.sentence_add) * MONTHS_PER_YEAR))
                self.prison.append((month + months, case.gang, convicted, law.rejoin_share, case.key))
        released = [p for p in self.prison if p[0] <= month]
        self.prison = [p for p in self.prison if p[0] > month]
        for _, gid, n, rejoin, key in released:
            self._rejoin(gid, n, month, key, rejoin, "courts.rejoin_from_prison")
        for court in self.courts:  # this month's bribes keep prosecutors and judges on a payroll
            erode(court, model.params.gangs.bribe_per_official, court.law.integrity_recovery)

    def _count(self, unit, flow: str, n: int) -> None:
        """Tally ``n`` of ``flow`` for the run and for the unit's country."""
        self.model.actor_counts[flow] += n
        if unit.country is not None:
            self.model.countries[unit.country].actor_counts[flow] += n

    def _rejoin(self, gid: int, persons: int, month: int, key: int, rejoin_share: float,
                decision: str = "courts.rejoin") -> None:
        """Released members rejoin their gang, if it still exists, each with probability ``rejoin_share``
        (of the law where they were arrested)."""
        if gid < 0 or persons <= 0:
            return
        gang = self.model.gang_list[gid]
        if gang.active:
            back = actor_binomial(self.model.keys, decision, month, key, persons, rejoin_share)
            gang.members += float(back[0])
