"""The county import of village packages: the checks that need the county database (older or
same export, UUIDs of another village, ID numbers registered elsewhere, records that may not
disappear), then one transaction per package that replaces the village's records by UUID."""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models.config import to_settings
from models.errors import CundangError, FileRefused, InvalidSetting, VillageLineDiffers, VillageSettingDiffers
from models.exchange import anchors
from models.exchange import package as pkg
from models.exchange.package_check import CheckedPackage, check_file
from models.exchange.problems import ERROR, WARNING, RowProblem
from models.money import format_fen
from models.process import end_with_parent
from models.rules import members as member_rules
from models.rules.ledgers import loan_warnings
from models.rules.settings import setting_value
from models.services.safety import backup_now
from models.storage import sql
from models.storage.audit import NEVER_DELETED
from models.storage.base import transaction
from models.storage.year_facts import seed_member_years, seed_village_years
from models.store import Session, Store
from models.wording import describe, refusal

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
    rows: dict[str, int] = field(default_factory=dict)  # sheet -> rows in the file
    changes: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # table -> added, changed, removed
    encrypted: bool = False  # the file had a password
    signed: bool = False  # its manifest is signed with the package password's key

    @property
    def protection(self) -> str:
        """What the county is told of the file's protection: 已加密、已签名 … 未加密、未签名."""
        return ("已加密" if self.encrypted else "未加密") + "、" + ("已签名" if self.signed else "未签名")

    def as_json(self) -> dict:
        return {
            "file": self.file,
            "status": self.status,
            "village_code": self.village_code,
            "village_name": self.village_name,
            "exported_at": self.exported_at,
            "rows": self.rows,
            "encrypted": self.encrypted,
            "signed": self.signed,
            "changes": {t: dict(zip(("added", "changed", "removed"), c)) for t, c in self.changes.items()},
            "problems": [p.as_json() for p in self.problems],
        }


class _Refused(Exception):
    pass


def import_packages(
    store: Store,
    paths: Sequence[Path | str],
    *,
    dry_run: bool = False,
    accept_modified: bool = False,
    password: str | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] = lambda: False,
    workers: int | None = None,
) -> list[Outcome]:
    """Check every file, then (unless ``dry_run``) write each file that has no error, each in
    one transaction. A file with any error writes nothing. A cancel stops before the next file.
    ``password``: the county's package password, which opens encrypted packages and checks
    signed ones (a package it does not open is refused, named, and nothing of it is written).

    Many files are read and checked by worker processes side by side (a county's 2 cores), each
    writing its package in turn under SQLite's write lock; outcomes come back in the files' order."""
    with store.importing():  # a 县级 operator's (NotAllowed for anyone else)
        return _import_packages(store, paths, dry_run, accept_modified, password, progress, cancelled, workers)


def _import_packages(
    store: Store,
    paths: Sequence[Path | str],
    dry_run: bool,
    accept_modified: bool,
    password: str | None,
    progress: Callable[[int, int, str], None] | None,
    cancelled: Callable[[], bool],
    workers: int | None,
) -> list[Outcome]:
    files = [str(p) for p in paths]
    if not dry_run and files and store.villages.count():  # what the county holds is copied first
        backup_now(store, reason="import", automatic=True)
    if workers is None:
        # One more worker than cores when writing: one checks while another holds the write lock.
        workers = min((os.cpu_count() or 1) + (0 if dry_run else 1), 3, len(files))
    if workers <= 1:
        outcomes: list[Outcome] = []
        for i, path in enumerate(files):
            if cancelled():
                outcomes.extend(Outcome(p, SKIPPED) for p in files[i:])
                break
            if progress:
                progress(i, len(files), Path(path).name)
            outcomes.append(
                import_one(store, path, dry_run=dry_run, accept_modified=accept_modified, password=password)
            )
        if progress:
            progress(len(files), len(files), "")
        return outcomes
    return _in_workers(store, files, workers, dry_run, accept_modified, password, progress, cancelled)


