"""Source and destination economies: the exogenous paths of one month (step 1 of the schedule).

``month_context`` turns the scenario's time paths and the interventions in force into the numbers
every process reads this month: unemployment targets, wages, legal permits, demand for victims,
prices, and the changes interventions make to police, law, awareness and victim protection.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

UNIT_KINDS = ("source", "border", "destination")
SEXUAL, LABOUR = 0, 1


def path_value(path, year: float) -> float:
    """Linear interpolation of ``[[year, value], ...]``, constant beyond its ends."""
    ys = [p[0] for p in path]
    vs = [p[1] for p in path]
    return float(np.interp(year, ys, vs))


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
    integrity_add: float = 0.0
    cooperation_add: float = 0.0
    conviction_add: float = 0.0
    prosecution_add: float = 0.0
    sentence_add: float = 0.0  # years
    protection: float = 0.0  # share of re-trafficking risk removed for identified victims
    identification_add: float = 0.0
    return_support: float = 0.0


def unemployment_targets(sc, month: int, shock: np.ndarray | None = None) -> np.ndarray:
    """Unemployment rate targets [region, youth] for month index ``month``."""
    national = path_value(sc.economy.unemployment, sc.year(month))
    mult = np.array([r.unemployment_multiplier for r in sc.regions.values()])
    # the national rate mixes adults and the young, whose rate is youth_unemployment_ratio times higher
    ages = np.asarray(sc.population.age_shares)
    youth = ages[3:5].sum() / ages[3:13].sum()  # share of 15-24 among 15-64
    adult_rate = national * mult / (1 - youth + youth * sc.economy.youth_unemployment_ratio)
    adult_rate = adult_rate + (0 if shock is None else shock)
    youth_rate = adult_rate * sc.economy.youth_unemployment_ratio
    return np.clip(np.stack([adult_rate, youth_rate], axis=1), 0.0, 0.95)


def month_context(sc, month: int, interventions) -> MonthContext:
    """The exogenous quantities of month index ``month``, with the interventions in force."""
    year = sc.year(month)
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
    shock = np.zeros(len(regions))
    for iv in interventions:
        if iv.active(month):
            iv.apply(ctx, patronage_mult=patronage_mult, civilian_mult=civilian_mult, shock=shock)
    ctx.u_target = unemployment_targets(sc, month, shock)
    per_100k = sc.population.size / 1e5  # real persons per "per 100k" unit: demand counts real victims
    ctx.demand[:, SEXUAL] = (civilian * civilian_mult + troop_demand * patronage_mult) * per_100k
    ctx.demand[:, LABOUR] = labour * per_100k
    return ctx
