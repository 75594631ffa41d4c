"""Source and destination economies: the exogenous paths of one month (step 1 of the schedule).

``month_context`` turns the scenario's time paths and the interventions in force into the numbers
every process reads this month: unemployment targets (jobs against the labour force), wages, legal
permits, demand for victims, prices, and the changes interventions make to police, law, awareness and victim protection.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.scenario.fields import path_value

UNIT_KINDS = ("source", "border", "destination")
SEXUAL, LABOUR = 0, 1
FIRST_MONTH = 1  # index of the first reported month (0: the state at the start; below: the burn-in)


@dataclass
class MonthContext:
    month: int
    year: float
    u_target: np.ndarray  # [region, youth] unemployment rate targets
    home_wage: np.ndarray  # [region] USD/month
    dest_wage: np.ndarray  # [destination] USD/month
    permits: np.ndarray  # [destination] legal permits this month, in person-agents
    troops: np.ndarray  # [destination]
    demand: np.ndarray  # [destination, SEXUAL/LABOUR] victims bought at the reference price, real persons
    price: np.ndarray  # [destination, SEXUAL/LABOUR] reference price, USD per victim-month
    awareness_boost: np.ndarray  # [region] perceived risk added by campaigns
    training_add: dict = field(default_factory=lambda: dict.fromkeys(UNIT_KINDS, 0.0))
    capacity_mult: dict = field(default_factory=lambda: dict.fromkeys(UNIT_KINDS, 1.0))
    integrity_add: float = 0.0  # added to police units' integrity
    court_integrity_add: float = 0.0  # added to courts' integrity (prosecutors and judges)
    cooperation_add: float = 0.0
    conviction_add: float = 0.0
    prosecution_add: float = 0.0
    sentence_add: float = 0.0  # years
    protection: float = 0.0  # share of re-trafficking risk removed for identified victims
    identification_add: float = 0.0
    return_support: float = 0.0


def unemployment_targets(
    sc, month: int, shock: np.ndarray | None = None, labour: np.ndarray | None = None, labour0: np.ndarray | None = None
) -> np.ndarray:
    """Unemployment rate targets [region, youth] for month index ``month``: 1 - jobs / labour force.

    Jobs are exogenous: region r has (1 - (1 - D) m_r - k_r) L_r(0) jobs, D the month's
    ``economy.labour_demand``, m_r the region's unemployment multiplier, k_r the jobs an economic shock
    removes (``shock``) and L_r(0) the region's labour force at the start. The labour
    force is counted each month (``labour[region, youth, k]``: employed k=0, unemployed k=1, as
    ``sim.engine.recording.census``; ``labour0`` at the start), so persons who leave the labour force, emigrants
    among them, leave jobs to others. Within a region, the young's rate is ``youth_unemployment_ratio``
    times the older workers' (split by the young's share of the region's labour force). Without counts
    (the initial state) the labour force is that at the start and the young's share is their share of
    working ages in ``population.age_shares``. Rates are at least ``frictional_unemployment``.
    """
    e = sc.economy
    mult = np.array([r.unemployment_multiplier for r in sc.regions.values()])
    reference = (1.0 - path_value(e.labour_demand, sc.year(month))) * mult + (0 if shock is None else shock)
    if labour is None or labour0 is None:
        rate = reference
        ages = np.asarray(sc.population.age_shares)
        work, young, old = e.work_age / 5, e.youth_age / 5, (e.pension_age_male + e.pension_age_female) / 10
        youth = _group_share(ages, work, young) / _group_share(ages, work, old)  # [region] all alike
    else:
        force = labour[..., 0] + labour[..., 1]  # [region, youth]
        force0 = (labour0[..., 0] + labour0[..., 1]).sum(axis=1)
        jobs = (1.0 - reference) * force0
        total = force.sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = np.where(total > 0, 1.0 - jobs / total, 0.0)
            youth = np.where(total > 0, force[:, 1] / total, 0.0)
    adult_rate = rate / (1 - youth + youth * e.youth_unemployment_ratio)
    youth_rate = adult_rate * e.youth_unemployment_ratio
    return np.clip(np.stack(np.broadcast_arrays(adult_rate, youth_rate), axis=1), e.frictional_unemployment, 1.0)


def _group_share(shares: np.ndarray, lo: float, hi: float) -> float:
    """Sum of five-year age-group shares from age group ``lo`` to ``hi`` (fractional group indices)."""
    edges = np.arange(shares.size + 1)
    covered = np.clip(np.minimum(edges[1:], hi) - np.maximum(edges[:-1], lo), 0, 1)
    return float((shares * covered).sum())


def month_context(sc, month: int, interventions, labour_counts=None, labour0=None) -> MonthContext:
    """The exogenous quantities of month index ``month``, with the interventions in force;
    ``labour_counts`` and ``labour0`` count the labour force of the month and at the start
    (``unemployment_targets``). A month before the start (an index below ``FIRST_MONTH``: the burn-in,
    ``sim.engine.model.MigrationModel.burn_in``) has the paths and interventions of the first month; only
    its index, which keys the month's draws, is its own."""
    at = max(month, FIRST_MONTH)  # the month whose paths and interventions apply
    year = sc.year(at)
    regions = list(sc.regions.values())
    dests = list(sc.destinations.values())
    per_agent = sc.population.size / 1e5 / sc.scale  # person-agents per "per 100k" unit
    nat_wage = path_value(sc.economy.home_wage, year)
    troops = np.array([path_value(d.troops, year) for d in dests])
    ctx = MonthContext(
        month=month,
        year=year,
        u_target=np.zeros((len(regions), 2)),
        home_wage=nat_wage * np.array([r.wage_multiplier for r in regions]),
        dest_wage=np.array([path_value(d.wage, year) for d in dests]),
        permits=np.array([path_value(d.permits_per_100k, year) for d in dests]) * per_agent,
        troops=troops,
        demand=np.zeros((len(dests), 2)),
        price=np.array([[d.price_sexual, d.price_labour] for d in dests]),
        awareness_boost=np.zeros(len(regions)),
    )
    civilian = np.array([path_value(d.sexual_demand_per_100k, year) for d in dests])
    troop_demand = troops / 1000.0 * np.array([d.patronage_per_1000_troops for d in dests])
    labour = np.array([path_value(d.labour_demand_per_100k, year) for d in dests])
    patronage_mult = np.ones(len(dests))
    civilian_mult = np.ones(len(dests))
    labour_mult = np.ones(len(dests))
    shock = np.zeros(len(regions))
    for iv in interventions:
        if iv.active(at):
            iv.apply(ctx, patronage_mult=patronage_mult, civilian_mult=civilian_mult, labour_mult=labour_mult, shock=shock)
    ctx.u_target = unemployment_targets(sc, at, shock, labour_counts, labour0)
    # real persons per "per 100k" unit: demand counts real victims, less those served from outside the run
    served = 1.0 - np.array([d.outside_share for d in dests])
    per_100k = (sc.market.demand_population or sc.residents) / 1e5 * served
    ctx.demand[:, SEXUAL] = (civilian * civilian_mult + troop_demand * patronage_mult) * per_100k
    ctx.demand[:, LABOUR] = labour * labour_mult * per_100k
    return ctx
