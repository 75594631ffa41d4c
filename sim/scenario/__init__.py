"""Scenario files: the parameters of one run, declared once, validated on load.

A scenario is a TOML file. Every parameter below carries its type, allowed range, unit, a one-line
description and a source (a key of ``sim.scenario.sources.SOURCES`` or "assumption"); ``docs/ODD.md`` prints
them all. A scenario may ``extends = "baseline.toml"`` (relative to its own folder) and override a few
values: tables merge key by key, any other value (numbers, strings, arrays) replaces the parent's.

Conventions that keep one scenario valid for a small or a large source country:
- counts of people that belong to markets and institutions (legal permits, demand for victims,
  recruiters, gangs) are given per 100,000 residents of the source country at the start;
- time paths are arrays of ``[year, value]`` pairs, interpolated linearly and held constant beyond
  their ends (``2004.5`` is the start of July 2004);
- months are counted from the start: month 1 is the first simulated month (January 2000 in the
  baseline). Interventions take ``start_month`` and ``end_month`` either as that index or as a
  ``"YYYY-MM"`` date.

``load_scenario`` returns a validated ``Scenario`` or raises ``ScenarioError`` listing every problem
as ``FILE: dotted.key: what is wrong``; what runs but may not mean what was intended is a
``ScenarioWarning``.
"""

from __future__ import annotations

import copy
import re
import tomllib
import warnings
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
)

from sim.scenario.sources import SOURCES

# ---------------------------------------------------------------------------------------------------
# Field helpers: every parameter is declared with unit, range, description and source, once.


def P(default: Any, unit: str, lo: float | None, hi: float | None, desc: str, source: str = "assumption"):
    """A scalar parameter with its unit, allowed range [lo, hi], description and source."""
    assert source in SOURCES, source
    return Field(
        default,
        ge=lo,
        le=hi,
        description=desc,
        json_schema_extra={"unit": unit, "source": source, "range": [lo, hi]},
    )


def _sorted_years(path: list[tuple[float, float]]) -> list[tuple[float, float]]:
    years = [y for y, _ in path]
    if years != sorted(years):
        raise ValueError("years must be in ascending order")
    return path


def PathOf(lo: float, hi: float, min_len: int = 1):
    """Type of a time path: ``[[year, value], ...]`` with values in [lo, hi]."""
    year = Annotated[float, Field(ge=1900, le=2300)]
    value = Annotated[float, Field(ge=lo, le=hi)]
    return Annotated[list[tuple[year, value]], Field(min_length=min_len), AfterValidator(_sorted_years)]


def T(default: Any, unit: str, lo: float, hi: float, desc: str, source: str = "assumption"):
    """A time-path parameter (see ``PathOf``)."""
    assert source in SOURCES, source
    return Field(
        default,
        description=desc,
        json_schema_extra={"unit": unit, "source": source, "range": [lo, hi], "path": True},
    )


class Block(BaseModel):
    """A table of parameters: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", validate_default=True)


def show(value: Any) -> str:
    """A value as the TOML file writes it (``true``, ``'text'``, ``3``), for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def _month_ref(value: Any) -> Any:
    """One clear problem for a month that is neither a month index nor a 'YYYY-MM' date."""
    expected = "expected a month index (1 is the first simulated month) or a 'YYYY-MM' date"
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"{expected}, got {show(value)}")
    if isinstance(value, int) and value < 1:
        raise ValueError(f"{expected}; month indices start at 1, got {value}")
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
        raise ValueError(f"{expected}, got {value!r}")
    return value


MonthRef = Annotated[Union[int, str], BeforeValidator(_month_ref)]

# a scenario's name names its results folder (results/NAME): a plain file name, never a path
NAME_PATTERN = r"^[^/\\\x00-\x1f.][^/\\\x00-\x1f]*$"

# ---------------------------------------------------------------------------------------------------
# Source economy and its people.

UKRAINE_2000_AGE_SHARES = [
    0.049, 0.060, 0.075, 0.075, 0.071, 0.067, 0.067, 0.074, 0.079,
    0.071, 0.059, 0.053, 0.061, 0.052, 0.045, 0.025, 0.011, 0.006,
]  # fmt: skip  (0-14: 18.4%, 15-64: 67.7%, 65+: 13.9%, as the CIA's 1999 estimate; the split within is assumed)


class PopulationParams(Block):
    size: int = P(4_000_000, "persons", 1_000, 200_000_000, "residents of the source country at the start")
    age_shares: list[Annotated[float, Field(ge=0, le=1)]] = Field(
        UKRAINE_2000_AGE_SHARES,
        min_length=18,
        max_length=18,
        description="share of residents by five-year age group 0-4, 5-9, ..., 80-84, 85-89 at the start (normalised)",
        json_schema_extra={"unit": "share", "source": "CIA", "range": [0, 1]},
    )
    male_share: float = P(0.463, "share", 0.3, 0.7, "share of men among residents at the start")
    secondary_share: float = P(0.60, "share", 0, 1, "share of adults whose highest education is secondary")
    tertiary_share: float = P(0.16, "share", 0, 1, "share of adults with tertiary education", "CENSUS2001")
    participation_rate: float = P(0.70, "share", 0.2, 1, "share of persons aged 15-64 in the labour force")
    initial_abroad_share: float = P(
        0.02, "share", 0, 0.5, "share of the population already abroad (legally or irregularly) at the start"
    )
    initial_abroad_legal_share: float = P(0.4, "share", 0, 1, "share of the initial stock abroad who are there legally")
    initial_ties_share: float = P(0.15, "share", 0, 1, "share of residents with close ties abroad at the start")
    awareness_mean: float = P(
        0.3, "0-1", 0.01, 0.99, "mean awareness of trafficking risk (perceived risk of a deceptive offer)", "IOMUA"
    )
    risk_tolerance_mean: float = P(
        0.25, "0-1", 0.01, 0.99, "mean risk tolerance; about 1 in 5 would accept a risky job offer abroad", "IOMUA"
    )
    trait_concentration: float = P(
        4.0, "a+b of a Beta law", 0.5, 1000, "concentration of awareness and risk tolerance around their means"
    )
    initial_unemployment_months: float = P(
        24.0, "months", 0, 240, "the unemployed at the start have been so for up to this long (uniformly)"
    )
    initial_abroad_months: float = P(
        60.0, "months", 0, 600, "migrants abroad at the start have been there for up to this long (uniformly)"
    )


class RegionParams(Block):
    share: float = P(0.25, "share", 0, 1, "share of the population living in the region at the start")
    unemployment_multiplier: float = P(1.0, "ratio", 0.1, 5, "regional unemployment relative to the national path")
    wage_multiplier: float = P(1.0, "ratio", 0.1, 5, "regional wage relative to the national wage")


