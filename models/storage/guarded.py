"""The audited writer held to the operator's roles: a write the roles don't allow is refused."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlite_utils import Database

from models import access
from models.storage.audit import AuditedWriter


class GuardedWriter(AuditedWriter):
    """Every write checks ``access.row_actions`` against the operator before it is made; with
    no operator (a folder that has none: a demo's), every write is allowed, as before."""

    def __init__(self, db: Database, actor: str, operator: access.Operator | None) -> None:
        super().__init__(db, actor)
        self.operator = operator

    def _allow(self, table: str, rows: Iterable[dict[str, Any]]) -> None:
        if self.operator is None:
            return
        for actions in {access.row_actions(table, row) for row in rows}:
            if not self.operator.may_any(actions):
                raise access.refuse(self.operator, actions)

    def _stored(self, table: str, row_id: int) -> dict[str, Any]:
        """The columns row_actions reads of a stored row (settings' key, a status event's kind)."""
        column = {"settings": "key", "status_events": "kind"}.get(table)
        if column is None:
            return {}
        found = self.db.execute(f"SELECT [{column}] FROM [{table}] WHERE id = ?", [row_id]).fetchone()
        return {column: found[0]} if found else {}

    def _own(self, row_id: int) -> bool:
        found = self.db.execute("SELECT name FROM operators WHERE id = ?", [row_id]).fetchone()
        return self.operator is None or (found is not None and found[0] == self.operator.name)

    def insert_many(self, table: str, records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        records = list(records)
        self._allow(table, records)
        return super().insert_many(table, records)

    def insert_columns(self, table: str, columns: dict[str, list[Any]]) -> range:
        if self.operator is not None:
            if table in ("settings", "status_events"):  # what these rows hold decides (row_actions)
                count = len(next(iter(columns.values()), []))
                self._allow(table, [{k: v[i] for k, v in columns.items()} for i in range(count)])
            else:
                self._allow(table, [{}])
        return super().insert_columns(table, columns)

    def update(self, table: str, row_id: int, changes: dict[str, Any]) -> bool:
        if not (table == "operators" and set(changes) == {"password_set_at"} and self._own(row_id)):
            self._allow(table, [{**self._stored(table, row_id), **changes}])  # any operator sets their own password
        return super().update(table, row_id, changes)

    def delete(self, table: str, row_id: int) -> None:
        self._allow(table, [self._stored(table, row_id)])
        super().delete(table, row_id)
