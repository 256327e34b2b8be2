"""The county import of village packages: the checks that need the county database (older or
same export, UUIDs of another village, ID numbers registered elsewhere, records that may not
disappear), then one transaction per package that replaces the village's records by UUID."""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models.errors import CundangError
from models.exchange import package as pkg
from models.exchange.package_check import CheckedPackage, check_file
from models.exchange.problems import ERROR, WARNING, RowProblem
from models.storage.audit import NEVER_DELETED
from models.store import Store

IMPORTED, UNCHANGED, CHECKED, REFUSED, SKIPPED = "已导入", "无变化", "检查通过", "已拒绝", "已取消"


@dataclass
class Outcome:
    """What became of one file."""

    file: str
    status: str
    village_code: str = ""
    village_name: str = ""
    exported_at: str = ""
    problems: list[RowProblem] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)                      # sheet -> rows in the file
    changes: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # table -> added, changed, removed

    def as_json(self) -> dict:
        return {"file": self.file, "status": self.status, "village_code": self.village_code,
                "village_name": self.village_name, "exported_at": self.exported_at, "rows": self.rows,
                "changes": {t: dict(zip(("added", "changed", "removed"), c)) for t, c in self.changes.items()},
                "problems": [p.as_json() for p in self.problems]}


class _Refused(Exception):
    pass


def import_packages(store: Store, paths: Sequence[Path | str], *, dry_run: bool = False,
                    accept_modified: bool = False,
                    progress: Callable[[int, int, str], None] | None = None,
                    cancelled: Callable[[], bool] = lambda: False) -> list[Outcome]:
    """Check every file, then (unless ``dry_run``) write each file that has no error, each in
    one transaction. A file with any error writes nothing. A cancel stops before the next file."""
    county = _CountyIds(store)
    outcomes = []
    for i, path in enumerate(paths):
        if cancelled():
            outcomes.extend(Outcome(str(p), SKIPPED) for p in paths[i:])
            break
        if progress:
            progress(i, len(paths), Path(path).name)
        outcomes.append(import_one(store, path, county, dry_run=dry_run, accept_modified=accept_modified))
    if progress:
        progress(len(paths), len(paths), "")
    return outcomes


def import_one(store: Store, path: Path | str, county: _CountyIds | None = None, *, dry_run: bool = False,
               accept_modified: bool = False) -> Outcome:
    checked = check_file(store.db, path, accept_modified=accept_modified)
    village = next(iter(checked.records.get("villages", [])), None)
    outcome = Outcome(str(path), REFUSED, checked.village_code,
                      village.values.get("name", "") if village else "", checked.exported_at,
                      checked.problems, {s.name: len(checked.records.get(s.table, [])) for s in pkg.SHEETS})
    if not checked.ok:
        return outcome
    existing = store.villages.by_code(checked.village_code)
    if existing and _same_as_last(store, existing.id, checked, outcome):
        return outcome
    plan = _Plan(store, checked, existing.id if existing else None)
    plan.diff()
    (county or _CountyIds(store)).check(checked, existing.id if existing else None)
    if not checked.ok:
        return outcome
    if dry_run:
        outcome.status = CHECKED
        outcome.changes = plan.summary()
        return outcome
    try:
        with store.db.atomic():
            plan.write(accept_modified and checked.modified)
    except (sqlite3.DatabaseError, CundangError) as exc:
        checked.add("", None, "", "", f"写入时被数据库拒绝，未导入任何数据：{exc}")
        return outcome
    if county:
        county.learn(checked, plan.village_id)
    outcome.status = IMPORTED
    outcome.changes = plan.summary()
    return outcome