class EconomyParams(Block):
    labour_demand: PathOf(0.05, 1) = T(
        [[2000.5, 0.876], [2001.5, 0.883], [2002.5, 0.897], [2003.5, 0.903], [2004.5, 0.908], [2005.5, 0.922],
         [2006.5, 0.926], [2007.5, 0.931], [2008.5, 0.931], [2009.5, 0.904], [2010.5, 0.912]],
        "share of the labour force at the start",
        0.05,
        1,
        "jobs at home as a share of the labour force at the start (1 - the ILO unemployment rate of the year; "
        "held after 2010); unemployment is 1 - jobs / the labour force of the month",
        "UKRSTAT",
    )
    frictional_unemployment: float = P(
        0.02, "share of labour force", 0, 0.3, "lowest unemployment rate however many jobs there are (frictional)"
    )
    work_age: int = P(15, "years", 10, 20, "age from which a person may be in the labour force", "ILOLFS")
    youth_age: int = P(25, "years", 16, 35, "age below which a worker counts as young (15-24)", "ILOLFS")
    pension_age_male: int = P(60, "years", 40, 80, "age at which men leave the labour force (pension age)", "UKRPENSION")
    pension_age_female: int = P(
        55, "years", 40, 80, "age at which women leave the labour force (pension age)", "UKRPENSION"
    )
    youth_unemployment_ratio: float = P(
        2.2, "ratio", 1, 5, "unemployment rate of the young (below youth_age) relative to that of older workers", "ILOYU"
    )
    job_finding_rate: float = P(0.07, "1/month", 0.005, 0.9, "monthly probability that an unemployed person finds a job")
    tertiary_job_finding: float = P(1.5, "ratio", 0.2, 5, "job finding of the tertiary educated relative to others")
    home_wage: PathOf(1, 100_000) = T(
        [[2000, 45], [2004, 90], [2008, 340], [2009, 245], [2013, 410], [2015, 190], [2020, 330]],
        "USD/month",
        1,
        100_000,
        "average monthly wage at home (approximate dollar values of Ukrainian wages)",
    )


class DestinationParams(Block):
    description: str = Field("", description="what the destination stands for")
    wage: PathOf(1, 100_000) = T([[2000, 900]], "USD/month", 1, 100_000, "monthly wage a migrant earns there")
    permits_per_100k: PathOf(0, 10_000) = T(
        [[2000, 0.0]], "persons/month per 100k", 0, 10_000, "legal work permits per month for the source country"
    )
    migrant_weight: float = P(1.0, "weight", 0, 1000, "relative weight of the destination for independent migrants")
    sexual_demand_per_100k: PathOf(0, 10_000) = T(
        [[2000, 0.0]], "victims per 100k", 0, 10_000,
        "civilian demand for sexual exploitation: victims it buys at the reference price (per 100k residents of the source)",
    )
    labour_demand_per_100k: PathOf(0, 10_000) = T(
        [[2000, 0.0]], "victims per 100k", 0, 10_000,
        "demand for forced labour: victims it buys at the reference price (per 100k residents of the source)",
    )
    troops: PathOf(0, 10_000_000) = T([[2000, 0]], "troops", 0, 10_000_000, "foreign troops deployed there")
    patronage_per_1000_troops: float = P(
        0.0,
        "victims per 1,000 troops per 100k",
        0,
        10_000,
        "victims bought at the reference price by the demand of 1,000 deployed troops (per 100k residents of the source)",
        "BELL2018",
    )
    price_sexual: float = P(
        1800.0, "USD/victim-month", 0, 100_000,
        "reference price: revenue per victim-month of sexual exploitation when supply equals demand", "ILO2014",
    )
    price_labour: float = P(
        1080.0, "USD/victim-month", 0, 100_000,
        "reference price: revenue per victim-month of forced labour when supply equals demand", "ILO2005",
    )
    transport_cost: float = P(
        500.0, "USD/victim", 0, 100_000, "a gang's cost of documents and travel to bring one victim there"
    )
    enforcement: float = P(1.0, "ratio", 0, 10, "strength of the destination's police relative to the reference")
    deportation_rate: float = P(0.004, "1/month", 0, 1, "monthly probability an irregular migrant is deported home")
    outside_share: float = P(
        0.0, "share", 0, 0.99,
        "share of the destination's demand for victims served by source countries outside the run",
    )


class MarketParams(Block):
    demand_population: float | None = Field(
        None,
        ge=1_000,
        le=2e9,
        description="residents that destinations' demand and patronage 'per 100k' refer to (none: the residents of "
        "the run's countries at the start); set, demand is an absolute number of victims whatever countries run",
        json_schema_extra={"unit": "persons", "source": "assumption", "range": [1_000, 2e9]},
    )
    elasticity_sexual: float = P(
        1.5, "ratio", 0.2, 5,
        "price elasticity of the demand for trafficked victims in sexual exploitation (absolute value; above 1: "
        "clients and brothel keepers turn to sex workers who were not trafficked when the price rises)",
    )
    elasticity_labour: float = P(
        2.0, "ratio", 0.2, 5,
        "price elasticity of the demand for victims of forced labour (absolute value; informal migrant labour is a near substitute)",
    )
    price_adjustment: float = P(
        0.5, "1/month", 0.01, 1, "share of the gap between last month's price and the clearing price closed in a month"
    )
    price_min_ratio: float = P(0.05, "ratio", 0.001, 1, "lowest price relative to the reference price (a glut)")
    price_max_ratio: float = P(4.0, "ratio", 1, 100, "highest price relative to the reference price (a thin market)")
    upkeep_sexual: float = P(
        700.0, "USD/victim-month", 0, 100_000, "a gang's cost of holding a victim in sexual exploitation a month"
    )
    upkeep_labour: float = P(300.0, "USD/victim-month", 0, 100_000, "a gang's cost of holding a victim in forced labour a month")
    discount_rate: float = P(0.08, "1/month", 0.001, 0.5, "monthly rate at which gangs discount future revenue")
    prison_cost: float = P(
        20_000.0, "USD/member-year", 0, 1e8, "what a gang counts as the loss of one member-year in prison (expected penalty)"
    )


class DemographyParams(Block):
    life_expectancy_male: PathOf(30, 95) = T(
        [[2005.5, 61.6], [2007.5, 61.6], [2016.5, 66.3], [2019.5, 66.9]],
        "years",
        30,
        95,
        "male life expectancy at birth; the life table of a calendar year is that of the path's value in its "
        "middle (held before 2005, after 2019)",
        "UKRSTATLE",
    )
    life_expectancy_female: PathOf(30, 95) = T(
        [[2005.5, 72.4], [2007.5, 72.4], [2016.5, 76.1], [2019.5, 77.0]],
        "years",
        30,
        95,
        "female life expectancy at birth (as the male path)",
        "UKRSTATLE",
    )
    infant_mortality: float = P(0.012, "per live birth", 0, 0.2, "probability of dying in the first year")
    background_mortality: float = P(0.0006, "1/year", 0, 0.05, "age-independent (Makeham) mortality")
    gompertz_slope: float = P(0.085, "1/year", 0.03, 0.15, "rate at which adult mortality rises with age")
    max_age: int = P(110, "years", 90, 130, "age by which everyone has died (the end of the life table)")
    tfr: PathOf(0.5, 8) = T(
        [[2001.5, 1.080], [2003.5, 1.147], [2005.5, 1.211], [2007.5, 1.317], [2009.5, 1.453], [2011.5, 1.459],
         [2012.5, 1.531], [2015.5, 1.506], [2017.5, 1.374], [2019.5, 1.228]],
        "children per woman",
        0.5,
        8,
        "total fertility rate of women living at home (the month's value scales the schedule by age)",
        "UKRSTATTFR",
    )
    mean_age_at_birth: float = P(25.6, "years", 18, 40, "mean age of mothers at birth", "UKRSTAT2003")
    sd_age_at_birth: float = P(5.4, "years", 2, 10, "spread of mothers' ages at birth", "UKRSTAT2003")
    fertility_min_age: int = P(15, "years", 10, 20, "youngest age at which a woman may give birth", "UKRSTAT2003")
    fertility_max_age: int = P(49, "years", 40, 60, "oldest age at which a woman may give birth", "UKRSTAT2003")
    male_birth_share: float = P(0.513, "share", 0.4, 0.6, "share of boys among births")


class OutputParams(Block):
    working_age: int = P(
        15, "years", 0, 30, "youngest age of the working-age population in the demographic outputs", "UNAGES"
    )
    old_age: int = P(
        65, "years", 40, 100, "youngest age of the old-age population in the demographic outputs", "UNAGES"
    )
    profile_age_bands: list[Annotated[int, Field(ge=0, le=120)]] = Field(
        [15, 25, 35, 45, 65],
        min_length=1,
        max_length=20,
        description="lower ages of the age bands of profiles.csv (a first band below them, the last open-ended)",
        json_schema_extra={"unit": "years", "source": "assumption", "range": [0, 120]},
    )


