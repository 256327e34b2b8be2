"""The village package (上报包): one workbook the county collects — a manifest, then a sheet per
record kind with Chinese headers, a UUID per record, references by UUID, every value as text,
and dropdowns on coded columns. (Reading it back at the county is the next step.)"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from models import codes, labels
from models.files import atomic_file
from models.money import format_fen
from models.store import Store

FORMAT_VERSION = "1"
SOFTWARE = "村档 0.1.0"
MANIFEST = "清单"
CODE_SHEET = "代码表"


@dataclass(frozen=True)
class Sheet:
    name: str
    table: str
    fields: dict[str, str]  # column -> Chinese header
    scope: str  # SQL condition on the table's rows for :village
    refs: tuple[tuple[str, str, str], ...] = ()  # (column, referenced table, header)
    coded: tuple[tuple[str, codes.CodeList], ...] = ()


_HH = "household_id IN (SELECT id FROM households WHERE village_id = :village)"
SHEETS: tuple[Sheet, ...] = (
    Sheet("贫困户", "households", {k: v for k, v in labels.HOUSEHOLD.items() if k != "group_id"} | {"group_id": "村民小组"},
          "village_id = :village", (),
          tuple((n, codes.FIELD_CODES[n]) for n in ("standard", "attribute", "main_cause", "other_cause1",
                                                     "other_cause2", "road_type", "dangerous_house", "fuel"))),
    Sheet("家庭成员", "members", dict(labels.MEMBER), _HH, (("household_id", "households", "户UUID"),),
          tuple((n, codes.FIELD_CODES[n]) for n in ("sex", "id_type", "relation", "ethnicity", "politics", "education",
                                                     "school_status", "disability_kind", "disability_grade", "labour",
                                                     "work_status", "left_kind"))),
    Sheet("收入", "incomes", {k: v for k, v in labels.INCOME.items() if k in
                             ("year", *(n for n in labels.INCOME if n.endswith("_fen") and n not in
                                        ("transfer_fen", "net_fen", "per_capita_fen")))}, _HH,
          (("household_id", "households", "户UUID"),)),
    Sheet("两不愁三保障", "assurances", dict(labels.ASSURANCE), _HH, (("household_id", "households", "户UUID"),)),
    Sheet("状态变更", "status_events", {**labels.EVENT, "override_reason": "未通过核查的说明"}, _HH,
          (("household_id", "households", "户UUID"),), (("kind", codes.STATUS_EVENT),)),
    Sheet("人员变更", "member_events", {k: v for k, v in labels.EVENT.items() if k != "year"}, _HH,
          (("household_id", "households", "户UUID"), ("member_id", "members", "成员UUID")),
          (("kind", codes.MEMBER_EVENT),)),
    Sheet("帮扶干部", "cadres", dict(labels.CADRE), "village_id = :village", (),
          (("sex", codes.SEX), ("unit_type", codes.UNIT_TYPE))),
    Sheet("结对帮扶", "pairings", dict(labels.PAIRING), _HH,
          (("household_id", "households", "户UUID"), ("cadre_id", "cadres", "干部UUID"))),
    Sheet("走访记录", "visits", dict(labels.VISIT), _HH,
          (("household_id", "households", "户UUID"), ("cadre_id", "cadres", "干部UUID"))),
    Sheet("一户一策", "plans", dict(labels.PLAN), _HH, (("household_id", "households", "户UUID"),)),
    Sheet("帮扶措施", "measures", {k: v for k, v in labels.MEASURE.items() if k not in ("member_id", "cadre_id")},
          "plan_id IN (SELECT id FROM plans WHERE " + _HH + ")",
          (("plan_id", "plans", "计划UUID"), ("member_id", "members", "成员UUID")),
          (("category", codes.MEASURE_CATEGORY), ("status", codes.MEASURE_STATUS), ("funds_source", codes.FUND_SOURCE))),
    Sheet("扶贫项目", "projects", dict(labels.PROJECT), "village_id = :village", (),
          (("category", codes.PROJECT_CATEGORY), ("status", codes.PROJECT_STATUS))),
    Sheet("资金拨付", "disbursements", dict(labels.DISBURSEMENT),
          "project_id IN (SELECT id FROM projects WHERE village_id = :village)", (("project_id", "projects", "项目UUID"),)),
    Sheet("项目受益户", "project_beneficiaries", {},
          "project_id IN (SELECT id FROM projects WHERE village_id = :village)",
          (("project_id", "projects", "项目UUID"), ("household_id", "households", "户UUID"))),
    Sheet("驻村考勤", "attendance", dict(labels.ATTENDANCE),
          "cadre_id IN (SELECT id FROM cadres WHERE village_id = :village)", (("cadre_id", "cadres", "干部UUID"),)),
    Sheet("工作日志", "work_logs", dict(labels.WORK_LOG), "village_id = :village", (("cadre_id", "cadres", "干部UUID"),)),
    Sheet("享受政策", "benefits", dict(labels.BENEFIT), _HH,
          (("household_id", "households", "户UUID"), ("member_id", "members", "成员UUID")),
          (("programme", codes.PROGRAMME), ("source", codes.FUND_SOURCE))),
    Sheet("督查考核", "inspections", dict(labels.INSPECTION), "village_id = :village", (),
          (("kind", codes.INSPECTION_KIND),)),
    Sheet("整改问题", "problems", dict(labels.FINDING),
          "inspection_id IN (SELECT id FROM inspections WHERE village_id = :village)",
          (("inspection_id", "inspections", "检查UUID"),)),
)


def _text(table: str, name: str, value: object, coded: dict[str, codes.CodeList], groups: dict[int, str]) -> str:
    """Every value as the text a clerk reads (labels for codes, 元 for fen, 是/否 for flags)."""
    if value is None or value == "":
        return ""
    if name in coded:
        return coded[name].label(str(value)) if str(value) in coded[name] else str(value)
    if table == "households" and name == "group_id":
        return groups.get(value, "")
    if name == "roles":
        return "、".join(codes.CADRE_ROLE.label(k) for k in str(value).split(",") if k in codes.CADRE_ROLE)
    if name == "health":
        return "、".join(codes.HEALTH.label(k) for k in str(value).split(",") if k in codes.HEALTH)
    if name.endswith("_fen"):
        return format_fen(int(value))  # type: ignore[call-overload]
    if table == "assurances" and name in ("food", "clothing", "education", "medical", "housing", "water"):
        return codes.flag_label(value)
    if name in codes.FLAG_FIELDS or name == "on_team":
        return codes.flag_label(value)
    if table in ("households", "members") and name in codes.FIELD_CODES:
        clist = codes.FIELD_CODES[name]
        return codes.status_label(str(value)) if name == "status" else (
            clist.label(str(value)) if str(value) in clist else str(value))
    return str(value)


def sheet_rows(store: Store, village_id: int, sheet: Sheet, uuids: dict[str, dict[int, str]],
               groups: dict[int, str]) -> tuple[list[str], list[list[str]]]:
    headers = ["UUID", *(h for _, _, h in sheet.refs), *sheet.fields.values()]
    coded = dict(sheet.coded)
    cur = store.db.execute(f"SELECT * FROM {sheet.table} WHERE {sheet.scope} ORDER BY id", {"village": village_id})
    names = [d[0] for d in cur.description]
    rows = []
    for values in cur:
        row = dict(zip(names, values))
        uuids.setdefault(sheet.table, {})[row["id"]] = row["uuid"]
        rows.append([row["uuid"], *(uuids.get(t, {}).get(row[c], "") if row[c] is not None else ""
                                    for c, t, _ in sheet.refs),
                     *(_text(sheet.table, f, row[f], coded, groups) for f in sheet.fields)])
    return headers, rows


def checksum(sheets: list[tuple[str, list[str], list[list[str]]]]) -> str:
    """SHA-256 over the data sheets' names, headers and cells, in order (what the county checks)."""
    h = hashlib.sha256()
    for name, headers, rows in sheets:
        h.update(("\x1e" + name + "\x1d" + "\x1f".join(headers)).encode())
        for row in rows:
            h.update(("\x1d" + "\x1f".join(row)).encode())
    return h.hexdigest()


