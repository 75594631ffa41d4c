"""Interventions: timed changes to a run, one class per kind.

A kind's class holds all there is to know about it:
- its parameters: pydantic fields, each with unit, range, description and source (``kind`` names it);
- what it changes: ``apply`` changes the month's context (``sim.core.economy.MonthContext``) while it is in
  force; the rules of the model never test for interventions;
- where it may act: ``scope`` (``HOME``, ``DESTINATIONS`` or ``HOME_AND_DESTINATION_POLICE``) and
  ``acts_at_home``: a kind that acts on the destinations only cannot be confined to some countries;
- what a programme of it costs: ``cost`` (the rate, a field of ``CostParams``) and ``exposure`` (what the
  rate multiplies), or None for a kind that is not a policy;
- its dashboard lever: ``lever()``, the lever of its ``strength`` (None without ``lever_label``).

The scenario schema (``INTERVENTION_TYPES``, ``Intervention``), ``CostParams``, the month
(``sim.core.interventions``), the costs (``sim.studies.costs``), the ODD's parameter tables
(``sim.studies.paramdoc``) and the dashboard (``levers()``) all read these classes. To add a kind: write its
class below, list it in ``INTERVENTION_TYPES``, and test what it changes; ``tests/test_interventions.py``
checks that every kind declares all of the above consistently.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, ClassVar, Literal, Union

from pydantic import Field, create_model

from sim.scenario.costing import ALL_UNITS, Cost, court_officials, covered, officials, police_units
from sim.scenario.fields import Block, MonthRef, P, path_value

# where a kind acts
HOME = "home"  # a source country's own people, economy, police or courts: it may be confined to some countries
DESTINATIONS = "destinations"  # the destinations only, which the countries of a run share: never confined
HOME_AND_DESTINATION_POLICE = "home and destination police"  # its police units, and the destinations' shared ones
SCOPES = (HOME, DESTINATIONS, HOME_AND_DESTINATION_POLICE)

PER_100K = 1e5  # residents a "per 100k" figure counts
PER_1000_TROOPS = 1000  # troops a "per 1,000 troops" rate counts


@dataclass(frozen=True)
class LeverSpec:
    """A dashboard lever: the dotted key it sets and what the page shows of its parameter."""

    key: str  # interventions.<kind>.strength
    label: str
    unit: str
    lo: float
    hi: float
    description: str
    source: str
    integer: bool


class InterventionBase(Block):
    """What every intervention has: when it is in force, its strength, and the countries it acts in."""

    start_month: MonthRef = Field(description="first month in force (index from 1, or 'YYYY-MM')")
    end_month: MonthRef | None = Field(None, description="last month in force (index or 'YYYY-MM'); none: to the end")
    strength: float = Field(description="size of the change (meaning depends on the kind)")
    description: str = ""
    countries: list[str] = Field(
        default_factory=list,
        description="source countries it acts in (empty: all); in a run of several countries, an intervention "
        "confined to some acts on their people, police and courts only, never on the destinations",
    )

    scope: ClassVar[str]  # where the kind acts: one of SCOPES
    cost: ClassVar[Cost | None]  # its cost, or None for a kind that is not a policy
    lever_label: ClassVar[str | None]  # label of its strength's lever on the dashboard, or None for no lever

    def acts_at_home(self) -> bool:
        """Whether it acts on a source country's own (and so may be confined to some countries)."""
        return self.scope != DESTINATIONS

    def apply(self, ctx, regions, destinations, *, patronage_mult, civilian_mult, labour_mult, shock) -> None:
        """Change the month's context ``ctx``; ``regions`` and ``destinations`` are masks of those covered,
        ``patronage_mult``, ``civilian_mult`` and ``labour_mult`` multiply the destinations' demand, ``shock``
        [region] adds to unemployment."""
        raise NotImplementedError(type(self).__name__)

    def exposure(self, sc, months, ts, units=ALL_UNITS) -> float:
        """What the cost rate multiplies over ``months`` (in force) of scenario ``sc``: ``ts`` the run's monthly
        rows or None, ``units`` the police unit kinds counted."""
        raise NotImplementedError(type(self).__name__)

    @classmethod
    def lever(cls) -> LeverSpec | None:
        """The dashboard lever of the kind's strength (label, unit, range, description, source), or None."""
        if cls.lever_label is None:
            return None
        field = cls.model_fields["strength"]
        extra = field.json_schema_extra or {}
        lo, hi = extra["range"]
        key = f"interventions.{kind_of(cls)}.strength"
        return LeverSpec(key, cls.lever_label, extra["unit"], lo, hi, field.description or "", extra["source"],
                         field.annotation is int)  # fmt: skip


