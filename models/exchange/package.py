"""The village package (上报包): one workbook the county collects — a manifest, then a sheet per
record kind with Chinese headers, a UUID per record, references by UUID, every value as text,
and dropdowns on coded columns. Reading it back is models/exchange/package_check.py."""

from __future__ import annotations

import datetime as dt
import hashlib
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlite_utils import Database

from models import codes, labels
from models.exchange.columns import Column, columns_for
from models.files import atomic_file
from models.store import Store

FORMAT_VERSION = "1"
SOFTWARE = "村档 0.1.0"
MANIFEST = "清单"
CODE_SHEET = "代码表"
CHECKSUM_KEY = "校验值(SHA-256)"
ROW_HASH = "行校验值"  # hidden last column of each data sheet: a hash of the row, then 4 bits per cell
# A changed cell is found exactly (its 4 bits differ); the rare change its 4 bits miss (1 in 16)
# still shows in the row's hash, and the row is named.


@dataclass(frozen=True)
class Sheet:
    name: str
    table: str
    fields: dict[str, str]  # column -> Chinese header
    scope: str  # SQL condition on the table's rows for :village
    refs: tuple[tuple[str, str, str], ...] = ()  # (column, referenced table, header)
    coded: tuple[tuple[str, codes.CodeList], ...] = ()

    @property
    def headers(self) -> list[str]:
        return ["UUID", *(h for _, _, h in self.refs), *self.fields.values()]

    def columns(self, db: Database) -> list[Column]:
        return columns_for(db, self.table, self.fields, dict(self.coded))