def export_village(store: Store, village_id: int, path: Path | str, *,
                   progress: Callable[[int, int], None] | None = None, now: dt.datetime | None = None) -> dict:
    """Write the package; returns the manifest's facts. Temporary file, then rename."""
    village = store.villages.get(village_id)
    groups = {g.id: g.name for g in store.villages.groups(village_id)}
    uuids: dict[str, dict[int, str]] = {}
    data = []
    for i, sheet in enumerate(SHEETS, 1):
        headers, rows = sheet_rows(store, village_id, sheet, uuids, groups)
        data.append((sheet.name, headers, rows))
        if progress:
            progress(i, len(SHEETS))
    facts = {"村代码": village.code, "村名": f"{village.province}{village.city}{village.county}{village.township}"
                                         f"{village.name}", "导出时间": (now or dt.datetime.now()).isoformat(timespec="seconds"),
             "软件版本": SOFTWARE, "格式版本": FORMAT_VERSION, "校验值(SHA-256)": checksum(data)}
    wb = Workbook(write_only=True)
    bold = Font(bold=True)

    def text(ws, value: str) -> WriteOnlyCell:  # noqa: ANN001
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"  # '=HYPERLINK(...)' stays text
        cell.number_format = "@"
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
        for i, (column, clist) in enumerate(sheet.coded):
            col = headers.index(sheet.fields[column]) + 1
            letter = _letter(col)
            list_col = _letter(columns.index(used[clist.name]) + 1)
            dv = DataValidation(type="list", formula1=f"{CODE_SHEET}!${list_col}$1:${list_col}${len(clist.items)}",
                                allow_blank=True)
            dv.add(f"{letter}2:{letter}{max(len(rows) + 1, 2)}")
            ws.data_validations.append(dv)  # write-only sheets take them this way
        header_cells = []
        for h in headers:
            c = text(ws, h)
            c.font = bold
            header_cells.append(c)
        ws.append(header_cells)
        for row in rows:
            ws.append([text(ws, v) for v in row])
    with atomic_file(path) as tmp:
        wb.save(tmp)
    return {**facts, "sheets": {name: len(rows) for name, _, rows in data}}


def _letter(n: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(n)
