"""The month's shared state: what the processes of a month read and write besides the persons' arrays.

``MonthState`` holds the run's state shared by its countries, in named parts: the arrays of the active
gangs (``GangArrays``), what the person rules tally for the gangs this month (``GangTallies``), the
month's risks (``Risks``), the running averages gangs and police judge on (``RunningAverages``), and
the victims the markets clear. ``Census`` is what the census of one country keeps for the next month's
rules and for the month's row. Rows of the [gang, ...] arrays are gang ids (at least one row, so that a
run without gangs indexes them); regions are the run's regions, countries the run's source countries.
Persons are real persons (person-agents times the scale) and money is US dollars.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class GangArrays:
    """What the person rules read of the active gangs (rebuilt when gangs enter or break up)."""

    routes: np.ndarray  # [gang, destination] 1.0 where the gang serves the destination
    capacity: np.ndarray  # [gang, destination] share of the route's capacity built (0 where not served)
    active: np.ndarray  # [gang] bool: the gang has not broken up
    protection: np.ndarray  # [gang, police unit] share of the unit's actions against the gang its bribes stop

    @classmethod
    def zeros(cls, n_gangs: int, n_destinations: int, n_units: int) -> GangArrays:
        """Arrays of ``n_gangs`` rows (at least one), no gang active."""
        n = max(1, n_gangs)
        return cls(
            routes=np.zeros((n, n_destinations)),
            capacity=np.zeros((n, n_destinations)),
            active=np.zeros(n, dtype=bool),
            protection=np.zeros((n, n_units)),
        )


@dataclass
class GangTallies:
    """What the person rules tally for the gangs this month (zeroed at the start of the month)."""

    revenue: np.ndarray  # [gang] revenue from the victims held, USD
    upkeep: np.ndarray  # [gang] upkeep of the victims held, USD
    transport: np.ndarray  # [gang] transport of this month's recruits, USD
    held: np.ndarray  # [gang, destination] victims in exploitation, real persons
    in_transit: np.ndarray  # [gang, country] victims in transit, by country of origin, real persons
    expected_rescued: np.ndarray  # [gang, destination] victims the month's raids were expected to free
    expected_interdicted: np.ndarray  # [gang, country] victims each border was expected to stop
    returned_victims: np.ndarray  # [gang, region] victims back home this month, real persons
    recruits: np.ndarray  # [gang, region] persons the gang's recruiters recruited this month

    @classmethod
    def zeros(cls, n_gangs: int, n_destinations: int, n_countries: int, n_regions: int) -> GangTallies:
        """Zeroed tallies of ``n_gangs`` rows (at least one)."""
        n = max(1, n_gangs)
        return cls(
            revenue=np.zeros(n),
            upkeep=np.zeros(n),
            transport=np.zeros(n),
            held=np.zeros((n, n_destinations)),
            in_transit=np.zeros((n, n_countries)),
            expected_rescued=np.zeros((n, n_destinations)),
            expected_interdicted=np.zeros((n, n_countries)),
            returned_victims=np.zeros((n, n_regions)),
            recruits=np.zeros((n, n_regions)),
        )


@dataclass
class Risks:
    """The month's risks to the victims of each gang, less the protection the gang bought."""

    raid: np.ndarray  # [gang, destination] monthly probability that a raid frees a victim
    stop: np.ndarray  # [gang, country] probability that the country's border police stop a victim in transit

    @classmethod
    def zeros(cls, n_gangs: int, n_destinations: int, n_countries: int) -> Risks:
        """No risk (before the first month)."""
        n = max(1, n_gangs)
        return cls(raid=np.zeros((n, n_destinations)), stop=np.zeros((n, n_countries)))


@dataclass
class RunningAverages:
    """Running averages (weight ``gangs.yield_memory``) that gangs and police judge on, not one month's count;
    rows of gangs no longer active are 0."""

    recruiter_yield: float  # real persons a gang's recruiter delivers a month, pooled over all gangs
    held: np.ndarray  # [gang, destination] victims held
    in_transit: np.ndarray  # [gang, country] victims in transit, by country of origin
    recruited: np.ndarray  # [gang, region] persons recruited

    @classmethod
    def start(cls, recruiter_yield: float, n_destinations: int, n_countries: int, n_regions: int) -> RunningAverages:
        """The averages before the first month: no gang's rows yet."""
        return cls(
            recruiter_yield=recruiter_yield,
            held=np.zeros((0, n_destinations)),
            in_transit=np.zeros((0, n_countries)),
            recruited=np.zeros((0, n_regions)),
        )


@dataclass
class Census:
    """What the census of one country counts at the end of a month: read by the month's row and by the
    next month's rules."""

    by_status: np.ndarray  # [status] person-agents in each status
    ages: np.ndarray  # [age group] residents below working age, of working age, of old age (person-agents)
    labour: np.ndarray  # [region, young, k] employed (k=0), unemployed (1), unemployed tertiary (2), person-agents
    residents: np.ndarray  # [region] residents (person-agents)
    emigrants: np.ndarray  # [region] residents who left this month (person-agents): the next month's new ties
    victims_exploited: np.ndarray  # [destination, type] victims in exploitation, real persons
    victims_in_transit: np.ndarray  # [destination, type] victims on their way, real persons
    peacekeeping: int  # victims of sexual exploitation where troops are stationed (person-agents)


@dataclass
class MonthState:
    """The run's state shared by its countries' processes and its actors."""

    gangs: GangArrays
    tallies: GangTallies
    risks: Risks
    seen: RunningAverages
    # [police unit][gang] investigations expected to uncover each gang this month (read by the gangs' bribes)
    operation_rates: list[np.ndarray] = field(default_factory=list)
    victims_exploited: np.ndarray | None = None  # [destination, type] the run's victims in exploitation (census)
    victims_in_transit: np.ndarray | None = None  # [destination, type] the run's victims in transit (census)
