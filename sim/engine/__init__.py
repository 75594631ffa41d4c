"""The model that runs the month's processes in order, a source country's parts, recording, running a
scenario (``run``) and the per-agent reference engine it docks against."""
