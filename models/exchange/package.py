"""The village package (上报包): one workbook the county collects — a manifest, then a sheet per
record kind with Chinese headers, a UUID per record, references by UUID, every value as text,
and dropdowns on coded columns. Reading it back is models/exchange/package_check.py."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import uuid
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from models.config import EXIT_SETTINGS, to_settings
from models.exchange import anchors, protection
from models.exchange.anchors import CHAIN_FACTS
from models.exchange.xlsx import begin_sheet, refuse_unwritable, workbook_bytes
from models.fields import RECORDS, Fields, FieldSpec, ref_header, views
from models.fields.records import HOUSEHOLD
from models.files import atomic_file
from models.rules.values import to_text
from models.store import Store
from models.wording import step_label

# Each new sheet or column is a format step (Sheet.since, FieldSpec.since); a package of any
# earlier version still imports: what it lacks is left as the county holds it.
FORMAT_VERSION = "4"
FORMAT_VERSIONS = ("1", "2", "3", "4")
SOFTWARE = "村档 0.1.0"
MANIFEST = "清单"
CODE_SHEET = "代码表"
_M = views.MANIFEST
VILLAGE_CODE, VILLAGE_NAME, EXPORTED_AT, SOFTWARE_KEY, FORMAT_KEY, CHECKSUM_KEY, SHEET_KEY, ROWS_KEY, ROW_HASH = (
    _M.header(name) for name in _M
)  # ROW_HASH: hidden last column of each data sheet: a hash of the row, then 4 bits per cell
# A changed cell is found exactly (its 4 bits differ); the rare change its 4 bits miss (1 in 16)
# still shows in the row's hash, and the row is named.


@dataclass(frozen=True)
class Sheet:
    """One record kind's sheet: its table, which of its records are the village's, the columns
    that point at other records (written as their UUIDs), and its fields in the sheet's order."""

    table: str
    scope: str  # SQL condition on the table's rows for :village
    refs: tuple[str, ...] = ()
    order: tuple[str, ...] = ()  # the fields in the sheet's order, where it is not the record's
    since: int = 1  # the format version that first holds the sheet

    @property
    def record(self) -> Fields:
        return RECORDS[self.table]

    @property
    def name(self) -> str:
        return self.record.title

    @property
    def fields(self) -> list[FieldSpec]:
        """The stored fields the sheet holds (not references, not what the program derives)."""
        return self.fields_at(int(FORMAT_VERSION))

    def fields_at(self, version: int) -> list[FieldSpec]:
        """The fields a package of that format version holds."""
        if self.order:
            return [f for f in self.record.specs(*self.order) if f.since <= version]
        skip = {"village_id", *self.refs}
        return [
            s
            for s in self.record.specs()
            if s.name not in skip and s.kind not in ("ref", "machine") and s.since <= version
        ]

    def ref_header(self, column: str) -> str:
        return ref_header(self.record[column])

    @property
    def headers(self) -> list[str]:
        return self.headers_at(int(FORMAT_VERSION))

    def headers_at(self, version: int) -> list[str]:
        return ["UUID", *(self.ref_header(c) for c in self.refs), *(f.label for f in self.fields_at(version))]

    @property
    def coded(self) -> list[FieldSpec]:
        """The fields that get a dropdown of their code list."""
        return [f for f in self.fields if f.kind == "code" and f.codes is not None]


