"""The audit trail's hash chain: each entry's hash covers the one before it and its own content."""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Protocol

from sqlite_utils import Database

from models.storage import sql

DIGEST_BYTES = 16  # BLAKE2b-128: 2**128 work to forge an entry; 16 bytes a row on a county's 3 million
GENESIS = bytes(DIGEST_BYTES)  # what the first entry links to

# What an entry's hash covers: its columns in this order, joined by a unit separator (a NULL as
# nothing: no entry holds an empty text). None can hold the separator: the program writes the
# times, codes and keys, JSON escapes every control character, and the writer keeps it out of the
# operator's name (clean_actor); so no two different entries join alike, and verify counts them.
COLUMNS = ("at", "action", "table_name", "record_id", "record_uuid", "before", "after", "actor")
SEPARATOR = b"\x1f"


def content_sql(*values: str) -> str:
    """SQL joining an entry's content as the hash covers it, from expressions for COLUMNS."""
    return "CAST(" + " || char(31) || ".join(f"coalesce({v}, '')" for v in values) + " AS BLOB)"


def link(prev: bytes, content: bytes) -> bytes:
    """The hash of an entry: over the previous entry's hash and this entry's content."""
    return hashlib.blake2b(prev + content, digest_size=DIGEST_BYTES).digest()


def clean_actor(actor: str) -> str:
    """An operator's name as an entry holds it: without the separator (a name never has one)."""
    return actor.replace(SEPARATOR.decode(), " ")


# --- What an entry holds -------------------------------------------------------------------------
# An insert's after (and a delete's before) is the record's image: every column but those the
# entry holds itself (record_id, record_uuid, at). A column the image lacks was added to the table
# after the entry (the upgrade gave it its value, unaudited). An update's before and after hold
# only the columns it changed (updated_at, always the entry's at, is not among them).
META = ("id", "uuid", "created_at", "updated_at")


def image_sql(columns: Iterable[str], of: str = "") -> str:
    """SQL rendering a row's image (see above) from its columns (of the table aliased ``of``)."""
    return diff_sql((c for c in columns if c not in META), of)


def diff_sql(columns: Iterable[str], of: str = "") -> str:
    """SQL rendering the named columns of a row as a JSON object (an update's before or after)."""
    prefix = f"{of}." if of else ""
    return "json_object(" + ", ".join(f"'{c}', {prefix}[{c}]" for c in columns) + ")"


# --- Writing: the writer's INSERT … SELECT computes each new entry's hash in SQL -----------------

NEXT = "cundang_chain_next"  # SQL: cundang_chain_next(statement, head, content) -> hash
_statements = itertools.count(1)


def next_sql(*values: str) -> str:
    """SQL calling NEXT with the :statement and :head parameters and expressions for COLUMNS."""
    return f"{NEXT}(:statement, :head, {content_sql(*values)})"


def register(conn: sql.Connection) -> None:
    """Give a connection the SQL function that chains the entries one statement appends: called
    with the statement's own number and the chain's head before it, it links each row to the row
    the same statement appended before it (rows are appended in the order they are produced)."""
    state: dict[str, Any] = {"statement": None, "head": GENESIS}

    def next_hash(statement: int, head: bytes | None, content: bytes) -> bytes:
        if state["statement"] != statement:
            state["statement"], state["head"] = statement, head or GENESIS
        state["head"] = link(state["head"], content)
        return state["head"]

    conn.create_function(NEXT, 3, next_hash)


def statement_args(db: Database) -> tuple[int, bytes]:
    """The first two arguments of NEXT for the next statement that appends entries: a fresh
    statement number and the head (read inside the writer's transaction, so nothing comes between)."""
    row = db.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    return next(_statements), (row[0] if row and row[0] is not None else GENESIS)


# --- Reading the chain -----------------------------------------------------------------------------


def head(db: Database) -> tuple[int, str]:
    """The chain's length and its head hash (hex; GENESIS's for an empty trail). Entries are
    numbered 1, 2, … by their id, so the length is the last entry's id (verify finds a gap)."""
    row = db.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    return (0, GENESIS.hex()) if row is None else (int(row[0]), bytes(row[1] or b"").hex())


def hash_at(db: Database, length: int) -> str | None:
    """The chain's hash after its first ``length`` entries (GENESIS's for 0); None when the trail
    is shorter or the entry there has no hash."""
    if length == 0:
        return GENESIS.hex()
    row = db.execute("SELECT hash FROM audit_log WHERE id = ?", [length]).fetchone()
    return None if row is None or row[0] is None else bytes(row[0]).hex()


# --- Verifying: the chain, then every record against its replayed entries ---------------------------

