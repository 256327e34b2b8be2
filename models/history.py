"""A household's audit trail in words: who changed what and when, before → after."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from models import codes, labels
from models.domain import ASSURANCE_ITEMS
from models.money import format_fen

_HIDDEN = {
    "id",
    "uuid",
    "created_at",
    "updated_at",
    "name_pinyin",
    "name_initials",
    "household_id",
    "village_id",
    "sort_order",
}
# Fields that hold another record's id, shown by that record's name.
_REFERENCES = {"group_id": "group", "member_id": "member"}
_TABLE_LABELS = {
    "households": "户信息",
    "members": "家庭成员",
    "incomes": "收入",
    "assurances": "两不愁三保障",
    "status_events": "状态变更",
    "member_events": "人员变更",
}
_ACTIONS = {"insert": "新增", "update": "修改", "delete": "删除"}
_FIELDS = {
    "households": labels.HOUSEHOLD,
    "members": labels.MEMBER,
    "incomes": labels.INCOME,
    "assurances": labels.ASSURANCE,
    "status_events": labels.EVENT,
    "member_events": labels.EVENT,
}


@dataclass
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class Change:
    at: str
    actor: str
    action: str  # 新增 / 修改 / 删除
    what: str  # e.g. 家庭成员 张三
    fields: list[FieldChange] = field(default_factory=list)


def render(table: str, name: str, value: object, names: dict[tuple[str, object], str] | None = None) -> str:
    """A stored value as a clerk reads it: labels for codes, 元 for fen, 是/否 for flags,
    names for references to groups and members."""
    if value is None or value == "":
        return ""
    if name in _REFERENCES:
        return (names or {}).get((_REFERENCES[name], value), f"#{value}")
    if name == "kind":
        clist = codes.STATUS_EVENT if table == "status_events" else codes.MEMBER_EVENT
        return clist.label(str(value)) if str(value) in clist else str(value)
    if table == "assurances" and name in ASSURANCE_ITEMS:
        return codes.flag_label(value)
    if name in codes.FIELD_CODES and table != "assurances":
        clist = codes.FIELD_CODES[name]
        if name == "status":
            return codes.status_label(str(value))
        return clist.label(str(value)) if str(value) in clist else str(value)
    if name == "health":
        return "、".join(codes.HEALTH.label(k) for k in str(value).split(",") if k in codes.HEALTH)
    if name in codes.FLAG_FIELDS:
        return codes.flag_label(value)
    if name.endswith("_fen"):
        return format_fen(int(value))  # type: ignore[call-overload]
    return str(value)


def _what(table: str, row: dict, names: dict[tuple[str, object], str]) -> str:
    base = _TABLE_LABELS.get(table, table)
    if table == "members":
        return f"{base} {row.get('name', '')}"
    if table in ("incomes", "assurances"):
        return f"{row.get('year', '')}年{base}"
    if table == "member_events":
        return (
            f"{base} {render(table, 'kind', row.get('kind'))} {render(table, 'member_id', row.get('member_id'), names)}"
        )
    if table == "status_events":
        return f"{base} {render(table, 'kind', row.get('kind'))}"
    return base


def describe_entries(entries: list[tuple], names: dict[tuple[str, object], str] | None = None) -> list[Change]:
    """Turn audit rows (at, actor, action, table, before, after) into readable changes.
    ``names`` maps ("group", id) and ("member", id) to names."""
    names = names or {}
    changes = []
    for at, actor, action, table, before_json, after_json in entries:
        before = json.loads(before_json) if before_json else {}
        after = json.loads(after_json) if after_json else {}
        columns = [k for k in (after or before) if k not in _HIDDEN]
        fields = []
        for name in columns:
            old, new = render(table, name, before.get(name), names), render(table, name, after.get(name), names)
            if old != new:
                fields.append(FieldChange(_FIELDS.get(table, {}).get(name, name), old, new))
        changes.append(
            Change(
                at=at,
                actor=actor,
                action=_ACTIONS.get(action, action),
                what=_what(table, after or before, names),
                fields=fields,
            )
        )
    return changes
