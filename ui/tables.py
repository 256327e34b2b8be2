"""Small read-only tables (dozens of rows: cadres, pairings, visits) filled from plain rows."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

WARN = QBrush(QColor("#f8d7da"))


def make_table(headers: Sequence[str], name: str = "") -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(list(headers))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def fill(
    table: QTableWidget,
    rows: Sequence[Sequence[object]],
    *,
    keys: Sequence[object] = (),
    warn: Sequence[bool] = (),
    tips: Sequence[Sequence[str]] = (),
) -> None:
    """Replace the rows; ``keys`` go to each row's first cell (Qt.UserRole), ``warn`` paints a row red."""
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem("" if value is None else str(value))
            if c == 0 and r < len(keys):
                item.setData(Qt.ItemDataRole.UserRole, keys[r])
            if r < len(warn) and warn[r]:
                item.setBackground(WARN)
            if r < len(tips) and c < len(tips[r]) and tips[r][c]:
                item.setToolTip(tips[r][c])
            table.setItem(r, c, item)


def key_of(table: QTableWidget, row: int) -> object:
    item = table.item(row, 0)
    return item.data(Qt.ItemDataRole.UserRole) if item else None


def selected_keys(table: QTableWidget) -> list[object]:
    rows = sorted({i.row() for i in table.selectedIndexes()})
    return [key_of(table, r) for r in rows]
