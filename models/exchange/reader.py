"""Reading workbooks (.xlsx, .xls) and CSV files safely into sheets of text cells.

python-calamine reads the cells (measured: ten times openpyxl's read-only mode, and it reads
.xls). Before it does, every part of an .xlsx is inflated once and scanned with hard limits: the
inflated size (shared strings charged once per cell that refers to them), the rows and the used
range of each sheet and of all sheets together, no DOCTYPE or entity declaration, no tag longer
than a chunk, no deep nesting; the scan also finds formula cells (calamine gives only cached
values). expat is the authority: it parses the prolog of every part, the shared strings, the
workbook and its relationships, and every chunk of a sheet that a quick pass cannot vouch for.
The quick pass (``_QuickCells``) reads only the cell references of chunks written exactly as
Excel, WPS and openpyxl write them (r first and once, double quotes, no prefix, formula or shared
string); anything else goes to expat. It exists for speed: expat alone made the county import
2.4 times its raw read, against the bench's limit of 2. Only the XML parts that passed are then
handed to calamine, as a new uncompressed workbook in memory: it reads exactly what was scanned,
never the file again.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import os
import re
import stat
import struct
import sys
import zipfile
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast
from xml.parsers import expat

from openpyxl.utils import column_index_from_string, get_column_letter

from models.errors import FileRefused
from models.exchange import protection

MAX_FILE_BYTES = 200 * 2**20  # the file as it lies on disk
# All XML parts of an .xlsx once inflated, each shared string counted again for every cell that
# shows it. With MAX_CELLS this bounds what a crafted file costs (measured: 248 MB of distinct
# short strings 0.92 GB and 11 s, 4.8 million numbers kept as numbers 1.15 GB and 17 s, 245 MB
# of references to one long shared string 0.48 GB); a real package is some 20 MB per 1,000
# households.
MAX_UNPACKED_BYTES = 256 * 2**20
MAX_ROWS = 200_000  # per sheet: a county's biggest village has a few thousand members a year
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
MAX_AREA = 10_000_000  # rows x columns of a sheet's used range: the reader allocates it whole
MAX_CELLS = 5_000_000  # rows x columns of all sheets together (all are kept): 360,000 per 1,000 households
MAX_FORMULAS = 1000  # formula cells reported per sheet

_CHUNK = 1 << 20
_MAX_PENDING = 1 << 20  # bytes expat may hold as one unfinished tag: a tag's attributes are built at once
_MAX_BLOCKS = 2_000_000  # memory blocks one part's parse may hold (expat keeps each open element)
_MAX_DIRECTORY = 1 << 20  # the zip's central directory (Python builds an object per entry)
_EXCEL_ROWS, _EXCEL_COLUMNS = 1_048_576, 16_384
_STRING_SLOT = 24  # bytes calamine keeps per shared string besides its text

_OTHER, _CELL, _INLINE, _VALUE, _FORMULA, _ROW, _SHEET_DATA, _SI, _SST = range(9)
_KINDS = {
    "c": _CELL,
    "is": _INLINE,
    "v": _VALUE,
    "f": _FORMULA,
    "row": _ROW,
    "sheetData": _SHEET_DATA,
    "si": _SI,
    "sst": _SST,
}
_NO_DIGITS = bytes.maketrans(b"0123456789", b" " * 10)
_NO_LETTERS = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", b" " * 26)


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


def read_file(
    path: Path | str, *, sheets: set[str] | None = None, keep_numbers: bool = False, xlsx_only: bool = False
) -> list[Grid]:
    """Every sheet (or the named ones) of a workbook or CSV file. Raises FileRefused.
    ``xlsx_only``: the county's packages, which are always .xlsx (the .xls reader has no scan)."""
    return _read(Path(path), sheets, keep_numbers, xlsx_only, None)[0]


def read_package(path: Path | str, password: str | None) -> tuple[list[Grid], bool]:
    """A village package's sheets, and whether it was encrypted: an encrypted one is decrypted
    with ``password`` into memory and then scanned as any other (FileRefused without one, or
    with a wrong one)."""
    return _read(Path(path), None, False, True, password)