def _same_as_last(store: Store, village_id: int, checked: CheckedPackage, outcome: Outcome) -> bool:
    """Refuse an export older than the last one taken; the same export again changes nothing."""
    last = store.db.execute("SELECT exported_at, checksum FROM imports WHERE village_id = ? "
                            "ORDER BY exported_at DESC, id DESC LIMIT 1", [village_id]).fetchone()
    if last is None:
        return False
    exported_at, checksum = last
    if checked.exported_at < exported_at:
        checked.add(pkg.MANIFEST, None, "导出时间", checked.exported_at,
                    f"这个上报包比已导入的旧（已导入的导出于 {exported_at}），不能用旧数据覆盖新数据")
        return True
    if checked.exported_at == exported_at:
        if checksum == checked.checksum:
            outcome.status = UNCHANGED
            return True
        checked.add(pkg.MANIFEST, None, "导出时间", checked.exported_at,
                    "与已导入的上报包导出时间相同但内容不同，请让村里重新导出")
        return True
    return False


class _CountyIds:
    """Current members' ID numbers across the county, and which village holds each: loaded once
    per run and kept up to date as packages import."""

    def __init__(self, store: Store) -> None:
        self.by_id: dict[str, list[tuple[int, str, str, str]]] = {}
        rows = store.db.execute(
            "SELECT substr(m.id_number, 1, 18), m.village_id, v.name, v.code, h.household_no FROM members m "
            "JOIN villages v ON v.id = m.village_id JOIN households h ON h.id = m.household_id "
            "WHERE m.left_date IS NULL AND m.id_number <> '' AND m.id_type IN ('resident', 'disability')")
        for key, vid, name, code, no in rows:
            self.by_id.setdefault(key, []).append((vid, name, code, no))
        self.store = store

    def check(self, checked: CheckedPackage, village_id: int | None) -> None:
        code = checked.village_code
        for m in checked.records.get("members", []):
            v = m.values
            if v.get("left_date") or not v.get("id_number") or v.get("id_type") not in ("resident", "disability"):
                continue
            for vid, name, other_code, no in self.by_id.get(v["id_number"][:18], []):
                if vid != village_id and other_code != code:
                    checked.add("家庭成员", m.row, "证件号码", v["id_number"],
                                f"这个人已在 {name}（{other_code}）第 {no} 户登记；已导入，并列入重复人员清单",
                                WARNING)

    def learn(self, checked: CheckedPackage, village_id: int) -> None:
        for key in [k for k, places in self.by_id.items() if any(p[0] == village_id for p in places)]:
            self.by_id[key] = [p for p in self.by_id[key] if p[0] != village_id]
        village = self.store.villages.get(village_id)
        numbers = {r.uuid: r.values.get("household_no", "") for r in checked.records.get("households", [])}
        for m in checked.records.get("members", []):
            v = m.values
            if not v.get("left_date") and v.get("id_number") and v.get("id_type") in ("resident", "disability"):
                self.by_id.setdefault(v["id_number"][:18], []).append(
                    (village_id, village.name, village.code, numbers.get(v.get("household_id"), "")))


_VILLAGE_COLUMN = {"village_groups", "households", "members", "cadres", "projects", "work_logs", "inspections"}