class MigrationParams(Block):
    enabled: bool = Field(
        True,
        description="false: nobody leaves (the no-emigration counterfactual)",
        json_schema_extra={"unit": "switch", "source": "assumption", "range": ["false", "true"]},
    )
    min_age: int = P(
        20, "years", 15, 60, "youngest age at which a person considers work abroad (87% of migrants are 20-49)", "ETF2009"
    )
    max_age: int = P(59, "years", 20, 80, "oldest age at which a person considers work abroad")
    intercept: float = P(-5.45, "logit", -20, 5, "log-odds of looking for work abroad in a month, reference person")
    wage_gain: float = P(
        0.6, "logit per log wage ratio", 0, 5, "effect of the log wage ratio abroad/home on looking abroad", "CLEMENS2020"
    )
    unemployed: float = P(1.0, "logit", -5, 5, "effect of being unemployed")
    unemployment_years: float = P(0.3, "logit per year", -2, 3, "effect of each year of unemployment (desperation)")
    desperation_cap_years: float = P(5.0, "years", 0, 50, "years of unemployment beyond which desperation grows no more")
    age_decade: float = P(
        -0.4, "logit per decade", -3, 3, "effect of each decade of age above reference_age (87% of migrants 20-49)", "ETF2009"
    )
    reference_age: float = P(30.0, "years", 15, 60, "age of the reference person of the logit")
    female: float = P(-1.25, "logit", -3, 3, "effect of being a woman (a third of labour migrants are women)", "ILO2013")
    secondary: float = P(0.4, "logit", -3, 3, "effect of secondary education (against primary)")
    tertiary: float = P(
        2.2, "logit", -3, 3, "effect of tertiary education against primary (about 40% of emigrants tertiary)", "WB2019"
    )
    ties: float = P(1.2, "logit", 0, 5, "effect of having close ties abroad", "BDO2011")
    risk_tolerance: float = P(0.5, "logit per unit", -5, 5, "effect of risk tolerance on looking abroad")
    self_departure_with_ties: float = P(
        0.35, "share", 0, 1, "probability that a looker with ties abroad leaves on their own that month", "BDO2011"
    )
    self_departure_without_ties: float = P(
        0.04, "share", 0, 1, "probability that a looker without ties leaves on their own that month"
    )
    irregular_if_no_permit: float = P(
        0.6, "share", 0, 1, "probability that an independent leaver without a permit goes irregularly"
    )
    ties_per_emigrant: float = P(2.0, "persons", 0, 20, "residents of the same region who gain ties per emigrant")
    circular_share: float = P(0.485, "share", 0, 1, "share of migrants who are short-term (circular)", "ILO2013")
    circular_return_rate: float = P(
        0.151, "1/month", 0, 1, "monthly return probability of circular migrants (62.6% back within 6 months)", "ILOMIG"
    )
    settled_return_rate: float = P(0.002, "1/month", 0, 1, "monthly return probability of long-term migrants")


class RecruitmentParams(Block):
    licensed_per_100k: float = P(2.0, "recruiters per 100k", 0, 1000, "licensed agencies' recruiters at the start")
    deceptive_per_100k: float = P(1.0, "recruiters per 100k", 0, 1000, "deceptive fronts of gangs at the start")
    informal_per_100k: float = P(
        3.0, "recruiters per 100k", 0, 1000, "informal recruiters (acquaintances, returnees) at the start", "IOMMD"
    )
    reach_licensed: float = P(
        5000.0, "residents/month", 0, 1e6, "residents a licensed agency reaches a month (those looking abroad listen)"
    )
    reach_deceptive: float = P(260.0, "residents/month", 0, 1e6, "residents a deceptive front reaches a month")
    reach_informal: float = P(800.0, "residents/month", 0, 1e6, "residents an informal recruiter reaches a month")
    informal_deceptive_share: float = P(
        0.35, "share", 0, 1, "share of informal recruiters who work for a gang", "IOMMD"
    )
    intercept: float = P(-2.5, "logit", -10, 10, "log-odds of accepting an offer, reference person")
    wage_gain: float = P(0.8, "logit per log wage ratio", 0, 5, "effect of the promised log wage ratio on accepting")
    desperation: float = P(0.8, "logit per year", 0, 5, "effect of each year of unemployment on accepting")
    perceived_risk: float = P(8.0, "logit per unit", 0, 20, "effect of perceived risk (awareness) against a deceptive offer")
    risk_tolerance: float = P(3.0, "logit per unit", 0, 20, "effect of risk tolerance for a deceptive offer", "IOMUA")
    promise_premium: float = P(1.8, "ratio", 1, 10, "wage promised by a deceptive offer relative to the real wage")
    informal_trust: float = P(0.5, "share", 0, 1, "share of perceived risk that trust in an acquaintance removes", "IOMMD")
    retrafficking: float = P(1.0, "logit", 0, 5, "extra log-odds of accepting a deceptive offer for former victims")
    sexual_share_women: float = P(
        0.85, "share", 0, 1, "share of deceived women destined for sexual exploitation", "IOMMD2006"
    )
    sexual_share_men: float = P(0.02, "share", 0, 1, "share of deceived men destined for sexual exploitation")
    fee_per_recruit: float = P(
        1500.0, "USD/person", 0, 100_000, "what a gang pays its recruiter per delivered person", "KARA2009"
    )
    exposure_per_recruit: float = P(0.05, "1/person", 0, 1, "rise in a recruiter's exposure to police per recruit")
    informal_from_returned_victims: float = P(
        0.03, "recruiters/person", 0, 1,
        "former victims back home who start recruiting for their gang, per returned victim", "IOMMD",
    )
    informal_attrition: float = P(0.02, "1/month", 0, 1, "monthly probability that an informal recruiter stops")


class TransitParams(Block):
    months: int = P(1, "months", 1, 12, "months between recruitment and arrival")
    interdiction_rate: float = P(
        0.08, "1/month", 0, 1, "probability that border police with effectiveness 1 stop a victim in transit"
    )


class ExploitationParams(Block):
    debt_min: float = P(690.0, "USD", 0, 100_000, "smallest debt imposed on arrival (DM 1,500 at 2001 rates)", "HRW2002")
    debt_max: float = P(2300.0, "USD", 0, 100_000, "largest debt imposed on arrival (DM 5,000 at 2001 rates)", "HRW2002")
    debt_repayment: float = P(100.0, "USD/month", 0, 100_000, "debt a victim works off per month")
    escape_rate: float = P(0.01, "1/month", 0, 1, "monthly probability of escape")
    release_rate: float = P(0.01, "1/month", 0, 1, "monthly probability of release while demand holds")
    release_debt_paid: float = P(0.03, "1/month", 0, 1, "extra monthly release probability once the debt is repaid")
    excess_mortality: float = P(0.0015, "1/month", 0, 1, "monthly probability of death in exploitation")
    return_after_rescue: float = P(0.9, "share", 0, 1, "share of rescued victims who return home")
    return_after_exit: float = P(0.6, "share", 0, 1, "share of escaped or released victims who return home")
    returnee_awareness: float = P(0.7, "0-1", 0, 1, "awareness of trafficking risk of a victim back home, at least")
    identify_escaped: float = P(0.05, "share", 0, 1, "share of escaped or released victims identified by services")
    initial_fill: float = P(
        0.8, "share", 0, 2, "victims in exploitation at the start, as a share of demand at the reference price"
    )
    initial_min_age: float = P(18, "years", 12, 60, "youngest age of the victims in exploitation at the start")
    initial_max_age: float = P(40, "years", 13, 80, "oldest age of the victims in exploitation at the start")
    initial_months_max: float = P(
        24, "months", 0, 240, "victims at the start have been exploited for up to this many months (uniform)", "UNODC2010"
    )