def is_encrypted_file(path: Path | str) -> bool:
    """Whether a file is an encrypted workbook (False for one that cannot be read: reading it
    then says why)."""
    try:
        with _open_regular(Path(path)) as f:
            return protection.is_encrypted(f)
    except (FileRefused, OSError):
        return False


def _read(
    path: Path, sheets: set[str] | None, keep_numbers: bool, xlsx_only: bool, password: str | None
) -> tuple[list[Grid], bool]:
    encrypted = False
    with _open_regular(path) as f:
        head = f.read(8)
        f.seek(0)
        if head == protection.OLE_MAGIC and protection.is_encrypted(f):
            if not xlsx_only:  # a workbook with a password where a table is read (the national export)
                raise FileRefused(path=str(path), reason="encrypted_workbook", detail="")
            encrypted = True
            plain: IO[bytes] = protection.decrypt(f, password, str(path))
            head = plain.read(8)
            plain.seek(0)
            if not head.startswith(b"PK\x03\x04"):
                raise FileRefused(path=str(path), reason="not_package", detail="")
            formulas, workbook = _scan_xlsx(plain, path)
            return _read_calamine(path, workbook, formulas, sheets, keep_numbers), encrypted
        readable = head.startswith(b"\xd0\xcf\x11\xe0") or path.suffix.lower() in (".csv", ".txt")
        if xlsx_only and readable:  # an .xls or a CSV: a table, but never a package
            raise FileRefused(path=str(path), reason="not_package", detail="")
        if head.startswith(b"PK\x03\x04"):
            formulas, workbook = _scan_xlsx(f, path)
            source: str | io.BytesIO = workbook
        elif head.startswith(b"\xd0\xcf\x11\xe0"):  # the old binary .xls (OLE2)
            formulas, source = {}, str(path)
        elif path.suffix.lower() in (".csv", ".txt"):
            return [_read_csv(f, path)], encrypted
        else:
            raise FileRefused(path=str(path), reason="not_workbook", detail="")
    return _read_calamine(path, source, formulas, sheets, keep_numbers), encrypted


