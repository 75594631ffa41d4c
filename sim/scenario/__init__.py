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

The package's modules, by job: ``fields`` (how a parameter is declared), ``source`` and ``trafficking``
(the parameter blocks), ``interventions`` (one class per intervention kind: parameters, effect, scope,
cost and lever), ``schema`` (the ``Scenario``), ``checks`` (what no single field shows, and the
messages), ``load`` (files, ``extends``, overrides, countries, the shipped scenarios).
"""

from __future__ import annotations

from sim.scenario.checks import MIN_PERSON_AGENTS, PATTERN_TEXT, Label, ScenarioError, ScenarioWarning, validate
from sim.scenario.costing import Cost
from sim.scenario.fields import NAME_PATTERN, Block, MonthRef, P, PathOf, T, path_value, show
from sim.scenario.folders import CALIBRATIONS_DIR, EXPERIMENTS_DIR, KINDS, ROOT, SCENARIOS_DIR, FileKind
from sim.scenario.interventions import (
    DESTINATIONS,
    HOME,
    HOME_AND_DESTINATION_POLICE,
    INTERVENTION_KINDS,
    INTERVENTION_TYPES,
    SCOPES,
    TYPE_OF_KIND,
    AntiCorruption,
    AwarenessCampaign,
    CostParams,
    DemandReduction,
    EconomicShock,
    Intervention,
    InterventionBase,
    LawReform,
    LegalMigration,
    LeverSpec,
    PeacekeeperBan,
    PoliceCooperation,
    PoliceTraining,
    VictimProtection,
    acts_in,
    kind_of,
    levers,
)
from sim.scenario.load import (
    find_file,
    load_scenario,
    read_file,
    set_dotted,
    shipped_files,
    shipped_names,
    shipped_scenarios,
    wrong_kind,
)
from sim.scenario.schema import ACCESS_FIELDS, NATIONAL_BLOCKS, Scenario
from sim.scenario.source import (
    UKRAINE_2000_AGE_SHARES,
    DemographyParams,
    EconomyParams,
    MigrationParams,
    OutputParams,
    PopulationParams,
    RegionParams,
)
from sim.scenario.trafficking import (
    CourtParams,
    DestinationParams,
    ExploitationParams,
    GangParams,
    MarketParams,
    PoliceParams,
    RecruitmentParams,
    TransitParams,
    UnitParams,
)

__all__ = [
    "ACCESS_FIELDS", "CALIBRATIONS_DIR", "DESTINATIONS", "EXPERIMENTS_DIR", "HOME", "HOME_AND_DESTINATION_POLICE",
    "INTERVENTION_KINDS", "INTERVENTION_TYPES", "KINDS", "MIN_PERSON_AGENTS", "NAME_PATTERN", "NATIONAL_BLOCKS",
    "PATTERN_TEXT", "ROOT", "SCENARIOS_DIR", "SCOPES", "TYPE_OF_KIND", "UKRAINE_2000_AGE_SHARES", "AntiCorruption",
    "AwarenessCampaign", "Block", "Cost", "CostParams", "CourtParams", "DemandReduction", "DemographyParams",
    "DestinationParams", "EconomicShock", "EconomyParams", "ExploitationParams", "FileKind", "GangParams",
    "Intervention", "InterventionBase", "Label", "LawReform", "LegalMigration", "LeverSpec", "MarketParams",
    "MigrationParams", "MonthRef", "OutputParams", "P", "PathOf", "PeacekeeperBan", "PoliceCooperation", "PoliceParams",
    "PoliceTraining", "PopulationParams", "RecruitmentParams", "RegionParams", "Scenario", "ScenarioError",
    "ScenarioWarning", "T", "TransitParams", "UnitParams", "VictimProtection", "acts_in", "find_file", "kind_of",
    "levers", "load_scenario", "path_value", "read_file", "set_dotted", "shipped_files", "shipped_names",
    "shipped_scenarios", "show", "validate", "wrong_kind",
]  # fmt: skip
