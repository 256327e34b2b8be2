"""The one write path: every insert, update and delete, with who, when, before and after."""
from __future__ import annotations

import datetime as dt
import secrets
import time
from collections.abc import Callable, Iterable
from operator import itemgetter
from typing import Any

from sqlite_utils import Database

from models import idnumber, pinyin
from models.errors import InvalidIdNumber, NeverDeleted, NotFound

def _check_member(row: dict[str, Any]) -> None:
    """An ID number with a wrong check character is refused, whoever writes it
    (the schema refuses it too; this gives the typed error)."""
    number, kind = row.get("id_number") or "", row.get("id_type") or "resident"
    looks_like_id = kind == "other" and len(number) == 18 and number[:17].isdigit()
    if number and (kind in ("resident", "disability") or looks_like_id):
        idnumber.parse(number[:18] if kind == "disability" else number)
        if kind == "disability" and not (len(number) == 20 and number[18:].isdigit()):
            raise InvalidIdNumber(id_number=number, reason="disability_length")


def _derive_member(values: dict[str, Any]) -> None:
    """Search keys follow the name, whoever writes it."""
    if "name" in values:
        values["name_pinyin"], values["name_initials"] = pinyin.keys(values["name"] or "")


_GUARDS: dict[str, Callable[[dict[str, Any]], None]] = {"members": _check_member}
_DERIVED: dict[str, Callable[[dict[str, Any]], None]] = {"members": _derive_member}

# Records that leave only through events and are never deleted.
NEVER_DELETED = frozenset({"villages", "households", "members", "status_events", "member_events",
                           "cadres", "pairings", "procedure_steps", "notices", "imports"})


def uuid7(ms: int | None = None, rand: int | None = None) -> str:
    """A time-ordered UUID (RFC 9562 version 7): new rows land at the end of the
    uuid indexes instead of all over them, which keeps county-sized files fast."""
    ms = int(time.time() * 1000) if ms is None else ms
    rand = secrets.randbits(74) if rand is None else rand
    value = (ms & (2**48 - 1)) << 80 | 0x7 << 76 | (rand >> 62 & 0xFFF) << 64 | 0b10 << 62 | rand & (2**62 - 1)
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def utc_now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


