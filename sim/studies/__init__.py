"""Studies over runs: experiments (comparisons, sweeps, sensitivity), calibration, validation, the ODD's
patterns and parameter tables, and the costs of interventions."""