class GangParams(Block):
    per_million: float = P(5.0, "gangs per million", 0, 1000, "organised-crime groups at the start")
    members: int = P(25, "persons", 1, 10_000, "members of a gang at its start")
    capital: float = P(60_000.0, "USD", 0, 1e9, "capital of a gang at its start")
    member_cost: float = P(800.0, "USD/month", 0, 1e6, "monthly upkeep per member")
    recruiter_wage: float = P(1500.0, "USD/month", 0, 1e6, "what a gang pays each of its recruiters a month, besides fees")
    bribe_per_official: float = P(1000.0, "USD/month", 1, 1e7, "monthly bribe that keeps one official on a gang's payroll")
    bribe_share: float = P(
        0.45, "share", 0.01, 10,
        "bribe, as a share of the expected loss it protects, that buys 63% (1 - 1/e) of the protection a unit "
        "of integrity 0.5 can sell (officials price protection by the stakes)",
    )
    max_protection: float = P(
        0.8, "share", 0, 1, "share of a unit's raids and cases against a gang that fully bought officials can stop"
    )
    contraband_per_route: float = P(
        5_000.0, "USD/month", 0, 1e9, "revenue from other contraband (drugs, arms) per route served"
    )
    hire_rate: float = P(
        0.1, "1/month", 0, 1,
        "most recruiters hired a month per recruiter (at least one), when one more would bring twice his wage",
    )
    fire_rate: float = P(0.1, "1/month", 0, 1, "most recruiters let go a month per recruiter, when one more would bring nothing")
    yield_memory: float = P(
        0.1, "share", 0.01, 1,
        "weight of this month in the gangs' running estimates (recruits per recruiter, victims held and in transit)",
    )
    capital_cap: float = P(
        2_000_000.0, "USD", 0, 1e10, "capital above which a gang's profits are spent (consumed or laundered), not kept"
    )
    recruiter_attrition: float = P(0.03, "1/month", 0, 1, "monthly probability a gang's recruiter quits")
    recruit_members_per_recruiter: float = P(0.5, "persons", 0, 10, "new members a gang adds per hired recruiter")
    entry_per_million: float = P(
        0.1, "gangs/month per million", 0, 100, "new gangs a month per million residents while entry is expected to pay"
    )
    initial_recruiters: int = P(2, "recruiters", 1, 100, "recruiters a gang hires when it forms")
    initial_yield: float = P(0.5, "persons/month", 0, 100, "recruits a month per gang recruiter that gangs expect at the start")
    routes_per_gang: int = P(2, "destinations", 1, 20, "destinations a gang serves")
    route_review_rate: float = P(
        0.1, "1/month", 0, 1, "monthly probability a gang replaces its least profitable route by a more profitable one"
    )
    min_members: float = P(2.0, "persons", 0, 1000, "a gang with fewer members free is broken up")


class UnitParams(Block):
    capacity: float = P(10.0, "investigations/month", 0, 10_000, "investigations a unit can run per month")
    training: float = P(0.3, "0-1", 0, 1, "training of the unit's officers")
    integrity: float = P(0.6, "0-1", 0, 1, "resistance of the unit's officials to bribes")
    cooperation: float = P(0.1, "0-1", 0, 1, "cooperation with foreign forces")
    officials: float = P(300.0, "officials", 1, 1e6, "officials of the unit that gangs can corrupt")


class PoliceParams(Block):
    source: UnitParams = Field(UnitParams(), description="one unit per source region")
    border: UnitParams = Field(
        UnitParams(capacity=10.0, training=0.3, integrity=0.5, cooperation=0.1, officials=600.0),
        description="the border unit",
    )
    destination: UnitParams = Field(
        UnitParams(capacity=8.0, training=0.4, integrity=0.6, cooperation=0.1), description="one unit per destination"
    )
    detection_rate: float = P(
        0.5, "1/investigation", 0, 1, "probability one investigation finds a recruiter of exposure 1 (quality 1)"
    )
    raid_rate: float = P(0.02, "1/month", 0, 1, "monthly probability a victim is freed by a raid at effectiveness 1")
    arrests_per_rescue: float = P(
        0.5, "persons", 0, 10, "gang members arrested per rescued or interdicted victim, while members are many"
    )
    gang_detection: float = P(
        0.1, "1/investigation", 0, 1, "probability one investigation (quality 1) uncovers the gang it targets"
    )
    arrest_share: float = P(0.3, "share", 0, 1, "share of a gang's free members arrested when it is uncovered")
    court_delay: int = P(12, "months", 0, 120, "months from arrest to verdict")
    sentence_years: float = P(6.0, "years", 0, 30, "prison sentence of a convicted trafficker", "CODES")
    rejoin_share: float = P(0.5, "share", 0, 1, "share of members back from prison or acquitted who rejoin their gang")
    prosecution_rate: float = P(0.7, "share", 0, 1, "share of arrests that lead to prosecution")
    conviction_rate: float = P(0.5, "share", 0, 1, "share of prosecutions that end in conviction under the law")
    corrupt_drop: float = P(0.6, "share", 0, 1, "probability a corrupted official drops a case, times (1 - integrity)")
    integrity_recovery: float = P(
        0.1, "1/month", 0, 1, "monthly adjustment of integrity towards base x (1 - share of officials on a payroll)"
    )
    cooperation_gain: float = P(1.0, "ratio", 0, 10, "rise in effectiveness at full cooperation")


# ---------------------------------------------------------------------------------------------------
# Interventions: timed changes, each its own kind.


class InterventionBase(Block):
    start_month: MonthRef = Field(description="first month in force (index from 1, or 'YYYY-MM')")
    end_month: MonthRef | None = Field(None, description="last month in force (index or 'YYYY-MM'); none: to the end")
    strength: float = Field(description="size of the change (meaning depends on the kind)")
    description: str = ""
    countries: list[str] = Field(
        default_factory=list,
        description="source countries it acts in (empty: all); in a run of several countries, an intervention "
        "confined to some acts on their people, police and courts only, never on the destinations",
    )


class PeacekeeperBan(InterventionBase):
    kind: Literal["peacekeeper_ban"]
    strength: float = P(0.8, "share", 0, 1, "compliance: share of troop patronage the ban removes", "NATO2004")
    destinations: list[str] = Field(default_factory=list, description="destinations (empty: all)")


class PoliceTraining(InterventionBase):
    kind: Literal["police_training"]
    strength: float = P(0.4, "0-1", 0, 1, "training added to the units (capped at 1)")
    capacity_increase: float = P(0.5, "ratio", 0, 10, "relative increase of the units' capacity")
    units: list[Literal["source", "border", "destination"]] = Field(
        default_factory=lambda: ["source", "border", "destination"], description="kinds of unit trained"
    )


class LawReform(InterventionBase):
    kind: Literal["law_reform"]
    strength: float = P(0.3, "share", 0, 1, "conviction probability added (capped at 1)")
    prosecution_increase: float = P(0.2, "share", 0, 1, "prosecution probability added (capped at 1)")
    sentence_increase: float = P(2.0, "years", 0, 30, "years added to the sentence of a convicted trafficker")


class AntiCorruption(InterventionBase):
    kind: Literal["anti_corruption"]
    strength: float = P(0.3, "0-1", 0, 1, "integrity added to every unit (capped at 1)")


class PoliceCooperation(InterventionBase):
    kind: Literal["police_cooperation"]
    strength: float = P(0.5, "0-1", 0, 1, "cooperation added to every unit (capped at 1)")


