"""The rules of the settings: what a province may configure, and what the policy never lets go."""

from __future__ import annotations

from models import codes
from models.config import VILLAGE_FACTS, Config
from models.errors import IncomeAloneNeverDecides, InvalidSetting, UnknownCode

# Settings of whole days, with the range a value may take.
DAY_RANGES = {
    "notice_days": (1, 60),
    "funds_notice_days": (1, 60),
    "min_attendance_days": (0, 31),
    "incidence_max_permille": (1, 1000),
}


def check_config(config: Config) -> None:
    """Raise for a setting the policy does not allow (exit decided by income alone, a notice
    of no days, a code that is not in its list)."""
    for key in config.required_roles:
        codes.VILLAGE_REQUIREMENT.check(key, allow_empty=False)
    for key in config.exit_criteria:
        codes.EXIT_CRITERION.check(key, allow_empty=False)
    if not [k for k in config.exit_criteria if k != "income"]:
        raise IncomeAloneNeverDecides()
    for name, (low, high) in DAY_RANGES.items():
        value = getattr(config, name)
        if not isinstance(value, int) or not low <= value <= high:
            raise InvalidSetting(name=name, value=str(value))
    for key in config.village_requirements:
        if key not in VILLAGE_FACTS:
            raise UnknownCode(list_name="贫困村退出条件", value=key)
