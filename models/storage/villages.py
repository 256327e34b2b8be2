"""Reading villages and their groups (村民小组)."""

from __future__ import annotations

from sqlite_utils import Database

from models.domain import Group, Village, VillageYear
from models.errors import NotFound


class VillageRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    def all(self) -> list[Village]:
        return [Village.from_row(r) for r in self.db["villages"].rows_where(order_by="code")]

    def get(self, village_id: int) -> Village:
        rows = list(self.db["villages"].rows_where("id = ?", [village_id]))
        if not rows:
            raise NotFound(kind="village", key=village_id)
        return Village.from_row(rows[0])

    def by_code(self, code: str) -> Village | None:
        rows = list(self.db["villages"].rows_where("code = ?", [code]))
        return Village.from_row(rows[0]) if rows else None

    def groups(self, village_id: int) -> list[Group]:
        return [
            Group.from_row(r)
            for r in self.db["village_groups"].rows_where("village_id = ?", [village_id], order_by="sort_order, id")
        ]

    def year_facts(self, village_id: int, year: int) -> VillageYear | None:
        """The village's population of a year: that year's row, or the latest before it."""
        cur = self.db.execute(
            "SELECT * FROM village_years WHERE village_id = ? AND year <= ? ORDER BY year DESC LIMIT 1",
            [village_id, year],
        )
        row = cur.fetchone()
        if row is None:
            return None
        return VillageYear.from_row(dict(zip([d[0] for d in cur.description], row, strict=True)))

    def years(self, village_id: int) -> list[VillageYear]:
        """The village's population rows, by year."""
        cur = self.db.execute("SELECT * FROM village_years WHERE village_id = ? ORDER BY year", [village_id])
        names = [d[0] for d in cur.description]
        return [VillageYear.from_row(dict(zip(names, r, strict=True))) for r in cur.fetchall()]

    def count(self) -> int:
        return self.db.execute("SELECT count(*) FROM villages").fetchone()[0]

    def households_in_group(self, group_id: int) -> int:
        return self.db.execute("SELECT count(*) FROM households WHERE group_id = ?", [group_id]).fetchone()[0]