class AwarenessCampaign(InterventionBase):
    kind: Literal["awareness_campaign"]
    strength: float = P(0.3, "0-1", 0, 1, "perceived risk added to residents of the regions")
    regions: list[str] = Field(default_factory=list, description="regions (empty: all)")


class LegalMigration(InterventionBase):
    kind: Literal["legal_migration"]
    strength: float = P(1.0, "ratio", 0, 100, "relative increase of legal permits")
    destinations: list[str] = Field(default_factory=list, description="destinations (empty: all)")


class VictimProtection(InterventionBase):
    kind: Literal["victim_protection"]
    strength: float = P(0.5, "share", 0, 1, "share of re-trafficking risk removed for identified victims")
    identification_increase: float = P(0.3, "share", 0, 1, "share of escaped victims identified, added")
    return_support: float = P(0.2, "share", 0, 1, "share of victims returning home, added")


class DemandReduction(InterventionBase):
    kind: Literal["demand_reduction"]
    strength: float = P(0.3, "share", 0, 1, "share of civilian demand for sexual services removed")
    destinations: list[str] = Field(default_factory=list, description="destinations (empty: all)")


class EconomicShock(InterventionBase):
    kind: Literal["economic_shock"]
    strength: float = P(
        0.05,
        "share of labour force",
        -0.5,
        0.5,
        "change of the unemployment rate (negative: recovery), made by removing as many jobs as this share of the "
        "regions' labour force at the start",
    )
    wage_change: float = P(0.0, "ratio", -0.9, 5, "relative change of home wages")
    regions: list[str] = Field(default_factory=list, description="regions (empty: all)")


# ---------------------------------------------------------------------------------------------------
# Costs of interventions: what a programme of each kind costs while in force (read by sim.studies.costs, never
# by the model). US dollars, undiscounted; each rate multiplies an exposure the model has (see
# docs/ODD.md, "Costs"). No published unit cost fits a stylised source country, so every rate is an
# assumption with a wide range; the figures the ranges were chosen against are cited in docs/ODD.md.


class CostParams(Block):
    police_training_per_unit_month: float = P(
        20_000.0, "USD per unit-month", 0, 150_000,
        "police training: per trained police unit per month in force (courses, added investigators)",
    )  # fmt: skip
    law_reform_per_month: float = P(
        30_000.0, "USD/month", 0, 300_000,
        "law reform: per month in force (specialised prosecutors and judges, their training)",
    )  # fmt: skip
    anti_corruption_per_official_month: float = P(
        20.0, "USD per official-month", 0, 200,
        "anti-corruption drive: per official of every police unit per month in force (vetting, pay, oversight)",
    )  # fmt: skip
    police_cooperation_per_unit_month: float = P(
        10_000.0, "USD per unit-month", 0, 100_000,
        "police cooperation: per police unit per month in force (liaison officers, joint investigation teams)",
    )  # fmt: skip
    awareness_campaign_per_100k_month: float = P(
        2_000.0, "USD per 100k residents per month", 0, 20_000,
        "awareness campaign: per 100,000 residents (at the start) of the regions covered, per month in force",
    )  # fmt: skip
    legal_migration_per_permit: float = P(
        500.0, "USD/permit", 0, 5_000,
        "legal migration channels: per additional legal permit offered (administration, matching, pre-departure)",
    )  # fmt: skip
    victim_protection_per_victim: float = P(
        3_000.0, "USD/victim", 0, 25_000,
        "victim protection: per victim identified while in force (shelter, care, return and reintegration)",
    )  # fmt: skip
    peacekeeper_ban_per_1000_troops_month: float = P(
        1_000.0, "USD per 1,000 troops per month", 0, 10_000,
        "peacekeeper ban: per 1,000 troops deployed at the destinations covered, per month (training, monitoring)",
    )  # fmt: skip
    demand_reduction_per_destination_month: float = P(
        50_000.0, "USD per destination-month", 0, 500_000,
        "demand reduction: per destination covered per month in force (enforcement against clients, campaigns)",
    )  # fmt: skip


# end of the costs of interventions
# ---------------------------------------------------------------------------------------------------


INTERVENTION_TYPES = (
    PeacekeeperBan,
    PoliceTraining,
    LawReform,
    AntiCorruption,
    PoliceCooperation,
    AwarenessCampaign,
    LegalMigration,
    VictimProtection,
    DemandReduction,
    EconomicShock,
)
INTERVENTION_KINDS = [t.model_fields["kind"].annotation.__args__[0] for t in INTERVENTION_TYPES]
Intervention = Annotated[Union[INTERVENTION_TYPES], Field(discriminator="kind")]


# ---------------------------------------------------------------------------------------------------
# The scenario.


class Scenario(Block):
    """All parameters of one run."""

    name: str = Field(
        "scenario",
        pattern=NAME_PATTERN,
        max_length=100,
        description="name of the scenario and of its results folder (default: the file name)",
    )
    description: str = ""
    start: str = Field(
        "2000-01",
        pattern=r"^\d{4}-(0[1-9]|1[0-2])$",
        description="first simulated month",
        json_schema_extra={"unit": "YYYY-MM", "source": "assumption", "range": ["1900-01", "2299-12"]},
    )
    months: int = P(240, "months", 1, 1200, "months simulated")
    seed: int = P(1, "integer", 0, 2**31 - 1, "seed of all random draws")
    scale: float = P(20.0, "persons per agent", 1, 1_000_000, "real persons each person-agent stands for")
    population: PopulationParams = PopulationParams()
    regions: dict[str, RegionParams] = Field(
        default_factory=dict, description="regions of the source country (required unless the scenario has countries)"
    )
    economy: EconomyParams = EconomyParams()
    destinations: dict[str, DestinationParams] = Field(
        min_length=1, max_length=100, description="destination economies"
    )
    market: MarketParams = MarketParams()
    demography: DemographyParams = DemographyParams()
    outputs: OutputParams = OutputParams()
    migration: MigrationParams = MigrationParams()
    recruitment: RecruitmentParams = RecruitmentParams()
    transit: TransitParams = TransitParams()
    exploitation: ExploitationParams = ExploitationParams()
    gangs: GangParams = GangParams()
    police: PoliceParams = PoliceParams()
    interventions: dict[str, Intervention] = Field(default_factory=dict)
    costs: CostParams = Field(CostParams(), description="cost rates of the interventions (sim.studies.costs)")
    countries: dict[str, "Scenario"] = Field(
        default_factory=dict,
        description="source countries of the run, each a scenario file of one country (in the file: a list of "
        "paths relative to it); none: the scenario is itself the one source country",
    )

    # -- helpers used by the model -----------------------------------------------------------------
    @property
    def start_year_month(self) -> tuple[int, int]:
        y, m = self.start.split("-")
        return int(y), int(m)

    def month_index(self, ref: int | str) -> int:
        """Month index (1 = first simulated month) of an index or a 'YYYY-MM' date."""
        if isinstance(ref, int):
            return ref
        y, m = (int(x) for x in ref.split("-"))
        y0, m0 = self.start_year_month
        return (y - y0) * 12 + (m - m0) + 1

    def date(self, month: int) -> str:
        """'YYYY-MM' of month index ``month`` (0 is the month before the start: the initial state)."""
        y0, m0 = self.start_year_month
        k = y0 * 12 + (m0 - 1) + month - 1
        return f"{k // 12:04d}-{k % 12 + 1:02d}"

    def year(self, month: int) -> float:
        """Fractional calendar year at the start of month index ``month``."""
        y0, m0 = self.start_year_month
        return y0 + (m0 - 1 + month - 1) / 12.0

    def country_scenarios(self) -> list[tuple[str, "Scenario"]]:
        """(name, parameters) of each source country of the run, in order.

        Without ``countries`` the scenario is its one country. With them, a country's parameters are
        its file's national blocks (``NATIONAL_BLOCKS``: its people, economy, vital rates, migration,
        source and border police and laws), the access its file gives each destination
        (``ACCESS_FIELDS``), its file's interventions and those of this scenario that act in it; every
        other block (destinations' markets, gangs, recruitment, transit, exploitation, destination
        police, outputs, costs) and ``start``, ``months``, ``seed`` and ``scale`` are this scenario's.
        """
        if not self.countries:
            return [(self.name, self)]
        out = []
        for name, c in self.countries.items():
            dests = {
                d: p.model_copy(update={f: getattr(c.destinations[d], f) for f in ACCESS_FIELDS})
                for d, p in self.destinations.items()
            }
            interventions = dict(c.interventions)
            interventions.update({k: iv for k, iv in self.interventions.items() if acts_in(iv, name)})
            update = {b: getattr(c, b) for b in NATIONAL_BLOCKS}
            update["police"] = c.police.model_copy(update={"destination": self.police.destination})
            update.update(name=name, destinations=dests, interventions=interventions, countries={})
            out.append((name, self.model_copy(update=update)))
        return out

    @property
    def residents(self) -> int:
        """Residents of the run's source countries at the start."""
        return sum(c.population.size for c in self.countries.values()) if self.countries else self.population.size


