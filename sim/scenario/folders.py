"""The project folder and the shipped scenarios' folder."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the project folder: scenarios/, calibration/, docs/
SCENARIOS_DIR = ROOT / "scenarios"  # the shipped scenarios