_HH = "household_id IN (SELECT id FROM households WHERE village_id = :village)"
_HOUSEHOLD_ORDER = (*(n for n in HOUSEHOLD if n not in ("village_id", "group_id")), "group_id")
SHEETS: tuple[Sheet, ...] = (
    Sheet("villages", "id = :village"),
    Sheet("village_groups", "village_id = :village"),
    Sheet("households", "village_id = :village", order=_HOUSEHOLD_ORDER),  # 村民小组 last, as format 1 had it
    Sheet("members", _HH, ("household_id",)),
    Sheet("incomes", _HH, ("household_id",)),
    Sheet("assurances", _HH, ("household_id",)),
    Sheet("member_years", _HH, ("member_id", "household_id"), since=2),
    Sheet("village_years", "village_id = :village", since=2),
    Sheet("status_events", _HH, ("household_id",)),
    Sheet("member_events", _HH, ("household_id", "member_id")),
    Sheet("procedure_steps", _HH, ("household_id",)),
    Sheet("cadres", "village_id = :village"),
    Sheet("pairings", _HH, ("household_id", "cadre_id")),
    Sheet("visits", _HH, ("household_id", "cadre_id")),
    Sheet("plans", _HH, ("household_id",)),
    Sheet("measures", "plan_id IN (SELECT id FROM plans WHERE " + _HH + ")", ("plan_id", "member_id", "cadre_id")),
    Sheet("projects", "village_id = :village"),
    Sheet("disbursements", "project_id IN (SELECT id FROM projects WHERE village_id = :village)", ("project_id",)),
    Sheet(
        "project_beneficiaries",
        "project_id IN (SELECT id FROM projects WHERE village_id = :village)",
        ("project_id", "household_id"),
    ),
    Sheet("attendance", "cadre_id IN (SELECT id FROM cadres WHERE village_id = :village)", ("cadre_id",)),
    Sheet("work_logs", "village_id = :village", ("cadre_id",)),
    Sheet("benefits", _HH, ("household_id", "member_id")),
    Sheet("loans", _HH, ("household_id", "member_id"), since=2),
    Sheet("inspections", "village_id = :village"),
    # The rules the village applied (format 3): read from its poverty lines and settings in force
    # (package._RULE_ROWS); the county keeps them per village.
    Sheet("village_poverty_lines", "village_id = :village", since=3),
    Sheet("village_settings", "village_id = :village", since=3),
    Sheet("problems", "inspection_id IN (SELECT id FROM inspections WHERE village_id = :village)", ("inspection_id",)),
)
SHEET_OF = {s.table: s for s in SHEETS}


def sheets_at(version: int) -> tuple[Sheet, ...]:
    """The sheets a package of that format version holds."""
    return tuple(s for s in SHEETS if s.since <= version)


def sheet_rows(
    store: Store, village_id: int, sheet: Sheet, uuids: dict[str, dict[int, str]], groups: dict[int | None, str]
) -> list[list[str]]:
    """The sheet's rows as text, in id order; records each row's uuid for later references."""
    derive = _RULE_ROWS.get(sheet.table)
    cur: Iterable[tuple]
    if derive is not None and not _held(store, sheet, village_id):  # a county re-exports what the village sent
        names, cur = derive(store, village_id)
    else:
        cursor = store.db.execute(
            f"SELECT * FROM {sheet.table} WHERE {sheet.scope} ORDER BY id", {"village": village_id}
        )
        names, cur = [d[0] for d in cursor.description], cursor
    index = {n: i for i, n in enumerate(names)}
    id_i, uuid_i = index["id"], index["uuid"]
    refs = [(index[c], uuids.setdefault(sheet.record[c].ref, {})) for c in sheet.refs]
    # Text is written as stored; codes, numbers, money, flags and steps as a person reads them.
    plain_kinds = ("text", "note", "id_number", "phone", "digits", "date")
    cols = [(index[f.name], f, f.kind in plain_kinds) for f in sheet.fields]
    procedure = index.get("procedure")
    mine = uuids.setdefault(sheet.table, {})
    rows = []
    for values in cur:
        mine[values[id_i]] = values[uuid_i]
        row = [values[uuid_i], *("" if values[i] is None else known.get(values[i], "") for i, known in refs)]
        for i, field, plain in cols:
            v = values[i]
            if v is None or v == "":
                row.append("")
            elif plain:
                row.append(v)
            elif field.kind == "step" and procedure is not None:
                row.append(step_label(values[procedure], v))
            else:
                row.append(to_text(field, v, groups))
        rows.append(row)
    return rows


def _held(store: Store, sheet: Sheet, village_id: int) -> bool:
    return (
        store.db.execute(f"SELECT 1 FROM {sheet.table} WHERE {sheet.scope} LIMIT 1", {"village": village_id}).fetchone()
        is not None
    )


def _uuid_for(village_uuid: str, what: str) -> str:
    """A record's UUID in the village's package, the same at every export and never another
    village's (many villages' folders hold the same line)."""
    return str(uuid.uuid5(uuid.UUID(village_uuid), what))


def _line_rows(store: Store, village_id: int) -> tuple[list[str], list[tuple]]:
    """The poverty lines the village's exit check used: its folder's own."""
    mine = store.villages.get(village_id).uuid
    rows = [
        (line.id, _uuid_for(mine, "poverty_line:" + line.uuid), line.year, line.province, line.line_fen, line.source)
        for line in store.assistance.poverty_lines()
    ]
    return ["id", "uuid", "year", "province", "line_fen", "source"], rows


