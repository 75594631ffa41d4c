"""The few strategic actors, as Mesa agents: recruiters, gangs (organised crime) and police units."""

from .gang import Gang
from .police import PoliceUnit
from .recruiter import Recruiter

__all__ = ["Gang", "PoliceUnit", "Recruiter"]
