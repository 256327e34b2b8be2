"""The rule book for whole records: each table's field checks and row rules, run on one record
(the form's services) or on a sheet a column at a time (the county and national imports)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from models.errors import CundangError, Problem
from models.fields import RECORDS
from models.rules import assistance, ledgers, members, procedures, register, settings, values
from models.rules.base import RowRule

# Each table's rules over one record, in the order they are told.
ROW_RULES: dict[str, tuple[RowRule, ...]] = {
    "villages": (register.village_code_rule,),
    "households": register.HOUSEHOLD_RULES,
    "members": members.ROW_RULES,
    "status_events": register.STATUS_EVENT_RULES,
    "procedure_steps": procedures.STEP_RULES,
    "cadres": assistance.CADRE_RULES,
    "pairings": assistance.PAIRING_RULES,
    "visits": assistance.VISIT_RULES,
    "projects": ledgers.PROJECT_RULES,
    "benefits": ledgers.BENEFIT_RULES,
    "loans": ledgers.LOAN_RULES,
    "village_settings": settings.VILLAGE_SETTING_RULES,
}


def check(
    table: str, record: Any, where: tuple[object, ...] | None = None, *, today: dt.date | None = None
) -> tuple[Any, list[Problem]]:
    """A record with its text normalised, and every problem of it: its fields' own checks, then
    the table's row rules. One problem per field, the first found (as the form shows them)."""
    where = (table,) if where is None else where
    today = today or dt.date.today()
    record, problems = values.check_record(table, record, where, today=today)
    taken = {p.where[-1] for p in problems}
    get = record.get if isinstance(record, dict) else lambda n: getattr(record, n, None)
    for rule in ROW_RULES.get(table, ()):
        if any(n in taken for n in rule.unless):
            continue
        for name, error in rule([get(n) for n in rule.reads], today):
            if name not in taken:
                taken.add(name)
                problems.append(Problem((*where, name), error, rule.level))
    return record, problems


Found = list[tuple[int, str, CundangError, str]]  # (row index, field, error, level)


def clean_columns(table: str, columns: Mapping[str, list[Any]]) -> tuple[dict[str, list[Any]], Found]:
    """The normaliser over a sheet: the text columns it changes (trimmed, half-width digits), as
    they are stored, and the values it refuses (control characters, too long), each looked at
    once. Columns it leaves alone are not returned."""
    schema = RECORDS[table]
    changed: dict[str, list[Any]] = {}
    refused: Found = []
    for name, column in columns.items():
        field = schema.get(name)
        if field is None or field.kind in ("ref", "group", "machine"):
            continue
        cleaned, problems = values.clean_and_check_column(field, column)
        if cleaned is not column:
            changed[name] = cleaned
        refused += [(i, name, error, "错误") for i, error in problems]
    return changed, refused


def check_columns(
    table: str,
    columns: Mapping[str, Sequence[Any]],
    count: int,
    *,
    today: dt.date | None = None,
    refused: Sequence[tuple[int, str, CundangError, str]] = (),
) -> Found:
    """The same rules over a sheet given a column at a time (``count`` rows, text as
    ``clean_columns`` leaves it, with what it ``refused``): what ``check`` would find for each
    row, in row order. Columns the sheet lacks are read as empty."""
    schema = RECORDS[table]
    today = today or dt.date.today()  # once for the sheet, not once a row
    found: Found = []
    taken: set[tuple[int, str]] = set()

    def add(i: int, name: str, error: CundangError, level: str) -> None:
        if (i, name) not in taken:
            taken.add((i, name))
            found.append((i, name, error, level))

    for i, name, error, level in refused:  # what the normaliser refused comes first
        add(i, name, error, level)
    for name, column in columns.items():
        field = schema.get(name)
        if field is None or field.kind in ("ref", "group", "machine"):
            continue
        for i, error in values.column_check(field, column, today=today):
            add(i, name, error, "错误")
    for rule in ROW_RULES.get(table, ()):
        inputs = [columns.get(n) or [schema[n].empty] * count for n in rule.reads]
        rows = zip(*inputs, strict=True)
        if rule.distinct:
            verdicts: dict[tuple[Any, ...], list[tuple[str, CundangError]]] = {}
            for row in set(zip(*inputs, strict=True)):
                verdicts[row] = rule(row, today)
            if not any(verdicts.values()):
                continue
            for i, row in enumerate(rows):
                for name, error in verdicts[row]:
                    if not rule.unless or not any((i, n) in taken for n in rule.unless):
                        add(i, name, error, rule.level)
        else:
            for i, row in enumerate(rows):
                if rule.unless and any((i, n) in taken for n in rule.unless):
                    continue
                for name, error in rule(row, today):
                    add(i, name, error, rule.level)
    found.sort(key=lambda f: f[0])
    return found