def _open_regular(path: Path) -> IO[bytes]:
    """The file opened for reading, if it is a regular file: a folder, a pipe or a device is
    named as such, and a pipe is never opened (opening one waits for a writer)."""
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        raise FileRefused(path=str(path), reason="missing", detail="") from None
    except OSError as exc:
        raise FileRefused(path=str(path), reason="unreadable", detail=exc.strerror or "") from None
    _refuse_special(path, info.st_mode)
    if info.st_size > MAX_FILE_BYTES:
        raise FileRefused(path=str(path), reason="too_big", detail=f"{info.st_size / 2**20:.0f} MB")
    try:  # non-blocking: should a pipe be put in its place since, the open cannot hang
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise FileRefused(path=str(path), reason="missing", detail="") from None
    except OSError as exc:
        raise FileRefused(path=str(path), reason="unreadable", detail=exc.strerror or "") from None
    try:
        _refuse_special(path, os.fstat(fd).st_mode)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def _refuse_special(path: Path, mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    reason = (
        "directory"
        if stat.S_ISDIR(mode)
        else "fifo"
        if stat.S_ISFIFO(mode)
        else "device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "special"
    )
    raise FileRefused(path=str(path), reason=reason, detail="")


def _read_calamine(
    path: Path,
    source: str | io.BytesIO,
    formulas: dict[str, list[tuple[int, str]]],
    wanted: set[str] | None,
    keep_numbers: bool,
) -> list[Grid]:
    import python_calamine

    try:
        if isinstance(source, str):
            wb = python_calamine.CalamineWorkbook.from_path(source)
        else:
            wb = python_calamine.CalamineWorkbook.from_filelike(source)
            source.close()  # calamine holds its own copy
        grids = []
        for name in wb.sheet_names:
            if wanted is not None and name not in wanted:
                continue
            sheet = wb.get_sheet_by_name(name)
            if sheet.height > MAX_ROWS:
                raise FileRefused(path=str(path), reason="too_many_rows", detail=name)
            raw = sheet.to_python(skip_empty_area=False)
            del sheet  # calamine's copy of the sheet goes before the next one is read
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
    except MemoryError:
        raise FileRefused(path=str(path), reason="out_of_memory", detail="") from None
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # calamine's own errors, and its panics (BaseExceptions)
        said = str(exc)
        if type(exc).__name__ == "PanicException" and any(w in said for w in ("null", "alloc", "capacity")):
            raise FileRefused(path=str(path), reason="out_of_memory", detail="") from None  # a failed allocation
        raise FileRefused(path=str(path), reason="damaged", detail=said[:200]) from None


# --- The .xlsx scan ----------------------------------------------------------------------------


def _scan_xlsx(f: IO[bytes], path: Path) -> tuple[dict[str, list[tuple[int, str]]], io.BytesIO]:
    """Every part inflated and parsed once with the limits above. Returns formula cells by sheet
    name, and the workbook calamine is to read (the XML parts that passed, uncompressed)."""
    try:
        _refuse_big_directory(f, path)
        with zipfile.ZipFile(f) as z:
            return _Scan(z, str(path)).run()
    except FileRefused:
        raise
    except MemoryError:
        raise FileRefused(path=str(path), reason="out_of_memory", detail="") from None
    except expat.ExpatError as exc:
        raise FileRefused(path=str(path), reason="damaged", detail=f"XML: {exc}"[:200]) from None
    except Exception as exc:  # zipfile, zlib and struct errors of a damaged archive
        raise FileRefused(path=str(path), reason="damaged", detail=str(exc)[:200]) from None


def _refuse_big_directory(f: IO[bytes], path: Path) -> None:
    """zipfile builds an object per entry of the central directory before anything else: a
    directory of millions of entries is refused from its size, read from the end record."""
    size = f.seek(0, os.SEEK_END)
    f.seek(max(0, size - 65_557))
    tail = f.read()
    f.seek(0)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) < at + 22:
        return  # zipfile refuses it
    (directory,) = struct.unpack_from("<I", tail, at + 12)
    if directory == 0xFFFFFFFF and at >= 20 and tail[at - 20 : at - 16] == b"PK\x06\x07":  # ZIP64
        (record,) = struct.unpack_from("<Q", tail, at - 12)
        f.seek(record)
        zip64 = f.read(56)
        f.seek(0)
        if len(zip64) == 56 and zip64[:4] == b"PK\x06\x06":
            (directory,) = struct.unpack_from("<Q", zip64, 40)
    if directory > _MAX_DIRECTORY:
        raise FileRefused(path=str(path), reason="bomb", detail="")


def _norm(name: str) -> str:
    """A part name as calamine looks it up (case and slashes aside)."""
    return name.replace("\\", "/").lower()


def _kind(kinds: dict[str, int], name: str) -> int:
    """An element's kind by its local name (SpreadsheetML may be written with a prefix, x:c),
    remembered in ``kinds`` (a plain dict: its get is the parse's commonest call)."""
    kind = kinds[name] = _KINDS.get(name.rpartition(":")[2], _OTHER)
    return kind