def _setting_rows(store: Store, village_id: int) -> tuple[list[str], list[tuple]]:
    """The exit settings in force (stored or default: what the village's checks applied)."""
    mine = store.villages.get(village_id).uuid
    values = to_settings(store.config())
    rows = [(i, _uuid_for(mine, "setting:" + key), key, values[key]) for i, key in enumerate(EXIT_SETTINGS, 1)]
    return ["id", "uuid", "key", "value"], rows


_RULE_ROWS: dict[str, Callable[[Store, int], tuple[list[str], list[tuple]]]] = {
    "village_poverty_lines": _line_rows,
    "village_settings": _setting_rows,
}


SIGNED_FACTS = (VILLAGE_CODE, VILLAGE_NAME, EXPORTED_AT, SOFTWARE_KEY, FORMAT_KEY)  # what the checksum covers
# Format 4: the manifest signed with a key from the package password (MAC_KEY, in place of the
# plain checksum), and the village's audit chain: its length and head hash, its hashes at the
# lengths of the village's earlier exports ("length:hash" by ";"), and the chain's problems an
# 管理员 acknowledged (a sentence a line). The checksum or signature covers them all.
MAC_KEY = "签名(HMAC-SHA256)"


def signed_facts(version: int) -> tuple[str, ...]:
    """The manifest's facts the checksum (or signature) of a package of that version covers."""
    return SIGNED_FACTS + (CHAIN_FACTS if version >= 4 else ())


def checksum(
    sheets: Iterable[tuple[str, list[str], list[list[str]]]], facts: dict[str, str], key: bytes | None = None
) -> str:
    """SHA-256 over the manifest's facts and the data sheets' names, headers and rows; with
    ``key``, HMAC-SHA256 over the same (the signature: only who holds the key can make it).
    Rows are taken in sorted order: sorting a sheet in Excel changes no record."""
    version = str(facts.get(FORMAT_KEY, ""))
    h = hmac.new(key, digestmod=hashlib.sha256) if key is not None else hashlib.sha256()
    for name in signed_facts(int(version) if version.isdigit() else 1):
        h.update(("\x1c" + name + "\x1f" + str(facts.get(name, ""))).encode())
    for name, headers, rows in sheets:
        h.update(("\x1e" + name + "\x1d" + "\x1f".join(headers)).encode())
        for line in sorted("\x1f".join(row) for row in rows):
            h.update(("\x1d" + line).encode())
    return h.hexdigest()


def row_hash(row: list[str]) -> str:
    """16 hex digits of the row's SHA-256, then one hex digit (CRC-32's low 4 bits) per cell."""
    return hashlib.sha256("\x1f".join(row).encode()).hexdigest()[:16] + cell_marks(row)


def cell_marks(row: list[str]) -> str:
    return "".join([_HEX[c & 15] for c in map(zlib.crc32, map(str.encode, row))])


_HEX = "0123456789abcdef"


def village_data(
    store: Store, village_id: int, *, progress: Callable[[int, int], None] | None = None
) -> list[tuple[str, list[str], list[list[str]]]]:
    """Every data sheet of the village: (name, headers, rows of text)."""
    groups = {g.id: g.name for g in store.villages.groups(village_id)}
    uuids: dict[str, dict[int, str]] = {}
    data = []
    for i, sheet in enumerate(SHEETS, 1):
        data.append((sheet.name, sheet.headers, sheet_rows(store, village_id, sheet, uuids, groups)))
        if progress:
            progress(i, len(SHEETS) + 1)
    return data