def _in_workers(
    store: Store,
    files: list[str],
    workers: int,
    dry_run: bool,
    accept_modified: bool,
    password: str | None,
    progress: Callable[[int, int, str], None] | None,
    cancelled: Callable[[], bool],
) -> list[Outcome]:
    """The files in a pool of worker processes. A worker that dies (a file that makes the
    reader abort, or memory running out) breaks the pool: the files it could have been reading
    are then read again one at a time in a worker of their own, so that only the file that kills
    a worker a second time is refused; the rest go on in a fresh pool, and every file's outcome
    is returned."""
    results: dict[int, Outcome] = {}
    context = multiprocessing.get_context("spawn")  # no fork of a process that runs Qt threads

    def pool(size: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            size,
            mp_context=context,
            initializer=_start_worker,
            initargs=(str(store.folder), store.writer.actor, os.getpid(), store.session),
        )

    def finished(i: int) -> bool:
        if progress:
            progress(len(results), len(files), Path(files[i]).name)
        return cancelled()

    todo = list(range(len(files)))
    stop = False
    while todo and not stop:
        broken = False
        with pool(workers) as running:
            futures = {running.submit(_import_in_worker, files[i], dry_run, accept_modified, password): i for i in todo}
            for future in as_completed(futures):
                i = futures[future]
                try:
                    results[i] = future.result()
                except BrokenProcessPool:
                    broken = True
                    break
                except MemoryError:
                    results[i] = _refused_file(files[i], "out_of_memory")
                if finished(i):
                    stop = True
                    running.shutdown(wait=True, cancel_futures=True)
                    break
            for f, i in futures.items():  # files already under way finish whole
                if i not in results and f.done() and not f.cancelled() and f.exception() is None:
                    results[i] = f.result()
        unfinished = [i for i in todo if i not in results]
        if not broken:
            break
        # Work goes to the workers in the order given: those under way when one died are the
        # first unfinished ones (each worker's file, and as many queued again plus one).
        suspects, todo = unfinished[: 2 * workers + 1], unfinished[2 * workers + 1 :]
        alone: ProcessPoolExecutor | None = None
        try:
            for i in suspects:
                if stop:
                    break
                alone = alone or pool(1)
                try:
                    results[i] = alone.submit(_import_in_worker, files[i], dry_run, accept_modified, password).result()
                except BrokenProcessPool:  # the second death, with this file alone: it is the cause
                    results[i] = _refused_file(files[i], "worker_died")
                    alone.shutdown(wait=True)
                    alone = None
                except MemoryError:
                    results[i] = _refused_file(files[i], "out_of_memory")
                stop = finished(i)
        finally:
            if alone is not None:
                alone.shutdown(wait=True)
    return [results.get(i, Outcome(p, SKIPPED)) for i, p in enumerate(files)]


def _start_worker(folder: str, actor: str, parent: int, session: Session | None = None) -> None:
    """A worker's stderr goes nowhere: a reader that aborts (calamine when memory runs out)
    writes its dying words there, and the death is reported with the file's outcome instead.
    Python's own errors come back with the outcomes. No Rust backtraces either: one printed
    while memory runs out can deadlock the dying worker (seen with RUST_BACKTRACE=1), which
    would hang the import instead of ending the worker."""
    os.environ["RUST_BACKTRACE"] = "0"
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    end_with_parent(parent)  # a killed import leaves no worker behind
    _open_worker_store(folder, actor, session)


def _refused_file(path: str, reason: str) -> Outcome:
    message = refusal(FileRefused(path=path, reason=reason, detail=""))
    return Outcome(path, REFUSED, problems=[RowProblem(path, "", None, "", "", message)])


_WORKER_STORE: Store | None = None


def _open_worker_store(folder: str, actor: str, session: Session | None = None) -> None:
    """The worker's own connection, opened with the parent's session (operator and data key,
    passed through the pool's pipe: no password asked again, no key on disk)."""
    global _WORKER_STORE
    _WORKER_STORE = Store.open(folder, actor=actor, session=session)
    _WORKER_STORE.grant_import()
    # A county import is repeatable from its files: each package's transaction stays atomic, but
    # commits skip the fsync (WAL + NORMAL); a power cut can undo the last packages, never half of one.
    _WORKER_STORE.db.execute("PRAGMA synchronous = NORMAL")
    # Checkpoint seldom: pages that many packages touch (indexes, the audit log's end) are copied
    # into the database once per 200 MB of log instead of after every package.
    _WORKER_STORE.db.execute("PRAGMA wal_autocheckpoint = 50000")
    _WORKER_STORE.db.execute("PRAGMA mmap_size = 4294967296")  # pages another worker changed are re-read cheaply
    # A package is some 300,000 cells read into short-lived lists and dicts, nearly none in cycles:
    # collect seldom, and never walk what the worker loaded at start (measured: a sixth of the checks' time).
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def _import_in_worker(path: str, dry_run: bool, accept_modified: bool, password: str | None) -> Outcome:
    """One file in a worker; the password came through the pool's pipe (never the disk)."""
    assert _WORKER_STORE is not None
    return import_one(_WORKER_STORE, path, dry_run=dry_run, accept_modified=accept_modified, password=password)


