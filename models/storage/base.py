"""What every repository shares: its database, and reading records of a kind as dataclasses."""

from __future__ import annotations

from collections.abc import Sequence

from sqlite_utils import Database

from models.domain import Record


class Repo:
    def __init__(self, db: Database) -> None:
        self.db = db

    def _where(self, cls: type[Record], where: str, params: Sequence[object], order: str = "id") -> list:
        return [cls.from_row(r) for r in self.db[cls.TABLE].rows_where(where, params, order_by=order)]
