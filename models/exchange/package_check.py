"""Reading a village package back and checking everything in it that needs no database:
manifest, format version, sheets, headers (by label, any order), formulas, counts, checksum
(down to the edited cell), every value, references between sheets and duplicates."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

from openpyxl.utils import column_index_from_string

from models import codes
from models.errors import DuplicateIdNumber, FileRefused, Repeated
from models.exchange import package as pkg
from models.exchange.anchors import CHAIN_ACKNOWLEDGED, Chain, read_chain
from models.exchange.problems import ERROR, WARNING, RowProblem
from models.exchange.protection import mac_key
from models.exchange.reader import Grid, column_letter, read_package
from models.fields import RECORDS
from models.rules import members as member_rules
from models.rules import records as rules
from models.rules import register
from models.rules.assistance import overlapping
from models.rules.base import repeated
from models.rules.ledgers import finding_dates, paid_after_start
from models.rules.values import column_from_text, to_text
from models.wording import describe, refusal

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class Record:
    """One row of a data sheet: its Excel row, UUID and stored values (references still as UUIDs)."""

    __slots__ = ("row", "uuid", "values")

    def __init__(self, row: int, uuid: str, values: dict[str, Any]) -> None:
        self.row, self.uuid, self.values = row, uuid, values


class Table:
    """One data sheet's records a column at a time: Excel rows, UUIDs and, per stored column, its
    values in row order (a cell that could not be read is None; its problem is reported). Whole
    columns are what the checks and the import's inserts take; rows are made only where needed."""

    __slots__ = ("columns", "rows", "uuids")

    def __init__(self, rows: list[int], uuids: list[str], columns: dict[str, list[Any]]) -> None:
        self.rows, self.uuids, self.columns = rows, uuids, columns

    def __len__(self) -> int:
        return len(self.uuids)

    def get(self, name: str) -> list[Any]:
        return self.columns.get(name) or [None] * len(self.uuids)

    def records(self) -> Iterator[Record]:
        names = list(self.columns)
        for row, uuid, values in zip(self.rows, self.uuids, zip(*self.columns.values())):
            yield Record(row, uuid, dict(zip(names, values)))


_EMPTY = Table([], [], {})


@dataclass
class CheckedPackage:
    file: str
    facts: dict[str, str] = field(default_factory=dict)
    tables: dict[str, Table] = field(default_factory=dict)  # table -> its records, in sheet order
    problems: list[RowProblem] = field(default_factory=list)
    modified: bool = False
    headers: dict[str, dict[str, str]] = field(default_factory=dict)  # sheet -> stored column -> header
    row_hashes: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # sheet -> (row, hash as written)
    content_checksum: str = ""  # of what the file holds (differs from the manifest's when modified)
    version: int = int(pkg.FORMAT_VERSION)  # the package's format version (older ones import too)
    encrypted: bool = False  # the file had a password (decrypted in memory)
    signed: bool = False  # the manifest has a signature (HMAC-SHA256 with the package password's key)
    chain: Chain | None = None  # the village's audit chain as the manifest gives it (format 4)
    accepted: bool = False  # a problem was let through as a warning by 接受改动 (audited with the import)
    rebased: bool = False  # a chain that does not extend the county's anchors, accepted by 接受改动

    @property
    def sheets(self) -> tuple[pkg.Sheet, ...]:
        """The sheets its format version holds."""
        return pkg.sheets_at(self.version)

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)

    @property
    def village_code(self) -> str:
        return self.facts.get(pkg.VILLAGE_CODE, "")

    @property
    def exported_at(self) -> str:
        return self.facts.get(pkg.EXPORTED_AT, "")

    @property
    def checksum(self) -> str:
        """The manifest's signature, else its plain checksum."""
        return self.facts.get(pkg.MAC_KEY) or self.facts.get(pkg.CHECKSUM_KEY, "")

    @property
    def protection(self) -> str:
        """已加密/未加密 and 已签名/未签名, as the county is told."""
        return ("已加密" if self.encrypted else "未加密") + "、" + ("已签名" if self.signed else "未签名")

    def table(self, name: str) -> Table:
        return self.tables.get(name, _EMPTY)

    def add(self, sheet: str, row: int | None, column: str, value: str, message: str, level: str = ERROR) -> None:
        self.problems.append(RowProblem(self.file, sheet, row, column, value, message, level))

    def add_at(self, table: str, i: int, name: str, error: Exception, level: str = ERROR) -> None:
        """A rule's problem with the ``i``-th record of a table's sheet, at its field's column,
        its value shown as the cell reads (labels, not keys)."""
        sheet = pkg.SHEET_OF[table]
        found = self.table(table)
        header = self.headers.get(sheet.name, {}).get(name, sheet.record.header(name))
        value = to_text(sheet.record[name], found.get(name)[i])
        self.add(sheet.name, found.rows[i], header, value, describe(error), level)


