"""The scenario: all parameters of one run, and the source countries of a run of several."""

from __future__ import annotations

from pydantic import Field

from sim.scenario.fields import NAME_PATTERN, Block, P
from sim.scenario.interventions import CostParams, Intervention, acts_in
from sim.scenario.source import (
    DemographyParams,
    EconomyParams,
    MigrationParams,
    OutputParams,
    PopulationParams,
    RegionParams,
)
from sim.scenario.trafficking import (
    DestinationParams,
    ExploitationParams,
    GangParams,
    MarketParams,
    PoliceParams,
    RecruitmentParams,
    TransitParams,
)


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
    burn_in: int = P(
        24,
        "months",
        0,
        600,
        "months run before the start with the first month's paths and interventions, not recorded, the residents "
        "held as drawn: the victims, gangs, recruiters, prices and police reach the model's own state (0: none)",
    )
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


Scenario.model_rebuild()