class _Scan:
    def __init__(self, z: zipfile.ZipFile, path: str) -> None:
        self.z, self.path = z, path
        self.used = 0  # bytes charged to MAX_UNPACKED_BYTES
        self.cells = 0  # rows x columns of the sheets so far
        self.strings = array("q")  # UTF-8 length of each shared string
        self.formulas: dict[str, list[tuple[int, str]]] = {}

    def refuse(self, reason: str, detail: str = "") -> FileRefused:
        return FileRefused(path=self.path, reason=reason, detail=detail)

    def charge(self, size: int, reason: str = "bomb") -> None:
        self.used += size
        if self.used > MAX_UNPACKED_BYTES:
            raise self.refuse(reason)

    def run(self) -> tuple[dict[str, list[tuple[int, str]]], io.BytesIO]:
        infos = [i for i in self.z.infolist() if not i.is_dir()]
        if any(_norm(i.filename) == "mimetype" for i in infos):  # OpenDocument (.ods), not SpreadsheetML
            raise self.refuse("not_workbook")
        seen: set[str] = set()
        for info in infos:
            if info.file_size > MAX_UNPACKED_BYTES:
                raise self.refuse("bomb")
            if _norm(info.filename) in seen:  # calamine would read one of the two, the scan both
                raise self.refuse("damaged", f"部件“{info.filename}”出现了两次")
            seen.add(_norm(info.filename))
        sheets = self.sheet_parts()
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as workbook:
            # Shared strings first: a sheet's cells are charged the strings they show.
            for info in sorted(infos, key=lambda i: not _norm(i.filename).endswith("sharedstrings.xml")):
                name = _norm(info.filename)
                if name.endswith("sharedstrings.xml"):
                    self.shared_strings(info, workbook)
                elif name.endswith((".xml", ".rels")) or name in sheets:
                    self.part(info, workbook, sheets.get(name))
                else:  # pictures, printer settings, macros: counted, never handed on
                    self.skip(info)
        out.seek(0)
        return self.formulas, out

    # --- the parts ---

    def parser(self, name: str) -> Any:
        p = expat.ParserCreate()
        p.buffer_text = True

        def declaration(*_: object) -> None:  # an .xlsx part never has one: no entity expansion, no XXE
            raise self.refuse("doctype", name)

        p.StartDoctypeDeclHandler = declaration
        p.EntityDeclHandler = declaration
        return p

    def feed(
        self,
        info: zipfile.ZipInfo,
        p: Any,
        write: Callable[[bytes, int], object] | None = None,
        after: Callable[[bytes, int], object] | None = None,
    ) -> None:
        """Inflate the part into the parser a chunk at a time; its bytes are charged when it is
        written (a part parsed a second time is not charged again)."""
        blocks = sys.getallocatedblocks()
        fed = 0
        with self.z.open(info) as part:
            while chunk := part.read(_CHUNK):
                if write is not None:
                    self.charge(len(chunk))
                p.Parse(chunk, False)
                if fed + len(chunk) - p.CurrentByteIndex > _MAX_PENDING:
                    raise self.refuse("structure", info.filename)
                if sys.getallocatedblocks() - blocks > _MAX_BLOCKS:
                    raise self.refuse("structure", info.filename)
                if write is not None:
                    write(chunk, fed)
                if after is not None:
                    after(chunk, fed)
                fed += len(chunk)
        p.Parse(b"", True)

    def skip(self, info: zipfile.ZipInfo) -> None:
        with self.z.open(info) as part:
            while chunk := part.read(_CHUNK):
                self.charge(len(chunk))

    def shared_strings(self, info: zipfile.ZipInfo, workbook: zipfile.ZipFile) -> None:
        kinds: dict[str, int] = {}
        lengths = array("q")
        current = -1
        reserved = 0

        def start(name: str, attrs: dict[str, str]) -> None:
            nonlocal current, reserved
            kind = kinds.get(name)
            if kind is None:
                kind = _kind(kinds, name)
            if kind == _SI:
                if current >= 0:
                    lengths.append(current)
                current = 0
            elif kind == _SST:  # calamine reserves room for uniqueCount strings up front
                digits = attrs.get("uniqueCount", "").lstrip("+")
                if digits.isascii() and digits.isdigit():
                    reserved = int(digits[:12])

        def text(data: str) -> None:
            nonlocal current
            if current >= 0:
                current += len(data.encode())

        p = self.parser(info.filename)
        p.StartElementHandler = start
        p.CharacterDataHandler = text
        with workbook.open(info.filename, "w") as out:
            self.feed(info, p, lambda chunk, _: out.write(chunk))
        if current >= 0:
            lengths.append(current)
        self.charge(_STRING_SLOT * max(len(lengths), reserved), "shared_strings")
        if len(self.strings) < len(lengths):  # two tables (a crafted file): the longer string counts
            self.strings.extend([0] * (len(lengths) - len(self.strings)))
        for i, n in enumerate(lengths):
            if n > self.strings[i]:
                self.strings[i] = n

    def part(self, info: zipfile.ZipInfo, workbook: zipfile.ZipFile, sheet: str | None) -> None:
        """Any XML part, inflated once, charged and written for calamine. The cells are found by
        a quick pass at C speed (the county import's hot path: a Python call per element, as
        expat makes, doubled the import's time) over the one shape a sheet has when every cell
        is written <c r="A1" ...> with double quotes, no prefixes, formulas or shared strings.
        That pass only vouches for a chunk after counting that every <c of it was read with r
        first; a part with anything else is then parsed by expat (parse_part), as is every part
        for a DOCTYPE before its first element."""
        quick = _QuickCells(self, sheet or info.filename)
        with workbook.open(info.filename, "w") as out:

            def write(chunk: bytes, at: int) -> None:
                if at == 0 and not self.prolog(chunk, info.filename):
                    quick.odd = True
                offset = quick.feed(chunk, at)
                if offset is not None:  # see _QuickCells.feed
                    out.write(chunk[:offset] + b"<mergeCells/>" + chunk[offset:])
                else:
                    out.write(chunk)

            self.copy(info, write)
        quick.finish()
        if quick.odd:
            self.parse_part(info, sheet)
        elif quick.sheet:
            self.sheet_done(quick.extent, sheet, [])

    def copy(self, info: zipfile.ZipInfo, write: Callable[[bytes, int], None]) -> None:
        at = 0
        with self.z.open(info) as part:
            while chunk := part.read(_CHUNK):
                self.charge(len(chunk))
                write(chunk, at)
                at += len(chunk)

    def prolog(self, chunk: bytes, name: str) -> bool:
        """expat over the start of a part up to its first element: a DOCTYPE (and so any entity
        declaration) can only come before it. False when the first chunk does not get there
        (or is not XML): expat then parses the whole part."""
        p = self.parser(name)

        def first(*_: object) -> None:
            raise _Prolog

        p.StartElementHandler = first
        try:
            p.Parse(chunk, False)
        except _Prolog:
            return True
        except expat.ExpatError:
            return False
        return False

    def sheet_done(self, extent: list[int], sheet: str | None, formulas: list[tuple[int, str]]) -> None:
        self.cells += extent[0] * extent[1]
        if self.cells > MAX_CELLS:
            raise self.refuse("too_many_cells")
        if sheet is not None:
            self.formulas.setdefault(sheet, []).extend(formulas[: MAX_FORMULAS - len(self.formulas.get(sheet, []))])

    def parse_part(self, info: zipfile.ZipInfo, sheet: str | None) -> None:
        """A part the quick pass could not vouch for, parsed by expat; one with a sheetData
        element is bounded as a sheet, cell by cell as calamine places them (a cell without r
        after the row's previous one), its formulas found and each shared string it shows
        charged. The cell references are collected as they come and checked a chunk at a time."""
        kinds: dict[str, int] = {}
        get = kinds.get
        refs: list[str] = []
        append = refs.append
        formulas: list[tuple[int, str]] = []
        strings, charge = self.strings, self.charge
        last: dict[str, str] | None = None  # the attributes of the cell being read
        pending = False  # that cell holds a value not yet counted
        rows = 0
        row_ref, row_ref_at = "", 0  # the last row's r attribute, and which row it was
        sheet_data = -1  # where <sheetData> starts in the part (-1: not a sheet)
        extent = [0, 0]  # largest row and column number of any cell with a value
        digits: list[str] = []
        p = self.parser(info.filename)

        def refuse(reason: str) -> FileRefused:
            where = sheet or info.filename
            return self.refuse(reason, f"{where}：单元格位置写法不对" if reason == "damaged" else where)

        def flush() -> None:
            if refs:
                _extend(extent, " ".join(refs).encode(), refuse)
                refs.clear()

        def without_ref(attrs: dict[str, str]) -> dict[str, str]:
            """calamine places a cell without r after the row's previous cell; the row is counted
            from the last row that had r (one row more, for a cell between rows)."""
            column = 1
            if last is not None:
                letters = _letters(last["r"])
                if not letters:
                    raise self.refuse("damaged", f"{sheet or info.filename}：单元格位置写法不对")
                column = column_index_from_string(letters) + 1
            row = (_row_number(row_ref) if row_ref else 0) + rows - row_ref_at + 1
            return {**attrs, "r": f"{get_column_letter(min(column, _EXCEL_COLUMNS + 1))}{row}"}

        def end_index(name: str) -> None:
            p.CharacterDataHandler = p.EndElementHandler = None
            text = "".join(digits).strip()
            if text.isascii() and text.isdigit() and int(text) < len(strings):
                charge(strings[int(text)], "shared_strings")

        def start(name: str, attrs: dict[str, str]) -> None:
            # Called for every element: the commonest kinds first, as plain int literals
            # (0 other, 1 <c>, 2 <is>, 3 <v>; _OTHER, _CELL, _INLINE, _VALUE).
            nonlocal last, pending
            kind = get(name, -1)
            if kind == 0:
                return
            if kind == 1:
                if "r" not in attrs:
                    attrs = without_ref(attrs)
                last = attrs
                pending = True
            elif kind == 2:
                if pending:
                    pending = False
                    append(attrs_r())
            elif kind == 3:
                if pending:
                    pending = False
                    append(attrs_r())
                if last is not None and last.get("t") == "s":  # the index of a shared string
                    digits.clear()
                    p.CharacterDataHandler = digits.append
                    p.EndElementHandler = end_index
            else:
                rare(name, kind, attrs)

        def attrs_r() -> str:
            assert last is not None  # pending only while last is a cell
            return last["r"]

        def rare(name: str, kind: int, attrs: dict[str, str]) -> None:
            nonlocal last, pending, rows, row_ref, row_ref_at, sheet_data
            if kind < 0:  # a name seen for the first time
                kind = _kind(kinds, name)
                if kind in (_OTHER, _CELL, _INLINE, _VALUE):
                    start(name, attrs)
                    return
            if kind == _ROW:
                rows += 1
                if rows > MAX_ROWS + 1:
                    raise self.refuse("too_many_rows", sheet or info.filename)
                if "r" in attrs:
                    row_ref, row_ref_at = attrs["r"], rows
                last, pending = None, False
            elif kind == _FORMULA:
                if last is not None:
                    if pending:
                        pending = False
                        append(last["r"])
                    if len(formulas) < MAX_FORMULAS:
                        letters = _letters(last["r"])
                        number = _row_number(last["r"])
                        if letters and number and (not formulas or formulas[-1] != (number, letters)):
                            formulas.append((number, letters))
            elif kind == _SHEET_DATA:
                sheet_data = 0

        def chunk_done(chunk: bytes, at: int) -> None:
            flush()  # the references of this chunk (some 70,000 at most)

        p.StartElementHandler = start
        self.feed(info, p, after=chunk_done)
        if sheet_data >= 0:  # else not a sheet: calamine reads no cells from it
            flush()
            self.sheet_done(extent, sheet, formulas)

    # --- which part is which sheet ---

    def small(self, name: str) -> bytes | None:
        """A part the sheet names come from (small in any real workbook), by calamine's lookup."""
        found = [i for i in self.z.infolist() if _norm(i.filename) == _norm(name)]
        if not found:
            return None
        with self.z.open(found[-1]) as f:
            data = f.read(16 * 2**20 + 1)
        if len(data) > 16 * 2**20:
            raise self.refuse("bomb")
        return data

    def elements(self, name: str, wanted: set[str]) -> Iterator[tuple[str, dict[str, str]]]:
        data = self.small(name)
        if data is None:
            return iter(())
        found: list[tuple[str, dict[str, str]]] = []

        def start(tag: str, attrs: dict[str, str]) -> None:
            local = tag.rpartition(":")[2]
            if local in wanted:
                found.append((local, attrs))

        p = self.parser(name)
        p.StartElementHandler = start
        p.Parse(data, True)
        return iter(found)

    def sheet_parts(self) -> dict[str, str]:
        """Part name (as _norm gives it) -> sheet name, found as calamine finds them: the
        workbook named by the package's relationships, its sheets by their relationship ids."""
        xl = "xl/"
        for _, attrs in self.elements("_rels/.rels", {"Relationship"}):
            if attrs.get("Type", "").endswith("/relationships/officeDocument"):
                target = attrs.get("Target", "")
                xl = target[: target.rfind("/") + 1].removeprefix("/")
        targets = {
            a.get("Id", ""): a.get("Target", "")
            for _, a in self.elements(xl + "_rels/workbook.xml.rels", {"Relationship"})
        }
        parts = {}
        for _, attrs in self.elements(xl + "workbook.xml", {"sheet"}):
            rid = next((v for k, v in attrs.items() if k.rpartition(":")[2] == "id"), "")
            target = targets.get(rid, "")
            path = target.removeprefix("/") if target.startswith("/") else xl + target
            parts[_norm(path)] = attrs.get("name", "")
        return parts