class _Plan:
    """The changes one package makes to the county: per table, rows to add, change and remove."""

    def __init__(self, store: Store, checked: CheckedPackage, village_id: int | None) -> None:
        self.store, self.checked, self.village_id = store, checked, village_id
        self.existing: dict[str, dict[str, dict[str, Any]]] = {}
        self.counts: dict[str, list[int]] = {}

    def _stored(self, sheet: pkg.Sheet) -> dict[str, dict[str, Any]]:
        if self.village_id is None:
            return {}
        cur = self.store.db.execute(f"SELECT * FROM {sheet.table} WHERE {sheet.scope}", {"village": self.village_id})
        names = [d[0] for d in cur.description]
        return {row[1]: dict(zip(names, row)) for row in cur}

    def diff(self) -> None:
        """Find what would change; records that may never disappear but are missing are errors;
        UUIDs that belong to another village are errors."""
        for sheet in pkg.SHEETS:
            stored = self.existing[sheet.table] = self._stored(sheet)
            incoming = {r.uuid for r in self.checked.records.get(sheet.table, [])}
            removed = [u for u in stored if u not in incoming]
            added = [u for u in incoming if u not in stored]
            if sheet.table == "villages" and stored:
                removed, added = [], []
            if sheet.table in NEVER_DELETED and sheet.table != "villages":
                for u in removed:
                    self.checked.add(sheet.name, None, "UUID", u,
                                     "已导入的这条记录在新的上报包中不见了；这类记录只能通过变更登记，不能删除")
            self._foreign(sheet, added)
            self.counts[sheet.table] = [len(added), 0, len(removed)]

    def _foreign(self, sheet: pkg.Sheet, added: list[str]) -> None:
        rows = {r.uuid: r for r in self.checked.records.get(sheet.table, [])}
        for start in range(0, len(added), 500):
            chunk = added[start:start + 500]
            for (uuid,) in self.store.db.execute(
                    f"SELECT uuid FROM {sheet.table} WHERE uuid IN ({','.join('?' * len(chunk))})", chunk):
                if sheet.table == "villages":
                    continue
                self.checked.add(sheet.name, rows[uuid].row, "UUID", uuid,
                                 "这条记录的 UUID 已属于另一个村的记录（村里是否复制了别村的数据文件夹？）")

    def summary(self) -> dict[str, tuple[int, int, int]]:
        return {t: (a, c, r) for t, (a, c, r) in self.counts.items() if a or c or r}

    def write(self, accept_modified: bool) -> None:
        writer = self.store.writer
        for sheet in reversed(pkg.SHEETS):  # removals first, children before parents
            incoming = {r.uuid for r in self.checked.records.get(sheet.table, [])}
            for uuid, row in self.existing[sheet.table].items():
                if uuid not in incoming and sheet.table != "villages":
                    writer.delete(sheet.table, row["id"])
        ids: dict[str, dict[str, int]] = {t: {u: r["id"] for u, r in rows.items()} for t, rows in self.existing.items()}
        groups: dict[str, int] = {}
        for sheet in pkg.SHEETS:
            table = sheet.table
            stored = self.existing[table]
            new_rows, changed = [], 0
            for rec in self.checked.records.get(table, []):
                values = dict(rec.values)
                for column, ref_table, _ in sheet.refs:
                    if values.get(column) is not None:
                        values[column] = ids[ref_table][values[column]]
                if table == "households":
                    values["group_id"] = groups.get(values.get("group_id") or "")
                if table in _VILLAGE_COLUMN:
                    values["village_id"] = self.village_id
                old = stored.get(rec.uuid)
                if table == "villages" and stored:  # matched by its code; the county keeps its UUID
                    old = next(iter(stored.values()))
                if old is not None:
                    if any(old.get(k) != v for k, v in values.items()):
                        changed += writer.update(table, old["id"], values)
                else:
                    new_rows.append({**values, "uuid": rec.uuid})
            for row in writer.insert_many(table, new_rows):
                ids[table][row["uuid"]] = row["id"]
            if table == "villages":
                self.village_id = self.village_id or ids["villages"][self.checked.records["villages"][0].uuid]
            if table == "village_groups":
                groups = dict(self.store.db.execute(
                    "SELECT name, id FROM village_groups WHERE village_id = ?", [self.village_id]).fetchall())
            self.counts[table][1] = changed
        writer.insert("imports", {
            "village_id": self.village_id, "file_name": Path(self.checked.file).name,
            "exported_at": self.checked.exported_at, "checksum": self.checked.checksum,
            "software": self.checked.facts.get("软件版本", ""), "format_version": self.checked.facts.get("格式版本", ""),
            "accepted_modified": int(accept_modified),
            "changes": json.dumps({"changes": self.summary(),
                                   "accepted_problems": [p.as_json() for p in self.checked.problems
                                                         if p.level == WARNING]} if accept_modified else
                                  {"changes": self.summary()}, ensure_ascii=False)})


__all__ = ["IMPORTED", "UNCHANGED", "CHECKED", "REFUSED", "SKIPPED", "Outcome", "import_packages", "ERROR"]
