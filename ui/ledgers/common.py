"""What every ledger tab shares: a period (year, or all), an export of the rows shown."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtWidgets import QComboBox, QFileDialog, QWidget

from models.exchange.xlsx import write_table
from ui.messages import describe


def year_box() -> QComboBox:
    box = QComboBox()
    box.addItem("全部年度", None)
    for year in range(dt.date.today().year, 2013, -1):
        box.addItem(f"{year} 年", year)
    return box


def period(box: QComboBox) -> tuple[str, str, int | None]:
    year = box.currentData()
    return (f"{year}-01-01", f"{year}-12-31", year) if year else ("0000-01-01", "9999-12-31", None)


def export(
    parent: QWidget,
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    path: str | None = None,
    footer: Sequence[Sequence[object]] = (),
) -> str:
    """Write what is shown; amounts stay numbers, IDs and codes text. Returns a sentence for the clerk."""
    if path is None:
        path, _ = QFileDialog.getSaveFileName(parent, f"导出{title}", f"{title}.xlsx", "Excel 工作簿 (*.xlsx)")
        if not path:
            return ""
    try:
        count = write_table(path if path.endswith(".xlsx") else path + ".xlsx", title[:30], headers, rows, footer)
    except Exception as exc:  # an unwritable path
        return f"导出失败：{describe(exc)}"
    return f"已导出 {count} 行到“{path}”。"