def check_file(path: Path | str, *, accept_modified: bool = False, password: str | None = None) -> CheckedPackage:
    """Everything about the file on its own; the county checks follow in package_import.
    ``password``: the county's package password (an encrypted package is opened with it, and a
    signed one's signature checked with its key)."""
    out = CheckedPackage(str(path))
    try:
        found, out.encrypted = read_package(path, password)
        grids = {g.name: g for g in found}
    except FileRefused as refused:
        out.add("", None, "", "", refusal(refused))  # the problem's file column names the file
        return out
    if pkg.MANIFEST not in grids:
        out.add("", None, "", "", f"没有“{pkg.MANIFEST}”工作表：这不是村档导出的上报包")
        return out
    counts = _manifest(out, grids[pkg.MANIFEST])
    version = out.facts.get(pkg.FORMAT_KEY, "")
    if version not in pkg.FORMAT_VERSIONS:
        newer = version.isdigit() and int(version) > int(pkg.FORMAT_VERSION)
        out.add(
            pkg.MANIFEST,
            None,
            pkg.FORMAT_KEY,
            version,
            f"上报包由较新版本的村档导出（格式版本 {version}），本程序只认格式版本 {pkg.FORMAT_VERSION} 及以前的，请先升级村档"
            if newer
            else f"无法识别的格式版本，本程序只认格式版本 {'、'.join(pkg.FORMAT_VERSIONS)}",
        )
        return out
    out.version = int(version)
    if not (len(out.village_code) == 12 and out.village_code.isdigit()):
        out.add(pkg.MANIFEST, None, pkg.VILLAGE_CODE, out.village_code, "清单中的村代码应为 12 位数字")
    _export_time(out)
    _chain(out)
    known = {s.name for s in out.sheets} | {pkg.MANIFEST, pkg.CODE_SHEET}
    for name in grids:
        if name not in known:
            out.add(name, None, "", "", "无法识别的工作表，不会导入", WARNING)
    texts: list[tuple[str, list[str], list[list[str]]]] = []
    for sheet in out.sheets:
        grid = grids.get(sheet.name)
        if grid is None:
            out.add(sheet.name, None, "", "", "缺少这个工作表")
            continue
        rows = _sheet(out, sheet, grid, counts)
        if rows is not None:
            texts.append((sheet.name, sheet.headers_at(out.version), rows))
    if len(texts) < len(out.sheets):  # a sheet missing or unreadable: nothing further can be matched
        return out
    key = _signature_key(out, password, accept_modified)
    out.content_checksum = pkg.checksum(texts, out.facts, key)
    if out.content_checksum != out.checksum and (key is not None or not out.signed):
        out.modified = True
        _locate_edits(out, texts, accept_modified)
    _references(out)
    _duplicates(out)
    _together(out)
    return out


def _export_time(out: CheckedPackage) -> None:
    """导出时间 as the program writes it (yyyy-MM-ddTHH:mm:ss), and not in the future."""
    text = out.exported_at
    try:
        when = dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        out.add(
            pkg.MANIFEST,
            None,
            pkg.EXPORTED_AT,
            text,
            "导出时间格式不对（应为村档写入的 yyyy-MM-ddTHH:mm:ss），清单被改动过？",
        )
        return
    if when > dt.datetime.now() + dt.timedelta(days=1):
        out.add(pkg.MANIFEST, None, pkg.EXPORTED_AT, text, "导出时间晚于现在：清单被改动过，或导出电脑的日期不对")


