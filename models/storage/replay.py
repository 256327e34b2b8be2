"""Every record against its audit entries replayed: the insert's image, then each update's changes."""

from __future__ import annotations

import json
import multiprocessing
import os
from collections.abc import Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from models import fields
from models.rules.values import to_text
from models.storage.chain import CHANGED, DELETED, REVIVED, SAY, UNAUDITED, Finding, feed, image_sql

# Written by no one but the writer and not a record of anything (the trail itself).
_SKIPPED = frozenset({"audit_log"})
_MEASURE = {"households": "户", "members": "人"}  # 第12户; other records are 第12条
_NAMED_BY = {"households": "household_no", "members": "name", "villages": "name", "cadres": "name"}


def _starts(image: str, inserted: str) -> str:
    """SQL: the record's ``image`` is the ``inserted`` one, or starts like it and goes on with the
    columns added to the table since (which come last)."""
    return f"instr(rtrim({image}, '}}') || ',', rtrim({inserted}, '}}') || ',') = 1"


class _Checked:
    """The records' findings from another process, or None when it failed (verify then checks here)."""

    def __init__(self, pool: ProcessPoolExecutor | None, job: Future[list[Finding]] | None) -> None:
        self.pool, self.job = pool, job

    def result(self) -> list[Finding] | None:
        try:
            return self.job.result() if self.job is not None else None
        except Exception:  # a dead or failed worker (out of memory, killed): not the trail's fault
            return None
        finally:
            if self.pool is not None:
                self.pool.shutdown(wait=True, cancel_futures=True)


def in_process(folder: Path, key: bytes | None) -> _Checked:
    """Check the records of ``folder``'s file in a process of its own (spawned: the window runs
    Qt threads), on its own read-only connection; the key goes to it through a pipe, never a file."""
    from models.process import end_with_parent

    try:
        pool = ProcessPoolExecutor(
            1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=end_with_parent,
            initargs=(os.getpid(),),
        )
        return _Checked(pool, pool.submit(check_file, Path(folder), key))
    except (OSError, RuntimeError):  # no process could be started: verify checks here
        return _Checked(None, None)


def check_file(folder: Path, key: bytes | None) -> list[Finding]:
    """The records of a folder's file against its entries (the records' side of chain.verify)."""
    from models.storage.database import open_read_only

    db = open_read_only(folder, key=key)
    try:
        with Replay(db) as records:
            feed(db, records.batch)
            return records.check()
    finally:
        db.close()