class AuditedWriter:
    """Writes records and their audit entries together, in one transaction."""

    def __init__(self, db: Database, actor: str, *, clock: Callable[[], str] = utc_now) -> None:
        self.db = db
        self.actor = actor
        self._clock = clock
        self._columns: dict[str, tuple[str, ...]] = {}

    # --- Reading helpers ------------------------------------------------------

    def columns(self, table: str) -> tuple[str, ...]:
        if table not in self._columns:
            cols = tuple(r[1] for r in self.db.execute(f"PRAGMA table_info([{table}])").fetchall())
            if not cols:
                raise NotFound(kind="table", key=table)
            self._columns[table] = cols
        return self._columns[table]

    def _check(self, table: str, names: Iterable[str]) -> None:
        unknown = set(names) - set(self.columns(table))
        if unknown:
            raise ValueError(f"{table} has no column(s) {sorted(unknown)}")

    def _json_expr(self, table: str) -> str:
        """SQL that renders a row of ``table`` as JSON, so the audit holds what was stored."""
        return "json_object(" + ", ".join(f"'{c}', [{c}]" for c in self.columns(table)) + ")"

    def _row_json(self, table: str, row_id: int) -> tuple[str, str] | None:
        found = self.db.execute(
            f"SELECT uuid, {self._json_expr(table)} FROM [{table}] WHERE id = ?", [row_id]).fetchone()
        return None if found is None else (found[0], found[1])

    def _log_rows(self, action: str, table: str, first: int, last: int, at: str) -> None:
        """Audit rows for the stored records first..last, rendered by SQLite itself."""
        before, after = ("NULL", self._json_expr(table)) if action == "insert" else (self._json_expr(table), "NULL")
        self.db.execute(
            "INSERT INTO audit_log (at, actor, action, table_name, record_id, record_uuid, before, after)"
            f" SELECT ?, ?, ?, ?, id, uuid, {before}, {after} FROM [{table}] WHERE id BETWEEN ? AND ?",
            [at, self.actor, action, table, first, last],
        )

    # --- Writing --------------------------------------------------------------

    def insert(self, table: str, record: dict[str, Any]) -> dict[str, Any]:
        """Insert one record; returns it as stored (with id, uuid and times)."""
        return self.insert_many(table, [record])[0]

    def insert_many(self, table: str, records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """Insert many records in one transaction. Ids are assigned in order after the table's
        largest, unless every record brings its own consecutive ids (the demo generator, which
        plans a village in another process, does)."""
        now = self._clock()
        rows: list[dict[str, Any]] = []
        with self.db.atomic():
            first = next_id = (self.db.execute(f"SELECT max(id) FROM [{table}]").fetchone()[0] or 0) + 1
            guard, derive = _GUARDS.get(table), _DERIVED.get(table)
            for record in records:
                if guard:
                    guard(record)
                row = dict(record)
                if derive:
                    derive(row)
                if row.get("id") is None:
                    row["id"] = next_id
                elif not rows:
                    first = row["id"]
                elif row["id"] != rows[-1]["id"] + 1:
                    raise ValueError("records bringing their own ids must bring consecutive ones")
                row["uuid"] = row.get("uuid") or uuid7()
                row["created_at"] = row["updated_at"] = now
                rows.append(row)
                next_id = row["id"] + 1
            if not rows:
                return rows
            # Rows of one call may differ in which columns they set (an import's rarely do).
            shape = rows[0].keys()
            if all(r.keys() == shape for r in rows):
                by_shape: dict[tuple[str, ...], list[dict[str, Any]]] = {tuple(shape): rows}
            else:
                by_shape = {}
                for row in rows:
                    by_shape.setdefault(tuple(row), []).append(row)
            for names, group in by_shape.items():
                self._check(table, names)
                cols = ", ".join(f"[{n}]" for n in names)
                marks = ", ".join("?" * len(names))
                self.db.conn.executemany(f"INSERT INTO [{table}] ({cols}) VALUES ({marks})",
                                         map(itemgetter(*names), group))
            self._log_rows("insert", table, first, next_id - 1, now)
        return rows

    def update(self, table: str, row_id: int, changes: dict[str, Any]) -> bool:
        """Change some columns of one record; returns False when nothing changed."""
        changes = {k: v for k, v in changes.items() if k not in ("id", "uuid", "created_at", "updated_at")}
        self._check(table, changes)
        with self.db.atomic():
            cur = self.db.execute(f"SELECT * FROM [{table}] WHERE id = ?", [row_id])
            values = cur.fetchone()
            if values is None:
                raise NotFound(kind=table, key=row_id)
            stored = dict(zip([d[0] for d in cur.description], values))
            changes = {k: v for k, v in changes.items() if stored[k] != v}
            if not changes:
                return False
            if table in _GUARDS:
                _GUARDS[table]({**stored, **changes})
            if table in _DERIVED:
                _DERIVED[table](changes)
            uuid, before = self._row_json(table, row_id)  # type: ignore[misc]
            now = self._clock()
            sets = ", ".join(f"[{k}] = ?" for k in changes)
            self.db.execute(f"UPDATE [{table}] SET {sets}, updated_at = ? WHERE id = ?",
                            [*changes.values(), now, row_id])
            self.db.execute(
                "INSERT INTO audit_log (at, actor, action, table_name, record_id, record_uuid, before, after)"
                f" SELECT ?, ?, 'update', ?, id, uuid, ?, {self._json_expr(table)} FROM [{table}] WHERE id = ?",
                [now, self.actor, table, before, row_id])
        return True

    def delete(self, table: str, row_id: int) -> None:
        """Delete one record (never households, members or their events)."""
        if table in NEVER_DELETED:
            raise NeverDeleted(table=table)
        with self.db.atomic():
            if self._row_json(table, row_id) is None:
                raise NotFound(kind=table, key=row_id)
            self._log_rows("delete", table, row_id, row_id, self._clock())
            self.db.execute(f"DELETE FROM [{table}] WHERE id = ?", [row_id])