def _chain(out: CheckedPackage) -> None:
    """The village's audit chain as the manifest gives it, and the problems an 管理员 there
    acknowledged (told as warnings: the county sees what the village's records went through)."""
    if out.version < 4:
        return
    out.chain, problems = read_chain(out.facts)
    for key, value, message in problems:
        out.add(pkg.MANIFEST, None, key, value, message)
    for sentence in out.chain.acknowledged if out.chain else ():
        out.add(pkg.MANIFEST, None, CHAIN_ACKNOWLEDGED, "", f"村里管理员确认过的变更记录问题：{sentence}", WARNING)


def _signature_key(out: CheckedPackage, password: str | None, accept: bool) -> bytes | None:
    """The key a signed package is checked with (from the county's package password); without
    one the signature cannot be checked, which is said as a change would be."""
    out.signed = bool(out.facts.get(pkg.MAC_KEY))
    if not out.signed:
        return None
    if password:
        return mac_key(password)
    out.accepted = accept
    out.add(
        pkg.MANIFEST,
        None,
        pkg.MAC_KEY,
        "",
        "上报包有签名，但没有上报包密码，无法核对导出后是否被改动过：请先设置县里的上报包密码"
        + ("；已选择“接受改动”，导入时记入操作日志" if accept else ""),
        WARNING if accept else ERROR,
    )
    return None


def _manifest(out: CheckedPackage, grid: Grid) -> dict[str, int]:
    counts: dict[str, int] = {}
    in_counts = False
    for row in grid.rows:
        key = row[0].strip() if row else ""
        value = row[1].strip() if len(row) > 1 else ""
        if key == pkg.SHEET_KEY:
            in_counts = True
        elif in_counts and key:
            counts[key] = int(value) if value.isdigit() else -1
        elif key:
            out.facts[key] = value
    return counts


def _sheet(out: CheckedPackage, sheet: pkg.Sheet, grid: Grid, counts: dict[str, int]) -> list[list[str]] | None:
    """Headers, formulas and counts; then each row as text in the export's column order."""
    written = [h.strip() for h in grid.rows[0]] if grid.rows else []
    expected = sheet.headers_at(out.version)
    where: dict[str, int] = {}
    unknown = []
    for i, h in enumerate(written):
        if not h:
            continue
        if h in where:
            out.add(sheet.name, 1, h, h, "列名重复")
        elif h in expected or h == pkg.ROW_HASH:
            where[h] = i
        else:
            unknown.append((i, h))
    missing = [h for h in expected if h not in where]
    for i, h in unknown:  # with a column missing, an unknown one is most likely it, renamed
        if missing:
            out.add(sheet.name, 1, column_letter(i), h, "无法识别的列名（列名被改动？应与导出时一致）")
        else:
            out.add(sheet.name, 1, column_letter(i), h, "多出的列，不会导入", WARNING)
    for h in missing:
        out.add(sheet.name, 1, h, "", f"缺少列“{h}”")
    for row, col in grid.formulas:  # said, and the rest of the sheet is still checked
        value = _cell(grid.rows, row - 1, column_index_from_string(col) - 1)
        out.add(sheet.name, row, _header_at(written, col), value, "这里应为数值，不能是公式（已按公式的计算结果检查）")
    if any(h not in where for h in expected):
        return None
    order = [where[h] for h in expected]
    hash_at = where.get(pkg.ROW_HASH)
    rows: list[list[str]] = []
    row_numbers: list[int] = []
    row_hashes: list[str] = []
    same_order = order == list(range(len(order)))  # as exported: a slice instead of a pick per cell
    n = len(order)
    body = grid.rows[1:]
    if (
        same_order
        and body
        and min(map(len, body)) > max(n - 1, hash_at or 0)
        and all(map(str.strip, map(itemgetter(0), body)))
    ):  # as exported, no blank rows: whole columns at C speed
        rows = list(map(itemgetter(slice(0, n)), body))
        row_numbers = list(range(2, len(body) + 2))
        row_hashes = list(map(itemgetter(hash_at), body)) if hash_at is not None else [""] * len(body)
    else:
        for r, cells in enumerate(body, 2):
            if not cells[0].strip() and not "".join(cells).strip():
                continue
            width = len(cells)
            if same_order and width >= n:
                rows.append(cells[:n])
            else:
                rows.append([cells[i] if i < width else "" for i in order])
            row_numbers.append(r)
            row_hashes.append(cells[hash_at] if hash_at is not None and hash_at < width else "")
    listed = counts.get(sheet.name)
    if listed is None:
        out.add(pkg.MANIFEST, None, sheet.name, "", f"清单中没有工作表“{sheet.name}”的行数")
    elif listed != len(rows):
        out.add(sheet.name, None, "", str(len(rows)), f"清单记载 {listed} 行，工作表实有 {len(rows)} 行")
    out.headers[sheet.name] = dict(
        zip([*sheet.refs, *(f.name for f in sheet.fields_at(out.version))], expected[1:], strict=True)
    )
    _records(out, sheet, rows, row_numbers)
    out.row_hashes[sheet.name] = list(zip(row_numbers, row_hashes))
    return rows


