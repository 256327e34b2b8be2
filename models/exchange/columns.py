"""The package's columns: how each stored value is written as text, and how that text is read
back (with a Chinese message when it cannot be). Export and import share this one table."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from models import codes
from models.errors import CundangError
from models.money import format_fen, parse_yuan

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FEN = re.compile(r"^\d{1,13}\.\d\d$")
_DATE_NAMES = ("day", "deadline")
_MULTI = {"roles": codes.CADRE_ROLE, "health": codes.HEALTH}
_ASSURED = ("food", "clothing", "education", "medical", "housing", "water")


class BadValue(Exception):
    """A cell that cannot be read; the message is the Chinese sentence for the report."""


@dataclass(frozen=True)
class Column:
    name: str  # the stored column
    header: str  # the Chinese header
    kind: str  # text int real date fen flag code status codes group step
    codes: codes.CodeList | None = None
    nullable: bool = True  # an empty cell is stored as NULL (else as '')
    required: bool = False  # an empty cell is refused

    def to_text(self, value: Any, groups: dict[int, str]) -> str:
        if value is None or value == "":
            return ""
        kind = self.kind
        if kind == "code":
            return self.codes.label(str(value)) if str(value) in self.codes else str(value)  # type: ignore[union-attr]
        if kind == "status":
            return codes.status_label(str(value))
        if kind == "codes":
            return "、".join(self.codes.label(k) for k in str(value).split(",") if k in self.codes)  # type: ignore[union-attr]
        if kind == "group":
            return groups.get(value, "")
        if kind == "fen":
            return format_fen(int(value))
        if kind == "flag":
            return codes.flag_label(value)
        if kind == "step":
            return str(value)  # worded with its procedure by the sheet (see step_text)
        return str(value)

    def from_text(self, text: str, groups: dict[str, int] | None = None) -> Any:
        """The stored value of a cell; raises BadValue with the reason in Chinese."""
        text = text.strip()
        if text == "":
            if self.required:
                raise BadValue("不能为空")
            return None if self.nullable else ""
        kind = self.kind
        if kind == "text" or kind == "step":
            return text
        if kind == "code":
            try:
                return self.codes.key(text)  # type: ignore[union-attr]
            except CundangError:
                raise BadValue(f"不是“{self.codes.name}”中的选项") from None  # type: ignore[union-attr]
        if kind == "status":
            if text == codes.UNIDENTIFIED:
                return ""
            try:
                return codes.STATUS.key(text)
            except CundangError:
                raise BadValue("不是“脱贫状态”中的选项") from None
        if kind == "codes":
            keys = []
            for part in re.split(r"[、,，]", text):
                if part.strip():
                    try:
                        keys.append(self.codes.key(part))  # type: ignore[union-attr]
                    except CundangError:
                        raise BadValue(f"“{part.strip()}”不是“{self.codes.name}”中的选项") from None  # type: ignore[union-attr]
            return ",".join(keys)
        if kind == "group":
            if groups is None or text not in groups:
                raise BadValue("“村民小组”表中没有这个小组")
            return groups[text]
        if kind == "fen":
            if _FEN.match(text):  # as exported: whole 元 and two decimals
                return int(text[:-3] + text[-2:])
            try:
                return parse_yuan(text)
            except CundangError:
                raise BadValue("金额格式不对：应为不小于 0 的元数，最多两位小数") from None
        if kind == "flag":
            if text in ("是", "否"):
                return 1 if text == "是" else 0
            raise BadValue("应为“是”或“否”")
        if kind == "int":
            if re.fullmatch(r"-?\d{1,12}", text):
                return int(text)
            raise BadValue("应为整数")
        if kind == "real":
            try:
                value = float(text)
            except ValueError:
                raise BadValue("应为数字") from None
            if value != value or value in (float("inf"), float("-inf")):
                raise BadValue("应为数字")
            return value
        if kind == "date":
            if not DATE_RE.match(text):
                raise BadValue("日期格式应为 yyyy-MM-dd")
            import datetime as dt

            try:
                dt.date.fromisoformat(text)
            except ValueError:
                raise BadValue("没有这一天") from None
            return text
        raise AssertionError(kind)


def columns_for(db: Database, table: str, fields: dict[str, str], coded: dict[str, codes.CodeList]) -> list[Column]:
    """The typed columns of a sheet, from the schema and the code lists."""
    info = {r[1]: (r[2].upper(), bool(r[3]), r[4]) for r in db.execute(f"PRAGMA table_info([{table}])")}
    out = []
    for name, header in fields.items():
        sql_type, notnull, default = info[name]
        nullable = not notnull
        required = notnull and default is None
        if name in coded:
            kind, clist = "code", coded[name]
        elif table in ("households", "members") and name == "status":
            kind, clist = "status", None
        elif table in ("households", "members") and name in codes.FIELD_CODES:
            kind, clist = "code", codes.FIELD_CODES[name]
        elif name in _MULTI:
            kind, clist = "codes", _MULTI[name]
        elif table == "households" and name == "group_id":
            kind, clist = "group", None
        elif name.endswith("_fen"):
            kind, clist = "fen", None
        elif name in codes.FLAG_FIELDS or name == "on_team" or (table == "assurances" and name in _ASSURED):
            kind, clist = "flag", None
        elif table == "procedure_steps" and name == "step":
            kind, clist = "step", None
        elif sql_type == "INTEGER":
            kind, clist = "int", None
        elif sql_type == "REAL":
            kind, clist = "real", None
        elif name.endswith("_date") or name in _DATE_NAMES:
            kind, clist = "date", None
        else:
            kind, clist = "text", None
        out.append(Column(name, header, kind, clist, nullable, required))
    return out
