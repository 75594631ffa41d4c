"""The parameters of trafficking and its control: destinations and their markets for victims,
recruitment, transit, exploitation, gangs and police."""

from __future__ import annotations

from pydantic import Field

from sim.scenario.fields import Block, P, PathOf, T


class DestinationParams(Block):
    description: str = Field("", description="what the destination stands for")
    wage: PathOf(1, 100_000) = T([[2000, 900]], "USD/month", 1, 100_000, "monthly wage a migrant earns there")
    permits_per_100k: PathOf(0, 10_000) = T(
        [[2000, 0.0]], "persons/month per 100k", 0, 10_000, "legal work permits per month for the source country"
    )
    migrant_weight: float = P(1.0, "weight", 0, 1000, "relative weight of the destination for independent migrants")
    sexual_demand_per_100k: PathOf(0, 10_000) = T(
        [[2000, 0.0]], "victims per 100k", 0, 10_000,
        "civilian demand for sexual exploitation: victims it buys at the reference price "
        "(per 100k residents of the source); the shipped paths follow the destination's real GDP per head",
        "GDPHEAD",
    )
    labour_demand_per_100k: PathOf(0, 10_000) = T(
        [[2000, 0.0]], "victims per 100k", 0, 10_000,
        "demand for forced labour: victims it buys at the reference price (per 100k residents of the source); the "
        "shipped paths follow the destination's real GDP per head (the CIS-like one: Russia's construction boom)",
        "GDPHEAD",
    )
    troops: PathOf(0, 10_000_000) = T(
        [[2000, 0]], "troops", 0, 10_000_000,
        "foreign troops deployed there (the shipped Balkan path: SFOR, then EUFOR, in Bosnia and KFOR in Kosovo)",
        "TROOPS",
    )
    patronage_per_1000_troops: float = P(
        0.0,
        "victims per 1,000 troops per 100k",
        0,
        10_000,
        "victims bought at the reference price by the demand of 1,000 deployed troops (per 100k residents of the "
        "source); no published rate: the shipped Balkan value makes the troops' share of that destination's demand "
        "for sexual exploitation in 2002 30%, and the sensitivity designs vary that share from 10% to 50%",
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
        "price elasticity of the demand for victims of forced labour (absolute value; informal migrant labour is a "
        "near substitute)",
    )
    price_adjustment: float = P(
        0.5, "1/month", 0.01, 1, "share of the gap between last month's price and the clearing price closed in a month"
    )
    price_min_ratio: float = P(0.05, "ratio", 0.001, 1, "lowest price relative to the reference price (a glut)")
    price_max_ratio: float = P(4.0, "ratio", 1, 100, "highest price relative to the reference price (a thin market)")
    upkeep_sexual: float = P(
        700.0, "USD/victim-month", 0, 100_000, "a gang's cost of holding a victim in sexual exploitation a month"
    )
    upkeep_labour: float = P(
        300.0, "USD/victim-month", 0, 100_000, "a gang's cost of holding a victim in forced labour a month"
    )
    discount_rate: float = P(0.08, "1/month", 0.001, 0.5, "monthly rate at which gangs discount future revenue")
    prison_cost: float = P(
        20_000.0,
        "USD/member-year",
        0,
        1e8,
        "what a gang counts as the loss of one member-year in prison (expected penalty)",
    )


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
    intercept: float = P(
        -2.5, "logit", -10, 10,
        "log-odds of taking an offer rather than staying, reference person (every option's value against staying)",
    )  # fmt: skip
    wage_gain: float = P(0.8, "logit per log wage ratio", 0, 5, "effect of the (promised) log wage ratio on an option")
    desperation: float = P(0.8, "logit per year", 0, 5, "effect of each year of unemployment on leaving")
    perceived_risk: float = P(
        8.0, "logit per unit", 0, 20, "effect of perceived risk (awareness) against a deceptive offer"
    )
    risk_tolerance: float = P(3.0, "logit per unit", 0, 20, "effect of risk tolerance for a deceptive offer", "IOMUA")
    promise_premium: float = P(1.8, "ratio", 1, 10, "wage promised by a deceptive offer relative to the real wage")
    informal_trust: float = P(
        0.5, "share", 0, 1, "share of perceived risk that trust in an acquaintance removes", "IOMMD"
    )
    retrafficking: float = P(1.0, "logit", 0, 5, "extra log-odds of accepting a deceptive offer for former victims")
    own_preference: float = P(
        4.0, "logit", 0, 10,
        "extra log-odds of leaving by one's own means (one's own permit, or irregularly through one's network) "
        "against taking an offer: a looker who can go on their own mostly does",
    )  # fmt: skip
    legal_preference: float = P(
        1.0, "logit", 0, 5,
        "extra log-odds of a legal job (one's own permit or an agency's) against an irregular or deceptive "
        "option of the same wage: legal status, rights and safety",
    )  # fmt: skip
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
    debt_min: float = P(
        690.0, "USD", 0, 100_000, "smallest debt imposed on arrival (DM 1,500 at 2001 rates)", "HRW2002"
    )
    debt_max: float = P(
        2300.0, "USD", 0, 100_000, "largest debt imposed on arrival (DM 5,000 at 2001 rates)", "HRW2002"
    )
    debt_repayment: float = P(100.0, "USD/month", 0, 100_000, "debt a victim works off per month")
    escape_rate: float = P(0.01, "1/month", 0, 1, "monthly probability of escape")
    release_rate: float = P(0.01, "1/month", 0, 1, "monthly probability of release while demand holds")
    release_debt_paid: float = P(0.03, "1/month", 0, 1, "extra monthly release probability once the debt is repaid")
    excess_mortality: float = P(0.0015, "1/month", 0, 1, "monthly probability of death in exploitation")
    return_after_rescue: float = P(0.9, "share", 0, 1, "share of rescued victims who return home")
    return_after_exit: float = P(0.6, "share", 0, 1, "share of escaped or released victims who return home")
    returnee_awareness: float = P(0.7, "0-1", 0, 1, "awareness of trafficking risk of a victim back home, at least")
    identify_escaped: float = P(0.05, "share", 0, 1, "share of escaped or released victims identified by services")
    sexual_prime_age: float = P(
        25.0, "years", 15, 40, "age to which a victim of sexual exploitation earns the full price (then less)"
    )
    sexual_end_age: float = P(50.0, "years", 25, 70, "age at which a victim of sexual exploitation earns nothing")
    sexual_worth_men: float = P(
        0.1, "share", 0, 1, "what a man earns in sexual exploitation, as a share of what a woman of his age earns"
    )
    labour_prime_age: float = P(50.0, "years", 20, 60, "age to which a victim of forced labour earns the full price")
    labour_end_age: float = P(80.0, "years", 30, 90, "age at which a victim of forced labour earns nothing")
    labour_worth_women: float = P(
        1.0, "share", 0, 1, "what a woman earns in forced labour, as a share of what a man of her age earns"
    )
    initial_fill: float = P(
        0.8, "share", 0, 2, "victims in exploitation at the start, as a share of demand at the reference price"
    )
    initial_min_age: float = P(18, "years", 12, 60, "youngest age of the victims in exploitation at the start")
    initial_max_age: float = P(40, "years", 13, 80, "oldest age of the victims in exploitation at the start")
    initial_months_max: float = P(
        24,
        "months",
        0,
        240,
        "victims at the start have been exploited for up to this many months (uniform)",
        "UNODC2010",
    )


