"""Recruitment (step 4): the options open to each person looking abroad, and the choice among them.

1. Own options. Every looker applies for a legal work permit at a destination drawn by its weight.
   A looker whose network can take them abroad this month (likely with ties abroad, rarely without)
   may also leave irregularly on their own.
2. Offers. Each recruiter reaches ``reach`` residents a month in its region (informal recruiters are
   acquaintances and returnees); a looker is reached with probability min(1, total reach / residents of
   the region), by a recruiter chosen in proportion to reach by a keyed choice of the person among the
   region's recruiters (``sim.core.rng.rendezvous``), so that one more recruiter takes contacts only
   from its own share. A licensed agency offers a legal job where permits exist (a second permit
   application, at a destination drawn by permits); an honest informal recruiter helps irregular
   migration; a recruiter who works for a gang makes a deceptive offer for the destination and kind of
   exploitation the gang chooses for this person (3).
3. The gang's choice. A recruit of sex ``s`` and age ``a`` is worth ``worth(t, s, a)`` times the reference
   victim's revenue in exploitation of kind ``t`` (``sim.processes.exploitation.worth``), so the gang's
   margin for this person at destination ``d`` is worth x income - upkeep - cost (``sim.processes.market``).
   The gang draws (d, t) among its routes in proportion to the positive margins, and makes no offer where
   none pays, or where the route has no place: a route places recruits with probability the share of its
   capacity built (``Gang.capacity``). Who is recruited for what follows from whom gangs target, and the
   mix follows relative demand over time.
4. Permits. When applications exceed a destination's permits, each gets one with probability
   permits / applications.
5. The choice. Each option k open to the looker has a value, in log-odds against staying:
   V = intercept + wage_gain log(wage_k / home wage) + desperation x years unemployed + the option's own term:
   ``own_preference`` for leaving by one's own means (a permit of one's own, or irregularly by the network),
   ``legal_preference`` for a legal job (one's own permit or an agency's), and for a deceptive offer the
   promised premium (wage_gain log ``promise_premium``), perceived risk (awareness, raised by campaigns,
   lowered by trust in an acquaintance) against and risk tolerance for, and former victims' vulnerability
   unless identified and protected. The looker takes option k with probability e^V_k / (1 + sum_j e^V_j),
   staying with 1 / (1 + sum_j e^V_j) (a multinomial logit; drawn as the largest value plus a keyed
   Gumbel draw). A permit in hand competes with a deceptive offer: legal channels keep people from
   traffickers only when they are open to those the traffickers reach.
6. Departures. The deceived leave with the gang: they are the true victims of trafficking (``trafficked``).
"""

from __future__ import annotations

import numpy as np

from sim.core.economy import LABOUR, SEXUAL
from sim.core.population import FEMALE, FORMER_VICTIM, IDENTIFIED, SEXUAL_BOUND, Status
from sim.core.rng import rendezvous
from sim.core.state import GangTallies, MonthState
from sim.processes.exploitation import worth
from sim.processes.migration import depart
from sim.processes.recruiters import DECEPTIVE, INFORMAL, LICENSED  # noqa: F401  (the kinds of recruiter)
from sim.scenario.units import MONTHS_PER_YEAR

# the options of a looker, in the columns of the choice (staying is the value 0, outside the columns)
OWN_LEGAL, OWN_IRREGULAR, AGENCY, INFORMAL_HELP, DECEPTIVE_OFFER = range(5)
OPTIONS = ("own_legal", "own_irregular", "agency", "informal", "deceptive")


