"""Reading workbooks (.xlsx, .xls, .ods) and CSV files safely into sheets of text cells.

python-calamine reads (measured: ten times openpyxl's read-only mode, and it reads .xls);
before it does, an .xlsx is inflated once in a stream with hard limits, which refuses zip
bombs and over-long sheets and finds formula cells (calamine gives only cached values).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast
from xml.etree import ElementTree

from openpyxl.utils import column_index_from_string, get_column_letter

from models.errors import FileRefused

MAX_FILE_BYTES = 200 * 2**20  # the file as it lies on disk
MAX_UNPACKED_BYTES = 1 * 2**30  # all parts of an .xlsx once inflated
MAX_ROWS = 200_000  # per sheet: a county's biggest village has a few thousand members a year
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
MAX_AREA = 10_000_000  # rows x columns of a sheet's used range: the reader allocates it whole

_FORMULA = re.compile(rb"<f[ >/]")
_CELL_REF = re.compile(rb'<c r="([A-Z]+)(\d+)"')
_DIMENSION = re.compile(rb'<dimension ref="([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?"')
_ROW_NUMBER = re.compile(rb'<row r="(\d+)"')
_WIDE_CELL = re.compile(rb'<c r="[A-Z]{3}')
_TWO_LETTERS = 702  # columns A..ZZ: the width of a sheet with no 3-letter column


@dataclass
class Grid:
    """One sheet: its rows of text from A1 (row index 0 is Excel row 1), and the cells that hold
    formulas as (Excel row, column letter)."""

    name: str
    rows: list[list[str]]
    formulas: list[tuple[int, str]] = field(default_factory=list)
    numbers: dict[tuple[int, int], float] = field(default_factory=dict)  # cells stored as numbers


def cell_text(value: object) -> str:
    """A cell as the text a person sees: whole numbers without '.0', dates as yyyy-MM-dd."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer() and abs(value) <= 2**53:  # every whole number a float holds exactly
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


def read_file(path: Path | str, *, sheets: set[str] | None = None, keep_numbers: bool = False) -> list[Grid]:
    """Every sheet (or the named ones) of a workbook or CSV file. Raises FileRefused."""
    path = Path(path)
    if not path.is_file():
        raise FileRefused(path=str(path), reason="missing", detail="")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise FileRefused(path=str(path), reason="too_big", detail=f"{size / 2**20:.0f} MB")
    with path.open("rb") as f:
        head = f.read(8)
    if head.startswith(b"PK\x03\x04"):
        formulas = _scan_xlsx(path)
    elif head.startswith(b"\xd0\xcf\x11\xe0"):  # the old binary .xls (OLE2)
        formulas = {}
    elif path.suffix.lower() in (".csv", ".txt"):
        return [_read_csv(path)]
    else:
        raise FileRefused(path=str(path), reason="not_workbook", detail="")
    return _read_calamine(path, formulas, sheets, keep_numbers)


def _read_calamine(
    path: Path, formulas: dict[str, list[tuple[int, str]]], wanted: set[str] | None, keep_numbers: bool
) -> list[Grid]:
    import python_calamine

    try:
        wb = python_calamine.CalamineWorkbook.from_path(str(path))
        grids = []
        for name in wb.sheet_names:
            if wanted is not None and name not in wanted:
                continue
            sheet = wb.get_sheet_by_name(name)
            if sheet.height > MAX_ROWS:
                raise FileRefused(path=str(path), reason="too_many_rows", detail=name)
            raw = sheet.to_python(skip_empty_area=False)
            rows = cast("list[list[str]]", raw)  # text once the loop below has replaced the rows that are not
            grid = Grid(name, rows, formulas.get(name, []))  # rows holding other than text are replaced
            for r, values in enumerate(rows):
                try:  # one join per row tells both: every cell is text, and none can be too long
                    plain = len("".join(values)) <= MAX_CELL_CHARS
                except TypeError:
                    plain = False
                    row: list[str] = []
                    for c, v in enumerate(raw[r]):
                        if type(v) is not str:
                            if keep_numbers and type(v) is float:
                                grid.numbers[(r, c)] = v
                            v = cell_text(v)
                        row.append(v)
                    values = rows[r] = row
                if not plain and values and max(map(len, values)) > MAX_CELL_CHARS:
                    longest = max(range(len(values)), key=lambda i: len(values[i]))
                    raise FileRefused(
                        path=str(path), reason="cell_too_long", detail=f"{name}!{column_letter(longest)}{r + 1}"
                    )
            grids.append(grid)
        return grids
    except FileRefused:
        raise
    except Exception as exc:  # calamine raises its own errors for broken parts
        raise FileRefused(path=str(path), reason="damaged", detail=str(exc)[:200]) from None