def export_village(
    store: Store,
    village_id: int,
    path: Path | str,
    *,
    password: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    now: dt.datetime | None = None,
) -> dict:
    """Write the package, encrypted and signed with ``password`` when one is given; returns the
    manifest's facts (and ``protected``). Refused with ChainUnacknowledged, before any work,
    while the folder's audit chain has problems nobody acknowledged. The workbook is made and
    encrypted in memory, then written through a temporary file and renamed."""
    if not Path(path).parent.is_dir():  # said before any work (and before openpyxl's noise)
        raise FileNotFoundError(2, "文件夹不存在", str(Path(path).parent))
    store.require("export")
    acknowledged = anchors.refuse_unacknowledged(store)
    village = store.villages.get(village_id)
    data = village_data(store, village_id, progress=progress)
    facts = {
        VILLAGE_CODE: village.code,
        VILLAGE_NAME: f"{village.province}{village.city}{village.county}{village.township}{village.name}",
        EXPORTED_AT: (now or dt.datetime.now()).isoformat(timespec="seconds"),
        SOFTWARE_KEY: SOFTWARE,
        FORMAT_KEY: FORMAT_VERSION,
    }
    own = anchors.own_village(store, village_id)
    if own:  # a county's copy of a village carries no chain: the county's chain is not the village's
        facts |= anchors.chain_facts(store, village.code, acknowledged)
    if password:
        facts[MAC_KEY] = checksum(data, facts, protection.mac_key(password))
    else:
        facts[CHECKSUM_KEY] = checksum(data, facts)
    workbook = package_bytes(facts, data, password=password)
    if own:  # recorded before the file is written: an export that then fails leaves a harmless extra
        anchors.record_export(store, village.code, facts)
    with atomic_file(path) as tmp, open(tmp, "wb") as f:
        f.write(workbook)
    if progress:
        progress(len(SHEETS) + 1, len(SHEETS) + 1)
    return {**facts, "sheets": {name: len(rows) for name, _, rows in data}, "protected": bool(password)}


def package_bytes(
    facts: dict[str, str], data: list[tuple[str, list[str], list[list[str]]]], *, password: str | None = None
) -> bytes:
    """The workbook: manifest, hidden code lists, then the data sheets (write-only openpyxl),
    made in memory and encrypted with ``password`` when one is given."""
    for name, headers, rows in data:  # before anything is written: a refused export leaves nothing
        refuse_unwritable(name, headers, rows)
    wb = Workbook(write_only=True)
    bold = Font(bold=True)

    def text(ws: Any, value: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"  # '=HYPERLINK(...)' stays text
        return cell

    manifest = wb.create_sheet(MANIFEST)
    begin_sheet(manifest)
    for key, value in facts.items():
        manifest.append([text(manifest, key), text(manifest, str(value))])
    manifest.append([])
    manifest.append([text(manifest, SHEET_KEY), text(manifest, ROWS_KEY)])
    for name, _, rows in data:
        manifest.append([text(manifest, name), len(rows)])
    lists = wb.create_sheet(CODE_SHEET)
    begin_sheet(lists)
    used = {f.codes.name: f.codes for s in SHEETS for f in s.coded if f.codes is not None}
    columns = list(used.values())
    for r in range(max(len(c.items) for c in columns)):
        lists.append([text(lists, c.labels[r]) if r < len(c.items) else None for c in columns])
    lists.sheet_state = "hidden"
    for sheet, (name, headers, rows) in zip(SHEETS, data, strict=True):
        ws = wb.create_sheet(name)
        ws.freeze_panes = "A2"
        for i, h in enumerate(headers, 1):
            ws.column_dimensions[get_column_letter(i)].width = max(10, min(2 * len(h) + 2, 40))
        ws.column_dimensions[get_column_letter(len(headers) + 1)].hidden = True
        for field in sheet.coded:
            clist = field.codes
            assert clist is not None
            letter = get_column_letter(headers.index(field.label) + 1)
            list_col = get_column_letter(columns.index(used[clist.name]) + 1)
            dv = DataValidation(
                type="list",
                formula1=f"'{CODE_SHEET}'!${list_col}$1:${list_col}${len(clist.items)}",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="不在选项中",
                error=f"请从下拉列表中选择“{clist.name}”。",
            )
            dv.add(f"{letter}2:{letter}{len(rows) + 1001}")  # rows added later get the list too
            ws.data_validations.append(dv)  # write-only sheets take them this way
        begin_sheet(ws)
        header_cells = []
        for h in [*headers, ROW_HASH]:
            c = text(ws, h)
            c.font = bold
            header_cells.append(c)
        ws.append(header_cells)
        for row in rows:
            # Plain strings are written as strings; only a leading '=' would make openpyxl write a formula.
            # Empty cells are left out (read back as ""): far fewer cells to write and to read.
            ws.append([*(None if not v else text(ws, v) if v[0] == "=" else v for v in row), row_hash(row)])
    data_bytes = workbook_bytes(wb)
    return protection.encrypt(data_bytes, password) if password else data_bytes