def _cell(rows: list[list[str]], r: int, c: int) -> str:
    return rows[r][c] if 0 <= r < len(rows) and 0 <= c < len(rows[r]) else ""


def _header_at(written: list[str], col: str) -> str:
    i = column_index_from_string(col) - 1
    return written[i] if i < len(written) and written[i] else col


_ALL_UUIDS = re.compile(r"(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\n)*")


def _records(out: CheckedPackage, sheet: pkg.Sheet, rows: list[list[str]], numbers: list[int]) -> None:
    """Each row's stored values, worked out a column at a time, then the rule book over the sheet:
    every field's own checks and the table's row rules, as the village form applies them. Text
    cells are kept as written (then normalised); every other kind is converted once per distinct
    text (codes, dates and amounts repeat)."""
    fields = sheet.fields_at(out.version)
    refs = list(sheet.refs)
    names = refs + [f.name for f in fields]
    cols = list(zip(*rows, strict=True)) if rows else [()] * (1 + len(names))
    uuids = list(map(str.strip, cols[0]))
    column = "\n".join(uuids) + "\n"  # one look at the whole column first (the length rules out a '\n' inside a cell)
    if not (len(column) == 37 * len(uuids) and _ALL_UUIDS.fullmatch(column)):
        for r, u in zip(numbers, uuids, strict=True):
            if not UUID_RE.match(u):
                out.add(sheet.name, r, "UUID", u, "UUID 为空或格式不对")
    converted: list[list[Any]] = [[t.strip() or None for t in cols[1 + i]] for i in range(len(refs))]
    for j, spec in enumerate(fields):
        texts = cols[1 + len(refs) + j]
        if spec.kind in ("text", "note", "id_number", "phone", "digits"):
            converted.append(list(texts))  # as written; the normaliser and the rules look at them next
        elif spec.kind in ("group", "step"):
            converted.append([t.strip() or None for t in texts] if spec.kind == "group" else list(texts))
        else:
            values, errors = column_from_text(spec, texts)
            for i, error in errors:
                out.add(sheet.name, numbers[i], spec.label, texts[i], describe(error))
            converted.append(values)
    table = out.tables[sheet.table] = Table(numbers, uuids, dict(zip(names, converted, strict=True)))
    if sheet.table == "procedure_steps":
        _steps(out, sheet, table)
    elif sheet.table == "members":
        _member_ids(out, sheet, table)
    _rules(out, sheet, table)


