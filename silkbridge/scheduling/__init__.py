"""The B2B meeting scheduler: a pure optimisation engine (no Django).

from silkbridge.scheduling import parse_instance, solve
schedule = solve(parse_instance(json.load(f)), time_limit=8.0)
"""

from silkbridge.scheduling.model import Instance, InstanceError, Meeting, Schedule, parse_instance
from silkbridge.scheduling.solver import first_come_first_served, solve
from silkbridge.scheduling.validate import check_schedule

__all__ = [
    "Instance",
    "InstanceError",
    "Meeting",
    "Schedule",
    "check_schedule",
    "first_come_first_served",
    "parse_instance",
    "solve",
]
