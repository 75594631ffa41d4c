"""The source country's parameters: its people, regions, economy, vital rates, emigration, and the
demographic outputs."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from sim.scenario.fields import Block, P, PathOf, T

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
    pension_age_male: int = P(
        60, "years", 40, 80, "age at which men leave the labour force (pension age)", "UKRPENSION"
    )
    pension_age_female: int = P(
        55, "years", 40, 80, "age at which women leave the labour force (pension age)", "UKRPENSION"
    )
    youth_unemployment_ratio: float = P(
        2.2,
        "ratio",
        1,
        5,
        "unemployment rate of the young (below youth_age) relative to that of older workers",
        "ILOYU",
    )
    job_finding_rate: float = P(
        0.07, "1/month", 0.005, 0.9, "monthly probability that an unemployed person finds a job"
    )
    tertiary_job_finding: float = P(1.5, "ratio", 0.2, 5, "job finding of the tertiary educated relative to others")
    home_wage: PathOf(1, 100_000) = T(
        [[2000, 45], [2004, 90], [2008, 340], [2009, 245], [2013, 410], [2015, 190], [2020, 330]],
        "USD/month",
        1,
        100_000,
        "average monthly wage at home (approximate dollar values of Ukrainian wages)",
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
        20,
        "years",
        15,
        60,
        "youngest age at which a person considers work abroad (87% of migrants are 20-49)",
        "ETF2009",
    )
    max_age: int = P(59, "years", 20, 80, "oldest age at which a person considers work abroad")
    intercept: float = P(-5.45, "logit", -20, 5, "log-odds of looking for work abroad in a month, reference person")
    wage_gain: float = P(
        0.6,
        "logit per log wage ratio",
        0,
        5,
        "effect of the log wage ratio abroad/home on looking abroad",
        "CLEMENS2020",
    )
    unemployed: float = P(1.0, "logit", -5, 5, "effect of being unemployed")
    unemployment_years: float = P(0.3, "logit per year", -2, 3, "effect of each year of unemployment (desperation)")
    desperation_cap_years: float = P(
        5.0, "years", 0, 50, "years of unemployment beyond which desperation grows no more"
    )
    age_decade: float = P(
        -0.4,
        "logit per decade",
        -3,
        3,
        "effect of each decade of age above reference_age (87% of migrants 20-49)",
        "ETF2009",
    )
    reference_age: float = P(30.0, "years", 15, 60, "age of the reference person of the logit")
    female: float = P(
        -1.25, "logit", -3, 3, "effect of being a woman (a third of labour migrants are women)", "ILO2013"
    )
    secondary: float = P(0.4, "logit", -3, 3, "effect of secondary education (against primary)")
    tertiary: float = P(
        2.2, "logit", -3, 3, "effect of tertiary education against primary (about 40% of emigrants tertiary)", "WB2019"
    )
    ties: float = P(1.2, "logit", 0, 5, "effect of having close ties abroad", "BDO2011")
    risk_tolerance: float = P(0.5, "logit per unit", -5, 5, "effect of risk tolerance on looking abroad")
    self_departure_with_ties: float = P(
        0.35, "share", 0, 1,
        "probability that a looker with ties abroad can leave irregularly through their network that month",
        "BDO2011",
    )  # fmt: skip
    self_departure_without_ties: float = P(
        0.04, "share", 0, 1, "probability that a looker without ties can leave irregularly on their own that month"
    )
    ties_per_emigrant: float = P(2.0, "persons", 0, 20, "residents of the same region who gain ties per emigrant")
    circular_share: float = P(0.485, "share", 0, 1, "share of migrants who are short-term (circular)", "ILO2013")
    circular_return_rate: float = P(
        0.151, "1/month", 0, 1, "monthly return probability of circular migrants (62.6% back within 6 months)", "ILOMIG"
    )
    settled_return_rate: float = P(0.002, "1/month", 0, 1, "monthly return probability of long-term migrants")