def _rules(out: CheckedPackage, sheet: pkg.Sheet, table: Table) -> None:
    """The village's own rules over the sheet (the same functions its form and services call):
    text normalised as the writer will store it, then each field's checks and the row rules.
    A cell already refused for its value is not named again."""
    if not len(table):
        return
    stored = {n: c for n, c in table.columns.items() if n not in sheet.refs}
    changed, refused = rules.clean_columns(sheet.table, stored)
    table.columns.update(changed)
    stored = {n: table.columns[n] for n in stored}
    told = {(p.row, p.column) for p in out.problems if p.sheet == sheet.name and p.is_error}
    headers = out.headers.get(sheet.name, {})
    for i, name, error, level in rules.check_columns(sheet.table, stored, len(table), refused=refused):
        row, header = table.rows[i], headers.get(name, name)
        if (row, header) in told:
            continue
        value = table.columns.get(name, [None] * len(table))[i]
        shown = to_text(sheet.record[name], value) if name in sheet.record else str(value or "")
        out.add(sheet.name, row, header, shown, describe(error), level)  # as the cell reads (女, not 2)


def _steps(out: CheckedPackage, sheet: pkg.Sheet, table: Table) -> None:
    """A step is written as its label; stored as its key within the procedure."""
    steps = table.columns["step"]  # changed in place
    for i, (r, text, procedure) in enumerate(zip(table.rows, steps, table.get("procedure"), strict=True)):
        text = (text or "").strip()
        if text == codes.STOP_LABEL:
            steps[i] = "stop"
        elif procedure in codes.PROCEDURE_STEPS and text in codes.PROCEDURE_STEPS[procedure].labels:
            steps[i] = codes.PROCEDURE_STEPS[procedure].key(text)
        elif text in codes.OLD_STEP_LABELS.get(procedure or "", {}) and out.version == 1:
            steps[i] = codes.OLD_STEP_LABELS[procedure or ""][text]
        elif procedure:
            steps[i] = None
            out.add(sheet.name, r, sheet.record.label("step"), text, f"不是“{codes.PROCEDURE.label(procedure)}”的步骤")


_AS_NUMBER = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")


def _member_ids(out: CheckedPackage, sheet: pkg.Sheet, table: Table) -> None:
    """ID numbers Excel turned into numbers can't be mended; a lower-case x is (a warning). The
    ID rule itself runs with the other rules."""
    numbers = table.columns["id_number"]  # changed in place
    for i, (r, number) in enumerate(zip(table.rows, numbers, strict=True)):
        if not number:
            continue
        if _AS_NUMBER.match(number):
            out.add(
                sheet.name,
                r,
                sheet.record.label("id_number"),
                number,
                "证件号码被存成了数字，后几位已经丢失，无法还原：请从村档重新导出，不要在 Excel 中改动这一列",
            )
            numbers[i] = None
            continue
        if number.strip() != number.strip().upper():
            out.add(sheet.name, r, sheet.record.label("id_number"), number, "末位的小写 x 已改为大写 X", WARNING)
            numbers[i] = number.strip().upper()


def _locate_edits(out: CheckedPackage, texts: list[tuple[str, list[str], list[list[str]]]], accept: bool) -> None:
    """The checksum differs: name each changed cell by the row's hidden marks. Rows already
    refused for a wrong value are not named again."""
    level = WARNING if accept else ERROR
    suffix = "；已选择“接受改动”，导入时记入操作日志" if accept else "；如确认改动无误，可选择“接受改动”后导入"
    found = 0
    explained = {(p.sheet, p.row) for p in out.problems if p.is_error}
    for name, headers, rows in texts:
        for (excel_row, written), row in zip(out.row_hashes.get(name, []), rows):
            if written == pkg.row_hash(row):
                continue
            found += 1
            if (name, excel_row) in explained:
                continue
            if not written:
                out.add(name, excel_row, "", row[0], "这一行是导出后新增的" + suffix, level)
                continue
            marks = pkg.cell_marks(row)
            cells = [i for i, (a, b) in enumerate(zip(marks, written[16:])) if a != b]
            for i in cells:
                out.add(name, excel_row, headers[i], row[i], "导出后被改动过（与校验值不符）" + suffix, level)
            if not cells:
                out.add(name, excel_row, "", row[0], "这一行导出后被改动过（与校验值不符）" + suffix, level)
    if not found:
        signed = out.signed
        out.add(
            pkg.MANIFEST,
            None,
            pkg.MAC_KEY if signed else pkg.CHECKSUM_KEY,
            out.checksum,
            (
                "签名不符：上报包导出后被改动过（可能删除了行、改了清单，或改后重新算了校验值），"
                "或村里输入的上报包密码与县里的不同"
                if signed
                else "校验值不符：上报包导出后被改动过（可能删除了行或改了清单）"
            )
            + suffix,
            level,
        )


