"""The project folder and the folders of the shipped files: scenarios, experiments, calibrations."""

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the project folder: scenarios/, calibration/, docs/
SCENARIOS_DIR = ROOT / "scenarios"  # the shipped scenarios
EXPERIMENTS_DIR = ROOT / "experiments"  # the shipped experiments (sim sweep, sim sensitivity)
CALIBRATIONS_DIR = ROOT / "calibration"  # the shipped calibration files (sim calibrate)


@dataclass(frozen=True)
class FileKind:
    """A kind of file the ``sim`` command reads: where the shipped ones are, the top-level keys that only
    this kind has (how a file given to the wrong command is recognised) and the commands that take it."""

    name: str
    folder: Path
    markers: tuple[str, ...]
    commands: tuple[str, ...]


KINDS = {
    k.name: k
    for k in (
        FileKind("scenario", SCENARIOS_DIR, ("extends", "regions", "destinations", "countries"), ("sim run",)),
        FileKind("experiment", EXPERIMENTS_DIR, ("base", "design"), ("sim sweep", "sim sensitivity")),
        FileKind("calibration", CALIBRATIONS_DIR, ("scenario", "targets"), ("sim calibrate",)),
    )
}
