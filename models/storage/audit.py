"""The one write path: every insert, update and delete, with who, when, before and after, chained."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import secrets
import time
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from itertools import repeat
from operator import itemgetter
from typing import Any

from sqlite_utils import Database

from models import pinyin
from models.errors import NeverDeleted, NotFound
from models.fields import spec
from models.rules.members import id_number_problem
from models.rules.values import stored_column_problem, stored_text_problem
from models.storage import chain
from models.storage.base import transaction


def _check_member(row: dict[str, Any]) -> None:
    """An ID number wrong for its 证件类型 is refused, whoever writes it (the schema refuses a
    wrong check character too; this gives the typed error). The rule is the rule book's."""
    number = row.get("id_number") or ""
    if number:
        _check_id(number, row.get("id_type") or "resident")


@lru_cache(maxsize=65536)  # an import checks each number, then writes it: the second look is free
def _check_id(number: str, kind: str) -> None:
    """Raises for a bad number; a number found valid is remembered (it stays valid)."""
    problem = id_number_problem(kind, number)
    if problem is not None:
        raise type(problem)(**problem.facts)  # a fresh error: the rule book's verdicts are shared


def _check_text(table: str, record: dict[str, Any]) -> None:
    """Text the normaliser would change or refuse never gets in, whoever writes it."""
    for column, value in record.items():
        if type(value) is str and value:
            problem = stored_text_problem(table, column, value)
            if problem is not None:
                raise problem


def _check_text_columns(table: str, columns: dict[str, list[Any]]) -> None:
    for column, values in columns.items():
        found = stored_column_problem(table, column, values)
        if found is not None:
            raise found[1]


