"""What every repository shares: its database, and reading records of a kind as dataclasses."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from models.domain import Record
from models.errors import ReadOnlyStore
from models.storage import sql


class Repo:
    def __init__(self, db: Database) -> None:
        self.db = db

    def _where(self, cls: type[Record], where: str, params: Sequence[object], order: str = "id") -> list:
        return [cls.from_row(r) for r in self.db[cls.TABLE].rows_where(where, params, order_by=order)]


@contextmanager
def transaction(db: Database) -> Iterator[None]:
    """A write transaction that takes the write lock when it starts (BEGIN IMMEDIATE), so a second
    writer waits out the busy timeout instead of failing at once with "database is locked" (a
    transaction that begins by reading cannot take the lock later); inside another, a savepoint."""
    conn = db.conn
    if conn.in_transaction:
        with db.atomic():
            yield
        return
    if conn.execute("PRAGMA query_only").fetchone()[0]:  # a folder opened read-only (open elsewhere)
        raise ReadOnlyStore(path=Path(conn.execute("PRAGMA database_list").fetchone()[2]).parent)
    begin(conn)
    try:
        yield
    except BaseException:
        if conn.in_transaction:
            sql.rollback(conn)
        raise
    conn.commit()


WAIT_NOTICE_S = 1.0  # after this long waiting for the write lock, the waiting is said
waiting_listeners: list[Callable[[bool], None]] = []  # told True when a wait starts, False when it ends


def begin(conn: sql.Connection) -> None:
    """BEGIN IMMEDIATE, waiting for another writer's transaction to end. A wait longer than a
    second is told to ``waiting_listeners`` (the window shows "等待…", the CLI prints it)."""
    timeout = conn.execute("PRAGMA busy_timeout").fetchone()[0]
    if not waiting_listeners or timeout <= WAIT_NOTICE_S * 1000:
        conn.execute("BEGIN IMMEDIATE")
        return
    conn.execute(f"PRAGMA busy_timeout = {int(WAIT_NOTICE_S * 1000)}")
    try:
        conn.execute("BEGIN IMMEDIATE")
        return
    except sql.OperationalError as exc:
        if not str(exc).startswith("database is locked"):
            raise
    finally:
        conn.execute(f"PRAGMA busy_timeout = {timeout}")
    for tell in waiting_listeners:
        tell(True)
    try:
        conn.execute("BEGIN IMMEDIATE")  # the rest of the timeout
    finally:
        for tell in waiting_listeners:
            tell(False)
