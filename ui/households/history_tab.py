"""The form's 变更记录 tab: the household's audit trail, newest first."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from models.fields import views
from models.history import Change, describe_entries, local_time
from models.store import Store

HEADERS = views.HISTORY.headers(*views.HISTORY)


class HistoryTab(QWidget):
    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setObjectName("history-table")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        for i in range(len(HEADERS) - 1):
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        self.changes: list[Change] = []

    def load(self, household_id: int | None) -> None:
        if household_id:
            household = self.store.households.get(household_id)
            assert household.village_id is not None  # a stored household belongs to a village
            names: dict[tuple[str, object], str] = {
                ("group", g.id): g.name for g in self.store.villages.groups(household.village_id)
            }
            names.update((("member", m.id), m.name) for m in self.store.households.members(household_id))
            self.changes = describe_entries(self.store.households.audit_entries(household_id), names)
        else:
            self.changes = []
        self.table.setRowCount(len(self.changes))
        for row, c in enumerate(self.changes):
            if c.action == "修改":
                detail = "\n".join(f"{f.label}：{f.before or '（空）'} → {f.after or '（空）'}" for f in c.fields)
            else:
                detail = "；".join(f"{f.label}：{f.after or f.before}" for f in c.fields if f.after or f.before)
            for col, text in enumerate((local_time(c.at), c.actor, c.what, c.action, detail)):
                self.table.setItem(row, col, QTableWidgetItem(text))
        self.table.resizeRowsToContents()