_HH = "household_id IN (SELECT id FROM households WHERE village_id = :village)"
SHEETS: tuple[Sheet, ...] = (
    Sheet("村情", "villages", {k: v for k, v in labels.VILLAGE.items() if k != "groups"}, "id = :village"),
    Sheet("村民小组", "village_groups", dict(labels.GROUP), "village_id = :village"),
    Sheet(
        "贫困户",
        "households",
        {k: v for k, v in labels.HOUSEHOLD.items() if k != "group_id"} | {"group_id": "村民小组"},
        "village_id = :village",
        (),
        tuple(
            (n, codes.FIELD_CODES[n])
            for n in (
                "standard",
                "attribute",
                "main_cause",
                "other_cause1",
                "other_cause2",
                "road_type",
                "dangerous_house",
                "fuel",
            )
        ),
    ),
    Sheet(
        "家庭成员",
        "members",
        {**labels.MEMBER, "sort_order": "排序"},
        _HH,
        (("household_id", "households", "户UUID"),),
        tuple(
            (n, codes.FIELD_CODES[n])
            for n in (
                "sex",
                "id_type",
                "relation",
                "ethnicity",
                "politics",
                "education",
                "school_status",
                "disability_kind",
                "disability_grade",
                "labour",
                "work_status",
                "left_kind",
            )
        ),
    ),
    Sheet(
        "收入",
        "incomes",
        {
            k: v
            for k, v in labels.INCOME.items()
            if k
            in (
                "year",
                *(
                    n
                    for n in labels.INCOME
                    if n.endswith("_fen") and n not in ("transfer_fen", "net_fen", "per_capita_fen")
                ),
            )
        },
        _HH,
        (("household_id", "households", "户UUID"),),
    ),
    Sheet("两不愁三保障", "assurances", dict(labels.ASSURANCE), _HH, (("household_id", "households", "户UUID"),)),
    Sheet(
        "状态变更",
        "status_events",
        {**labels.EVENT, "override_reason": "未通过核查的说明"},
        _HH,
        (("household_id", "households", "户UUID"),),
        (("kind", codes.STATUS_EVENT),),
    ),
    Sheet(
        "人员变更",
        "member_events",
        {k: v for k, v in labels.EVENT.items() if k != "year"},
        _HH,
        (("household_id", "households", "户UUID"), ("member_id", "members", "成员UUID")),
        (("kind", codes.MEMBER_EVENT),),
    ),
    Sheet(
        "程序步骤",
        "procedure_steps",
        dict(labels.PROCEDURE_STEP),
        _HH,
        (("household_id", "households", "户UUID"),),
        (("procedure", codes.PROCEDURE),),
    ),
    Sheet(
        "帮扶干部",
        "cadres",
        dict(labels.CADRE),
        "village_id = :village",
        (),
        (("sex", codes.SEX), ("unit_type", codes.UNIT_TYPE)),
    ),
    Sheet(
        "结对帮扶",
        "pairings",
        dict(labels.PAIRING),
        _HH,
        (("household_id", "households", "户UUID"), ("cadre_id", "cadres", "干部UUID")),
    ),
    Sheet(
        "走访记录",
        "visits",
        dict(labels.VISIT),
        _HH,
        (("household_id", "households", "户UUID"), ("cadre_id", "cadres", "干部UUID")),
    ),
    Sheet("一户一策", "plans", dict(labels.PLAN), _HH, (("household_id", "households", "户UUID"),)),
    Sheet(
        "帮扶措施",
        "measures",
        {k: v for k, v in labels.MEASURE.items() if k not in ("member_id", "cadre_id")} | {"sort_order": "排序"},
        "plan_id IN (SELECT id FROM plans WHERE " + _HH + ")",
        (("plan_id", "plans", "计划UUID"), ("member_id", "members", "成员UUID"), ("cadre_id", "cadres", "干部UUID")),
        (("category", codes.MEASURE_CATEGORY), ("status", codes.MEASURE_STATUS), ("funds_source", codes.FUND_SOURCE)),
    ),
    Sheet(
        "扶贫项目",
        "projects",
        dict(labels.PROJECT),
        "village_id = :village",
        (),
        (("category", codes.PROJECT_CATEGORY), ("status", codes.PROJECT_STATUS)),
    ),
    Sheet(
        "资金拨付",
        "disbursements",
        dict(labels.DISBURSEMENT),
        "project_id IN (SELECT id FROM projects WHERE village_id = :village)",
        (("project_id", "projects", "项目UUID"),),
    ),
    Sheet(
        "项目受益户",
        "project_beneficiaries",
        {},
        "project_id IN (SELECT id FROM projects WHERE village_id = :village)",
        (("project_id", "projects", "项目UUID"), ("household_id", "households", "户UUID")),
    ),
    Sheet(
        "驻村考勤",
        "attendance",
        dict(labels.ATTENDANCE),
        "cadre_id IN (SELECT id FROM cadres WHERE village_id = :village)",
        (("cadre_id", "cadres", "干部UUID"),),
    ),
    Sheet(
        "工作日志", "work_logs", dict(labels.WORK_LOG), "village_id = :village", (("cadre_id", "cadres", "干部UUID"),)
    ),
    Sheet(
        "享受政策",
        "benefits",
        dict(labels.BENEFIT),
        _HH,
        (("household_id", "households", "户UUID"), ("member_id", "members", "成员UUID")),
        (("programme", codes.PROGRAMME), ("source", codes.FUND_SOURCE)),
    ),
    Sheet(
        "督查考核",
        "inspections",
        dict(labels.INSPECTION),
        "village_id = :village",
        (),
        (("kind", codes.INSPECTION_KIND),),
    ),
    Sheet(
        "整改问题",
        "problems",
        dict(labels.FINDING),
        "inspection_id IN (SELECT id FROM inspections WHERE village_id = :village)",
        (("inspection_id", "inspections", "检查UUID"),),
    ),
)


def step_text(procedure: str, step: str) -> str:
    """A procedure step as its label (the step list depends on the procedure)."""
    try:
        return codes.step_label(procedure, step)
    except (KeyError, codes.UnknownCode):
        return step


