"""Calibration: a scenario's uncertain parameters fitted to published figures by ABC-SMC (pyabc).

A calibration file (TOML, shipped ones in ``calibration/``) names a scenario, the parameters to fit
with their prior ranges, and the targets::

    scenario = "../scenarios/countries/moldova.toml"   # relative to the calibration file
    scale = 50                   # resolution of the calibration's runs (default: the scenario's)
    particles = 20               # ABC-SMC population size
    generations = 4              # populations at most
    budget = 300                 # runs at most (``--budget`` replaces it; checked between generations)
    fit_until = 2010             # targets' years after this are scored out of sample (default: none)

    [parameters."migration.intercept"]   # a dotted scenario key, uniform prior on [low, high]
    low = -6.5
    high = -4.5

    [targets.residents]
    output = "population_home"   # a column of the run's table (``sim.core.outputs``), or a list to add up
    country = "moldova"          # in a run of several countries: its row of by_country.csv
    years = [2004, 2014]
    observed = [3_383_332, 2_998_235]
    low = [3_300_000, 2_900_000] # the published figure's uncertainty (an interval around it)
    high = [3_450_000, 3_100_000]
    share = 1.0                  # observation model: what is published is share x the model's output
    source = "BNS census 2004 and 2014"

A flow is summed over the months of each year, a stock or a ratio is taken in December. The distance
between a run and the targets is the mean, over the in-sample target-years, of |share x simulated -
observed| divided by half the width of the published interval: 1 is a miss by the uncertainty of the
figure. A run's seed is a function of the calibration's seed and its parameters: with one worker a
calibration is reproducible, with several pyabc keeps particles in the order their runs finish.
``calibrate`` runs pyabc's ABC-SMC on it (its SQLite history in the output folder makes a
killed calibration resume where its last finished generation ended) and writes ``posterior.csv``,
``fit.csv``, ``manifest.json`` and the plots ``posterior.png`` and ``fit.png``.

Modules: ``schema`` (the file and its checks), ``targets`` (a run's summaries and distance), ``smc`` (the
pyabc driver and the files it writes), ``plots``; the ``sim calibrate`` command is ``sim.commands.calibrate``.
The published figures are those of the calibration files, which ``sim.studies.validation`` reads too.
"""

from sim.studies.calibration.schema import Calibration, CalibrationFile, Prior, Target, load_calibration
from sim.studies.calibration.smc import FIT_DRAWS, HISTORY, OUT_FILES, calibrate, fit_table, posterior_table
from sim.studies.calibration.targets import distance, run_seed, simulate, summaries

__all__ = [
    "FIT_DRAWS",
    "HISTORY",
    "OUT_FILES",
    "Calibration",
    "CalibrationFile",
    "Prior",
    "Target",
    "calibrate",
    "distance",
    "fit_table",
    "load_calibration",
    "posterior_table",
    "run_seed",
    "simulate",
    "summaries",
]
