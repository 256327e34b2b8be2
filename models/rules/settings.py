"""The rules of the settings: what a province may configure, and what the policy never lets go."""

from __future__ import annotations

import json

from models import codes
from models.config import VILLAGE_FACTS, Config
from models.errors import WARNING, BelowPolicyFloor, CriteriaAlwaysRequired, CundangError, InvalidSetting, UnknownCode
from models.rules.base import Found, row_rule

# Settings of whole days, with the range a value may take.
DAY_RANGES = {
    "notice_days": (1, 60),
    "funds_notice_days": (1, 60),
    "min_attendance_days": (0, 31),
    "incidence_max_permille": (1, 1000),
    "idle_lock_minutes": (1, 240),  # not days, but a whole number in a range all the same
}
# The policy's minimum notice periods (§3: 公示 ≥ 7 days; project and fund notices ≥ 10 days).
# A setting may raise them, never lower them.
POLICY_FLOORS = {"notice_days": 7, "funds_notice_days": 10}


def check_config(config: Config) -> None:
    """Raise for a setting the policy does not allow (exit decided without 两不愁三保障, a
    notice shorter than the policy's floor, a code that is not in its list)."""
    for key in config.required_roles:
        codes.VILLAGE_REQUIREMENT.check(key, allow_empty=False)
    for key in config.exit_criteria:
        codes.EXIT_CRITERION.check(key, allow_empty=False)
    left_out = [k for k in codes.EXIT_ALWAYS if k not in config.exit_criteria]
    if left_out:
        raise CriteriaAlwaysRequired(criteria=left_out)
    for name, (low, high) in DAY_RANGES.items():
        value = getattr(config, name)
        if not isinstance(value, int) or not low <= value <= high:
            raise InvalidSetting(name=name, value=str(value))
        if value < POLICY_FLOORS.get(name, low):
            raise BelowPolicyFloor(name=name, value=value, floor=POLICY_FLOORS[name])
    for name in ("return_steps", "remove_steps"):  # §3: decided by 评议 and 公示, at least
        steps = getattr(config, name)
        for key in steps:
            codes.CHANGE_STEPS.check(key, allow_empty=False)
        order = [k for k in codes.CHANGE_STEPS.keys if k in steps]
        if len(set(steps)) != len(steps) or list(steps) != order or not {"review", "notice"} <= set(steps):
            raise InvalidSetting(name=name, value="、".join(codes.CHANGE_STEPS.label(k) for k in steps))
    for key in config.village_requirements:
        if key not in VILLAGE_FACTS:
            raise UnknownCode(list_name="贫困村退出条件", value=key)


def notice_floor(config: Config, funds: bool = False) -> int:
    """The notice period a step must run: the setting, never below the policy's floor (a value
    stored before the floor existed cannot lower it)."""
    name = "funds_notice_days" if funds else "notice_days"
    return max(getattr(config, name), POLICY_FLOORS[name])


def setting_value(key: str, text: str) -> object:
    """A stored setting's value (JSON) of the type its default has; InvalidSetting otherwise."""
    default = getattr(Config(), key)
    try:
        value = json.loads(text)
    except ValueError:
        raise InvalidSetting(name=key, value=text) from None
    if isinstance(default, list):
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
    elif isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, int) or default is None:  # collective_income_min_fen may be unset
        ok = (value is None and default is None) or (isinstance(value, int) and not isinstance(value, bool))
    else:
        ok = isinstance(value, type(default))
    if not ok:
        raise InvalidSetting(name=key, value=text)
    return value


@row_rule("key", "value", distinct=True)
def setting_readable(key: str | None, value: str | None) -> Found:
    """A village's setting in its package: a known key whose value has the setting's type."""
    if not key or value is None:
        return []
    try:
        setting_value(key, value)
    except InvalidSetting as error:
        return [("value", error)]
    return []


@row_rule("key", "value", level=WARNING, distinct=True)
def setting_within_policy(key: str | None, value: str | None) -> Found:
    """A village's setting the policy does not allow (kept from before a rule existed): the
    county keeps it as the village's record and is told; its own checks apply its own settings."""
    if not key or value is None:
        return []
    try:
        parsed = setting_value(key, value)
    except InvalidSetting:
        return []  # told by setting_readable
    try:
        config = Config()
        setattr(config, key, parsed)
        check_config(config)
    except CundangError as error:
        return [("value", error)]
    return []


VILLAGE_SETTING_RULES = (setting_readable, setting_within_policy)