@lru_cache(maxsize=256)
def _text_columns(table: str, names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(n for n in names if spec(table, n).is_text)


def _derive_member(values: dict[str, Any]) -> None:
    """Search keys follow the name, whoever writes it."""
    if "name" in values:
        values["name_pinyin"], values["name_initials"] = pinyin.keys(values["name"] or "")


def _derive_member_columns(columns: dict[str, list[Any]]) -> None:
    """The same, for records given a column at a time."""
    if "name" in columns:
        keys = [pinyin.keys(n or "") for n in columns["name"]]
        columns["name_pinyin"] = [k[0] for k in keys]
        columns["name_initials"] = [k[1] for k in keys]


_GUARDS: dict[str, Callable[[dict[str, Any]], None]] = {"members": _check_member}
_DERIVED: dict[str, Callable[[dict[str, Any]], None]] = {"members": _derive_member}
_GUARDED_COLUMNS = {"members": ("id_number", "id_type")}  # what the guard of a table reads
_DERIVED_COLUMNS: dict[str, Callable[[dict[str, list[Any]]], None]] = {"members": _derive_member_columns}

# Records that leave only through events and are never deleted.
NEVER_DELETED = frozenset(
    {
        "villages",
        "households",
        "members",
        "status_events",
        "member_events",
        "cadres",
        "pairings",
        "procedure_steps",
        "notices",
        "imports",
        chain.ACKNOWLEDGED,
    }
)


def default_actor() -> str:
    """Who is writing: CUNDANG_USER, else the operating-system user."""
    try:
        return os.environ.get("CUNDANG_USER") or getpass.getuser()
    except Exception:  # getuser fails when no user name is set at all
        return "unknown"


def uuid7(ms: int | None = None, rand: int | None = None) -> str:
    """A time-ordered UUID (RFC 9562 version 7): new rows land at the end of the
    uuid indexes instead of all over them, which keeps county-sized files fast."""
    ms = int(time.time() * 1000) if ms is None else ms
    rand = secrets.randbits(74) if rand is None else rand
    value = (ms & (2**48 - 1)) << 80 | 0x7 << 76 | (rand >> 62 & 0xFFF) << 64 | 0b10 << 62 | rand & (2**62 - 1)
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class AuditedWriter:
    """Writes records and their audit entries together, in one transaction."""

    def __init__(self, db: Database, actor: str, *, clock: Callable[[], str] = utc_now) -> None:
        self.db = db
        self.actor = chain.clean_actor(actor)
        self._clock = clock
        self._columns: dict[str, tuple[str, ...]] = {}
        self.touched: set[str] = set()  # tables written since the operation began (Store.operation)
        chain.register(db.conn)

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

    def _image(self, table: str) -> str:
        """SQL that renders a row of ``table`` as the audit's image, so the audit holds what was stored."""
        return chain.image_sql(self.columns(table))

    def _exists(self, table: str, row_id: int) -> bool:
        return self.db.execute(f"SELECT 1 FROM [{table}] WHERE id = ?", [row_id]).fetchone() is not None

    def _log(self, action: str, table: str, before: str, after: str, where: str, params: dict[str, Any]) -> None:
        """Audit rows for the records of ``table`` that ``where`` selects, in id order, each
        rendered by SQLite itself and chained to the one before (chain.NEXT; a file the upgrades
        have not given the chain yet, the migrations before 0016, gets it with 0016). ``params``
        fills :at, the where clause and any parameter of ``before`` and ``after``."""
        hashed = "hash" in self.columns("audit_log")
        statement, head = chain.statement_args(self.db) if hashed else (0, chain.GENESIS)
        self.db.execute(
            "INSERT INTO audit_log (at, actor, action, table_name, record_id, record_uuid, before, after"
            f"{', hash' if hashed else ''}) SELECT :at, :actor, :action, :table, id, uuid, {before}, {after}"
            f"{', ' + chain.next_sql(':at', ':action', ':table', 'id', 'uuid', before, after, ':actor') if hashed else ''}"
            f" FROM [{table}] WHERE {where} ORDER BY id",
            {"actor": self.actor, "action": action, "table": table, "statement": statement, "head": head, **params},
        )

    def _log_rows(self, action: str, table: str, first: int, last: int, at: str) -> None:
        """Audit rows for the stored records first..last: an insert's image after, a delete's before."""
        image = self._image(table)
        before, after = ("NULL", image) if action == "insert" else (image, "NULL")
        self._log(action, table, before, after, "id BETWEEN :first AND :last", {"at": at, "first": first, "last": last})

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
        with transaction(self.db):
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
                _check_text_columns(table, {n: [r[n] for r in group] for n in _text_columns(table, names)})
                cols = ", ".join(f"[{n}]" for n in names)
                marks = ", ".join("?" * len(names))
                self.db.conn.executemany(
                    f"INSERT INTO [{table}] ({cols}) VALUES ({marks})", map(itemgetter(*names), group)
                )
            self._log_rows("insert", table, first, next_id - 1, now)
            self.touched.add(table)
        return rows

    def insert_columns(self, table: str, columns: dict[str, list[Any]]) -> range:
        """Insert records given a column at a time (an import's sheet: every record sets the same
        columns); returns their ids in order. Guards, derived columns and the audit as insert_many."""
        columns = dict(columns)
        if {"id", "created_at", "updated_at"} & columns.keys():
            raise ValueError("insert_columns assigns ids and times itself")
        count = len(next(iter(columns.values()), []))
        if any(len(c) != count for c in columns.values()):
            raise ValueError("columns of different lengths")
        now = self._clock()
        with transaction(self.db):
            first = (self.db.execute(f"SELECT max(id) FROM [{table}]").fetchone()[0] or 0) + 1
            ids = range(first, first + count)
            if not count:
                return ids
            if table in _GUARDS:
                read = [n for n in _GUARDED_COLUMNS[table] if n in columns]
                for values in zip(*(columns[n] for n in read)):
                    _GUARDS[table](dict(zip(read, values)))
            _check_text_columns(table, columns)
            if table in _DERIVED_COLUMNS:
                _DERIVED_COLUMNS[table](columns)
            columns["uuid"] = [u or uuid7() for u in columns.get("uuid", repeat(None, count))]
            names = ["id", *columns, "created_at", "updated_at"]
            self._check(table, names)
            self.db.conn.executemany(
                f"INSERT INTO [{table}] ({', '.join(f'[{n}]' for n in names)}) VALUES ({', '.join('?' * len(names))})",
                zip(ids, *columns.values(), repeat(now), repeat(now)),
            )
            self._log_rows("insert", table, first, ids[-1], now)
            self.touched.add(table)
        return ids

    def update(self, table: str, row_id: int, changes: dict[str, Any]) -> bool:
        """Change some columns of one record; returns False when nothing changed."""
        changes = {k: v for k, v in changes.items() if k not in ("id", "uuid", "created_at", "updated_at")}
        self._check(table, changes)
        with transaction(self.db):
            cur = self.db.execute(f"SELECT * FROM [{table}] WHERE id = ?", [row_id])
            values = cur.fetchone()
            if values is None:
                raise NotFound(kind=table, key=row_id)
            stored = dict(zip([d[0] for d in cur.description], values))
            changes = {k: v for k, v in changes.items() if stored[k] != v}
            if not changes:
                return False
            _check_text(table, changes)
            if table in _GUARDS:
                _GUARDS[table]({**stored, **changes})
            if table in _DERIVED:
                _DERIVED[table](changes)
            changed = [k for k in changes if stored[k] != changes[k]]  # derived columns may stay the same
            diff = chain.diff_sql(changed)
            before = self.db.execute(f"SELECT {diff} FROM [{table}] WHERE id = ?", [row_id]).fetchone()[0]
            now = self._clock()
            sets = ", ".join(f"[{k}] = ?" for k in changes)
            self.db.execute(
                f"UPDATE [{table}] SET {sets}, updated_at = ? WHERE id = ?", [*changes.values(), now, row_id]
            )
            self._log("update", table, ":before", diff, "id = :id", {"at": now, "id": row_id, "before": before})
            self.touched.add(table)
        return True

    def delete(self, table: str, row_id: int) -> None:
        """Delete one record (never households, members or their events)."""
        if table in NEVER_DELETED:
            raise NeverDeleted(table=table)
        with transaction(self.db):
            if not self._exists(table, row_id):
                raise NotFound(kind=table, key=row_id)
            self._log_rows("delete", table, row_id, row_id, self._clock())
            self.db.execute(f"DELETE FROM [{table}] WHERE id = ?", [row_id])
            self.touched.add(table)


def last_change(db: Database) -> int:
    """The audit trail's newest entry: a form notes it when it reads what it will save."""
    return int(db.execute("SELECT coalesce(max(id), 0) FROM audit_log").fetchone()[0])


def changed_since(
    db: Database, since: int, record: tuple[str, int] | None = None, parts: Mapping[str, tuple[str, int] | None] = {}
) -> list[tuple]:
    """Audit rows after entry ``since`` of a record (table, id) and of its parts: rows of a table
    whose column holds the record's id ({"measures": ("plan_id", 7)}), or any row (None).
    Deleted rows included. (at, actor, action, table_name, before, after, state), oldest first
    (see with_state)."""
    where: list[str] = []
    params: list[object] = [since]
    if record is not None:
        where.append("(table_name = ? AND record_id = ?)")
        params += [record[0], record[1]]
    for table, owner in parts.items():
        if owner is None:
            where.append("table_name = ?")
            params.append(table)
        else:  # an update's entry holds only what it changed: the owner is the record's, or its image's
            column = owner[0]
            where.append(
                f"(table_name = ? AND (record_id IN (SELECT id FROM [{table}] WHERE [{column}] = ?)"
                f" OR json_extract(coalesce(after, before), '$.{column}') = ?))"
            )
            params += [table, owner[1], owner[1]]
    if not where:
        return []
    rows = db.execute(
        "SELECT at, actor, action, table_name, record_id, before, after FROM audit_log"
        f" WHERE id > ? AND ({' OR '.join(where)}) ORDER BY id",
        params,
    ).fetchall()
    return with_state(db, rows)


def with_state(db: Database, rows: list[tuple]) -> list[tuple]:
    """Audit rows (at, actor, action, table_name, record_id, before, after), oldest first, each
    with the record's values just after it (just before it, for a delete) as ``state``, since an
    update's entry holds only what it changed: the record as stored, with the changes of its later
    rows undone. ``rows`` must hold every entry of each record after its first one there."""
    states: list[dict[str, Any] | None] = [None] * len(rows)
    by_record: dict[tuple[str, int], list[int]] = {}
    for i, row in enumerate(rows):
        by_record.setdefault((row[3], row[4]), []).append(i)
    for (table, rid), indexes in by_record.items():
        cursor = db.execute(f"SELECT * FROM [{table}] WHERE id = ?", [rid])
        found = cursor.fetchone()
        state = dict(zip([d[0] for d in cursor.description], found)) if found else {}
        for i in reversed(indexes):
            action, before = rows[i][2], rows[i][5]
            if action == "delete":
                state = json.loads(before or "{}")
            states[i] = dict(state)
            if action == "update":
                state.update(json.loads(before or "{}"))
    return [(*r[:4], *r[5:], s) for r, s in zip(rows, states, strict=True)]