def import_one(
    store: Store,
    path: Path | str,
    *,
    dry_run: bool = False,
    accept_modified: bool = False,
    password: str | None = None,
) -> Outcome:
    """One file: checked on its own, then against the county under the write lock, then written."""
    if store.is_own_file(path):
        return Outcome(
            str(path),
            REFUSED,
            problems=[RowProblem(str(path), "", None, "", "", "这是本程序自己的数据文件，不是上报包")],
        )
    checked = check_file(path, accept_modified=accept_modified, password=password)
    village = next(checked.table("villages").records(), None)
    outcome = Outcome(
        str(path),
        REFUSED,
        checked.village_code,
        (village.values.get("name") or "") if village else "",
        checked.exported_at,
        checked.problems,
        {s.name: len(checked.table(s.table)) for s in pkg.SHEETS},
        encrypted=checked.encrypted,
        signed=checked.signed,
    )
    if not checked.ok:
        return outcome
    existing = store.villages.by_code(checked.village_code)
    if existing is not None and village is not None and existing.uuid != village.uuid:
        _another_village(store, checked, existing, village)
        return outcome
    plan = _Plan(store, checked, existing.id if existing else None)
    if existing is None or dry_run:  # the long read-only part first, outside the write lock
        plan.diff()
        if not checked.ok:
            return outcome
    if not dry_run:
        store.db.execute("BEGIN IMMEDIATE")  # one writer at a time; waits for another worker's package
    try:
        status = _against_county(store, checked, outcome, plan, dry_run=dry_run, accept_modified=accept_modified)
        if not dry_run:
            store.db.conn.commit()
    except (sql.DatabaseError, CundangError) as exc:
        if store.db.conn.in_transaction:
            sql.rollback(store.db.conn)
        checked.add("", None, "", "", f"写入时被数据库拒绝，未导入任何数据：{describe(exc)}")
        return outcome
    except BaseException:
        if store.db.conn.in_transaction:
            sql.rollback(store.db.conn)
        raise
    outcome.status = status
    return outcome


def _another_village(store: Store, checked: CheckedPackage, existing, village) -> None:
    """The code is taken by a village whose records are not this package's."""
    imported = store.db.execute("SELECT count(*) FROM imports WHERE village_id = ?", [existing.id]).fetchone()[0]
    name = village.values.get("name") or ""
    if imported:
        message = (
            f"村代码 {existing.code} 在本县已是“{existing.name}”的数据，而这个上报包是另一份数据（“{name}”，"
            "记录的 UUID 都不同）：请核对村代码，或让村里用原来的数据文件夹导出"
        )
    else:
        message = (
            f"本县的“{existing.name}”（{existing.code}）是在县里建立的（如从国家系统导入），"
            f"与“{name}”上报包中的记录对不上，不能合并：请先与村里核对，再决定以哪份数据为准"
        )
    checked.add(pkg.SHEET_OF["villages"].name, village.row, pkg.VILLAGE_CODE, existing.code, message)


def _against_county(
    store: Store, checked: CheckedPackage, outcome: Outcome, plan: _Plan, *, dry_run: bool, accept_modified: bool
) -> str:
    """Under the write lock: the village as it stands now (another worker may have just taken it)."""
    existing = store.villages.by_code(checked.village_code)
    if existing and existing.id is not None and _same_as_last(store, existing.id, checked, outcome):
        return outcome.status
    if plan.village_id != (existing.id if existing else None) or not plan.existing:
        plan = _Plan(store, checked, existing.id if existing else None)
        plan.diff()
    _elsewhere(store, checked, existing.id if existing else None)  # sees packages this run has written
    _rules_against_county(store, checked)
    if existing is not None and existing.id is not None:
        _chain_against_county(store, checked, existing.id, f"{existing.name}（{existing.code}）", accept_modified)
    if not checked.ok:
        return REFUSED
    if not dry_run:
        with transaction(store.db):
            plan.write(accept_modified and (checked.modified or checked.accepted))
            if plan.village_id is not None:  # a package of format 1 has no year rows: its facts hold from the start
                seed_member_years(store.db, store.writer, village_id=plan.village_id)
                seed_village_years(store.db, store.writer, village_id=plan.village_id)
    outcome.changes = plan.summary()
    return CHECKED if dry_run else IMPORTED


