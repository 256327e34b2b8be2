"""What every repository shares: its database, and reading records of a kind as dataclasses."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlite_utils import Database

from models.domain import Record


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
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if conn.in_transaction:
            conn.rollback()
        raise
    conn.commit()