class Replay:
    """The records' side of chain.verify. Told each batch of entries while the chain is read
    (batch), it clears in SQL each record inserted there that holds its insert's image and was
    not changed since; after the chain (check), the changed records against their changes, the
    counts, and one by one the records not cleared. Its temporary tables go with it."""

    def __init__(self, db: Database) -> None:
        self.db = db
        present = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        self.tables = [t for t in fields.RECORDS if t in present and t not in _SKIPPED]
        self.images = {t: image_sql([r[1] for r in db.execute(f"PRAGMA table_info([{t}])")], "t") for t in self.tables}
        self.alive = dict.fromkeys(self.tables, 0)  # how many records the entries say exist
        self.named: set[str] = set()  # every table the entries name
        # Records whose insert entry did not clear them: record id -> (it exists, the entry)
        self.flagged: dict[str, dict[int, tuple[bool, int]]] = {t: {} for t in self.tables}
        self.later: list[str] = []  # the updates and deletes, as JSON arrays

    def __enter__(self) -> Replay:
        # A folder opened read-only (open in another window) is query_only: its temporary tables
        # are its own, and the file stays unwritable (its connection opened it mode=ro).
        self.query_only = self.db.execute("PRAGMA query_only").fetchone()[0]
        self.db.execute("PRAGMA query_only = OFF")
        self._drop()
        return self

    def __exit__(self, *exc: object) -> None:
        self._drop()
        self.db.execute(f"PRAGMA query_only = {int(self.query_only)}")

    def _drop(self) -> None:
        for table in ("chain_later", "chain_flagged", "chain_changes"):
            self.db.execute(f"DROP TABLE IF EXISTS temp.{table}")

    def batch(self, low: int, high: int, alive: dict[str, int], later: int) -> None:
        """Entries low..high, which insert ``alive`` records of each table less those they delete,
        and hold ``later`` updates and deletes: keep these, and flag each record inserted there
        that is missing, or not as inserted (changed since, or tampered with)."""
        if later:
            self.later.append(
                self.db.execute(
                    """SELECT group_concat(json_array(id, action, table_name, record_id, at, after)) FROM audit_log
                       WHERE id BETWEEN ? AND ? AND action <> 'insert'""",
                    [low, high],
                ).fetchone()[0]
            )
        self.named.update(alive)
        for table, count in alive.items():
            if table not in self.alive:
                continue
            self.alive[table] += count
            same = (
                "t.uuid = a.record_uuid AND t.created_at = a.at AND t.updated_at = a.at"
                f" AND {_starts(self.images[table], 'a.after')}"
            )
            for rid, exists, entry in self.db.execute(
                f"""SELECT a.record_id, t.id IS NOT NULL, a.id FROM audit_log a LEFT JOIN [{table}] t ON t.id = a.record_id
                    WHERE a.id BETWEEN :low AND :high AND a.table_name = :table AND a.action = 'insert'
                    AND NOT coalesce({same}, 0)""",
                {"low": low, "high": high, "table": table},
            ):
                self.flagged[table][rid] = (bool(exists), entry)

    def check(self) -> list[Finding]:
        """Findings for the records of every audited table: values other than their entries say,
        no entry at all, deleted without one."""
        db = self.db
        flagged = [[t, rid, entry] for t, ids in self.flagged.items() for rid, (there, entry) in ids.items() if there]
        _changes(db, "[" + ",".join(self.later) + "]", json.dumps(flagged))
        found = [
            Finding(DELETED, SAY["table"].format(title=fields.RECORDS[t].title), t)
            for t in sorted(self.named - set(self.tables) - _SKIPPED)
            if t in fields.RECORDS
        ]
        for table in self.tables:
            cleared, suspects = _updated(db, table, self.images[table])
            for rid, (exists, entry) in self.flagged[table].items():
                if exists and rid not in cleared:
                    suspects.add(rid)
                elif not exists and not _deleted_after(db, table, rid, entry):
                    found.append(_gone(db, table, rid))
            if db.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0] != self.alive[table]:
                suspects |= _unaccounted(db, table)
            replayed = [f for rid in sorted(suspects) for f in _replay(db, table, rid)]
            found += _uuid_changed(db, table, replayed)
        return found


def _changes(db: Database, later: str, flagged: str) -> None:
    """Temporary tables (typed, so that their indexes serve) from what the batches kept (JSON arrays): the updates and deletes
    (chain_later), the flagged records' insert entries (chain_flagged), and each updated record's
    latest value of every column its updates changed (``changed``, ``n`` of them), its first and
    last update, and the last's time (chain_changes)."""
    db.execute(
        """CREATE TEMP TABLE chain_later AS SELECT CAST(value ->> 0 AS INTEGER) AS id, CAST(value ->> 1 AS TEXT) AS action,
           CAST(value ->> 2 AS TEXT) AS table_name, CAST(value ->> 3 AS INTEGER) AS record_id,
           CAST(value ->> 4 AS TEXT) AS at, CAST(value ->> 5 AS TEXT) AS after FROM json_each(?)""",
        [later],
    )
    db.execute("CREATE INDEX temp.chain_later_record ON chain_later(table_name, record_id, id)")
    db.execute("CREATE UNIQUE INDEX temp.chain_later_id ON chain_later(id)")
    db.execute(
        """CREATE TEMP TABLE chain_flagged AS SELECT CAST(value ->> 0 AS TEXT) AS table_name,
           CAST(value ->> 1 AS INTEGER) AS record_id, CAST(value ->> 2 AS INTEGER) AS entry FROM json_each(?)""",
        [flagged],
    )
    db.execute("CREATE UNIQUE INDEX temp.chain_flagged_record ON chain_flagged(table_name, record_id)")
    db.execute(  # a bare column is the row's that max() picked: the latest update's
        """CREATE TEMP TABLE chain_changes AS
           SELECT c.*, (SELECT at FROM temp.chain_later u WHERE u.id = c.last) AS at,
                  (SELECT min(id) FROM temp.chain_later u WHERE u.table_name = c.table_name
                   AND u.record_id = c.record_id AND u.action = 'update') AS first
           FROM (SELECT table_name, record_id, count(*) AS n, json_group_object(key, value) AS changed, max(last) AS last
                 FROM (SELECT u.table_name, u.record_id, e.key, e.value, max(u.id) AS last
                       FROM temp.chain_later u, json_each(u.after) e WHERE u.action = 'update'
                       GROUP BY u.table_name, u.record_id, e.key)
                 GROUP BY table_name, record_id) c"""
    )
    db.execute("CREATE UNIQUE INDEX temp.chain_changes_record ON chain_changes(table_name, record_id)")


