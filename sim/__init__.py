"""Recruitment, trafficking and demographic loss: an agent-based model on Mesa.

The Python API (the ``sim`` command is a thin layer over it)::

    import sim
    scenario = sim.load_scenario("scenarios/baseline.toml")
    df = sim.run(scenario, seed=1)            # monthly table, one row per month
    df.attrs["provenance"]                    # resolved scenario, seed, versions, commit
    sim.profiles(df)                          # emigrants by country, channel, sex, age band and education
    sim.by_country(df)                        # the monthly table per source country (a run of several)
    sim.resolution(df).line                   # "coarse: ..." when few person-agents are trafficked, else None
"""

from sim.core.outputs import OUTPUTS, summarise
from sim.engine.resolution import resolution
from sim.engine.runner import by_country, key_outcomes, profiles, run, write_results
from sim.scenario import Scenario, ScenarioError, load_scenario

__all__ = [
    "OUTPUTS", "Scenario", "ScenarioError", "by_country", "key_outcomes", "load_scenario", "profiles",
    "resolution", "run", "summarise", "write_results",
]  # fmt: skip
__version__ = "0.1.0"
