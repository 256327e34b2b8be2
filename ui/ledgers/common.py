"""What every ledger tab shares: a period (year, or all), showing a ledger table, and exporting
what is shown (the same table the PDF and the CLI give)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QComboBox, QFileDialog, QTableWidget, QWidget

from models.errors import CundangError
from models.exchange.xlsx import write_sheets
from models.services.ledger_tables import Ledger, LedgerTable, Period
from models.wording import describe
from ui.tables import fill


def year_box() -> QComboBox:
    box = QComboBox()
    box.addItem("全部年度", None)
    for year in range(dt.date.today().year, 2013, -1):
        box.addItem(f"{year} 年", year)
    return box


def period(box: QComboBox) -> Period:
    return Period(box.currentData())


def show(widget: QTableWidget, table: LedgerTable) -> None:
    """A ledger table on screen: its rows as read, each keyed by its record, late ones red."""
    fill(widget, table.text(), keys=table.keys, warn=table.warn)


def export(parent: QWidget, book: Ledger, path: str | None = None) -> str:
    """Write the ledger as shown: a sheet per table, amounts as numbers, IDs and codes as text,
    its total rows under each. Returns a sentence for the clerk."""
    if path is None:
        path, _ = QFileDialog.getSaveFileName(
            parent, f"导出{book.title}", f"{book.title}.xlsx", "Excel 工作簿 (*.xlsx)"
        )
        if not path:
            return ""
    path = path if path.endswith(".xlsx") else path + ".xlsx"
    try:
        write_sheets(path, [(t.title[:30], t.headers, t.cells(), t.cells(t.totals)) for t in book.tables])
    except (CundangError, OSError) as exc:  # an unwritable path
        return f"导出失败：{describe(exc)}"
    return f"已导出 {sum(len(t.rows) for t in book.tables)} 行到“{path}”。"