class PeacekeeperBan(InterventionBase):
    """A ban on buying sex for the troops deployed at the destinations."""

    kind: Literal["peacekeeper_ban"]
    strength: float = P(
        0.8,
        "share",
        0,
        1,
        "compliance: share of troop patronage the ban removes (no published figure; the sensitivity designs vary it "
        "from 0.5 to 1)",
    )
    destinations: list[str] = Field(default_factory=list, description="destinations (empty: all)")

    scope: ClassVar[str] = DESTINATIONS
    cost: ClassVar[Cost | None] = Cost(
        "peacekeeper_ban_per_1000_troops_month", 1_000.0, "USD per 1,000 troops per month", 0, 10_000,
        "peacekeeper ban: per 1,000 troops deployed at the destinations covered, per month (training, monitoring)",
        "1,000-troop-months covered",
    )  # fmt: skip
    lever_label: ClassVar[str | None] = "Peacekeeper ban"

    def apply(self, ctx, regions, destinations, *, patronage_mult, civilian_mult, labour_mult, shock) -> None:
        patronage_mult[destinations] *= 1.0 - self.strength

    def exposure(self, sc, months, ts, units=ALL_UNITS) -> float:
        dests = [d for name, d in sc.destinations.items() if name in covered(self.destinations, sc.destinations)]
        return float(sum(path_value(d.troops, sc.year(m)) / PER_1000_TROOPS for d in dests for m in months))


class PoliceTraining(InterventionBase):
    """Training and added capacity for police units."""

    kind: Literal["police_training"]
    strength: float = P(0.4, "0-1", 0, 1, "training added to the units (capped at 1)")
    capacity_increase: float = P(0.5, "ratio", 0, 10, "relative increase of the units' capacity")
    units: list[Literal["source", "border", "destination"]] = Field(
        default_factory=lambda: ["source", "border"],
        description="kinds of unit trained (default: the source country's own units, source and border, which "
        "donors trained; name 'destination' to train the destinations' police)",
    )

    scope: ClassVar[str] = HOME_AND_DESTINATION_POLICE
    cost: ClassVar[Cost | None] = Cost(
        "police_training_per_unit_month", 20_000.0, "USD per unit-month", 0, 150_000,
        "police training: per trained police unit per month in force (courses, added investigators)",
        "unit-months trained",
    )  # fmt: skip
    lever_label: ClassVar[str | None] = "Police training"

    def acts_at_home(self) -> bool:
        """Whether it trains some of a source country's own units (not the destinations' only)."""
        return not set(self.units) <= {"destination"}

    def apply(self, ctx, regions, destinations, *, patronage_mult, civilian_mult, labour_mult, shock) -> None:
        for kind in self.units:
            ctx.training_add[kind] += self.strength
            ctx.capacity_mult[kind] *= 1.0 + self.capacity_increase

    def exposure(self, sc, months, ts, units=ALL_UNITS) -> float:
        return police_units(sc, self.units, units) * len(months)


class LawReform(InterventionBase):
    """A law that makes prosecution, conviction and sentences of traffickers likelier and longer."""

    kind: Literal["law_reform"]
    strength: float = P(0.3, "share", 0, 1, "conviction probability added (capped at 1)")
    prosecution_increase: float = P(0.2, "share", 0, 1, "prosecution probability added (capped at 1)")
    sentence_increase: float = P(2.0, "years", 0, 30, "years added to the sentence of a convicted trafficker")

    scope: ClassVar[str] = HOME
    cost: ClassVar[Cost | None] = Cost(
        "law_reform_per_month", 30_000.0, "USD/month", 0, 300_000,
        "law reform: per month in force (specialised prosecutors and judges, their training)",
        "months in force",
    )  # fmt: skip
    lever_label: ClassVar[str | None] = "Law reform"

    def apply(self, ctx, regions, destinations, *, patronage_mult, civilian_mult, labour_mult, shock) -> None:
        ctx.conviction_add += self.strength
        ctx.prosecution_add += self.prosecution_increase
        ctx.sentence_add += self.sentence_increase

    def exposure(self, sc, months, ts, units=ALL_UNITS) -> float:
        return float(len(months))