def _references(out: CheckedPackage) -> None:
    uuids = {t: set(tab.uuids) for t, tab in out.tables.items()}
    for sheet in pkg.SHEETS:
        tab = out.table(sheet.table)
        found_here: list[tuple[int, int, str, str, str]] = []  # reported in row order, as the rows read
        for j, column in enumerate(sheet.refs):
            field = sheet.record[column]
            refs = tab.get(column)
            known = uuids.get(field.ref, set())
            found = set(refs)
            if (None not in found or not field.required) and found - {None} <= known:
                continue  # the whole column at once; row by row only to name what is wrong
            header = sheet.ref_header(column)
            for r, ref in zip(tab.rows, refs, strict=True):
                if ref is None:
                    if field.required:
                        found_here.append((r, j, header, "", "不能为空"))
                elif ref not in known:
                    found_here.append((r, j, header, ref, f"在“{RECORDS[field.ref].title}”工作表中找不到这个 UUID"))
        for r, _, header, value, message in sorted(found_here, key=lambda p: p[:2]):
            out.add(sheet.name, r, header, value, message)
        if sheet.table == "households":
            groups = set(out.table("village_groups").get("name"))
            for r, g in zip(tab.rows, tab.get("group_id"), strict=True):
                if g and g not in groups:
                    out.add(sheet.name, r, "村民小组", g, "“村民小组”工作表中没有这个小组")
    villages = out.table("villages")
    if len(villages) != 1:
        name = pkg.SHEET_OF["villages"].name
        out.add(name, None, "", str(len(villages)), f"“{name}”工作表应有且只有一行")
    elif villages.get("code")[0] != out.village_code:
        out.add(
            pkg.SHEET_OF["villages"].name,
            villages.rows[0],
            pkg.VILLAGE_CODE,
            str(villages.get("code")[0]),
            "与清单中的村代码不一致",
        )


# Keys the database holds unique within a village's records.
_UNIQUE: dict[str, list[tuple[str, ...]]] = {
    "village_groups": [("name",)],
    "households": [("household_no",)],
    "incomes": [("household_id", "year")],
    "assurances": [("household_id", "year")],
    "plans": [("household_id", "year")],
    "attendance": [("cadre_id", "day")],
    "project_beneficiaries": [("project_id", "household_id")],
    "village_poverty_lines": [("year", "province")],
    "village_settings": [("key",)],
}


def _duplicates(out: CheckedPackage) -> None:
    """UUIDs and the keys the database holds unique. Keys are worked out a column at a time;
    rows are walked only where a key repeats."""
    for sheet in pkg.SHEETS:
        tab = out.table(sheet.table)
        _repeats(out, sheet.name, tab.rows, [u or None for u in tab.uuids], tab.uuids, "UUID", "UUID 重复")
        for key in _UNIQUE.get(sheet.table, []):
            header = out.headers.get(sheet.name, {}).get(key[-1], key[-1])
            parts = [tab.get(c) for c in key]
            keys = parts[0] if len(parts) == 1 else [None if None in k else k for k in zip(*parts, strict=True)]
            _repeats(out, sheet.name, tab.rows, keys, parts[-1], header, "与另一行重复")


def _groups(column: list[Any]) -> dict[Any, list[int]]:
    """Row indexes by the record each row belongs to (a reference column)."""
    out: dict[Any, list[int]] = {}
    for i, key in enumerate(column):
        out.setdefault(key, []).append(i)
    return out