GUARDS = {"audit_log_no_update": "不许修改", "audit_log_never_deleted": "不许删除"}  # triggers: append-only
# What a finding is of: the trail's guards, an entry without a hash, one that breaks the chain,
# entries missing; a record whose values, existence or deletion its entries don't account for.
GUARD, NO_HASH, BROKEN, GAP = "guard", "no_hash", "broken", "gap"
CHANGED, UNAUDITED, REVIVED, DELETED = "changed", "unaudited", "revived", "deleted"
# What a finding says (storage says no other sentence: these are the findings' own words, shown as
# they are by the CLI, the full check and the export's refusal).
SAY = {
    NO_HASH: "变更记录还没有校验链（数据文件需要升级）。",
    GUARD: "变更记录只能追加的保护被去掉了（{names}），变更记录可能被改动过。",
    "unhashed": "变更记录第 {entry} 条没有校验值，不是本程序写入的。",
    BROKEN: "变更记录第 {entry} 条与前一条接不上：这一条被改动过，或它前面有记录被删除或插入。",
    GAP: "变更记录第 {entries} 条不见了（被删除过）。",
    CHANGED: "{record}的“{label}”与变更记录不符：记录是 {stored}，{source}是 {audited}。",
    UNAUDITED: "{record}没有变更记录（不是经本程序写入的）。",
    DELETED: "{record}不见了，变更记录里没有删除它。",
    "table": "{title}整张表都不见了（变更记录里有它的记录）。",
    REVIVED: "{record}在变更记录里已删除，却还在数据里。",
}


@dataclasses.dataclass(frozen=True)
class Finding:
    """Something the audit trail does not account for, with the sentence that says it."""

    kind: str  # one of GUARD … DELETED
    sentence: str
    table: str = "audit_log"
    record_id: int | None = None
    record_uuid: str | None = None
    field: str | None = None
    entry: int | None = None  # the audit entry the chain breaks at (or the first one missing)
    stored: Any = None  # a changed field: the value the record holds
    audited: Any = None  # … and the value its entries say it should hold

    @property
    def key(self) -> str:
        """What an acknowledgement names: the same tampering again (another value) is new."""
        return json.dumps([self.kind, self.table, self.record_id, self.field, self.entry, self.stored], default=repr)


ALONE = 200_000  # entries from which verify checks the records in a process of its own


def verify(db: Database, folder: tuple[Path, bytes | None] | None = None) -> list[Finding]:
    """Everything the audit trail does not account for: its guards missing, entries changed,
    deleted or inserted (where the chain breaks), and records whose values differ from what their
    entries say, that have no entry at all, or that were deleted without one. ``folder`` (the data
    folder and its key: Store.file): on a trail of ALONE entries or more the records are checked
    in another process while this one reads and hashes the chain (on a county, both take about
    15 s; threads don't do it, the hashing holds Python's lock)."""
    found = _guards(db)
    if "hash" not in {r[1] for r in db.execute("PRAGMA table_info(audit_log)")}:
        return [*found, Finding(NO_HASH, SAY[NO_HASH])]
    from models.storage import replay  # it builds on this module's findings and images

    last = db.execute("SELECT coalesce(max(id), 0) FROM audit_log").fetchone()[0]
    if folder is None or last < ALONE:
        with replay.Replay(db) as records:
            return [*found, *_scan(db, records.batch), *records.check()]
    checked = replay.in_process(*folder)
    try:
        chained = _scan(db, None)
    finally:
        records_found = checked.result()
    if records_found is None:  # the process could not start or ended early: here, after the chain
        with replay.Replay(db) as records:
            _scan(db, records.batch)
            records_found = records.check()
    return [*found, *chained, *records_found]


def _guards(db: Database) -> list[Finding]:
    present = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    missing = [g for g in GUARDS if g not in present]
    if not missing:
        return []
    return [Finding(GUARD, SAY[GUARD].format(names="、".join(GUARDS[g] for g in missing)), field=",".join(missing))]


BATCH = 8192  # entries read at once: SQLite joins their contents, Python hashes them


_BATCH_FACTS = """group_concat(CASE action WHEN 'insert' THEN table_name WHEN 'delete' THEN '-' || table_name END),
                  sum(action <> 'insert')"""


def _alive(tables: str | None) -> dict[str, int]:
    """How many records of each table a batch inserts less those it deletes (from _BATCH_FACTS)."""
    alive: dict[str, int] = {}
    for name, n in Counter(tables.split(",") if tables else ()).items():
        table = name.removeprefix("-")
        alive[table] = alive.get(table, 0) + (n if table == name else -n)
    return alive


def feed(db: Database, batch: Callable[[int, int, dict[str, int], int], None]) -> None:
    """Give ``batch`` what _scan would, without reading the chain (the records' process)."""
    last = db.execute("SELECT coalesce(max(id), 0) FROM audit_log").fetchone()[0]
    for low in range(1, last + 1, BATCH):
        high = min(low + BATCH, last + 1) - 1
        tables, later = db.execute(
            f"SELECT {_BATCH_FACTS} FROM audit_log WHERE id BETWEEN ? AND ?", [low, high]
        ).fetchone()
        batch(low, high, _alive(tables), later or 0)


