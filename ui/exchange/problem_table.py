"""The problems of an import as a table (file, sheet, row, column, value, message), errors in red,
and saving them as the .xlsx report."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QTableWidget, QWidget

from models.exchange.problems import HEADERS, RowProblem, write_report
from ui.tables import fill, make_table

LIMIT = 5000  # rows shown; the saved report has them all


def problem_table(name: str) -> QTableWidget:
    return make_table(HEADERS, name)


def show_problems(table: QTableWidget, problems: Sequence[RowProblem]) -> None:
    shown = problems[:LIMIT]
    fill(
        table,
        [(Path(p.file).name, *p.cells()[1:]) for p in shown],
        warn=[p.is_error for p in shown],
        tips=[("", "", "", "", p.value, p.message, "") for p in shown],
    )


def save_report(parent: QWidget, problems: Sequence[RowProblem], path: str | None = None) -> str:
    if path is None:
        path, _ = QFileDialog.getSaveFileName(
            parent, "保存问题清单", str(Path.home() / "问题清单.xlsx"), "Excel 工作簿 (*.xlsx)"
        )
        if not path:
            return ""
    write_report(path, problems)
    return path
