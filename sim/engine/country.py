"""One source country of a run: its persons, labour market, vital rates, migration, interventions and
home police units, with its month's context and tallies.

A run holds one country or several (``Scenario.countries``); the destinations' markets, the gangs and
their recruiters, the destination police and the courts are shared by all (``sim.engine.model``). A country's
persons are arrays of their own, drawn under the country's keys, so its rules read only its own
parameters and context: what happens in one country reaches another only through the shared market,
gangs and destination police.
"""

from __future__ import annotations

import numpy as np

from sim.core import interventions
from sim.core.economy import month_context
from sim.core.population import initial_population
from sim.core.rng import Keys
from sim.core.state import Census
from sim.engine.recording import Profiles
from sim.processes.demography import Demography, LifeTables
from sim.processes.migration import Migration

# flows of the strategic actors: real counts and dollars, not multiplied by the scale
ACTOR_FLOWS = (
    "gang_revenue_usd", "victims_revenue_usd", "contraband_usd", "contraband_seized_usd", "bribes_usd",
    "bribes_courts_usd", "arrests", "prosecutions", "convictions",
)  # fmt: skip


class Country:
    """The people side of one source country, and what its rules tally each month."""

    def __init__(self, index: int, name: str, params, keys: Keys, offset: int):
        self.index = index
        self.name = name
        self.params = params  # its scenario: national blocks its own, the rest the run's
        self.keys = keys  # its persons' draws
        self.offset = offset  # its first region's index among the run's regions
        self.n_regions = len(params.regions)
        self.life = LifeTables(params)
        n_agents = max(1, int(round(params.population.size / params.scale)))
        self.pop = initial_population(params, keys, n_agents, self.life)
        self.interventions = interventions.build(params)
        self.migration = Migration(params, keys)
        self.demography = Demography(params, keys, self.life)
        self.profiles = Profiles(params)  # who left, over the run
        self.ctx = month_context(params, 1, self.interventions)  # the context at the start
        self.source_units: list = []
        self.border = None
        self.counts: dict = {}  # the month's tallies of its persons (person-agents; ``MigrationModel.zero_counts``)
        self.census: Census | None = None  # its census at the end of the last month (``sim.engine.recording.census``)
        self.labour_force0: np.ndarray | None = None  # [region, young, k] its labour force at the start
        self.actor_counts = dict.fromkeys(ACTOR_FLOWS, 0.0)
        self.revenue = 0.0  # gangs' revenue from this country's victims this month (USD)
        self.rows: list[dict] = []

    @property
    def regions(self) -> range:
        """Its regions' indices among the run's regions."""
        return range(self.offset, self.offset + self.n_regions)

    def start_month(self, month: int) -> None:
        """The month's context (economy, interventions in force) and zeroed tallies."""
        self.ctx = month_context(self.params, month, self.interventions, self.census.labour, self.labour_force0)
        self.actor_counts = dict.fromkeys(ACTOR_FLOWS, 0.0)
        self.revenue = 0.0