def _same_as_last(store: Store, village_id: int, checked: CheckedPackage, outcome: Outcome) -> bool:
    """Refuse an export older than the last one taken; the same export again changes nothing;
    the untouched original of an export taken earlier with accepted edits replaces them."""
    last = store.db.execute(
        "SELECT exported_at, checksum, accepted_modified FROM imports WHERE village_id = ? "
        "ORDER BY exported_at DESC, id DESC LIMIT 1",
        [village_id],
    ).fetchone()
    if last is None:
        return False
    exported_at, checksum, accepted = last
    if checked.exported_at < exported_at:
        checked.add(
            pkg.MANIFEST,
            None,
            pkg.EXPORTED_AT,
            checked.exported_at,
            f"这个上报包比已导入的旧（已导入的导出于 {exported_at}），不能用旧数据覆盖新数据",
        )
        return True
    if checked.exported_at == exported_at:
        if checksum == checked.content_checksum:
            outcome.status = UNCHANGED
            return True
        if accepted and not checked.modified:
            return False
        checked.add(
            pkg.MANIFEST,
            None,
            pkg.EXPORTED_AT,
            checked.exported_at,
            "与已导入的上报包导出时间相同但内容不同，请让村里重新导出",
        )
        return True
    return False


def _chain_against_county(store: Store, checked: CheckedPackage, village_id: int, village: str, accept: bool) -> None:
    """The package's audit chain against the anchors the county holds for the village: a chain
    that does not extend them was rewritten (an error; 接受改动 takes it, audited, and it becomes
    the village's history from then on)."""
    suffix = (
        "；已选择“接受改动”，导入时记入操作日志"
        if accept
        else "：请村里说明原因（如恢复过备份），确认无误后可选择“接受改动”导入"
    )
    for found in anchors.against(anchors.anchors_of(store, village_id), checked.chain, checked.signed, village):
        if found.warning:
            checked.add(pkg.MANIFEST, None, anchors.CHAIN_HEAD, found.value, found.message, WARNING)
            continue
        checked.add(
            pkg.MANIFEST, None, anchors.CHAIN_HEAD, found.value, found.message + suffix, WARNING if accept else ERROR
        )
        checked.accepted = checked.rebased = accept


def _elsewhere(store: Store, checked: CheckedPackage, village_id: int | None) -> None:
    """A warning for every current member whose ID number is a current member of another village
    (one query: the package's people joined to the ID-number index by range, so a 20-character
    disability card number matches its 18-character ID number)."""
    members = checked.table("members")
    people: dict[str, list[tuple[int, str]]] = {}
    for r, left, number, kind in zip(
        members.rows, members.get("left_date"), members.get("id_number"), members.get("id_type")
    ):
        if not left and number and kind in ("resident", "disability"):
            people.setdefault(number[:18], []).append((r, number))
    if not people:
        return
    found = []
    keys = list(people)
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        found += store.db.execute(
            f"""WITH wanted(person) AS (VALUES {", ".join(["(?)"] * len(chunk))})
                SELECT w.person, vv.name, vv.code, h.household_no FROM wanted w
                CROSS JOIN members o ON o.id_number >= w.person AND o.id_number < w.person || '~'
                JOIN villages vv ON vv.id = o.village_id JOIN households h ON h.id = o.household_id
                WHERE o.left_date IS NULL AND h.status <> 'removed' AND {member_rules.person_sql("o")}
                  AND vv.code <> ?""",
            [*chunk, checked.village_code],
        ).fetchall()
    for person, name, other_code, no in found:
        for r, number in people[person]:
            checked.add(
                pkg.SHEET_OF["members"].name,
                r,
                pkg.SHEET_OF["members"].record.label("id_number"),
                number,
                f"这个人已在 {name}（{other_code}）第 {no} 户登记；已导入，并列入重复人员清单",
                WARNING,
            )


