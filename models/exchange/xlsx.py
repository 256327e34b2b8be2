"""Writing simple tables to .xlsx safely: text stays text, and the file appears whole or not at all."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import IllegalCharacterError
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter

from models.errors import ExportBlocked
from models.exchange import protection
from models.files import atomic_file


def text_cell(cell: Cell, value: str) -> None:
    """Store as a string even when it looks like a number or a formula (=, +, -, @)."""
    cell.value = value
    cell.data_type = "s"
    cell.number_format = "@"


def write_table(
    path: Path | str,
    sheet: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    footer: Sequence[Sequence[object]] = (),
) -> int:
    """One sheet: a frozen bold header row, then the rows, then (after a blank row) ``footer``
    lines such as totals. Strings are always text; ints and Decimals are numbers. Written to a
    temporary file, then renamed. Returns the number of data rows."""
    wb = Workbook()
    wb.remove(wb.active)
    count = add_sheet(wb, sheet, headers, rows, footer)
    save_workbook(wb, path)
    return count


def write_sheets(
    path: Path | str,
    sheets: Iterable[
        tuple[str, Sequence[str], Iterable[Sequence[object]]]
        | tuple[str, Sequence[str], Iterable[Sequence[object]], Sequence[Sequence[object]]]
    ],
) -> None:
    """Several sheets of (name, headers, rows[, footer]), each as write_table makes one."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, headers, rows, *footer in sheets:
        add_sheet(wb, name, headers, rows, footer[0] if footer else ())
    save_workbook(wb, path)


def save_workbook(wb: Workbook, path: Path | str, *, password: str | None = None) -> None:
    """The workbook made whole in memory (each sheet's XML too: openpyxl would put it in a
    temporary file), encrypted with ``password`` when one is given, then written in one go
    through a temporary file. On a full disk openpyxl's zip writer, left half-open, printed
    tracebacks when it was collected; a plain write fails with one OSError and leaves nothing."""
    data = workbook_bytes(wb)
    if password:
        data = protection.encrypt(data, password)
    with atomic_file(path) as tmp, open(tmp, "wb") as f:
        f.write(data)


def workbook_bytes(wb: Workbook) -> bytes:
    """The .xlsx file of a workbook, made without touching the disk."""
    if wb.write_only and not wb.worksheets:
        wb.create_sheet()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        wb.properties.modified = dt.datetime.now(tz=dt.UTC).replace(tzinfo=None)
        _InMemory(wb, archive).save()
    return buffer.getvalue()


def begin_sheet(ws: Any) -> None:
    """Give a write-only sheet its XML writer in memory; call it after the sheet's column
    widths and frozen panes are set and before its first row (they are written first)."""
    if ws._writer is None:
        ws._writer = WorksheetWriter(ws, out=io.BytesIO())
        ws._writer.write_top()


class _InMemory(ExcelWriter):
    """openpyxl's workbook writer, with each sheet's XML kept in memory (its own writes each
    sheet to a temporary file first: personal data, in plain text, on the disk)."""

    def write_worksheet(self, ws: Any) -> None:
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        if self.workbook.write_only:
            begin_sheet(ws)
            if not ws.closed:
                ws.close()
            writer = ws._writer
        else:
            writer = WorksheetWriter(ws, out=io.BytesIO())
            writer.write()
        ws._rels = writer._rels
        self._archive.writestr(ws.path[1:], writer.read())
        self.manifest.append(ws)


def add_sheet(
    wb: Workbook,
    sheet: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    footer: Sequence[Sequence[object]] = (),
) -> int:
    ws = wb.create_sheet(sheet)
    ws.append(list(headers))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    widths = [len(h) * 2 + 2 for h in headers]
    count = 0
    for count, row in enumerate(rows, 1):
        for col, value in enumerate(row, 1):
            try:
                _put(ws.cell(row=count + 1, column=col), value)
            except IllegalCharacterError:  # only text written past the audited writer holds one
                raise ExportBlocked(sheet=sheet, row=count + 1, column=headers[col - 1]) from None
            if isinstance(value, str):
                widths[col - 1] = max(widths[col - 1], min(len(value.encode("gbk", "replace")) + 2, 40))
    for offset, line in enumerate(footer, count + 3):
        for col, value in enumerate(line, 1):
            _put(ws.cell(row=offset, column=col), value).font = Font(bold=True)
    for col, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(col)].width = width
    return count


def refuse_unwritable(sheet: str, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Raise ExportBlocked for the first cell of a sheet of text that Excel cannot hold (one
    search over the whole sheet; rows are walked only when one is there)."""
    if not ILLEGAL_CHARACTERS_RE.search("\n".join("\t".join(row) for row in rows)):
        return
    for r, row in enumerate(rows, 2):
        for i, value in enumerate(row):
            if ILLEGAL_CHARACTERS_RE.search(value):
                raise ExportBlocked(sheet=sheet, row=r, column=headers[i])


def _put(cell: Cell, value: object) -> Cell:
    """Strings stay text; numbers are numbers, money (Decimal) with its two decimals."""
    if isinstance(value, str):
        text_cell(cell, value)
    else:
        cell.value = value
        if isinstance(value, Decimal):
            cell.number_format = "0.00"
    return cell
