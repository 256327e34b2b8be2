"""A household's audit trail in words: who changed what and when, before → after."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from models import codes, fields
from models.rules.values import to_text

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
_ACTIONS = {"insert": "新增", "update": "修改", "delete": "删除"}


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


def render(table: str, name: str, value: object, names: Mapping[tuple[str, object], str] | None = None) -> str:
    """A stored value as a clerk reads it: labels for codes, 元 for fen, 是/否 for flags,
    names for references to groups and members, a procedure step by its procedure's label."""
    if value is None or value == "":
        return ""
    spec = fields.spec(table, name) if name in fields.record(table) else None
    if spec is None:
        return str(value)
    if spec.kind == "ref" and spec.ref == "members":
        return (names or {}).get(("member", value), f"#{value}")
    if spec.kind == "group":
        return (names or {}).get(("group", value), f"#{value}")
    return to_text(spec, value)


def _what(table: str, row: Mapping[str, Any], names: Mapping[tuple[str, object], str]) -> str:
    base = fields.RECORDS[table].title if table in fields.RECORDS else table
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
    if table == "procedure_steps":
        procedure = str(row.get("procedure", ""))
        return f"{base} {render(table, 'procedure', procedure)} {codes_step(procedure, str(row.get('step', '')))}"
    return base


def local_time(at: str) -> str:
    """A stored UTC time as the clerk's clock shows it."""
    try:
        return dt.datetime.fromisoformat(at).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return at


def in_words(change: Change) -> str:
    """One change as a line: “张三 于 2026-12-01 09:30:00 修改了 家庭成员 李四（联系电话）”."""
    labels = "、".join(f.label for f in change.fields)
    return f"{change.actor} 于 {local_time(change.at)} {change.action}了 {change.what}" + (
        f"（{labels}）" if labels else ""
    )


def codes_step(procedure: str, step: str) -> str:
    try:
        return codes.step_label(procedure, step)
    except (KeyError, codes.UnknownCode):
        return step


def describe_entries(entries: list[tuple], names: Mapping[tuple[str, object], str] | None = None) -> list[Change]:
    """Turn audit rows (at, actor, action, table, before, after, state) into readable changes: an
    update's before and after hold what it changed, ``state`` the record's values just after it
    (storage.audit.with_state), which name what was changed. ``names`` maps ("group", id) and
    ("member", id) to names."""
    names = names or {}
    changes = []
    for at, actor, action, table, before_json, after_json, state in entries:
        before = json.loads(before_json) if before_json else {}
        after = json.loads(after_json) if after_json else {}
        record = fields.RECORDS.get(table)
        row = {**(state or {}), **after} if action != "delete" else {**(state or {}), **before}
        found = []
        for name in [k for k in (after or before) if k not in _HIDDEN]:
            old, new = render(table, name, before.get(name), names), render(table, name, after.get(name), names)
            if old != new:
                label = record.label(name) if record is not None and name in record else name
                if table == "procedure_steps" and name == "step":
                    procedure = str(row.get("procedure", ""))
                    old = codes_step(str(before.get("procedure", procedure)), str(before.get(name, ""))) if old else ""
                    new = codes_step(str(after.get("procedure", procedure)), str(after.get(name, ""))) if new else ""
                found.append(FieldChange(label, old, new))
        changes.append(
            Change(at=at, actor=actor, action=_ACTIONS.get(action, action), what=_what(table, row, names), fields=found)
        )
    return changes