def pick(u: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Index drawn in proportion to ``weights`` (1-D, shared, or 2-D, one row per draw) by uniform ``u``."""
    cum = np.cumsum(weights, axis=-1)
    if weights.ndim == 1:
        return np.minimum(np.searchsorted(cum / cum[-1], u, side="right"), len(weights) - 1)
    idx = (u[:, None] * cum[:, -1:] >= cum).sum(axis=1)
    return np.minimum(idx, weights.shape[1] - 1)


def gumbel(u: np.ndarray) -> np.ndarray:
    """Standard Gumbel draws from uniforms ``u`` in (0, 1): the largest value plus a Gumbel draw is a
    multinomial logit choice."""
    return -np.log(-np.log(np.clip(u, 1e-300, 1.0 - 1e-16)))


def recruit_margins(market, country_index: int, worth_sexual: np.ndarray, worth_labour: np.ndarray) -> np.ndarray:
    """[person, destination, type] a gang's expected margin (USD) for recruits from the country worth
    ``worth_sexual`` and ``worth_labour`` of the reference victim's revenue (``Market.recruit_terms``)."""
    income, upkeep, cost = market.recruit_terms(country_index)  # [dest, type], [dest, type], [dest]
    w = np.empty((worth_sexual.size, 2))
    w[:, SEXUAL], w[:, LABOUR] = worth_sexual, worth_labour
    return w[:, None, :] * income[None] - upkeep[None] - cost[None, :, None]


def gang_choice(
    u: np.ndarray, u_place: np.ndarray, margins: np.ndarray, capacity: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The destination and kind a gang chooses for each recruit, drawn by uniform ``u`` in proportion to the
    positive ``margins`` [person, dest, type] on its routes (``capacity`` [person, dest] above 0), and whether
    the route has a place for the recruit: with probability the share of its capacity built, by uniform
    ``u_place``. Returns (offered, destination, type): no offer where no route pays or there is no place."""
    w = np.maximum(margins, 0.0) * (capacity > 0)[:, :, None]
    flat = w.reshape(w.shape[0], -1)
    offered = flat.sum(axis=1) > 0
    cell = np.zeros(w.shape[0], dtype=np.int64)
    if offered.any():
        cell[offered] = pick(u[offered], flat[offered])
    n_types = w.shape[2]
    dest, etype = cell // n_types, cell % n_types
    offered &= u_place < capacity[np.arange(dest.size), dest]
    return offered, dest, etype


def step(country, ctx, state: MonthState, lookers: np.ndarray, recruiters: dict, market) -> None:
    """Recruitment in ``country`` (``sim.engine.country.Country``): its ``lookers`` (person ids) weigh their
    options, among them the offers of its active ``recruiters`` (``sim.processes.recruiters.recruiter_table``)
    at the month's ``market``; victims' transport is tallied for their gangs in ``state``."""
    params, pop, keys, m = country.params, country.pop, country.keys, ctx.month
    mp, rp = params.migration, params.recruitment
    draw = lambda name, ids: keys.draw("recruitment." + name, m, ids)  # noqa: E731
    rec = recruiters
    for r in rec["agents"]:
        r.recruits = 0.0
    if lookers.size == 0:
        return
    n, n_dest = lookers.size, len(params.destinations)
    region = pop.region[lookers].astype(np.int64)
    # 1. own options: a permit application, and the network's irregular route
    weights = np.array([d.migrant_weight for d in params.destinations.values()])
    own_dest = pick(draw("independent_destination", lookers), weights)
    p_network = np.where(pop.ties[lookers] > 0, mp.self_departure_with_ties, mp.self_departure_without_ties)
    network = draw("independent", lookers) < p_network

    # 2. contacts: the recruiter who reaches each, a keyed choice among the region's in proportion to reach
    n_regions = len(params.regions)
    reach_by_region = np.bincount(rec["region"], weights=rec["reach"], minlength=n_regions) / params.scale
    residents = country.census.residents
    with np.errstate(divide="ignore", invalid="ignore"):
        p_contact = np.where(residents > 0, np.minimum(1.0, reach_by_region / residents), 0.0)
    contacted = draw("contact", lookers) < p_contact[region]
    k = np.full(n, -1, dtype=np.int64)  # the recruiter's row, -1 for none
    if contacted.any():
        who = lookers[contacted]
        k[contacted] = rendezvous(
            keys, "recruitment.recruiter", m, who, region[contacted], rec["region"], rec["key"], rec["reach"]
        )  # fmt: skip
    kind, gang = np.full(n, -1, dtype=np.int64), np.full(n, -1, dtype=np.int64)
    kind[contacted], gang[contacted] = rec["kind"][k[contacted]], rec["gang"][k[contacted]]
    deceptive = gang >= 0
    agency = contacted & (kind == LICENSED) & ~deceptive & (ctx.permits.sum() > 0)
    informal = contacted & (kind == INFORMAL) & ~deceptive
    agency_dest = np.zeros(n, dtype=np.int64)
    if agency.any():
        agency_dest[agency] = pick(draw("agency_destination", lookers[agency]), ctx.permits)
    informal_dest = np.zeros(n, dtype=np.int64)
    informal_dest[informal] = pick(draw("informal_destination", lookers[informal]), weights)

    # 3. the gang's choice of destination and kind of exploitation for each person its recruiters reach
    offer_dest, offer_type = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
    if deceptive.any():
        reached = lookers[deceptive]
        age_years = (m - pop.birth[reached].astype(np.int64)) / MONTHS_PER_YEAR
        female = pop.sex[reached] == FEMALE
        rules = params.exploitation
        margins = recruit_margins(
            market, country.index, worth(rules, SEXUAL, female, age_years), worth(rules, LABOUR, female, age_years)
        )  # fmt: skip
        made, d, t = gang_choice(
            draw("gang_choice", reached), draw("gang_place", reached), margins, state.gangs.capacity[gang[deceptive]]
        )  # fmt: skip
        deceptive[np.flatnonzero(deceptive)[~made]] = False
        offer_dest[deceptive], offer_type[deceptive] = d[made], t[made]

    # 4. permits: each application to a destination succeeds with probability permits / applications
    apps = np.bincount(own_dest, minlength=n_dest) + np.bincount(agency_dest[agency], minlength=n_dest)
    with np.errstate(divide="ignore", invalid="ignore"):
        p_permit = np.where(apps > 0, np.minimum(1.0, ctx.permits / apps), 0.0)
    own_permit = draw("permit", lookers) < p_permit[own_dest]
    agency &= draw("agency_permit", lookers) < p_permit[agency_dest]

    # 5. the choice: the option of largest value plus a keyed Gumbel draw; staying is 0 plus its own
    years_unemp = np.where(
        pop.status[lookers] == Status.UNEMPLOYED,
        np.minimum(m - pop.since[lookers].astype(np.int32), mp.desperation_cap_years * MONTHS_PER_YEAR)
        / MONTHS_PER_YEAR,
        0.0,
    )
    home_wage = ctx.home_wage[region]
    base = rp.intercept + rp.desperation * years_unemp  # [person]
    gain = rp.wage_gain * np.log(ctx.dest_wage[None, :] / home_wage[:, None])  # [person, destination]
    rows = np.arange(n)
    flags = pop.flags[lookers]
    former = (flags & FORMER_VICTIM) > 0
    protected = ((flags & IDENTIFIED) > 0) * ctx.protection
    trust = np.where(kind == INFORMAL, 1 - rp.informal_trust, 1.0)
    risk_seen = (pop.awareness[lookers] + ctx.awareness_boost[region]) * trust
    value = np.full((n, len(OPTIONS)), -np.inf)
    own = rp.own_preference
    value[:, OWN_LEGAL] = np.where(own_permit, base + gain[rows, own_dest] + own + rp.legal_preference, -np.inf)
    value[:, OWN_IRREGULAR] = np.where(network, base + gain[rows, own_dest] + own, -np.inf)
    value[:, AGENCY] = np.where(agency, base + gain[rows, agency_dest] + rp.legal_preference, -np.inf)
    value[:, INFORMAL_HELP] = np.where(informal, base + gain[rows, informal_dest], -np.inf)
    value[:, DECEPTIVE_OFFER] = np.where(
        deceptive,
        base + gain[rows, offer_dest] + rp.wage_gain * np.log(rp.promise_premium) - rp.perceived_risk * risk_seen
        + rp.risk_tolerance * pop.risk[lookers] + rp.retrafficking * former * (1 - protected),
        -np.inf,
    )  # fmt: skip
    u = np.stack([draw("choice_" + name, lookers) for name in ("stay", *OPTIONS)], axis=1)
    noisy = np.concatenate([np.zeros((n, 1)), value], axis=1) + gumbel(u)
    choice = np.argmax(noisy, axis=1) - 1  # -1: stay
    record_departures(country, ctx, state, market, lookers, choice, own_dest, agency_dest, informal_dest,
                      offer_dest, offer_type, gang, former)  # fmt: skip

    # recruiter tallies (persons delivered, in real persons)
    by_offer = (choice == AGENCY) | (choice == INFORMAL_HELP) | (choice == DECEPTIVE_OFFER)
    delivered = np.bincount(k[by_offer], minlength=len(rec["reach"]))
    for row in np.flatnonzero(delivered):
        rec["agents"][row].recruits = float(delivered[row] * params.scale)


def record_departures(country, ctx, state, market, lookers, choice, own_dest, agency_dest, informal_dest, offer_dest,
                      offer_type, gang, former) -> None:  # fmt: skip
    """The lookers leave by the option they chose (``choice``, -1 to stay): legal migrants, irregular
    migrants, and the deceived with their gang, bound for the kind of exploitation it chose."""
    params, pop, keys, m, counts = country.params, country.pop, country.keys, ctx.month, country.counts
    mp = params.migration
    legal = (choice == OWN_LEGAL) | (choice == AGENCY)
    legal_dest = np.where(choice == AGENCY, agency_dest, own_dest)
    depart(pop, lookers[legal], Status.ABROAD_LEGAL, legal_dest[legal], m, keys, mp, counts, "emigrants_legal")
    irregular = (choice == OWN_IRREGULAR) | (choice == INFORMAL_HELP)
    irr_dest = np.where(choice == INFORMAL_HELP, informal_dest, own_dest)
    depart(pop, lookers[irregular], Status.ABROAD_IRREGULAR, irr_dest[irregular], m, keys, mp, counts,
           "emigrants_irregular")  # fmt: skip
    dec = choice == DECEPTIVE_OFFER
    victims = lookers[dec]
    sexual = offer_type[dec] == SEXUAL
    pop.flags[victims] = np.where(sexual, pop.flags[victims] | SEXUAL_BOUND, pop.flags[victims] & ~SEXUAL_BOUND)
    depart(pop, victims, Status.TRANSIT, offer_dest[dec], m, keys, mp, counts, "trafficked")
    pop.gang[victims] = gang[dec]
    counts["trafficked_sexual"] += int(sexual.sum())
    counts["trafficked_labour"] += int((~sexual).sum())
    counts["retrafficked"] += int(former[dec].sum())
    debt = params.exploitation
    pop.debt[victims] = debt.debt_min + keys.draw("recruitment.debt", m, victims) * (debt.debt_max - debt.debt_min)
    tally_recruits(state.tallies, market, params.scale, gang[dec], offer_dest[dec])


def tally_recruits(tallies: GangTallies, market, scale: float, gang: np.ndarray, dest: np.ndarray) -> None:
    """What this month's victims (by ``gang`` and ``dest``ination) cost their gangs in transport, in real dollars."""
    n_rows = tallies.transport.size
    tallies.transport += np.bincount(gang, weights=market.transport[dest] * scale, minlength=n_rows)
