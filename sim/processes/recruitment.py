"""Recruitment (step 4): lookers leave on their own or take a recruiter's offer.

1. A looker with ties abroad is likely to leave on their own (networks); others rarely do. An
   independent leaver picks a destination by its weight and applies for a legal permit there.
2. The others wait for recruiters. Each recruiter reaches ``reach`` residents a month in its region
   (informal recruiters are acquaintances and returnees); a waiting looker is reached with probability
   min(1, total reach / residents of the region), by a recruiter chosen in proportion to reach by a
   keyed choice of the person among the region's recruiters (``sim.core.rng.rendezvous``), so that one
   more recruiter takes contacts only from its own share. The more residents look abroad, the more a
   recruiter finds who listen: supply follows the lookers.
3. Offers. A licensed agency offers a legal job where permits exist; an honest informal recruiter
   helps irregular migration; a recruiter who works for a gang makes a deceptive offer with a promised
   wage ``promise_premium`` times the real one, for a destination on the gang's routes drawn in
   proportion to the market's expected margin there (``sim.processes.market``), and none where no route pays. The looker accepts by a logit of the (promised) log wage ratio and
   desperation; for a deceptive offer, perceived risk (awareness, raised by campaigns, lowered by trust
   in an acquaintance) weighs against and risk tolerance for: some accept knowing the risk.
   Former victims are more at risk, unless identified and protected.
4. Legal permits are limited: when applicants exceed a destination's permits, each gets one with
   probability permits / applicants. Independent leavers without a permit go irregularly or stay;
   agency recruits without a permit stay.
5. The deceived leave with the gang: they are the true victims of trafficking (``trafficked``).
"""

from __future__ import annotations

import numpy as np

from sim.core.economy import LABOUR, SEXUAL
from sim.core.population import FORMER_VICTIM, IDENTIFIED, SEXUAL_BOUND, Status
from sim.core.rng import rendezvous
from sim.core.state import GangTallies, MonthState
from sim.processes.migration import depart, sigmoid
from sim.processes.recruiters import DECEPTIVE, INFORMAL, LICENSED  # noqa: F401  (the kinds of recruiter)
from sim.scenario.units import MONTHS_PER_YEAR