def sheet_rows(
    store: Store, village_id: int, sheet: Sheet, uuids: dict[str, dict[int, str]], groups: dict[int, str]
) -> list[list[str]]:
    """The sheet's rows as text, in id order; records each row's uuid for later references."""
    columns = sheet.columns(store.db)
    cur = store.db.execute(f"SELECT * FROM {sheet.table} WHERE {sheet.scope} ORDER BY id", {"village": village_id})
    names = [d[0] for d in cur.description]
    index = {n: i for i, n in enumerate(names)}
    id_i, uuid_i = index["id"], index["uuid"]
    refs = [(index[c], uuids.setdefault(t, {})) for c, t, _ in sheet.refs]
    cols = [(index[c.name], c) for c in columns]
    step = (index["procedure"], index["step"]) if sheet.table == "procedure_steps" else None
    mine = uuids.setdefault(sheet.table, {})
    rows = []
    for values in cur:
        mine[values[id_i]] = values[uuid_i]
        row = [values[uuid_i], *("" if values[i] is None else known.get(values[i], "") for i, known in refs)]
        for i, column in cols:
            v = values[i]
            row.append("" if v is None or v == "" else v if column.kind == "text" else column.to_text(v, groups))
        if step:
            row[len(refs) + 1 + [c.name for c in columns].index("step")] = step_text(values[step[0]], values[step[1]])
        rows.append(row)
    return rows


SIGNED_FACTS = ("村代码", "村名", "导出时间", "软件版本", "格式版本")  # the manifest lines the checksum covers


def checksum(sheets: Iterable[tuple[str, list[str], list[list[str]]]], facts: dict[str, str]) -> str:
    """SHA-256 over the manifest's facts and the data sheets' names, headers and rows. Rows are
    taken in sorted order: sorting a sheet in Excel changes no record."""
    h = hashlib.sha256()
    for key in SIGNED_FACTS:
        h.update(("\x1c" + key + "\x1f" + str(facts.get(key, ""))).encode())
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
    progress: Callable[[int, int], None] | None = None,
    now: dt.datetime | None = None,
) -> dict:
    """Write the package; returns the manifest's facts. Temporary file, then rename."""
    if not Path(path).parent.is_dir():  # said before any work (and before openpyxl's noise)
        raise FileNotFoundError(2, "文件夹不存在", str(Path(path).parent))
    village = store.villages.get(village_id)
    data = village_data(store, village_id, progress=progress)
    facts = {
        "村代码": village.code,
        "村名": f"{village.province}{village.city}{village.county}{village.township}{village.name}",
        "导出时间": (now or dt.datetime.now()).isoformat(timespec="seconds"),
        "软件版本": SOFTWARE,
        "格式版本": FORMAT_VERSION,
    }
    facts[CHECKSUM_KEY] = checksum(data, facts)
    write_package(path, facts, data)
    if progress:
        progress(len(SHEETS) + 1, len(SHEETS) + 1)
    return {**facts, "sheets": {name: len(rows) for name, _, rows in data}}


def write_package(path: Path | str, facts: dict[str, str], data: list[tuple[str, list[str], list[list[str]]]]) -> None:
    """The workbook: manifest, hidden code lists, then the data sheets (write-only openpyxl)."""
    wb = Workbook(write_only=True)
    bold = Font(bold=True)

    def text(ws, value: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"  # '=HYPERLINK(...)' stays text
        return cell

    manifest = wb.create_sheet(MANIFEST)
    for key, value in facts.items():
        manifest.append([text(manifest, key), text(manifest, str(value))])
    manifest.append([])
    manifest.append([text(manifest, "工作表"), text(manifest, "行数")])
    for name, _, rows in data:
        manifest.append([text(manifest, name), len(rows)])
    lists = wb.create_sheet(CODE_SHEET)
    used = {c.name: c for s in SHEETS for _, c in s.coded}
    columns = list(used.values())
    for r in range(max(len(c.items) for c in columns)):
        lists.append([text(lists, c.labels[r]) if r < len(c.items) else None for c in columns])
    lists.sheet_state = "hidden"
    for sheet, (name, headers, rows) in zip(SHEETS, data):
        ws = wb.create_sheet(name)
        ws.freeze_panes = "A2"
        for i, h in enumerate(headers, 1):
            ws.column_dimensions[get_column_letter(i)].width = max(10, min(2 * len(h) + 2, 40))
        ws.column_dimensions[get_column_letter(len(headers) + 1)].hidden = True
        for column, clist in sheet.coded:
            letter = get_column_letter(headers.index(sheet.fields[column]) + 1)
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
    with atomic_file(path) as tmp:
        wb.save(tmp)