class AntiCorruption(InterventionBase):
    """A drive that raises the integrity of every police unit, of every court (prosecutors and judges), or both."""

    kind: Literal["anti_corruption"]
    strength: float = P(0.3, "0-1", 0, 1, "integrity added to every unit and court it reaches (capped at 1)")
    institutions: list[Literal["police", "courts"]] = Field(
        default_factory=lambda: ["police", "courts"],
        description="what the drive reaches: the police units' officials, the courts' prosecutors and judges, or both",
    )

    scope: ClassVar[str] = HOME_AND_DESTINATION_POLICE
    cost: ClassVar[Cost | None] = Cost(
        "anti_corruption_per_official_month", 20.0, "USD per official-month", 0, 200,
        "anti-corruption drive: per official it reaches (police officials, prosecutors and judges) per month in force "
        "(vetting, pay, oversight)",
        "official-months",
    )  # fmt: skip
    lever_label: ClassVar[str | None] = None

    def apply(self, ctx, regions, destinations, *, patronage_mult, civilian_mult, labour_mult, shock) -> None:
        if "police" in self.institutions:
            ctx.integrity_add += self.strength
        if "courts" in self.institutions:
            ctx.court_integrity_add += self.strength

    def exposure(self, sc, months, ts, units=ALL_UNITS) -> float:
        police = officials(sc, units) if "police" in self.institutions else 0.0
        courts = court_officials(sc, units) if "courts" in self.institutions else 0.0
        return (police + courts) * len(months)


class PoliceCooperation(InterventionBase):
    """Cooperation of every police unit with foreign forces."""

    kind: Literal["police_cooperation"]
    strength: float = P(0.5, "0-1", 0, 1, "cooperation added to every unit (capped at 1)")

    scope: ClassVar[str] = HOME_AND_DESTINATION_POLICE
    cost: ClassVar[Cost | None] = Cost(
        "police_cooperation_per_unit_month", 10_000.0, "USD per unit-month", 0, 100_000,
        "police cooperation: per police unit per month in force (liaison officers, joint investigation teams)",
        "unit-months",
    )  # fmt: skip
    lever_label: ClassVar[str | None] = None

    def apply(self, ctx, regions, destinations, *, patronage_mult, civilian_mult, labour_mult, shock) -> None:
        ctx.cooperation_add += self.strength

    def exposure(self, sc, months, ts, units=ALL_UNITS) -> float:
        return police_units(sc, ALL_UNITS, units) * len(months)


class AwarenessCampaign(InterventionBase):
    """A campaign that raises the perceived risk of offers abroad among the residents of some regions."""

    kind: Literal["awareness_campaign"]
    strength: float = P(0.3, "0-1", 0, 1, "perceived risk added to residents of the regions")
    regions: list[str] = Field(default_factory=list, description="regions (empty: all)")

    scope: ClassVar[str] = HOME
    cost: ClassVar[Cost | None] = Cost(
        "awareness_campaign_per_100k_month", 2_000.0, "USD per 100k residents per month", 0, 20_000,
        "awareness campaign: per 100,000 residents (at the start) of the regions covered, per month in force",
        "100k resident-months covered",
    )  # fmt: skip
    lever_label: ClassVar[str | None] = "Awareness campaign"

    def apply(self, ctx, regions, destinations, *, patronage_mult, civilian_mult, labour_mult, shock) -> None:
        ctx.awareness_boost[regions] += self.strength

    def exposure(self, sc, months, ts, units=ALL_UNITS) -> float:
        share = sum(sc.regions[r].share for r in covered(self.regions, sc.regions))
        return sc.population.size * share / PER_100K * len(months)


class LegalMigration(InterventionBase):
    """More legal work permits at some destinations."""

    kind: Literal["legal_migration"]
    strength: float = P(1.0, "ratio", 0, 100, "relative increase of legal permits")
    destinations: list[str] = Field(default_factory=list, description="destinations (empty: all)")

    scope: ClassVar[str] = HOME
    cost: ClassVar[Cost | None] = Cost(
        "legal_migration_per_permit", 500.0, "USD/permit", 0, 5_000,
        "legal migration channels: per additional legal permit offered (administration, matching, pre-departure)",
        "additional permits offered",
    )  # fmt: skip
    lever_label: ClassVar[str | None] = "Legal migration"

    def apply(self, ctx, regions, destinations, *, patronage_mult, civilian_mult, labour_mult, shock) -> None:
        ctx.permits[destinations] *= 1.0 + self.strength

    def exposure(self, sc, months, ts, units=ALL_UNITS) -> float:
        per_100k = sc.population.size / PER_100K
        dests = [d for name, d in sc.destinations.items() if name in covered(self.destinations, sc.destinations)]
        permits = sum(path_value(d.permits_per_100k, sc.year(m)) for d in dests for m in months)
        return float(permits * per_100k * self.strength)