def _scan_xlsx(path: Path) -> dict[str, list[tuple[int, str]]]:
    """Inflate every part once with a running limit; count each sheet's rows; find formulas.
    Returns formula cells by sheet name."""
    try:
        with zipfile.ZipFile(path) as z:
            names = _sheet_parts(z)
            total = 0
            found: dict[str, list[tuple[int, str]]] = {}
            for info in z.infolist():
                if info.file_size > MAX_UNPACKED_BYTES:
                    raise FileRefused(path=str(path), reason="bomb", detail="")
                sheet = names.get(info.filename)
                rows = 0
                tail = b""
                dimension_area: int | None = None
                stated_rows = 0
                beyond: re.Pattern | None = None  # a cell right of the stated range
                last_row = 0
                outside = wide = False
                with z.open(info) as part:
                    while chunk := part.read(1 << 20):
                        total += len(chunk)
                        if total > MAX_UNPACKED_BYTES:
                            raise FileRefused(path=str(path), reason="bomb", detail="")
                        if sheet is None:
                            continue
                        if dimension_area is None and rows == 0 and (dim := _DIMENSION.search(chunk)):
                            dimension_area = _area(dim)
                            if dimension_area > MAX_AREA:
                                raise FileRefused(path=str(path), reason="too_large", detail=sheet)
                            stated_rows = int(dim.group(4) or dim.group(2))
                            beyond = _right_of(dim.group(3) or dim.group(1))
                        rows += chunk.count(b"<row")
                        if rows > MAX_ROWS + 1:
                            raise FileRefused(path=str(path), reason="too_many_rows", detail=sheet)
                        text = tail + chunk
                        at = text.rfind(b'<row r="')
                        if at >= 0 and (m := _ROW_NUMBER.match(text, at)):
                            last_row = max(last_row, int(m.group(1)))
                        if beyond is not None:
                            outside = outside or beyond.search(text) is not None
                        else:
                            wide = wide or _WIDE_CELL.search(text) is not None
                        cells = found.setdefault(sheet, [])
                        for m in _FORMULA.finditer(text):
                            start = text.rfind(b"<c ", 0, m.start())
                            ref = _CELL_REF.match(text, start) if start >= 0 else None
                            if ref and len(cells) < 1000:
                                cell = (int(ref.group(2)), ref.group(1).decode())
                                if not cells or cells[-1] != cell:
                                    cells.append(cell)
                        tail = chunk[-200:]
                # Without a stated range, or with cells outside it, the reader sizes the sheet from
                # its cells (a wrong range once made it try to allocate 78 GB): bound those.
                # (Without a range and without 3-letter columns, rows x ZZ bounds it cheaply.)
                if dimension_area is None:
                    unsure = wide or last_row * _TWO_LETTERS > MAX_AREA
                else:
                    unsure = outside or last_row > stated_rows
                if sheet is not None and unsure and _cells_area(z, info) > MAX_AREA:
                    raise FileRefused(path=str(path), reason="too_large", detail=sheet)
            return found
    except FileRefused:
        raise
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, EOFError, OSError) as exc:
        raise FileRefused(path=str(path), reason="damaged", detail=str(exc)[:200]) from None
    except Exception as exc:  # zlib.error and friends from a damaged deflate stream
        raise FileRefused(path=str(path), reason="damaged", detail=str(exc)[:200]) from None


def _right_of(column: bytes) -> re.Pattern:
    """Cell references whose column lies right of ``column`` (labels compare by length, then
    letter by letter)."""
    label = column.decode()
    alternatives = [f"[A-Z]{{{len(label) + 1},3}}"] if len(label) < 3 else []
    for i, letter in enumerate(label):
        if letter < "Z":
            rest = len(label) - i - 1
            alternatives.append(f"{label[:i]}[{chr(ord(letter) + 1)}-Z]" + (f"[A-Z]{{{rest}}}" if rest else ""))
    if not alternatives:
        return re.compile(rb"(?!)")  # nothing lies right of XFD... (ZZZ)
    return re.compile(('<c r="(?:' + "|".join(alternatives) + r")\d").encode())


def _cells_area(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    """Rows x columns the reader allocates for a sheet sized from its cells (read again, rarely)."""
    rows, widest = 0, (0, b"")
    tail = b""
    with z.open(info) as part:
        while chunk := part.read(1 << 20):
            for m in _CELL_REF.finditer(tail + chunk):
                label = m.group(1)
                widest = max(widest, (len(label), label))
                rows = max(rows, int(m.group(2)))
            tail = chunk[-40:]
    return rows * (column_index_from_string(widest[1].decode()) if widest[0] else 0)


def _area(dim: re.Match) -> int:
    """Rows x columns of a <dimension ref="A1:XFD1048576"/>."""
    first_col, first_row, last_col, last_row = dim.groups()
    if last_col is None:
        return 1
    return (int(last_row) - int(first_row) + 1) * (
        column_index_from_string(last_col.decode()) - column_index_from_string(first_col.decode()) + 1
    )


def _sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """Part name -> sheet name, from the workbook and its relationships."""
    if "xl/workbook.xml" not in z.namelist():
        return {}
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    rid = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    book = ElementTree.fromstring(_small(z, "xl/workbook.xml"))
    rels = ElementTree.fromstring(_small(z, "xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    parts = {}
    for s in book.iterfind("m:sheets/m:sheet", ns):
        target = targets.get(s.get(rid), "")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        parts[target] = s.get("name", "")
    return parts


def _small(z: zipfile.ZipFile, name: str) -> bytes:
    with z.open(name) as f:
        data = f.read(16 * 2**20 + 1)
    if len(data) > 16 * 2**20:
        raise FileRefused(path=z.filename or "", reason="bomb", detail="")
    return data


def _read_csv(path: Path) -> Grid:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):  # GB 18030 reads every GBK file
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileRefused(path=str(path), reason="encoding", detail="")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    rows: list[list[str]] = []
    for row in csv.reader(io.StringIO(text), dialect):
        if row and max(map(len, row)) > MAX_CELL_CHARS:
            raise FileRefused(path=str(path), reason="cell_too_long", detail=f"第 {len(rows) + 1} 行")
        rows.append(row)
        if len(rows) > MAX_ROWS:
            raise FileRefused(path=str(path), reason="too_many_rows", detail=path.name)
    return Grid(path.stem, rows)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA (the grids' columns count from 0)."""
    return get_column_letter(index + 1)
