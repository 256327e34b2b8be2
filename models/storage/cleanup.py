"""Bringing stored text up to the normaliser (run by a migration): control characters out,
spaces trimmed, full-width digits half-width, over-long text cut to its field's limit. Every
change goes through the audited writer, so the audit keeps what was there before."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

from sqlite_utils import Database

from models.fields import RECORDS, FieldSpec
from models.rules.values import normalise
from models.storage import sql
from models.storage.audit import AuditedWriter
from models.storage.base import transaction

ACTOR = "升级：整理文字"
# Tables the program writes itself, whose text never came from a person or a file.
_SKIPPED = frozenset({"audit_log", "settings", "notices", "imports", "upgrade_reports"})
# What a refused character becomes: a line break where the field holds lines, else a space;
# other control characters are dropped.
_BREAKS = re.compile("[\x0b\x0c\r\u2028\u2029\x85]")
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")
_LINE_CONTROLS = re.compile("[\t\n]")


def repaired(field: FieldSpec, value: str) -> tuple[str, list[str]]:
    """The value as it may be stored, and the kinds of change made to it: control (control
    characters replaced or dropped), trimmed, folded (full-width made half-width), truncated."""
    done = []
    text = _BREAKS.sub("\n" if field.kind == "note" else " ", value)
    text = _CONTROLS.sub("", text)
    if field.kind != "note":
        text = _LINE_CONTROLS.sub(" ", text)
    if text != value:
        done.append("control")
    cleaned, error = normalise(field, text)
    if error is not None and field.limit is not None and len(cleaned) > field.limit:
        cleaned, error = normalise(field, cleaned[: field.limit])
        done.append("truncated")
    if error is not None:
        return value, []
    if cleaned != text and "truncated" not in done:
        done.append("trimmed" if cleaned == text.strip() else "folded")
    return cleaned, done


def _candidates(db: Database, table: str, column: str, field: FieldSpec) -> list[tuple[int, str]]:
    """Rows whose text the normaliser might change: found by SQLite in C, looked at in Python."""
    limit = field.limit or 10**9
    conditions = [
        f"[{column}] GLOB ?",
        f"length([{column}]) > ?",
        f"[{column}] <> trim([{column}])",
        f"[{column}] GLOB ?",
    ]
    params: list[Any] = [
        "*[\x01-\x1f\x7f-\x9f\u2028\u2029\u3000\u00a0]*",
        limit,
        "*[^ -~]*" if field.kind in ("id_number", "phone", "digits", "date") else "*[\x01]*",
    ]
    if field.kind == "id_number":
        conditions.append(f"[{column}] GLOB '*[a-z ]*'")
    sql = f"SELECT id, [{column}] FROM [{table}] WHERE [{column}] <> '' AND ({' OR '.join(conditions)})"
    return [(row_id, value) for row_id, value in db.execute(sql, params) if isinstance(value, str)]


def clean_stored_text(db: Database) -> dict[str, Any]:
    """Clean every stored text; returns the report: counts of changes by table, column and kind,
    and the values left as they were (the cleaned text would clash with another record)."""
    writer = AuditedWriter(db, ACTOR)
    changed: Counter[tuple[str, str, str]] = Counter()
    kept: list[tuple[str, str, int]] = []
    existing = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for table, fields in RECORDS.items():
        if table in _SKIPPED or table not in existing:
            continue
        columns = {r[1] for r in db.execute(f"PRAGMA table_info([{table}])")}  # as the schema stands at this step
        for column, field in fields.items():
            if not field.stored or not field.is_text or field.kind == "machine" or column not in columns:
                continue
            for row_id, value in _candidates(db, table, column, field):
                text, done = repaired(field, value)
                if text == value:
                    continue
                try:
                    with transaction(db):
                        writer.update(table, row_id, {column: text})
                except sql.IntegrityError:
                    kept.append((table, column, row_id))
                    continue
                for kind in done:
                    changed[(table, column, kind)] += 1
    return {"changed": [[t, c, k, n] for (t, c, k), n in sorted(changed.items())], "kept": [list(k) for k in kept]}


def report_json(report: dict[str, Any]) -> str:
    return json.dumps(report, ensure_ascii=False)