class VictimProtection(InterventionBase):
    """Protection of identified victims: less re-trafficking, more identification and support to return."""

    kind: Literal["victim_protection"]
    strength: float = P(0.5, "share", 0, 1, "share of re-trafficking risk removed for identified victims")
    identification_increase: float = P(0.3, "share", 0, 1, "share of escaped victims identified, added")
    return_support: float = P(0.2, "share", 0, 1, "share of victims returning home, added")

    scope: ClassVar[str] = HOME
    cost: ClassVar[Cost | None] = Cost(
        "victim_protection_per_victim", 3_000.0, "USD/victim", 0, 25_000,
        "victim protection: per victim identified while in force (shelter, care, return and reintegration)",
        "victims identified while in force", run_wide=True,
    )  # fmt: skip
    lever_label: ClassVar[str | None] = None

    def apply(self, ctx, regions, destinations, *, patronage_mult, civilian_mult, labour_mult, shock) -> None:
        ctx.protection = min(1.0, ctx.protection + self.strength)
        ctx.identification_add += self.identification_increase
        ctx.return_support += self.return_support

    def exposure(self, sc, months, ts, units=ALL_UNITS) -> float:
        if ts is None:
            return float("nan")
        return float(ts.loc[ts["month"].isin(months), "victims_identified"].sum())


class DemandReduction(InterventionBase):
    """Less civilian demand for sexual services at some destinations."""

    kind: Literal["demand_reduction"]
    strength: float = P(0.3, "share", 0, 1, "share of civilian demand for sexual services removed")
    destinations: list[str] = Field(default_factory=list, description="destinations (empty: all)")

    scope: ClassVar[str] = DESTINATIONS
    cost: ClassVar[Cost | None] = Cost(
        "demand_reduction_per_destination_month", 50_000.0, "USD per destination-month", 0, 500_000,
        "demand reduction: per destination covered per month in force (enforcement against clients, campaigns)",
        "destination-months covered",
    )  # fmt: skip
    lever_label: ClassVar[str | None] = "Demand reduction"

    def apply(self, ctx, regions, destinations, *, patronage_mult, civilian_mult, labour_mult, shock) -> None:
        civilian_mult[destinations] *= 1.0 - self.strength

    def exposure(self, sc, months, ts, units=ALL_UNITS) -> float:
        return len(covered(self.destinations, sc.destinations)) * len(months)


class LabourDemandChange(InterventionBase):
    """A change of the demand for victims of forced labour at some destinations (a construction boom or bust;
    not a policy: it costs nothing)."""

    kind: Literal["labour_demand_change"]
    strength: float = P(1.0, "ratio", -1, 10, "relative change of the demand for forced labour (1: doubled)")
    destinations: list[str] = Field(default_factory=list, description="destinations (empty: all)")

    scope: ClassVar[str] = DESTINATIONS
    cost: ClassVar[Cost | None] = None
    lever_label: ClassVar[str | None] = None

    def apply(self, ctx, regions, destinations, *, patronage_mult, civilian_mult, labour_mult, shock) -> None:
        labour_mult[destinations] *= 1.0 + self.strength


class EconomicShock(InterventionBase):
    """A change of unemployment and wages at home (not a policy: it costs nothing)."""

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

    scope: ClassVar[str] = HOME
    cost: ClassVar[Cost | None] = None
    lever_label: ClassVar[str | None] = "Economic shock"

    def apply(self, ctx, regions, destinations, *, patronage_mult, civilian_mult, labour_mult, shock) -> None:
        shock[regions] += self.strength
        ctx.home_wage[regions] *= 1.0 + self.wage_change


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
    LabourDemandChange,
    EconomicShock,
)


def kind_of(intervention_type: type[InterventionBase]) -> str:
    """The ``kind`` an intervention class declares (``"police_training"``)."""
    return intervention_type.model_fields["kind"].annotation.__args__[0]


INTERVENTION_KINDS = [kind_of(t) for t in INTERVENTION_TYPES]
TYPE_OF_KIND = dict(zip(INTERVENTION_KINDS, INTERVENTION_TYPES))
Intervention = Annotated[Union[INTERVENTION_TYPES], Field(discriminator="kind")]


def acts_in(iv, country: str) -> bool:
    """Whether intervention ``iv`` acts in ``country`` (an empty ``countries``: in all)."""
    return not iv.countries or country in iv.countries


def levers() -> dict[str, LeverSpec]:
    """The dashboard levers of the intervention kinds that have one, by dotted key, in ``INTERVENTION_TYPES`` order."""
    specs = [t.lever() for t in INTERVENTION_TYPES]
    return {spec.key: spec for spec in specs if spec is not None}


# the cost rates, a field per kind with a cost: kinds that act at home first, then those on the destinations only
_COSTED = [t for t in INTERVENTION_TYPES if t.cost is not None and t.scope != DESTINATIONS]
_COSTED += [t for t in INTERVENTION_TYPES if t.cost is not None and t.scope == DESTINATIONS]
CostParams = create_model(
    "CostParams", __base__=Block, __module__=__name__, **{t.cost.rate: (float, t.cost.field()) for t in _COSTED}
)