def _updated(db: Database, table: str, image: str) -> tuple[set[int], set[int]]:
    """The records of ``table`` that updates changed, as cleared and not: one is cleared when its
    times are its entries' and its image is its insert's overlaid with its updates' latest changes
    (json_set keeps a null; json_patch, past three changes, drops it: then both sides lose it)."""

    def change(i: int, part: str) -> str:  # SQL: the path or value of the i-th change
        return f"(SELECT {part} FROM json_each(c.changed) LIMIT 1 OFFSET {i})"

    overlaid = (
        "CASE c.n "
        + " ".join(
            f"WHEN {n} THEN json_set(a.after, "
            + ", ".join(f"{change(i, 'fullkey')}, {change(i, 'value')}" for i in range(n))
            + ")"
            for n in (1, 2, 3)
        )
        + " END"
    )
    bare = f"json_patch('{{}}', {image})"
    same = (
        f"CASE WHEN c.n <= 3 THEN {_starts(image, overlaid)} ELSE"
        f" json_patch({bare}, json_patch(a.after, c.changed)) = {bare} AND json_patch({bare}, c.changed) = {bare} END"
    )
    cleared: set[int] = set()
    failed: set[int] = set()
    for rid, ok in db.execute(  # the insert entry is the one flagged: an updated record's time is not its insert's
        f"""SELECT t.id, coalesce(a.record_uuid = t.uuid AND a.table_name = :table AND a.record_id = t.id
                AND a.action = 'insert' AND a.id < c.first AND a.at = t.created_at AND c.at = t.updated_at
                AND NOT EXISTS (SELECT 1 FROM temp.chain_later d WHERE d.table_name = :table AND d.record_id = t.id
                                AND d.action = 'delete' AND d.id > a.id)
                AND {same}, 0)
            FROM temp.chain_changes c JOIN [{table}] t ON t.id = c.record_id
            LEFT JOIN temp.chain_flagged f ON f.table_name = :table AND f.record_id = t.id
            LEFT JOIN audit_log a ON a.id = f.entry
            WHERE c.table_name = :table""",
        {"table": table},
    ):
        (cleared if ok else failed).add(rid)
    return cleared, failed


def _deleted_after(db: Database, table: str, rid: int, entry: int) -> bool:
    return (
        db.execute(
            "SELECT 1 FROM temp.chain_later WHERE table_name = ? AND record_id = ? AND action = 'delete' AND id > ?",
            [table, rid, entry],
        ).fetchone()
        is not None
    )


def _gone(db: Database, table: str, rid: int) -> Finding:
    """A record its entries say exists, and does not: told from its insert's image."""
    uuid, after = db.execute(
        """SELECT record_uuid, after FROM audit_log WHERE record_id = ? AND table_name = ? AND action = 'insert'
           ORDER BY id DESC LIMIT 1""",
        [rid, table],
    ).fetchone()
    words = record_words(table, rid, json.loads(after or "{}"))
    return Finding(DELETED, SAY[DELETED].format(record=words), table, rid, uuid)


def _unaccounted(db: Database, table: str) -> set[int]:
    """Records present that no insert entry accounts for (none under their uuid and id, or a
    delete after it): the counts told there is one."""
    return {
        r[0]
        for r in db.execute(
            f"""SELECT t.id FROM [{table}] t WHERE NOT EXISTS (SELECT 1 FROM audit_log a
                WHERE a.record_uuid = t.uuid AND a.table_name = :table AND a.record_id = t.id AND a.action = 'insert'
                AND NOT EXISTS (SELECT 1 FROM temp.chain_later d WHERE d.table_name = :table AND d.record_id = t.id
                                AND d.action = 'delete' AND d.id > a.id))""",
            {"table": table},
        )
    }