# the blocks a country's own file sets in a run of several countries; the rest is shared
NATIONAL_BLOCKS = ("population", "regions", "economy", "demography", "migration", "police")
# what a country's file says of each destination: how its residents may go there
ACCESS_FIELDS = ("permits_per_100k", "migrant_weight")


def acts_in(iv, country: str) -> bool:
    """Whether intervention ``iv`` acts in ``country`` (an empty ``countries``: in all)."""
    return not iv.countries or country in iv.countries


Scenario.model_rebuild()


# ---------------------------------------------------------------------------------------------------
# Loading.


ROOT = Path(__file__).resolve().parents[2]  # the project folder: scenarios/, calibration/, docs/
SCENARIOS_DIR = ROOT / "scenarios"  # the shipped scenarios
MIN_PERSON_AGENTS = 1_000  # fewer person-agents than this (population.size / scale) is an error


class ScenarioError(Exception):
    """Problems found in a scenario file; ``problems`` holds one ``FILE: key: message`` line each."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class ScenarioWarning(UserWarning):
    """A scenario that runs but may not mean what was intended (``FILE: key: message``, one line)."""


def scenario_path(ref: str | Path) -> Path:
    """The file of a scenario: ``ref`` itself, or a shipped scenario named without a path or suffix
    (``baseline``, ``countries/moldova``)."""
    path = Path(ref)
    if not path.exists() and path.suffix == "" and not path.is_absolute():
        shipped = SCENARIOS_DIR / f"{path}.toml"
        if shipped.exists():
            return shipped
    return path


def shipped_files() -> list[Path]:
    """The shipped scenarios and country presets (files starting with ``_`` hold shared parts only)."""
    files = sorted(SCENARIOS_DIR.glob("*.toml")) + sorted((SCENARIOS_DIR / "countries").glob("*.toml"))
    return [p for p in files if not p.name.startswith("_")]


def shipped_scenarios() -> list[tuple[str, str]]:
    """(name, description) of every shipped scenario, sorted by name; a country preset is named after its
    file in ``scenarios/`` (``countries/moldova``), as ``sim run`` takes it."""
    name = lambda p: p.relative_to(SCENARIOS_DIR).with_suffix("").as_posix()  # noqa: E731
    return sorted((name(p), load_scenario(p).description) for p in shipped_files())


def _read_toml(path: Path, problems: list[str]) -> dict | None:
    try:
        text = path.read_text(encoding="utf-8-sig")  # a byte-order mark is not an error
    except FileNotFoundError:
        problems.append(f"{path}: file not found")
        return None
    except (OSError, UnicodeDecodeError) as e:
        problems.append(f"{path}: cannot read the file ({e.__class__.__name__}: {e})")
        return None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        msg = str(e)
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        where = f"line {m.group(1)}, column {m.group(2)}" if m else "TOML"
        problems.append(f"{path}: {where}: malformed TOML: {re.sub(r' \(at .*\)$', '', msg)}")
        return None


def _merge(base: dict, over: dict, origin: dict, file: Path, prefix: str = "") -> dict:
    """Merge ``over`` into a copy of ``base``; tables merge, other values replace. Track origins."""
    out = copy.deepcopy(base)
    for k, v in over.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v, origin, file, key + ".")
        else:
            out[k] = copy.deepcopy(v)
            origin.pop(key, None)  # re-inserted: the order of ``origin`` is the order keys were set in
            origin[key] = file
    return out


def _resolve(path: Path, chain: list[Path], problems: list[str], origin: dict) -> dict | None:
    data = _read_toml(path, problems)
    if data is None:
        return None
    parent_ref = data.pop("extends", None)
    if parent_ref is None:
        for k in _flat_keys(data):
            origin.setdefault(k, path)
        return data
    if not isinstance(parent_ref, str):
        problems.append(f"{path}: extends: must be a file name (a string)")
        return None
    parent = (path.parent / parent_ref).resolve()
    if parent in chain:
        cycle = " -> ".join(p.name for p in [*chain, parent])
        problems.append(f"{path}: extends: circular chain {cycle}")
        return None
    if not parent.exists():
        problems.append(f"{path}: extends: file '{parent_ref}' not found (looked in {path.parent})")
        return None
    base = _resolve(parent, [*chain, parent], problems, origin)
    if base is None:
        return None
    merged = _merge(base, data, origin, path)
    if "name" not in data:
        merged["name"] = None  # a child without a name is named after its own file, not its parent
    return merged


def _flat_keys(d: dict, prefix: str = "") -> list[str]:
    keys = []
    for k, v in d.items():
        keys.append(prefix + k)
        if isinstance(v, dict):
            keys.extend(_flat_keys(v, f"{prefix}{k}."))
    return keys


def _get_dotted(data: dict, dotted: str) -> Any:
    for p in dotted.split("."):
        data = data[p]
    return data


def set_dotted(data: dict, dotted: str, value: Any) -> None:
    """Set ``a.b.c = value`` in nested dicts, creating tables on the way."""
    parts = dotted.split(".")
    d = data
    for p in parts[:-1]:
        nxt = d.get(p)
        if not isinstance(nxt, dict):
            nxt = d[p] = {}
        d = nxt
    d[parts[-1]] = value


PATTERN_TEXT = {
    NAME_PATTERN: "must be a plain name (no '/' or '\\', not starting with '.'): it names the results folder",
}


def _friendly(err: dict, key: str) -> str:
    t, got = err["type"], show(err.get("input"))
    if t == "extra_forbidden":
        return "unknown key"
    if t == "union_tag_invalid":
        return f"unknown intervention kind {err['input'].get('kind')!r} (known: {', '.join(INTERVENTION_KINDS)})"
    if t == "union_tag_not_found":
        return f"missing 'kind' (one of: {', '.join(INTERVENTION_KINDS)})"
    if t == "missing":
        if "." not in key and key in ("regions", "destinations"):
            baseline = SCENARIOS_DIR / "baseline.toml"
            return f"required table is missing (a scenario usually starts with extends = \"{baseline}\")"
        return "required value is missing"
    if t == "value_error":
        return err["msg"].removeprefix("Value error, ")
    if t in ("model_type", "model_attributes_type", "dict_type"):
        return f"expected a table ([{key}] or {key} = {{...}}), got {got}"
    if t == "string_pattern_mismatch":
        pattern = err.get("ctx", {}).get("pattern", "")
        return f"{PATTERN_TEXT.get(pattern, 'expected a YYYY-MM date')}, got {got}"
    return f"{err['msg']} (got {got})"


def _bools_for_numbers(data: Any, model: type[BaseModel], prefix: str = ""):
    """Dotted keys where ``true`` or ``false`` stands for a number (pydantic would take it as 1 or 0)."""
    if not isinstance(data, dict):
        return
    kinds = {t.model_fields["kind"].annotation.__args__[0]: t for t in INTERVENTION_TYPES}
    for name, field in model.model_fields.items():
        value, ann = data.get(name), field.annotation
        if isinstance(value, bool) and ann in (int, float):
            yield prefix + name
        elif isinstance(ann, type) and issubclass(ann, BaseModel):
            yield from _bools_for_numbers(value, ann, f"{prefix}{name}.")
        elif getattr(ann, "__origin__", None) is dict and isinstance(value, dict):
            inner = ann.__args__[1]
            for k, v in value.items():
                if isinstance(inner, type) and issubclass(inner, BaseModel):
                    sub = inner
                else:  # an intervention: its kind says its table
                    sub = kinds.get(v.get("kind")) if isinstance(v, dict) else None
                if sub is not None:
                    yield from _bools_for_numbers(v, sub, f"{prefix}{name}.{k}.")


def _dotted(loc: tuple) -> str:
    parts = [str(p) for p in loc if not (isinstance(p, str) and p in INTERVENTION_KINDS)]
    return ".".join(parts)


def validate(data: dict, file: Path | str, origin: dict | None = None) -> Scenario:
    """Validate a scenario dictionary; problems name ``file`` (or the file or option that set the key).

    ``origin`` maps dotted keys to where they were set: a file, ``"override"``, or a command-line
    option (``"--months"``), which then stands for the key in the message.
    """
    origin = origin or {}
    bools = list(_bools_for_numbers(data, Scenario))
    problems = [(k, f"expected a number, got {show(_get_dotted(data, k))}") for k in bools]
    if "regions" not in data and not data.get("countries"):
        problems.append(("regions", _friendly({"type": "missing"}, "regions")))
    try:
        sc = Scenario.model_validate(data)
    except ValidationError as e:
        found = [(_dotted(err["loc"]) or "(top level)", _friendly(err, _dotted(err["loc"]))) for err in e.errors()]
        problems += [(k, m) for k, m in found if k not in bools]
    if problems:
        raise ScenarioError(_lines(problems, origin, file)) from None
    problems = _lines(_semantic_problems(sc), origin, file)
    if problems:
        raise ScenarioError(problems)
    return sc


def _origin_of(key: str, origin: dict, file: Path | str) -> tuple[Any, str | None]:
    """Where ``key`` was last set (itself, a table holding it or a key inside it), and that key.

    ``origin`` lists keys in the order they were set (parents first, overrides last); ``file`` if nowhere.
    """
    parts = key.split(".")
    prefixes = {".".join(parts[:n]) for n in range(1, len(parts) + 1)}
    last = None
    for k in origin:
        if k in prefixes or k.startswith(key + "."):
            last = k
    return (origin[last], last) if last is not None else (file, None)


class Label(str):
    """What stands for an overridden key in messages: an option (``--months``) or ``FILE: fixed.key``."""


def _lines(problems: list[tuple[str, str]], origin: dict, file: Path | str) -> list[str]:
    """``SRC: key: message`` lines; a ``Label`` stands for the key it set (``--scale: message``)."""
    out = []
    for key, message in problems:
        src, set_key = _origin_of(key, origin, file)
        out.append(f"{src}{key[len(set_key):]}: {message}" if isinstance(src, Label) else f"{src}: {key}: {message}")
    return list(dict.fromkeys(out))


def _semantic_problems(sc: Scenario, scale: float | None = None, prefix: str = "") -> list[tuple[str, str]]:
    """Problems no single field shows: (dotted key, message). A country of a run of several is checked
    with the run's ``scale`` and its keys under ``prefix`` (``countries.NAME.``)."""
    out = []
    if sc.countries:
        return _region_problems(sc)
    if not sc.regions:
        out.append(("regions", _friendly({"type": "missing"}, "regions")))
    elif abs(sum(r.share for r in sc.regions.values()) - 1) > 1e-6:
        total = sum(r.share for r in sc.regions.values())
        out.append(("regions", f"shares must add up to 1 (they add up to {total:.4f})"))
    if sum(sc.population.age_shares) <= 0:
        out.append(("population.age_shares", "at least one share must be positive"))
    if sc.population.secondary_share + sc.population.tertiary_share > 1:
        out.append(("population.tertiary_share", "secondary and tertiary shares add up to more than 1"))
    if sc.demography.fertility_min_age > sc.demography.fertility_max_age:
        out.append(("demography.fertility_max_age", "must not be below demography.fertility_min_age"))
    if sorted(set(sc.outputs.profile_age_bands)) != list(sc.outputs.profile_age_bands):
        out.append(("outputs.profile_age_bands", "ages must be increasing"))
    if sc.migration.min_age >= sc.migration.max_age:
        out.append(("migration.max_age", "must be above migration.min_age"))
    if sc.exploitation.debt_min > sc.exploitation.debt_max:
        out.append(("exploitation.debt_max", "must not be below exploitation.debt_min"))
    scale = sc.scale if scale is None else scale
    size, agents = sc.population.size, round(sc.population.size / scale)
    if agents < MIN_PERSON_AGENTS:
        key = "scale" if not prefix else prefix + "population.size"
        out.append((
            key,
            f"{scale:,.10g} persons per person-agent leaves {agents:,} person-agents for {size:,} residents; "
            f"at least {MIN_PERSON_AGENTS:,} are needed (a scale of {size // MIN_PERSON_AGENTS:,} or less)",
        ))  # fmt: skip
    out += _intervention_problems(sc, {sc.name: sc.regions}, sc.interventions)
    return [(k if k == "scale" or k.startswith(prefix) else prefix + k, m) for k, m in out]