def _rules_against_county(store: Store, checked: CheckedPackage) -> None:
    """A warning for each poverty line and exit setting the village applied that differs from
    the county's own (the county keeps the village's; its checks use its own), and for each
    loan beyond the county's limits."""
    lines, sheet = checked.table("village_poverty_lines"), pkg.SHEET_OF["village_poverty_lines"]
    for r, year, province, fen in zip(lines.rows, lines.get("year"), lines.get("province"), lines.get("line_fen")):
        county = store.assistance.poverty_line(year, province) if year and province else None
        if county is not None and fen is not None and county.line_fen != fen:
            error = VillageLineDiffers(year=year, province=province, village_fen=fen, county_fen=county.line_fen)
            checked.add(sheet.name, r, sheet.record.label("line_fen"), format_fen(fen), describe(error), WARNING)
    config = store.config()
    loans, sheet = checked.table("loans"), pkg.SHEET_OF["loans"]
    for r, amount, term in zip(loans.rows, loans.get("amount_fen"), loans.get("term_months")):
        if amount is not None:  # 5万元以下、3年以内 (seed 001), by the county's settings
            for name, beyond in loan_warnings(amount, term, config.loan_max_fen, config.loan_max_months):
                shown = format_fen(amount) if name == "amount_fen" else str(term)
                checked.add(sheet.name, r, sheet.record.label(name), shown, describe(beyond), WARNING)
    settings, sheet = checked.table("village_settings"), pkg.SHEET_OF["village_settings"]
    ours = to_settings(config)
    for r, key, value in zip(settings.rows, settings.get("key"), settings.get("value")):
        if key in ours and value is not None and _setting_differs(key, value, ours[key]):
            differs = VillageSettingDiffers(name=key, village=value, county=ours[key])
            checked.add(sheet.name, r, sheet.record.label("value"), value, describe(differs), WARNING)


def _setting_differs(key: str, village: str, county: str) -> bool:
    try:
        return setting_value(key, village) != setting_value(key, county)
    except InvalidSetting:
        return False  # the package check has refused it already


def file_name(path: str) -> str:
    """A file's name as the import record keeps it: printable characters only, trimmed."""
    return "".join(c for c in Path(path).name if c.isprintable()).strip()[:255]


