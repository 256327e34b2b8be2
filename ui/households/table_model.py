"""HouseholdTableModel: the register as a lazy Qt table over a query (ids in order, rows by page)."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from models import codes
from models.fields.views import REGISTER
from models.storage.register import COLUMNS, HouseholdFilter, HouseholdRow, RegisterRepo

Index = QModelIndex | QPersistentModelIndex
PAGE = 100
MAX_PAGES = 40  # rows kept in memory at most: PAGE * MAX_PAGES


def cell(row: HouseholdRow, column: str) -> Any:
    if column == "attribute":
        return codes.ATTRIBUTE.label(row.attribute) if row.attribute in codes.ATTRIBUTE else row.attribute
    if column == "main_cause":
        return codes.CAUSE.label(row.main_cause) if row.main_cause in codes.CAUSE else row.main_cause
    if column == "status":
        return codes.status_label(row.status)
    return getattr(row, column)


class HouseholdTableModel(QAbstractTableModel):
    def __init__(self, repo: RegisterRepo) -> None:
        super().__init__()
        self.repo = repo
        self.filter = HouseholdFilter()
        self.active = False  # nothing is queried until the screen sets its first filter
        self.ids: list[int] = []
        self._pages: OrderedDict[int, list[HouseholdRow]] = OrderedDict()

    def set_filter(self, f: HouseholdFilter) -> None:
        """Run the query again (a new search, filter or sort): ids only; rows come as shown."""
        self.beginResetModel()
        self.filter = f
        self.active = True
        self.ids = self.repo.ids(f)
        self._pages.clear()
        self.endResetModel()

    def refresh(self) -> None:
        self.set_filter(self.filter)

    def household_id(self, row: int) -> int | None:
        return self.ids[row] if 0 <= row < len(self.ids) else None

    def row_of(self, household_id: int) -> int:
        try:
            return self.ids.index(household_id)
        except ValueError:
            return -1

    def _row(self, row: int) -> HouseholdRow | None:
        page = row // PAGE
        if page not in self._pages:
            self._pages[page] = self.repo.rows(self.ids[page * PAGE : (page + 1) * PAGE])
            if len(self._pages) > MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page)
        rows = self._pages[page]
        offset = row - page * PAGE
        return rows[offset] if offset < len(rows) else None

    # --- Qt ---------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return REGISTER.header(COLUMNS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.TextAlignmentRole):
            return None
        column = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return (
                Qt.AlignmentFlag.AlignRight if column == "size" else Qt.AlignmentFlag.AlignLeft
            ) | Qt.AlignmentFlag.AlignVCenter
        row = self._row(index.row())
        return None if row is None else cell(row, column)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        f = replace(self.filter, sort=COLUMNS[column], descending=order == Qt.SortOrder.DescendingOrder)
        if self.active:
            self.set_filter(f)
        else:
            self.filter = f
