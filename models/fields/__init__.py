"""The field table: every field of every record and view, described once (label, kind, limits)."""

from __future__ import annotations

import re
from functools import cache

from models.fields.records import COMMON, RECORDS
from models.fields.spec import Fields, FieldSpec
from models.fields.views import VIEWS

__all__ = ["RECORDS", "VIEWS", "FieldSpec", "Fields", "all_labels", "field_label", "record", "ref_header", "spec"]


def record(table: str) -> Fields:
    """The fields of a stored record kind (a table)."""
    return RECORDS[table]


_COMMON = {s.name: s for s in COMMON}


def spec(table: str, name: str) -> FieldSpec:
    """One field of a table (the common id, uuid and times included)."""
    fields = RECORDS[table]
    return fields[name] if name in fields else _COMMON[name]


def field_label(where: tuple[object, ...]) -> str:
    """The label of the field a problem points at: ("members", 2, "id_number") -> 证件号码;
    ("incomes", 2019, "wage_fen") -> 2019年 工资性收入; a view's field by the view's name."""
    if not where:
        return ""
    table, name = str(where[0]), str(where[-1])
    fields = RECORDS.get(table) or VIEWS.get(table)
    if fields is None or name not in fields:
        return ""
    label = fields.label(name)
    if table in ("incomes", "assurances") and len(where) == 3 and where[1] is not None:
        return f"{where[1]}年 {label}"
    return label


def ref_header(field: FieldSpec) -> str:
    """How a package names a reference column: the referred record's noun and UUID (户UUID)."""
    return RECORDS[field.ref].noun + "UUID"


@cache
def all_labels() -> frozenset[str]:
    """Every text a field may be shown under: labels, headers with units, short headers, and
    a reference's package header."""
    out: set[str] = {s.label for s in COMMON}
    for fields in (*RECORDS.values(), *VIEWS.values()):
        out.add(fields.title)
        for s in fields.values():
            out.update(t for t in (s.label, s.header, s.short) if t)
            if s.ref:
                out.add(ref_header(s))
    return frozenset(out)


@cache
def _label_patterns() -> re.Pattern[str]:
    """Labels that hold a placeholder ({year}年末贫困人口) as one pattern over digits."""
    templated = [t for t in all_labels() if "{" in t]
    parts = [re.escape(t).replace(r"\{year\}", r"\d{4}").replace(r"\{month\}", r"\d{1,2}") for t in templated]
    return re.compile("^(?:" + "|".join(parts) + ")$") if parts else re.compile(r"(?!)")


def is_label(text: str) -> bool:
    """Whether a header or form label shown to a user is one of the table's (tests hold every
    screen, PDF and workbook to this)."""
    text = text.strip().removesuffix("：").removesuffix(":")
    return text in all_labels() or bool(_label_patterns().match(text))