def _intervention_problems(sc: Scenario, regions_of: dict[str, dict], interventions: dict) -> list[tuple[str, str]]:
    """Dates and targets of ``interventions``; ``regions_of`` maps each country to its regions."""
    out = []
    for name, iv in interventions.items():
        key = f"interventions.{name}"
        start = sc.month_index(iv.start_month)
        if start < 1:
            out.append((f"{key}.start_month", f"{iv.start_month!r} is before the start {sc.start}"))
        if iv.end_month is not None and sc.month_index(iv.end_month) < start:
            out.append((f"{key}.end_month", "before its start_month"))
        unknown = [c for c in iv.countries if c not in regions_of]
        for c in unknown:
            out.append((f"{key}.countries", f"unknown country {c!r} (known: {', '.join(regions_of)})"))
        targeted = [c for c in regions_of if acts_in(iv, c)]
        regions = {r: None for c in targeted for r in regions_of[c]}
        for field, known in (("regions", regions), ("destinations", sc.destinations)):
            for target in getattr(iv, field, []):
                if target not in known:
                    known_names = ", ".join(known)
                    out.append((f"{key}.{field}", f"unknown {field[:-1]} {target!r} (known: {known_names})"))
    return out


def _region_problems(sc: Scenario) -> list[tuple[str, str]]:
    """Problems of a run of several countries: each country's own, and how they fit together."""
    out = []
    for name, c in sc.countries.items():
        prefix = f"countries.{name}."
        if c.countries:
            out.append((prefix + "countries", "a country's file cannot hold countries of its own"))
            continue
        if set(c.destinations) != set(sc.destinations):
            out.append((prefix + "destinations", f"must be the run's destinations ({', '.join(sc.destinations)}), "
                        f"got {', '.join(c.destinations)}"))  # fmt: skip
            continue
        # a country runs over the run's months (its interventions' dates are read against the run's start)
        out += _semantic_problems(c.model_copy(update={"start": sc.start, "months": sc.months}), sc.scale, prefix)
    out += _intervention_problems(sc, {n: c.regions for n, c in sc.countries.items()}, sc.interventions)
    if sorted(set(sc.outputs.profile_age_bands)) != list(sc.outputs.profile_age_bands):
        out.append(("outputs.profile_age_bands", "ages must be increasing"))
    if sc.exploitation.debt_min > sc.exploitation.debt_max:
        out.append(("exploitation.debt_max", "must not be below exploitation.debt_min"))
    for name, iv in sc.interventions.items():
        home = iv.kind not in DESTINATION_ONLY and not (iv.kind == "police_training" and set(iv.units) <= {"destination"})
        if iv.countries and not home:
            out.append((f"interventions.{name}.countries", f"a {iv.kind} acts on the shared destinations only: it "
                        "cannot be confined to some countries (leave countries out)"))  # fmt: skip
    return out