class _Prolog(Exception):
    """The first element of a part: its prolog, where a DOCTYPE would be, is over."""


# The quick pass's patterns (see _Scan.part): whatever follows each <c start tag up to the next
# '>' (so every <c is matched, whatever follows it), r written first, and what sends a part to
# expat instead.
_CELL_TAG = re.compile(rb"<c([ \t\r\n/>][^>]*)")
_FIRST_REF = re.compile(rb'\n r="([A-Za-z0-9]*)"')
_ANY_REF = re.compile(rb"[ \t\r\n:]r[ \t\r\n]*=")  # every r attribute, however written or prefixed
_FORMULA_TAG = re.compile(rb"<f[ \t\r\n/>]")
_PREFIXED = re.compile(rb":(?:c|f|v|is|row|sheetData)[ \t\r\n/>]")


class _QuickCells:
    """The used range of one part at C speed, or ``odd`` when this pass cannot vouch for it.

    It vouches for a chunk when every <c start tag in it was matched with r as its first
    attribute, every attribute value double-quoted (as many quotes as twice the '=' signs, so
    no '>' inside a value cut a tag short) and none is "s" (a shared string, charged by expat);
    with no formula and no prefixed SpreadsheetML element. A <c in a comment only widens the
    range. A tag cut by a chunk's end is read with the next chunk."""

    def __init__(self, scan: _Scan, where: str) -> None:
        self.scan, self.where = scan, where
        self.carry = b""  # from the last '<' of the chunk read
        self.odd = False
        self.sheet = False  # holds <sheetData
        self.extent = [0, 0]

    def refuse(self, reason: str) -> FileRefused:
        detail = f"{self.where}：单元格位置写法不对" if reason == "damaged" else self.where
        return self.scan.refuse(reason, detail)

    def feed(self, chunk: bytes, at: int) -> int | None:
        """One chunk read; returns where in it <sheetData starts, the first time.

        calamine reads each sheet twice, the second time for its merged cells, to the end when
        it has none: an empty <mergeCells/> put there ends that second pass (a fifth of its
        time); the cells and all else are left as they are."""
        offset = None
        if not self.sheet:
            found = (self.carry[-16:] + chunk).find(b"<sheetData")
            if found >= 0:
                self.sheet = True
                offset = found - len(self.carry[-16:]) if found >= len(self.carry[-16:]) else None
        if self.odd:
            return offset
        text = self.carry + chunk
        cut = text.rfind(b"<")
        cut = len(text) if cut < 0 else cut
        self.carry = text[cut:]
        if len(self.carry) > _MAX_PENDING:
            self.odd = True
        else:
            self.cells(text[:cut])
        return offset

    def finish(self) -> None:
        if not self.odd:
            self.cells(self.carry)
        self.carry = b""

    def cells(self, text: bytes) -> None:
        if _FORMULA_TAG.search(text) or _PREFIXED.search(text):
            self.odd = True
            return
        tags = _CELL_TAG.findall(text)
        if not tags:
            return
        joined = b"\n" + b"\n".join(tags)
        refs = _FIRST_REF.findall(joined)
        if (
            len(refs) != len(tags)  # a cell without r, or not first, or <c>, <c/>
            or len(_ANY_REF.findall(joined)) != len(tags)  # a second r (calamine would read the last)
            or b"'" in joined
            or b"<" in joined
            or b'"s"' in joined
            or joined.count(b'"') != 2 * joined.count(b"=")
        ):
            self.odd = True
            return
        _extend(self.extent, b" ".join(refs), self.refuse)