class GangParams(Block):
    per_million: float = P(5.0, "gangs per million", 0, 1000, "organised-crime groups at the start")
    members: int = P(25, "persons", 1, 10_000, "members of a gang at its start")
    capital: float = P(60_000.0, "USD", 0, 1e9, "capital of a gang at its start")
    member_cost: float = P(800.0, "USD/month", 0, 1e6, "monthly upkeep per member")
    recruiter_wage: float = P(
        1500.0, "USD/month", 0, 1e6, "what a gang pays each of its recruiters a month, besides fees"
    )
    bribe_per_official: float = P(
        1000.0, "USD/month", 1, 1e7, "monthly bribe that keeps one official on a gang's payroll"
    )
    bribe_share: float = P(
        0.45, "share", 0.01, 10,
        "bribe, as a share of the expected loss it protects, that buys 63% (1 - 1/e) of the protection a unit "
        "of integrity 0.5 can sell (officials price protection by the stakes)",
    )
    max_protection: float = P(
        0.8, "share", 0, 1, "share of a unit's raids and cases against a gang that fully bought officials can stop"
    )
    contraband_per_route: float = P(
        5_000.0,
        "USD/month",
        0,
        1e9,
        "gross value of other contraband (drugs, arms) a gang moves on each route it serves a month, before seizures",
    )
    contraband_interdiction: float = P(
        1.0,
        "ratio",
        0,
        20,
        "chance that the border police of the gang's country or a destination's raids seize a month's contraband "
        "on a route, relative to their chance of stopping a victim in transit or freeing one in exploitation",
        "EMCDDA2019",
    )
    hire_rate: float = P(
        0.1, "1/month", 0, 1,
        "most recruiters hired a month per recruiter (at least one), when one more would bring twice his wage",
    )
    fire_rate: float = P(
        0.1, "1/month", 0, 1, "most recruiters let go a month per recruiter, when one more would bring nothing"
    )
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
    initial_yield: float = P(
        0.5, "persons/month", 0, 100, "recruits a month per gang recruiter that gangs expect at the start"
    )
    routes_per_gang: int = P(2, "destinations", 1, 20, "destinations a gang serves")
    route_opening_cost: float = P(
        20_000.0, "USD", 0, 1e7,
        "what opening a route to a new destination costs a gang (contacts, documents, corrupt intermediaries)",
    )  # fmt: skip
    route_build_months: float = P(
        12.0, "months", 0, 120, "months a new route takes to build its full capacity to place victims (linear)"
    )
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


class CourtParams(Block):
    integrity: float = P(0.8, "0-1", 0, 1, "resistance of the court's prosecutors and judges to bribes")
    officials: float = P(100.0, "officials", 1, 1e6, "prosecutors and judges of the court that gangs can corrupt")


class PoliceParams(Block):
    source: UnitParams = Field(UnitParams(), description="one unit per source region")
    border: UnitParams = Field(
        UnitParams(capacity=10.0, training=0.3, integrity=0.5, cooperation=0.1, officials=600.0),
        description="the border unit",
    )
    destination: UnitParams = Field(
        UnitParams(capacity=8.0, training=0.4, integrity=0.6, cooperation=0.1), description="one unit per destination"
    )
    courts: CourtParams = Field(
        CourtParams(), description="the courts: one per source country (its units' cases), one per destination"
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
    corrupt_drop: float = P(
        0.6,
        "share",
        0,
        1,
        "probability that corrupted officials drop a case, times (1 - integrity): the arresting unit's, and "
        "independently the court's prosecutors and judges",
    )
    integrity_recovery: float = P(
        0.1,
        "1/month",
        0,
        1,
        "monthly adjustment of a unit's or court's integrity towards base x (1 - share of officials on a payroll)",
    )
    cooperation_gain: float = P(1.0, "ratio", 0, 10, "rise in effectiveness at full cooperation")