# interventions that act on the destinations only
DESTINATION_ONLY = ("peacekeeper_ban", "demand_reduction")


def _after_horizon(sc: Scenario) -> list[tuple[str, str]]:
    """(dotted name, start date) of the interventions, the run's and its countries' own
    (``countries.NAME.interventions.X``), that start after the last simulated month."""
    tables = [("", sc.interventions)] + [(f"countries.{n}.", c.interventions) for n, c in sc.countries.items()]
    return [
        (f"{prefix}interventions.{name}", sc.date(sc.month_index(iv.start_month)))
        for prefix, ivs in tables
        for name, iv in ivs.items()
        if sc.month_index(iv.start_month) > sc.months
    ]


def _time_paths(block: BaseModel, prefix: str = ""):
    """(dotted key, path) of every time path in a scenario."""
    for name, field in type(block).model_fields.items():
        value = getattr(block, name)
        if (field.json_schema_extra or {}).get("path"):
            yield prefix + name, value
        elif isinstance(value, Block):
            yield from _time_paths(value, f"{prefix}{name}.")
        elif isinstance(value, dict):
            for k, v in value.items():
                if isinstance(v, Block):
                    yield from _time_paths(v, f"{prefix}{name}.{k}.")


def _past_every_path(sc: Scenario) -> list[tuple[str, str]]:
    """A horizon that ends after every time path of the scenario has ended: (key, message)."""
    key, last = max(((k, p[-1][0]) for k, p in _time_paths(sc) if p), key=lambda kp: kp[1])
    if sc.year(sc.months) <= last:
        return []
    return [("months", f"the run ends {sc.date(sc.months)}, after every time path of the scenario has ended "
                       f"(the last, {key}, in {last:g}); each is held at its last value beyond")]  # fmt: skip


def load_scenario(
    path: str | Path, overrides: dict[str, Any] | None = None, labels: dict[str, str] | None = None
) -> Scenario:
    """Read, resolve ``extends``, validate, apply ``overrides`` ({"dotted.key": value}) and validate again.

    The file must be valid on its own, whatever the overrides replace. ``path`` may name a shipped
    scenario without a path (``"baseline"``). Problems are named after the file that set the key; an
    override's after ``labels[key]`` if given (what set it, say ``"--months"``), else ``override: key``.
    An intervention that starts after the horizon is a problem in the file, and a ``ScenarioWarning``
    when an override shortens the horizon; a horizon past every time path is a warning.
    """
    path = scenario_path(path)
    if not path.exists():
        raise ScenarioError([
            f"{path}: file not found (a shipped scenario is named without a path, as in `sim run baseline`; "
            "`sim scenarios` lists them)"
        ])
    problems: list[str] = []
    origin: dict[str, Any] = {}
    data = _resolve(path.resolve(), [path.resolve()], problems, origin)
    if data is None:
        raise ScenarioError([p.replace(str(path.resolve()), str(path)) for p in problems])
    if not data.get("name"):
        data["name"] = path.stem
    _load_countries(data, path, origin, problems)
    if problems:
        raise ScenarioError(problems)
    origin = {k: (str(v) if str(v) != str(path.resolve()) else str(path)) for k, v in origin.items()}
    problems = _lines(_national_at_top(data, origin), origin, path)
    if problems:
        raise ScenarioError(problems)
    sc = validate(data, path, origin)
    _check_horizon(sc, origin, path, warn=False)
    if overrides:
        labels = labels or {}
        for dotted, value in overrides.items():
            set_dotted(data, dotted, value)
            origin.pop(dotted, None)
            origin[dotted] = Label(labels[dotted]) if dotted in labels else "override"
        problems = _lines(_national_at_top(data, overrides), origin, path)
        if problems:
            raise ScenarioError(problems)
        sc = validate(data, path, origin)
        _check_horizon(sc, origin, path, warn="months" in overrides)
    for line in _lines(_past_every_path(sc), origin, path):
        _warn(line)
    return sc


def _national_at_top(data: dict, keys) -> list[tuple[str, str]]:
    """(key, message) for each of ``keys`` (those set) that a scenario of several countries sets in a
    national block at its top: the countries' files set them, ``countries.NAME.KEY`` one country's."""
    if not data.get("countries"):
        return []
    national = [b for b in NATIONAL_BLOCKS if b != "police"] + ["police.source", "police.border"]
    msg = "a scenario of several countries takes this from each country's file (countries.NAME.{k} sets one)"
    return [(k, msg.format(k=k)) for k in keys if any(k == b or k.startswith(b + ".") for b in national)]


def _load_countries(data: dict, path: Path, origin: dict, problems: list[str]) -> None:
    """Replace the file names of ``countries`` by the countries' resolved tables, named after their
    ``name`` (or file); their keys' origins are their own files. Names are relative to the file that
    set ``countries``."""
    refs = data.get("countries")
    if refs is None or isinstance(refs, dict):
        return
    setter = Path(origin.get("countries", path))
    if not isinstance(refs, list) or not all(isinstance(r, str) for r in refs):
        problems.append(f"{setter}: countries: must be a list of file names (strings), got {show(refs)}")
        return
    tables: dict[str, dict] = {}
    for ref in refs:
        file = (setter.parent / ref).resolve()
        if not file.exists():
            problems.append(f"{setter}: countries: file '{ref}' not found (looked in {setter.parent})")
            continue
        own: dict[str, Any] = {}
        table = _resolve(file, [file], problems, own)
        if table is None:
            continue
        name = table.get("name") or file.stem
        table["name"] = name
        if name in tables:
            problems.append(f"{setter}: countries: two countries are named {name!r}")
            continue
        if isinstance(table.get("countries"), list):
            problems.append(f"{file}: countries: a country's file cannot hold countries of its own")
            continue
        tables[name] = table
        origin[f"countries.{name}"] = file
        for k, v in own.items():
            origin[f"countries.{name}.{k}"] = v
    data["countries"] = tables


def _check_horizon(sc: Scenario, origin: dict, path: Path, warn: bool) -> None:
    """Interventions after the horizon: an error, or a warning when ``warn`` (an override set the horizon)."""
    late = _after_horizon(sc)
    if not warn:
        problems = [(f"{name}.start_month", f"starts {start}, after the last simulated month "
                     f"{sc.date(sc.months)} (months = {sc.months})") for name, start in late]  # fmt: skip
        if problems:
            raise ScenarioError(_lines(problems, origin, path))
        return
    for name, start in late:
        msg = f"the run ends {sc.date(sc.months)}, before {name} starts ({start}): it has no effect"
        _warn(_lines([("months", msg)], origin, path)[0])


def _warn(message: str) -> None:
    warnings.warn(ScenarioWarning(message), stacklevel=3)