def _scan(db: Database, batch: Callable[[int, int, dict[str, int], int], None] | None) -> list[Finding]:
    """One pass over the trail in id order, BATCH entries at a time: each entry's hash against the
    one before it, and the numbering. ``batch`` (unless None) is given each batch's ids, how many
    records of each table it inserts less deletes, and how many updates and deletes it holds,
    while its pages are in SQLite's cache (the records' side reads them there)."""
    found: list[Finding] = []
    last = db.execute("SELECT coalesce(max(id), 0) FROM audit_log").fetchone()[0]
    prev, expected = GENESIS, 1
    facts = _BATCH_FACTS if batch else "NULL, NULL"
    for low in range(1, last + 1, BATCH):
        high = min(low + BATCH, last + 1) - 1
        count, hashed, hashes, contents, tables, later = db.execute(
            f"""SELECT count(*), count(hash), CAST(group_concat(hash, '') AS BLOB),
                       CAST(group_concat({content_sql(*COLUMNS)}, x'1e') AS BLOB), {facts}
                FROM audit_log WHERE id BETWEEN ? AND ?""",
            [low, high],
        ).fetchone()
        parts = contents.split(b"\x1e") if contents else []
        if expected == low and count == hashed == len(parts) == high - low + 1:  # numbered, hashed, split
            chunks = [
                hashes[i : i + DIGEST_BYTES] for i in range(0, len(hashes), DIGEST_BYTES)
            ]  # a blob keeps all bytes
            found += _links(low, [prev, *chunks[:-1]], parts, chunks)
            prev, expected = chunks[-1], high + 1
        else:
            prev, expected = _scan_slowly(db, low, high, prev, expected, found)
        if batch:
            batch(low, high, _alive(tables), later or 0)
    return found


def _links(low: int, links: list[bytes], contents: list[bytes], stored: list[bytes]) -> list[Finding]:
    """The entries from ``low`` on whose hash is not their content's linked to the hash before."""
    blake2b, width = hashlib.blake2b, DIGEST_BYTES
    computed = [blake2b(p + c, digest_size=width).digest() for p, c in zip(links, contents, strict=True)]
    if computed == stored:
        return []
    return [
        Finding(BROKEN, SAY[BROKEN].format(entry=low + i), entry=low + i)
        for i, (c, h) in enumerate(zip(computed, stored, strict=True))
        if c != h
    ]


def _scan_slowly(
    db: Database, low: int, high: int, prev: bytes, expected: int, findings: list[Finding]
) -> tuple[bytes, int]:
    """A batch whose entries are not numbered one after another, or not all hashed: one by one."""
    for entry, stored, content in db.execute(
        f"SELECT id, hash, {content_sql(*COLUMNS)} FROM audit_log WHERE id BETWEEN ? AND ? ORDER BY id", [low, high]
    ):
        if entry != expected:
            findings.append(_gap(expected, entry - 1))
        elif stored is None:
            findings.append(Finding(NO_HASH, SAY["unhashed"].format(entry=entry), entry=entry))
        elif link(prev, content) != stored:
            findings.append(Finding(BROKEN, SAY[BROKEN].format(entry=entry), entry=entry))
        prev, expected = stored or GENESIS, entry + 1
    return prev, expected


def _gap(first: int, last: int) -> Finding:
    where = f"{first}" if first == last else f"{first} 至 {last}"
    return Finding(GAP, SAY[GAP].format(entries=where), entry=first)


# --- Acknowledging: a 管理员 says they know of a finding (an audited record of their own) ------------

ACKNOWLEDGED = "audit_acknowledgements"  # no role but 管理员 writes it (models/access.py)


class _Writer(Protocol):
    db: Database

    def insert_many(self, table: str, records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]: ...


@dataclasses.dataclass(frozen=True)
class Acknowledgement:
    """A finding someone acknowledged: what it said, who acknowledged it, and when (UTC)."""

    key: str
    sentence: str
    actor: str
    at: str


def acknowledge(target: _Writer | Any, findings: Iterable[Finding], actor: str) -> int:
    """Record that ``actor`` (a 管理员: the writer refuses anyone else) knows of ``findings``,
    through ``target``'s audited writer (a Store's, or the writer itself); returns how many were
    new. A finding acknowledged is not told again by ``unacknowledged``; a new one is."""
    writer: _Writer = getattr(target, "writer", target)
    known = {a.key for a in acknowledged(writer.db)}
    rows = {f.key: {"finding": f.key, "sentence": f.sentence, "actor": actor} for f in findings if f.key not in known}
    writer.insert_many(ACKNOWLEDGED, rows.values())
    return len(rows)


def acknowledged(db: Database) -> list[Acknowledgement]:
    """Every finding acknowledged so far, oldest first (an export puts them into its package)."""
    return [
        Acknowledgement(*r)
        for r in db.execute(f"SELECT finding, sentence, actor, created_at FROM [{ACKNOWLEDGED}] ORDER BY id")
    ]


def unacknowledged(db: Database, folder: tuple[Path, bytes | None] | None = None) -> list[Finding]:
    """The findings of ``verify`` that nobody has acknowledged (an export refuses while any are)."""
    known = {a.key for a in acknowledged(db)}
    return [f for f in verify(db, folder) if f.key not in known]
