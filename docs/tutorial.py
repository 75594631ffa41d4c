# %% [markdown]
# # Tutorial: run, compare, plot
#
# A notebook in [Jupytext](https://jupytext.readthedocs.io)'s percent format: each `# %%` starts a cell.
# Run it as a script (`python docs/tutorial.py`), cell by cell in an editor that knows the format, or open it
# as a notebook with Jupytext. It keeps every run small so that it finishes in seconds: 200,000 residents at
# 50 persons per person-agent (4,000 person-agents) over 36 months. Small runs show how the API works; the
# numbers they give are too coarse to read trafficking from (each run says so in `sim.resolution(df).line`).

# %%
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # draw to files, no window
import matplotlib.pyplot as plt

import sim
from sim.studies.experiments import compare

SMALL = {"population.size": 200_000}  # residents at the start (dotted overrides of the scenario file)
SCALE, MONTHS = 50, 36  # persons per person-agent; months from the scenario's start
out = Path(tempfile.mkdtemp(prefix="tutorial-"))  # a new temporary folder for the plot

# %% [markdown]
# ## Run a scenario
#
# `sim.run` takes a scenario file or a shipped scenario's name (`sim scenarios` lists them) and returns a
# pandas DataFrame with one row a month; row 0 is the start. Its columns are the outputs of the
# [reference](reference.md#outputs). The same seed gives the same run.

# %%
df = sim.run("baseline", seed=1, months=MONTHS, scale=SCALE, overrides=SMALL)
print(df[["date", "population_home", "emigrants_legal", "emigrants_irregular", "trafficked"]].tail())
print(sim.resolution(df).line)  # the "coarse: ..." line of `sim run`, or None

# %% [markdown]
# `sim.summarise` sums the flows over the run and takes the stocks at its end, as `sim run` prints them.

# %%
summary = sim.summarise(df)
print({k: summary[k] for k in ("emigrants_legal", "emigrants_irregular", "trafficked")})

# %% [markdown]
# ## Compare two scenarios
#
# `compare` runs `reps` replications of the base and of each alternative with the same seeds (common random
# numbers) and estimates each effect from the paired differences, with its 95% t interval: the numbers
# `sim compare` writes to `effects.csv`. Two replications is the least that gives an interval; a real
# comparison uses ten or more (see the [analyst's tutorial](tutorials/analyst.md)).

# %%
result = compare("baseline", ["high_unemployment"], reps=2, months=MONTHS, scale=SCALE, overrides=SMALL, workers=1)
columns = ["metric", "baseline_mean", "scenario_mean", "effect", "ci_low", "ci_high"]
print(result.effects[columns].head(8).to_string(index=False))

# %% [markdown]
# ## Plot an output
#
# Each replication's monthly rows are in `result.timeseries`, with the scenario's name and the replication.
# Here: the residents at home under the baseline and under a slump that does not end (`high_unemployment`:
# unemployment 6 points higher and wages 20% lower from the first month), one line a replication.

# %%
fig, ax = plt.subplots(figsize=(7, 4))
for (name, rep), run in result.timeseries.groupby(["scenario", "replication"]):
    ax.plot(run["month"], run["population_home"], label=f"{name}, replication {rep}")
ax.set_xlabel("month")
ax.set_ylabel("residents at home (persons)")
ax.legend()
plot = out / "population_home.png"
fig.savefig(plot, dpi=100)
plt.close(fig)
print(f"plot written to {plot}")
