"""Who may do what: each role's actions, and the action every write of a table needs (issue 15)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from models import codes
from models.errors import NotAllowed

MIN_PASSWORD = 8  # characters (Argon2 makes each guess slow; the length makes guesses many)

# What a role may do, in the words a refusal uses ("没有{label}的权限").
ACTION = codes.CodeList(
    "操作",
    (
        ("operators", "管理操作员"),
        ("settings", "修改设置"),
        ("backup", "备份和恢复"),
        ("edit", "登记和修改贫困户、台账、走访"),
        ("review", "办理程序、标注脱贫、例外和公示"),
        ("view", "查看和打印"),
        ("unmasked", "查看和导出完整的证件号码、电话和银行账号"),
        ("export", "导出上报包"),
        ("county", "县级导入、查重和汇总"),
    ),
)

MAY: Mapping[str, frozenset[str]] = {
    "admin": frozenset({"operators", "settings", "backup", "view", "unmasked"}),
    "entry": frozenset({"edit", "view", "unmasked", "export"}),
    "review": frozenset({"review", "view", "unmasked", "export"}),
    "viewer": frozenset({"view"}),
    "county": frozenset({"county", "view", "unmasked"}),
}
assert set(MAY) == set(codes.ROLE.keys)

# The action a write of each table needs; any one of several will do. The registration of a
# household writes its first status event. The county's import writes the village records it
# takes under IMPORT_GRANTS (Store.importing): a 县级 operator edits no village record by hand.
_EDIT = frozenset({"edit"})
_REVIEW = frozenset({"review"})
_SETTINGS = frozenset({"settings", "county"})
IMPORT_GRANTS = frozenset({"edit", "review", "settings"})
TABLE_ACTIONS: Mapping[str, frozenset[str]] = {
    **dict.fromkeys(
        (
            "villages",
            "village_groups",
            "households",
            "members",
            "incomes",
            "assurances",
            "member_years",
            "village_years",
            "member_events",
            "cadres",
            "pairings",
            "visits",
            "plans",
            "measures",
            "projects",
            "project_beneficiaries",
            "disbursements",
            "attendance",
            "work_logs",
            "benefits",
            "loans",
            "inspections",
            "problems",
        ),
        _EDIT,
    ),
    "status_events": _EDIT | _REVIEW,  # which kind of event needs which role: event_action below
    "procedure_steps": _REVIEW,
    "notices": _REVIEW,
    "settings": _SETTINGS | {"edit", "review", "export"},  # a village's working keys: row_actions
    "poverty_lines": _SETTINGS,
    "village_poverty_lines": frozenset({"county"}),
    "village_settings": frozenset({"county"}),
    "imports": frozenset({"county"}),
    "chain_anchors": frozenset({"county"}),
    "operators": frozenset({"operators"}),
    "audit_acknowledgements": frozenset({"operators"}),  # a 管理员 acknowledges verify's findings
    "disclosures": frozenset({"unmasked"}),
}

# Status events a 录入 may write: the registration of a household (its identification is then
# run as a procedure by a 审核). Marking a household 脱贫, 返贫 or 清退 is a 审核's.
ENTRY_EVENTS = frozenset({"identify"})
# Settings kept by whoever exports (the package password a village typed, the heads of its
# exports); every other key is a 管理员's setting.
WORKING_SETTINGS = ("package_", "export_")


def row_actions(table: str, row: Mapping[str, Any]) -> frozenset[str]:
    """The actions any one of which allows writing ``row`` of ``table``."""
    actions = TABLE_ACTIONS.get(table)
    if actions is None:
        return frozenset({"operators"})  # a table nobody mapped: only a 管理员, until it is
    if table == "status_events":
        return _EDIT | _REVIEW if row.get("kind") in ENTRY_EVENTS else _REVIEW
    if table == "settings":
        key = str(row.get("key") or "")
        return actions if key.startswith(WORKING_SETTINGS) else _SETTINGS
    return actions


@dataclass(frozen=True)
class Operator:
    """The operator a store was opened by: their name and roles (codes.ROLE keys)."""

    name: str
    roles: frozenset[str]

    granted: frozenset[str] = frozenset()  # actions lent for one operation (a county import's)

    @property
    def actions(self) -> frozenset[str]:
        return frozenset().union(self.granted, *(MAY[r] for r in self.roles if r in MAY))

    def may(self, action: str) -> bool:
        return action in self.actions

    def may_any(self, actions: Iterable[str]) -> bool:
        return not self.actions.isdisjoint(actions)

    @property
    def role_labels(self) -> str:
        return "、".join(codes.ROLE.label(r) for r in codes.ROLE.keys if r in self.roles)


def roles_needing(actions: Iterable[str]) -> str:
    """The roles that may do any of ``actions``, as a refusal names them ("录入或审核")."""
    wanted = set(actions)
    return "或".join(codes.ROLE.label(r) for r in codes.ROLE.keys if MAY[r] & wanted)


def _first(actions: tuple[str, ...]) -> str:
    """The action a refusal names: the first of ``actions`` in ACTION's order."""
    return next((a for a in ACTION.keys if a in actions), actions[0])


def refuse(operator: Operator, actions: Iterable[str]) -> NotAllowed:
    """The typed refusal of an operator who may do none of ``actions``."""
    actions = tuple(actions)
    return NotAllowed(operator=operator.name, action=ACTION.label(_first(actions)), roles=roles_needing(actions))


def only(actions: Iterable[str]) -> str:
    """What a control a screen withholds says: who may (the refusal's words), "只有录入角色可以…"."""
    actions = tuple(actions)
    return f"只有{roles_needing(actions)}角色可以{ACTION.label(_first(actions))}"


def parse_roles(text: str) -> frozenset[str]:
    """Stored roles ("admin,entry") as keys; unknown keys are dropped (a newer program's)."""
    return frozenset(r for r in text.split(",") if r in codes.ROLE)


def store_roles(roles: Iterable[str]) -> str:
    return ",".join(r for r in codes.ROLE.keys if r in set(roles))