def _extend(extent: list[int], refs: bytes, refuse: Callable[[str], FileRefused]) -> None:
    """Widen [rows, columns] to cover cell references (joined by spaces), checked at once at C
    speed: each is letters then digits, as calamine reads them (a1 as A1)."""
    text = refs.upper()
    if text.translate(None, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 "):
        raise refuse("damaged")
    columns = set(text.translate(_NO_DIGITS).split())
    numbers = set(text.translate(_NO_LETTERS).split())
    if columns:
        widest = max(columns, key=lambda c: (len(c), c)).decode()
        if len(widest) > 3 or column_index_from_string(widest) > _EXCEL_COLUMNS:
            raise refuse("too_large")
        extent[1] = max(extent[1], column_index_from_string(widest))
    if numbers:
        if max(map(len, numbers)) > 7:
            raise refuse("too_large")
        extent[0] = max(extent[0], max(map(int, numbers)))
    if extent[0] > _EXCEL_ROWS:
        raise refuse("too_large")
    if extent[0] > MAX_ROWS + 1:
        raise refuse("too_many_rows")
    if extent[0] * extent[1] > MAX_AREA:
        raise refuse("too_large")


_ASCII_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _row_number(ref: str) -> int:
    """The row of a reference as calamine reads it ("A5" or "5" -> 5); 0 when unreadable."""
    number = ref.lstrip(_ASCII_LETTERS)
    return int(number[:8]) if number.isascii() and number.isdigit() else 0


def _letters(ref: str) -> str:
    """The column letters of a reference ("ab12" -> "AB"); "" when they are not 1 to 3 letters."""
    letters = ref[: len(ref) - len(ref.lstrip(_ASCII_LETTERS))].upper()
    return letters if 1 <= len(letters) <= 3 else ""


# --- CSV -----------------------------------------------------------------------------------------


def _read_csv(f: IO[bytes], path: Path) -> Grid:
    """A CSV file read as a stream (never decoded whole): UTF-8, else GB 18030 (which reads
    every GBK file); CR, LF and CRLF line ends alike."""
    encoding = _csv_encoding(f, path)
    text = io.TextIOWrapper(f, encoding=encoding, newline="")
    try:
        sample = text.read(4096)
        try:
            dialect: Any = csv.Sniffer().sniff(sample, delimiters=",\t;")
        except csv.Error:
            dialect = csv.excel
        # The csv module refuses fields over 128 KB with an error that names no cell: fields are
        # read whole (the file is at most 200 MB) and measured below, where the cell can be named.
        csv.field_size_limit(max(csv.field_size_limit(), MAX_FILE_BYTES + 1))
        try:
            return _csv_grid(text, dialect, path, strict=True)
        except _BadQuoting:  # a quote after a closing quote ("a"b): read leniently, as Excel does
            return _csv_grid(text, dialect, path, strict=False)
    finally:
        text.detach()


class _BadQuoting(Exception):
    pass


def _csv_grid(text: io.TextIOWrapper, dialect: Any, path: Path, *, strict: bool) -> Grid:
    text.seek(0)
    reader = csv.reader(text, dialect, strict=strict)
    rows: list[list[str]] = []
    cells = 0
    line = 0  # the last line of the record read so far
    try:
        for row in reader:
            if row and max(map(len, row)) > MAX_CELL_CHARS:
                column = max(range(len(row)), key=lambda i: len(row[i]))
                where = f"{column_letter(column)}{len(rows) + 1}（第 {len(rows) + 1} 行第 {column + 1} 列）"
                raise FileRefused(path=str(path), reason="cell_too_long", detail=where)
            rows.append(row)
            cells += len(row)
            if len(rows) > MAX_ROWS:
                raise FileRefused(path=str(path), reason="too_many_rows", detail=path.name)
            if cells > MAX_CELLS:
                raise FileRefused(path=str(path), reason="too_many_cells", detail="")
            line = reader.line_num
    except csv.Error as exc:
        message = str(exc)
        if "unexpected end of data" in message:  # a quote opened that never closes
            raise FileRefused(path=str(path), reason="csv_quote", detail=str(line + 1)) from None
        if strict and "expected after" in message:
            raise _BadQuoting from None
        what = "含有空字符（NUL），不是文本" if "NUL" in message else "无法按 CSV 读取"
        raise FileRefused(path=str(path), reason="csv_line", detail=f"第 {line + 1} 行{what}") from None
    return Grid(path.stem, rows)


def _csv_encoding(f: IO[bytes], path: Path) -> str:
    """utf-8-sig when the whole file decodes as UTF-8, else gb18030 when it decodes so."""
    for encoding in ("utf-8-sig", "gb18030"):
        f.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            while chunk := f.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        f.seek(0)
        return encoding
    raise FileRefused(path=str(path), reason="encoding", detail="")


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA (the grids' columns count from 0)."""
    return get_column_letter(index + 1)