_VILLAGE_COLUMN = {
    "village_groups",
    "households",
    "members",
    "cadres",
    "projects",
    "work_logs",
    "inspections",
    "village_years",
    "village_poverty_lines",
    "village_settings",
}


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
        for sheet in self.checked.sheets:
            stored = self.existing[sheet.table] = self._stored(sheet)
            incoming = set(self.checked.table(sheet.table).uuids)
            removed = [u for u in stored if u not in incoming]
            added = [u for u in incoming if u not in stored]
            if sheet.table == "villages" and stored:
                removed, added = [], []
            if sheet.table in NEVER_DELETED and sheet.table != "villages":
                for u in removed:
                    self.checked.add(
                        sheet.name,
                        None,
                        "UUID",
                        u,
                        "已导入的这条记录在新的上报包中不见了；这类记录只能通过变更登记，不能删除",
                    )
            self._foreign(sheet, added)
            self.counts[sheet.table] = [len(added), self._changed(sheet, stored), len(removed)]

    def _changed(self, sheet: pkg.Sheet, stored: dict[str, dict[str, Any]]) -> int:
        """Rows whose own values differ (references and groups are compared when written)."""
        if not stored:
            return 0
        skip = {*sheet.refs, "group_id", "village_id", "code"}
        changed = 0
        for rec in self.checked.table(sheet.table).records():
            old = stored.get(rec.uuid) if sheet.table != "villages" else next(iter(stored.values()))
            if old is not None and any(old.get(k) != v for k, v in rec.values.items() if k not in skip):
                changed += 1
        return changed

    def _foreign(self, sheet: pkg.Sheet, added: list[str]) -> None:
        """Records whose UUID the county already holds for another village: one line per sheet."""
        if sheet.table == "villages":
            return
        table = self.checked.table(sheet.table)
        rows = dict(zip(table.uuids, table.rows))
        taken: list[str] = []
        for start in range(0, len(added), 500):
            chunk = added[start : start + 500]
            taken += [
                u
                for (u,) in self.store.db.execute(
                    f"SELECT uuid FROM {sheet.table} WHERE uuid IN ({','.join('?' * len(chunk))})", chunk
                )
            ]
        if taken:
            first = min(rows[u] for u in taken)
            owner = self._owner(sheet, taken[0])
            self.checked.add(
                sheet.name,
                first,
                "UUID",
                taken[0],
                f"本表有 {len(taken)} 条记录的 UUID 已属于{owner}的记录（村里是否复制了别村的数据文件夹？）",
            )

    def _owner(self, sheet: pkg.Sheet, uuid: str) -> str:
        """The village that holds a record, in words."""
        for v in self.store.villages.all():
            found = self.store.db.execute(
                f"SELECT 1 FROM {sheet.table} WHERE uuid = :uuid AND {sheet.scope}", {"uuid": uuid, "village": v.id}
            ).fetchone()
            if found:
                return f"{v.name}（{v.code}）"
        return "另一个村"

    def summary(self) -> dict[str, tuple[int, int, int]]:
        return {t: (a, c, r) for t, (a, c, r) in self.counts.items() if a or c or r}

    def _resolved(
        self,
        sheet: pkg.Sheet,
        values: dict[str, Any],
        ids: dict[str, dict[str, int]],
        groups: dict[str, int],
        count: int | None = None,
    ) -> dict[str, Any]:
        """References from UUIDs to the county's ids, the group by name, the village; for one
        record's values, or (``count`` given) for columns of that many records."""

        def each(column: str, f: Callable[[Any], Any]) -> None:
            if column in values:
                values[column] = f(values[column]) if count is None else list(map(f, values[column]))

        def resolve(known: dict[str, int]) -> Callable[[Any], Any]:
            return lambda u: None if u is None else known[u]

        for column in sheet.refs:
            each(column, resolve(ids[sheet.record[column].ref]))
        if sheet.table == "households":
            each("group_id", lambda g: groups.get(g or ""))
        if sheet.table in _VILLAGE_COLUMN:
            values["village_id"] = self.village_id if count is None else [self.village_id] * count
        return values

    def write(self, accept_modified: bool) -> None:
        writer = self.store.writer
        for sheet in reversed(self.checked.sheets):  # removals first, children before parents
            incoming_uuids = set(self.checked.table(sheet.table).uuids)
            for uuid, row in self.existing[sheet.table].items():
                if uuid not in incoming_uuids and sheet.table != "villages":
                    writer.delete(sheet.table, row["id"])
        ids: dict[str, dict[str, int]] = {t: {u: r["id"] for u, r in rows.items()} for t, rows in self.existing.items()}
        groups: dict[str, int] = {}
        for sheet in self.checked.sheets:
            table = sheet.table
            stored = self.existing[table]
            incoming = self.checked.table(table)
            if table == "villages" and stored:  # matched by its code; the county keeps its UUID
                kept, new = [(rec, next(iter(stored.values()))) for rec in incoming.records()], []
            else:
                kept = [(rec, stored[rec.uuid]) for rec in incoming.records() if rec.uuid in stored] if stored else []
                new = [i for i, u in enumerate(incoming.uuids) if u not in stored]
            changed = 0
            for rec, old in kept:
                values = self._resolved(sheet, dict(rec.values), ids, groups)
                if any(old.get(k) != v for k, v in values.items()):
                    changed += writer.update(table, old["id"], values)
            if new:  # a column at a time: the bulk of a first import
                whole = len(new) == len(incoming)
                columns = {n: list(c) if whole else [c[i] for i in new] for n, c in incoming.columns.items()}
                columns = self._resolved(sheet, columns, ids, groups, count=len(new))
                columns["uuid"] = list(incoming.uuids) if whole else [incoming.uuids[i] for i in new]
                ids[table] |= dict(zip(columns["uuid"], writer.insert_columns(table, columns)))
            if table == "villages":
                self.village_id = self.village_id or ids["villages"][self.checked.table("villages").uuids[0]]
            if table == "village_groups":
                groups = dict(
                    self.store.db.execute(
                        "SELECT name, id FROM village_groups WHERE village_id = ?", [self.village_id]
                    ).fetchall()
                )
            self.counts[table][1] = changed
        taken = writer.insert(
            "imports",
            {
                "village_id": self.village_id,
                "file_name": file_name(self.checked.file),
                "exported_at": self.checked.exported_at,
                "checksum": self.checked.content_checksum,
                "software": self.checked.facts.get(pkg.SOFTWARE_KEY, ""),
                "format_version": self.checked.facts.get(pkg.FORMAT_KEY, ""),
                "accepted_modified": int(accept_modified),
                "changes": json.dumps(
                    {
                        "changes": self.summary(),
                        "accepted_problems": [p.as_json() for p in self.checked.problems if p.level == WARNING],
                    }
                    if accept_modified
                    else {"changes": self.summary()},
                    ensure_ascii=False,
                ),
            },
        )
        chain = self.checked.chain
        if chain is not None and self.village_id is not None:  # the village's head, for its next package
            row = anchors.anchor_row(
                self.village_id, taken["id"], chain, signed=self.checked.signed, rebased=self.checked.rebased
            )
            writer.insert("chain_anchors", row)


__all__ = ["CHECKED", "IMPORTED", "REFUSED", "SKIPPED", "UNCHANGED", "Outcome", "import_one", "import_packages"]