def _replay(db: Database, table: str, rid: int) -> list[Finding]:
    """One record's entries replayed in order against what it holds, field by field."""
    cursor = db.execute(f"SELECT * FROM [{table}] WHERE id = ?", [rid])
    values = cursor.fetchone()
    if values is None:
        return []
    row = dict(zip([d[0] for d in cursor.description], values))
    words = record_words(table, rid, row)
    entries = db.execute(
        "SELECT action, at, after FROM audit_log WHERE record_uuid = ? AND table_name = ? AND record_id = ? ORDER BY id",
        [row.get("uuid"), table, rid],
    ).fetchall()
    state: dict[str, Any] | None = None
    changed: set[str] = set()  # columns whose value an update gave
    for action, at, after in entries:
        if action == "insert":
            state = {"id": rid, "uuid": row.get("uuid"), "created_at": at, "updated_at": at, **json.loads(after)}
            changed = set()
        elif action == "update" and state is not None:
            diff = json.loads(after)
            state.update(diff, updated_at=at)
            changed |= diff.keys()
        elif action == "delete":
            state = None
    if state is None:  # no entry (under its uuid: see _uuid_changed), or deleted by its last
        kind = REVIVED if entries else UNAUDITED
        return [Finding(kind, SAY[kind].format(record=words), table, rid, row.get("uuid"))]
    return [
        _changed(table, rid, row, name, state[name], words, name in changed)
        for name in row
        if name in state and not _same(row[name], state[name])
    ]


def _uuid_changed(db: Database, table: str, found: list[Finding]) -> list[Finding]:
    """A record with no entry under its uuid may have entries under its id: then its uuid was changed."""
    lone = sorted(f.record_id for f in found if f.kind == UNAUDITED and f.record_id is not None)
    audited: dict[int, str] = {}
    for chunk in (lone[i : i + 500] for i in range(0, len(lone), 500)):
        audited.update(
            db.execute(
                f"""SELECT record_id, record_uuid FROM audit_log WHERE table_name = ? AND action = 'insert'
                    AND record_id IN ({", ".join("?" * len(chunk))}) ORDER BY id""",
                [table, *chunk],
            ).fetchall()
        )
    out = []
    for f in found:
        if f.kind == UNAUDITED and f.record_id in audited:
            cursor = db.execute(f"SELECT * FROM [{table}] WHERE id = ?", [f.record_id])
            row = dict(zip([d[0] for d in cursor.description], cursor.fetchone()))
            words = record_words(table, f.record_id, row)
            f = _changed(table, f.record_id, row, "uuid", audited[f.record_id], words, False)
        out.append(f)
    return out


def _same(stored: Any, audited: Any) -> bool:
    """Whether a stored value is the one an entry holds (a number as a number: 3 is 3.0)."""
    if isinstance(stored, int | float) and isinstance(audited, int | float):
        return stored == audited
    return type(stored) is type(audited) and stored == audited


def _changed(
    table: str, rid: int, row: Mapping[str, Any], name: str, audited: Any, words: str, updated: bool
) -> Finding:
    spec = fields.spec(table, name)
    source = "最后一次记录的修改后" if updated else "新增时记录的"
    sentence = SAY[CHANGED].format(
        record=words, label=spec.label, stored=shown(spec, row[name]), source=source, audited=shown(spec, audited)
    )
    return Finding(CHANGED, sentence, table, rid, row.get("uuid"), name, stored=row[name], audited=audited)


def shown(spec: fields.FieldSpec, value: Any) -> str:
    """A value as a finding shows it: as the field shows it, with its unit (3800.00 元), or （空）."""
    try:
        text = to_text(spec, value)
    except (TypeError, ValueError):
        text = str(value)  # a value the field cannot hold (a raw write put it there): as it is
    return f"{text} {spec.unit}".strip() if text else "（空）"


def record_words(table: str, rid: int, values: Mapping[str, Any]) -> str:
    """A record as a finding names it: 贫困户 第12户（户编号 5223…）, 家庭成员 第40人（姓名 张三）."""
    record = fields.RECORDS[table]
    words = f"{record.title} 第{rid}{_MEASURE.get(table, '条')}"
    name = _NAMED_BY.get(table)
    if name and values.get(name):
        words += f"（{record.label(name)} {values[name]}）"
    return words