def pick(u: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Index drawn in proportion to ``weights`` (1-D, shared, or 2-D, one row per draw) by uniform ``u``."""
    cum = np.cumsum(weights, axis=-1)
    if weights.ndim == 1:
        return np.minimum(np.searchsorted(cum / cum[-1], u, side="right"), len(weights) - 1)
    idx = (u[:, None] * cum[:, -1:] >= cum).sum(axis=1)
    return np.minimum(idx, weights.shape[1] - 1)


def step(country, ctx, state: MonthState, lookers: np.ndarray, recruiters: dict, market) -> None:
    """Recruitment in ``country`` (``sim.engine.country.Country``): its ``lookers`` (person ids), its active
    ``recruiters`` (``sim.processes.recruiters.recruiter_table``) and the month's ``market``; victims' transport is
    tallied for their gangs in ``state``."""
    params, pop, keys, m, counts = country.params, country.pop, country.keys, ctx.month, country.counts
    mp, rp = params.migration, params.recruitment
    draw = lambda name, ids: keys.draw("recruitment." + name, m, ids)  # noqa: E731
    rec = recruiters
    for r in rec["agents"]:
        r.recruits = 0.0
    if lookers.size == 0:
        return
    # 1. independent leavers
    p_self = np.where(pop.ties[lookers] > 0, mp.self_departure_with_ties, mp.self_departure_without_ties)
    own = draw("independent", lookers) < p_self
    indep, waiting = lookers[own], lookers[~own]
    weights = np.array([d.migrant_weight for d in params.destinations.values()])
    indep_dest = pick(draw("independent_destination", indep), weights)

    # 2. contacts
    region = pop.region[waiting].astype(np.int64)
    n_regions = len(params.regions)
    reach_by_region = np.bincount(rec["region"], weights=rec["reach"], minlength=n_regions) / params.scale
    residents = country.census.residents
    with np.errstate(divide="ignore", invalid="ignore"):
        p_contact = np.where(residents > 0, np.minimum(1.0, reach_by_region / residents), 0.0)
    contacted = draw("contact", waiting) < p_contact[region]
    who = waiting[contacted]
    # the recruiter who reaches each: a keyed choice among the region's, in proportion to reach
    r_who = pop.region[who].astype(np.int64)
    k = rendezvous(keys, "recruitment.recruiter", m, who, r_who, rec["region"], rec["key"], rec["reach"])  # row
    kind, gang = rec["kind"][k], rec["gang"][k]

    # 3. offers and acceptance
    years_unemp = np.where(
        pop.status[who] == Status.UNEMPLOYED,
        np.minimum(m - pop.since[who].astype(np.int32), mp.desperation_cap_years * MONTHS_PER_YEAR) / MONTHS_PER_YEAR,
        0.0,
    )
    home_wage = ctx.home_wage[r_who]
    deceptive = gang >= 0
    # destination of each offer
    dest = np.full(who.size, -1, dtype=np.int64)
    licensed = (kind == LICENSED) & ~deceptive
    if ctx.permits.sum() > 0:
        dest[licensed] = pick(draw("agency_destination", who[licensed]), ctx.permits)
    else:
        licensed[:] = False
    honest_informal = (kind == INFORMAL) & ~deceptive
    dest[honest_informal] = pick(draw("informal_destination", who[honest_informal]), weights)
    # deceptive offers: type by sex, destination among the gang's routes where a victim pays
    female = pop.sex[who] == 1
    sexual = draw("exploitation_type", who) < np.where(female, rp.sexual_share_women, rp.sexual_share_men)
    etype = np.where(sexual, SEXUAL, LABOUR)
    margin = market.country_margin[country.index]  # [dest, type]: for a victim from this country
    route_w = state.gangs.routes[np.maximum(gang, 0)] * np.maximum(margin, 0.0)[:, etype].T  # [person, dest]
    has_room = deceptive & (route_w.sum(axis=1) > 0)
    dest[has_room] = pick(draw("gang_destination", who[has_room]), route_w[has_room])
    offered = licensed | honest_informal | has_room

    gain = np.log(ctx.dest_wage[np.maximum(dest, 0)] / home_wage)
    x = rp.intercept + rp.wage_gain * gain + rp.desperation * years_unemp
    flags = pop.flags[who]
    former = (flags & FORMER_VICTIM) > 0
    protected = ((flags & IDENTIFIED) > 0) * ctx.protection
    risk_seen = (pop.awareness[who] + ctx.awareness_boost[r_who]) * np.where(kind == INFORMAL, 1 - rp.informal_trust, 1.0)
    x_dec = (
        x + rp.wage_gain * np.log(rp.promise_premium) - rp.perceived_risk * risk_seen
        + rp.risk_tolerance * pop.risk[who] + rp.retrafficking * former * (1 - protected)
    )  # fmt: skip
    p_accept = sigmoid(np.where(has_room, x_dec, x))
    accept = offered & (draw("accept", who) < p_accept)

    # recruiter tallies (persons delivered, in real persons)
    delivered = np.bincount(k[accept], minlength=len(rec["reach"]))
    for row in np.flatnonzero(delivered):
        rec["agents"][row].recruits = float(delivered[row] * params.scale)

    # 4. legal permits, shared by independent leavers and agency recruits
    agency = who[accept & licensed]
    applicants = np.concatenate([indep, agency])
    app_dest = np.concatenate([indep_dest, dest[accept & licensed]])
    n_app = np.bincount(app_dest, minlength=len(weights))
    with np.errstate(divide="ignore", invalid="ignore"):
        p_permit = np.where(n_app > 0, np.minimum(1.0, ctx.permits / n_app), 0.0)
    granted = draw("permit", applicants) < p_permit[app_dest]
    is_indep = np.arange(applicants.size) < indep.size
    irregular_choice = draw("irregular", applicants) < mp.irregular_if_no_permit
    go_irregular = ~granted & is_indep & irregular_choice

    # 5. departures
    depart(pop, applicants[granted], Status.ABROAD_LEGAL, app_dest[granted], m, keys, mp, counts, "emigrants_legal")
    irr = np.concatenate([applicants[go_irregular], who[accept & honest_informal]])
    irr_dest = np.concatenate([app_dest[go_irregular], dest[accept & honest_informal]])
    depart(pop, irr, Status.ABROAD_IRREGULAR, irr_dest, m, keys, mp, counts, "emigrants_irregular")
    dec = accept & has_room
    victims = who[dec]
    depart(pop, victims, Status.TRANSIT, dest[dec], m, keys, mp, counts, "trafficked")
    pop.gang[victims] = gang[dec]
    pop.flags[victims] = np.where(etype[dec] == SEXUAL, pop.flags[victims] | SEXUAL_BOUND, pop.flags[victims] & ~SEXUAL_BOUND)
    counts["retrafficked"] += int(former[dec].sum())
    debt = params.exploitation
    pop.debt[victims] = debt.debt_min + draw("debt", victims) * (debt.debt_max - debt.debt_min)
    tally_recruits(state.tallies, market, params.scale, gang[dec], dest[dec])


def tally_recruits(tallies: GangTallies, market, scale: float, gang: np.ndarray, dest: np.ndarray) -> None:
    """What this month's victims (by ``gang`` and ``dest``ination) cost their gangs in transport, in real dollars."""
    n_rows = tallies.transport.size
    tallies.transport += np.bincount(gang, weights=market.transport[dest] * scale, minlength=n_rows)