def _together(out: CheckedPackage) -> None:
    """The rules over records together, as the village applies them: a household's members
    (one head, the couple), nobody registered twice in the village, a household's status and
    its status changes, its pairings, a project's payments, an inspection's problems."""
    members = out.table("members")
    relations, sexes, lefts = members.get("relation"), members.get("sex"), members.get("left_date")
    for _, rows in _groups(members.get("household_id")).items():
        current = [not lefts[i] for i in rows]
        mine = [relations[i] or "" for i in rows]
        for at, error in member_rules.head_problems(mine, current):
            out.add_at("members", rows[at if at is not None else 0], "relation", error)
        for at, error in member_rules.couple_warnings(mine, [sexes[i] or "" for i in rows], current):
            out.add_at("members", rows[at], "sex", error, WARNING)
    # One registration per person in the village, among current members.
    types, numbers = members.get("id_type"), members.get("id_number")
    keys = [
        member_rules.person_key(t or "", n or "") if not left else ""
        for t, n, left in zip(types, numbers, lefts, strict=True)
    ]
    households = out.table("households")
    number_of = dict(zip(households.uuids, households.get("household_no"), strict=True))
    names, owners = members.get("name"), members.get("household_id")
    for i, first in member_rules.repeated(keys):
        error = DuplicateIdNumber(
            id_number=keys[i], household_no=number_of.get(owners[first]) or "", name=names[first] or ""
        )
        out.add_at("members", i, "id_number", error)
    _status_history(out, households)
    _pairings(out)
    _payments_and_problems(out)


def _status_history(out: CheckedPackage, households: Table) -> None:
    """A household's 脱贫状态 is what its status changes, in date order, lead to."""
    events = out.table("status_events")
    by_household = _groups(events.get("household_id"))
    kinds, days = events.get("kind"), events.get("event_date")
    for at, (uuid, status) in enumerate(zip(households.uuids, households.get("status"), strict=True)):
        if status is None:
            continue  # already refused for its value
        mine = sorted(by_household.get(uuid, []), key=lambda i: (days[i] or "", events.rows[i]))
        if any(kinds[i] is None for i in mine):
            continue
        error = register.status_problem(status, [kinds[i] for i in mine])
        if error is not None:
            out.add_at("households", at, "status", error)


def _pairings(out: CheckedPackage) -> None:
    pairings = out.table("pairings")
    starts, ends = pairings.get("start_date"), pairings.get("end_date")
    for _, rows in _groups(pairings.get("household_id")).items():
        if len(rows) < 2:
            continue
        periods = [(starts[i] or "", ends[i]) for i in rows]
        for later, earlier in overlapping(periods):
            i, j = rows[later], rows[earlier]
            first = f"第 {pairings.rows[j]} 行的结对时间（一户同一时间只能有一名帮扶责任人）"
            out.add_at("pairings", i, "start_date", Repeated(first=first))


def _payments_and_problems(out: CheckedPackage) -> None:
    projects = out.table("projects")
    start_of = dict(zip(projects.uuids, projects.get("start_date"), strict=True))
    paid = out.table("disbursements")
    for i, (project, day) in enumerate(zip(paid.get("project_id"), paid.get("pay_date"), strict=True)):
        error = paid_after_start(day or "", start_of.get(project))
        if error is not None:
            out.add_at("disbursements", i, "pay_date", error)
    inspections = out.table("inspections")
    day_of = dict(zip(inspections.uuids, inspections.get("inspect_date"), strict=True))
    found = out.table("problems")
    for i, (inspection, deadline, done) in enumerate(
        zip(found.get("inspection_id"), found.get("deadline"), found.get("completed_date"), strict=True)
    ):
        for name, date_error in finding_dates(deadline or "", done, day_of.get(inspection) or ""):
            out.add_at("problems", i, name, date_error)


def _repeats(
    out: CheckedPackage, sheet: str, rows: list[int], keys: list[Any], cells: list[Any], header: str, message: str
) -> None:
    """Every row whose key (None: no key) an earlier row already has, pointing at the first one;
    ``cells`` are the values to show."""
    for i, first in repeated(keys):
        out.add(sheet, rows[i], header, str(cells[i] or ""), f"{message}（与第 {rows[first]} 行）")
