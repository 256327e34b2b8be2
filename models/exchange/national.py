"""Building or updating a village from the household/member export of the national system 全国扶贫开发信息系统."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models import codes
from models.domain import MEMBER_YEAR_FACTS, Group, Household, Member, MemberEvent, MemberYear, StatusEvent, Village
from models.errors import CundangError, DuplicateIdNumber, FileRefused, HeadCount, MissingColumn, Problem
from models.exchange import national_columns as columns
from models.exchange.problems import WARNING, RowProblem
from models.exchange.reader import Grid, read_file
from models.fields import field_label
from models.rules import members as member_rules
from models.rules import records
from models.rules.register import check_village_code, recorded_day
from models.services.villages import create_village
from models.storage.base import transaction
from models.storage.year_facts import seed_member_years, set_member_year
from models.store import Store
from models.wording import describe

PLACE = ("province", "city", "county", "township", "village")
_RULE_COLUMNS = {
    "birth_date": ("id_number",),
    "other_cause1": ("other_cause1", "other_causes"),
    "other_cause2": ("other_cause2", "other_causes"),
    "identified_year": ("identified_year", "year"),
}


@dataclass
class NationalResult:
    file: str
    village_code: str  # the village built or updated ('' when none could be determined)
    village_name: str
    households_added: int = 0
    households_updated: int = 0
    members_added: int = 0
    members_updated: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    written: bool = False  # False on a dry run, or when an error refused the whole file

    @property
    def errors(self) -> list[RowProblem]:
        return [p for p in self.problems if p.is_error]


@dataclass
class _Person:
    row: int  # Excel row
    cells: dict[str, str]  # field -> cleaned text
    facts: dict[str, Any] = field(default_factory=dict)  # member fields from its non-empty cells
    member: Member | None = None  # as it will be stored; None when it is left alone
    stored: Member | None = None
    changes: dict[str, Any] = field(default_factory=dict)


def _is_head(p: _Person) -> bool:
    """Whether a member with changes becomes (or stays) the head: those are written last."""
    assert p.member is not None  # a member with changes is planned
    return p.member.relation == codes.HEAD


@dataclass
class _Family:
    no: str
    people: list[_Person]
    head: _Person | None = None
    stored: Household | None = None
    household: Household | None = None  # a new household as it will be stored
    group: str = ""
    changes: dict[str, Any] = field(default_factory=dict)
    events: list[tuple[str, int]] = field(default_factory=list)  # (status event kind, year)
    data_year: int | None = None
    id: int | None = None


def import_national(
    store: Store,
    path: Path | str,
    *,
    village_code: str | None = None,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> NationalResult:
    """Read a national export (.xlsx, .xls or CSV; one row per person, household columns repeated)
    into one village: new households and members are added, those already here (户编号 within the
    village, then ID number within the household) get the changed values of the file's non-empty
    cells. Whole or not at all: any error refuses the file and nothing is written; warnings say what
    was normalised or left alone. Raises reader.FileRefused for a file that cannot be read.

    The village is ``village_code``, else the file's 村代码 column, else the existing village whose
    county, township and village names match; a village not yet here is created (it needs the code).
    A file of several villages is refused unless ``village_code`` picks one by the 村代码 column.
    New households get their status history (识别, 脱贫, 返贫, 清退) as events dated at the end of
    their years; for households already here a different 脱贫状态 is only reported, since status
    changes go through their procedures. Members never leave through an import."""
    if store.is_own_file(path):
        raise FileRefused(path=str(path), reason="not_workbook", detail="")
    job = _Import(store, Path(path), village_code.strip() if village_code else "")
    result = NationalResult(str(path), job.wanted, "")
    families, village = job.plan(read_file(path, keep_numbers=True), progress)
    if village is not None:
        result.village_code, result.village_name = village.code, village.name
    new = [f for f in families if f.stored is None]
    result.households_added = len(new)
    result.households_updated = sum(1 for f in families if f.changes)
    people = [p for f in families for p in f.people if p.member is not None]
    result.members_added = sum(1 for p in people if p.stored is None)
    result.members_updated = sum(1 for p in people if p.changes)
    result.problems = job.finish()
    if village is not None and not dry_run and not result.errors:
        job.write(village, families)
        result.written = True
    if progress:
        progress(len(families) + 1, len(families) + 1)
    return result


class _Import(columns.ExportReader):
    """Plans the village from the rows read, then writes it."""

    def __init__(self, store: Store, path: Path, wanted: str) -> None:
        super().__init__(str(path))
        self.store, self.wanted = store, wanted
        self.groups: dict[str, int | None] = {}  # group name -> id (None: to be created)

    def plan(
        self, grids: list[Grid], progress: Callable[[int, int], None] | None
    ) -> tuple[list[_Family], Village | None]:
        people = [_Person(row, cells) for row, cells in self.read(grids)]
        if not people:
            return [], None
        people = self.select_village(people)
        village = self.find_village(people[0]) if people else None
        if village is None:
            return [], None
        families: dict[str, _Family] = {}
        for p in people:
            p.facts = self.member_facts(p.row, p.cells)
            if not p.cells["household_no"]:
                self.problem(p.row, "household_no", "", f"“{self.col('household_no')}”必须填写。")
                continue
            families.setdefault(p.cells["household_no"], _Family(p.cells["household_no"], [])).people.append(p)
        self.load(village)
        for i, fam in enumerate(families.values()):
            self.plan_family(fam)
            if progress and i % 100 == 0:
                progress(i, len(families) + 1)
        self.check_people(list(families.values()))
        self.sheet_notes(list(families.values()), village)
        return list(families.values()), village

    # --- The village ------------------------------------------------------------------

    def select_village(self, people: list[_Person]) -> list[_Person]:
        places: dict[object, list[_Person]] = {}
        for p in people:
            key = p.cells.get("village_code") or tuple(columns.fold(p.cells.get(f, "")) for f in PLACE[2:])
            places.setdefault(key, []).append(p)
        if self.wanted and "village_code" in self.cols:
            chosen = places.pop(self.wanted, [])
            skipped = sum(map(len, places.values()))
            if not chosen:
                self.problem(None, "village_code", self.wanted, f"文件中没有村代码为 {self.wanted} 的行。")
            elif skipped:
                self.problem(
                    None,
                    "village_code",
                    "",
                    f"只导入村代码为 {self.wanted} 的行，跳过了其他村的 {skipped} 行。",
                    WARNING,
                )
            return chosen
        if len(places) > 1:
            names = "、".join(self.place_name(ps[0]) for ps in list(places.values())[:5])
            how = "，或指定要导入的村代码" if "village_code" in self.cols else "，请先按村拆分文件"
            second = list(places.values())[1][0]
            self.problem(
                second.row,
                "village_code" if "village_code" in self.cols else "village",
                self.place_name(second),
                f"文件中有 {len(places)} 个村的数据（{names}）：一次只能导入一个村{how}。",
            )
            return []
        return people

    def place_name(self, p: _Person) -> str:
        return "".join(p.cells.get(f, "") for f in PLACE) or p.cells.get("village_code", "")

    def find_village(self, first: _Person) -> Village | None:
        v = first.cells
        code = self.wanted or v.get("village_code", "")
        if code:
            try:
                code = check_village_code(code)
            except CundangError:
                self.problem(
                    None if self.wanted else first.row, "village_code", code, "村代码应为12位数字（统计用区划代码）。"
                )
                return None
            village = self.store.villages.by_code(code)
            if village is None and not v.get("village"):
                self.problem(
                    None, "village", "", f"本程序中还没有村代码为 {code} 的村；要新建它，文件中需要有写明村名的“村”列。"
                )
                return None
            if village is None:
                place: dict[str, Any] = {("name" if f == "village" else f): v.get(f, "") for f in PLACE}
                return Village(code=code, **place)
            theirs = [v.get(f, "") for f in PLACE[2:]]
            ours = [village.county, village.township, village.name]
            if any(t and columns.fold(t) != columns.fold(o) for t, o in zip(theirs, ours)):
                self.problem(
                    first.row,
                    "village",
                    "".join(theirs),
                    f"文件中的地名与本程序中村代码 {code} 的“{''.join(ours)}”不同：按村代码导入，村名未改动。",
                    WARNING,
                )
            return village
        wanted = [columns.fold(v.get(f, "")) for f in PLACE[2:]]
        found = [
            x
            for x in self.store.villages.all()
            if wanted[2]
            and all(not w or not o or w == columns.fold(o) for w, o in zip(wanted, (x.county, x.township, x.name)))
        ]
        if len(found) == 1:
            return found[0]
        self.problem(
            None,
            "village",
            self.place_name(first),
            "文件中没有村代码，本程序中"
            + ("有不止一个同名的村" if found else "也找不到这个村")
            + "：请指定村代码（12位统计用区划代码）。",
        )
        return None

    def load(self, village: Village) -> None:
        """What the village already holds: households by number, members by household, registrations."""
        vid = village.id
        households = [Household.from_row(r) for r in self.store.db["households"].rows_where("village_id = ?", [vid])]
        self.households = {h.household_no: h for h in households}
        self.numbers = {h.id: h.household_no for h in households}
        self.members: dict[int | None, list[Member]] = {}
        self.registered: dict[str, Member] = {}
        for r in self.store.db["members"].rows_where("village_id = ?", [vid], order_by="sort_order, id"):
            m = Member.from_row(r)
            self.members.setdefault(m.household_id, []).append(m)
            key = member_rules.person_key(m.id_type, m.id_number)
            if m.is_current and key:
                self.registered[key] = m
        self.groups = {g.name: g.id for g in self.store.villages.groups(vid)} if vid else {}
        self.group_names = {gid: name for name, gid in self.groups.items()}

    # --- Households -------------------------------------------------------------------

    def plan_family(self, fam: _Family) -> None:
        heads = [p for p in fam.people if p.facts.get("relation") == codes.HEAD]
        fam.head = head = heads[0] if heads else fam.people[0]
        v, row = head.cells, head.row
        for p in fam.people:  # household columns repeat on each row: the head's row counts
            for f in columns.HOUSEHOLD_FIELDS:
                if p is not head and p.cells.get(f) and v.get(f) and columns.fold(p.cells[f]) != columns.fold(v[f]):
                    self.note(p.row, f, p.cells[f], "与本户户主一行的值不一致，按户主一行导入")
        if heads and v.get("head_id") and v.get("id_number") and v["head_id"] != v["id_number"]:
            self.problem(
                row, "head_id", v["head_id"], f"户主证件号码与户主本人一行的证件号码（{v['id_number']}）不一致。"
            )
        if heads and v.get("head_name") and v.get("name") and columns.fold(v["head_name"]) != columns.fold(v["name"]):
            self.problem(
                row, "head_name", v["head_name"], f"户主姓名与户主本人一行的姓名“{v['name']}”不一致。", WARNING
            )
        facts = self.household_facts(row, v)
        fam.group = v.get("group", "")
        fam.data_year = self.year(row, "year", v.get("year", ""))
        status = self.code(row, "status", codes.STATUS, v["status"]) if v.get("status") else None
        if "status" in self.cols and not v.get("status"):
            self.problem(row, "status", "", f"“{self.col('status')}”必须填写。")
        if fam.group and fam.group not in self.groups:
            self.groups[fam.group] = None
        fam.stored = self.households.get(fam.no)
        if fam.stored is None:
            self.new_family(fam, facts, status)
        else:
            self.update_family(fam, facts, status)

    def new_family(self, fam: _Family, facts: dict[str, Any], status: str | None) -> None:
        assert fam.head is not None  # plan_family chose it
        row = fam.head.row
        if not fam.head.cells.get("identified_year") and fam.data_year is not None:
            facts["identified_year"] = fam.data_year
            self.note(row, "year", str(fam.data_year), "没有识别年度：新户的识别年度按“年度”列记录")
        household, problems = records.check("households", Household(household_no=fam.no, status="not_exited", **facts))
        household = dataclasses.replace(household, status="")
        self.rule_problems(fam, problems, set(Household.columns()))
        for p in fam.people:
            p.member = member_rules.completed(
                Member(**{"id_type": "resident", "ethnicity": "", "politics": "", **p.facts}), today=self.today
            )
        self.member_problems(fam, [])
        status = status or "not_exited"
        fam.household = dataclasses.replace(household, status=status)
        year = household.identified_year
        if year is None or ("status" in self.cols and not fam.head.cells.get("status")):
            return
        fam.events = [("identify", year)]
        if status in ("exited", "returned"):
            exit_year = self.year(row, "exit_year", fam.head.cells.get("exit_year", ""))
            if exit_year is None and not fam.head.cells.get("exit_year") and fam.data_year:
                exit_year = fam.data_year
                self.note(
                    row, "year", str(exit_year), f"没有脱贫年度：已脱贫、返贫户按“年度”列的 {exit_year} 年记为脱贫年度"
                )
            if exit_year is None:
                self.problem(
                    row,
                    "status",
                    fam.head.cells.get("status", ""),
                    "已脱贫、返贫户需要脱贫年度：文件中没有“脱贫年度”，也没有“年度”。",
                )
                return
            fam.events.append(("exit", exit_year))
            fam.household.exit_year = exit_year
        if status in ("returned", "removed"):
            fam.events.append(("return" if status == "returned" else "remove", fam.data_year or fam.events[-1][1]))
        if status == "returned":
            fam.household.exit_year = None
        if any(b[1] < a[1] for a, b in zip(fam.events, fam.events[1:])):
            self.problem(
                row,
                "status",
                fam.head.cells.get("status", ""),
                "状态变更的年度先后颠倒（"
                + "、".join(f"{codes.STATUS_EVENT.label(k)} {y}" for k, y in fam.events)
                + "），请核对识别年度、脱贫年度和年度。",
            )

    def update_family(self, fam: _Family, facts: dict[str, Any], status: str | None) -> None:
        stored = fam.stored
        assert stored is not None and fam.head is not None
        row = fam.head.row
        merged, problems = records.check("households", dataclasses.replace(stored, **facts))
        self.rule_problems(fam, problems, set(facts))
        fam.changes = {k: getattr(merged, k) for k in facts if getattr(stored, k) != getattr(merged, k)}
        if fam.group and self.group_names.get(stored.group_id) != fam.group:
            fam.changes["group"] = fam.group
        if status is not None and status != stored.status:
            self.problem(
                row,
                "status",
                fam.head.cells["status"],
                f"本程序中该户为“{codes.status_label(stored.status)}”，文件中为“{codes.STATUS.label(status)}”："
                "脱贫状态的变更须按程序办理，本次导入未改动。",
                WARNING,
            )
        stored_members = self.members.get(stored.id, [])
        keys = {m.id: member_rules.person_key(m.id_type, m.id_number) for m in stored_members}
        current = {keys[m.id]: m for m in stored_members if m.is_current and keys[m.id]}
        gone = {keys[m.id]: m for m in stored_members if not m.is_current and keys[m.id]}
        for p in fam.people:
            key = str(p.facts.get("id_number", ""))[:18]
            if key in current:
                p.stored = current.pop(key)
                p.member = member_rules.completed(
                    dataclasses.replace(p.stored, **{k: v for k, v in p.facts.items() if k != "id_number"}),
                    today=self.today,
                )
            elif key in gone:
                self.problem(
                    p.row,
                    "id_number",
                    key,
                    f"“{gone[key].name}”在本程序中已于 {gone[key].left_date} 减少，"
                    "本次导入未改动；如已重新加入，请办理人员增加。",
                    WARNING,
                )
            else:
                p.member = member_rules.completed(
                    Member(**{"id_type": "resident", "ethnicity": "", "politics": "", **p.facts}), today=self.today
                )
                self.note(p.row, "name", p.cells.get("name", ""), "该户新增的成员按“其他增加”记录，请核对增加原因")
        for m in current.values():
            self.problem(
                row,
                "name",
                m.name,
                f"本程序中该户的成员“{m.name}”不在文件中：未改动；如已减少，请办理人员减少。",
                WARNING,
            )
        self.member_problems(fam, list(current.values()))
        for p in fam.people:
            if p.stored is not None and p.member is not None:
                p.changes = {
                    k: getattr(p.member, k)
                    for k in p.facts
                    if k not in ("id_number", "id_type") and getattr(p.member, k) != getattr(p.stored, k)
                }

    def rule_problems(self, fam: _Family, problems: list[Problem], fields: set[str]) -> None:
        assert fam.head is not None  # plan_family chose it
        for problem in problems:
            name = str(problem.where[-1])
            if name in fields:
                f = self.rule_column(name)
                value = fam.head.cells.get(f, "")
                label = self.col(f) or field_label(("households", name))
                if not self.col(f) and self.told_once(label, problem):
                    continue
                self.problem(fam.head.row if self.col(f) else None, f, value, self.words(problem, label, f))

    def told_once(self, label: str, problem: Problem) -> bool:
        """A column the file lacks is said once for the file, not once per household."""
        told = self.__dict__.setdefault("_told", set())
        key = (label, type(problem.error).__name__)
        if key in told:
            return True
        told.add(key)
        return False

    def member_problems(self, fam: _Family, others: list[Member]) -> None:
        """The rules on the members as they will be: each row's own, and one head among all
        current members (those only here count too)."""
        listed = [p for p in fam.people if p.member is not None]
        members: list[Member] = [p.member for p in listed if p.member is not None] + others
        found = [
            q for i, m in enumerate(members) for q in records.check("members", m, ("members", i), today=self.today)[1]
        ]
        for problem in found + member_rules.household_problems(members):
            _, i, name = problem.where
            assert i is None or isinstance(i, int)  # ("members", index or None, field)
            if isinstance(problem.error, DuplicateIdNumber) or (
                not isinstance(problem.error, HeadCount) and (i is None or i >= len(listed))
            ):
                continue  # the same number twice is checked over the whole file
            p = listed[i] if i is not None and i < len(listed) else fam.people[0]
            f = self.rule_column(str(name))
            label = self.col(f) or field_label(("members", str(name)))
            if name == "dropout_reason" and not self.col(f):
                # The national export has no such column: take the member, ask for the reason.
                self.problem(
                    p.row,
                    "school_status",
                    p.cells.get("school_status", ""),
                    "失学辍学成员没有填写原因（国家系统导出中没有这一项）：导入后请在成员信息中补录。",
                    WARNING,
                )
                continue
            if not self.col(f) and self.told_once(label, problem):
                continue
            self.problem(
                p.row if self.col(f) else None, f, p.cells.get(f, ""), self.words(problem, label, f), problem.level
            )

    def words(self, problem: Problem, label: str, column: str) -> str:
        """The rule book's sentence; for a required value whose column the file lacks, that."""
        if not self.col(column) and problem.error.__class__.__name__ == "Required":
            return describe(MissingColumn(column=label))
        return describe(problem.error)

    def rule_column(self, name: str) -> str:
        return next((f for f in _RULE_COLUMNS.get(name, (name,)) if f in self.cols), "")

    def check_people(self, families: list[_Family]) -> None:
        """One registration per person: in the file, and against the other households here."""
        first: dict[str, int] = {}
        for fam in families:
            for p in fam.people:
                key = member_rules.person_key(p.member.id_type, p.member.id_number) if p.member is not None else ""
                if not key:
                    continue
                if key in first:
                    self.problem(p.row, "id_number", key, f"与第 {first[key]} 行的证件号码相同：同一人只能登记一次。")
                    continue
                first[key] = p.row
                other = self.registered.get(key)
                if other is not None and (fam.stored is None or other.household_id != fam.stored.id):
                    self.problem(
                        p.row,
                        "id_number",
                        key,
                        f"该证件号码已登记在本村户编号 {self.numbers[other.household_id]}"
                        f" 的“{other.name}”名下：同一人在本村只能登记一次。",
                    )

    def sheet_notes(self, families: list[_Family], village: Village) -> None:
        new = [f for f in families if f.stored is None]
        if new and "standard" not in self.cols:
            self.problem(None, "", "", "文件没有“识别标准”列：新户按“国家标准”记录。", WARNING)
        if new and "status" not in self.cols:
            self.problem(None, "", "", "文件没有“脱贫状态”列：新户按“未脱贫”记录。", WARNING)
        if village.id is None:
            self.problem(
                None,
                "",
                village.code,
                f"将新建村 {village.code}（{village.township}{village.name}）："
                "是否贫困村等村情请导入后在“村情”中核对。",
                WARNING,
            )
        missing = len(set(self.households) - {f.no for f in families})
        if missing:
            self.problem(None, "", "", f"本村另有 {missing} 户不在文件中：未改动。", WARNING)

    # --- Writing --------------------------------------------------------------------------

    def day(self, year: int) -> str:
        return recorded_day(year, self.today)

    def write(self, village: Village, families: list[_Family]) -> None:
        """Everything in one transaction, through the audited writer."""
        store, w = self.store, self.store.writer
        reason = f"据{columns.SOURCE}导出数据导入（{Path(self.file).name}）"
        new_groups = [name for name, gid in self.groups.items() if gid is None]
        with transaction(store.db):
            if village.id is None:
                village = store.villages.get(create_village(store, village, new_groups).id or 0)
                assert village.id is not None
            elif new_groups:
                start = len(self.group_names)
                w.insert_many(
                    "village_groups",
                    [
                        Group(village_id=village.id, name=n, sort_order=start + i).to_record()
                        for i, n in enumerate(new_groups)
                    ],
                )
            gids = {g.name: g.id for g in store.villages.groups(village.id)}
            new = [f for f in families if f.stored is None]
            planned: list[dict[str, Any]] = []
            for f in new:
                assert f.household is not None  # new_family planned it
                planned.append(
                    dataclasses.replace(f.household, village_id=village.id, group_id=gids.get(f.group)).to_record()
                )
            rows = w.insert_many("households", planned)
            for f, row in zip(new, rows):
                f.id = row["id"]
            w.insert_many(
                "status_events",
                [
                    StatusEvent(
                        household_id=f.id, kind=kind, event_date=self.day(year), year=year, reason=reason
                    ).to_record()
                    for f in new
                    for kind, year in f.events
                ],
            )
            joined: list[tuple[int, _Family]] = []  # (index in records, family) of members joining a household
            records: list[dict[str, Any]] = []
            for f in families:
                if f.stored is not None:
                    f.id = f.stored.id
                    assert f.id is not None
                    changes = dict(f.changes)
                    if "group" in changes:
                        changes["group_id"] = gids[changes.pop("group")]
                    if changes:
                        w.update("households", f.id, changes)
                    # Clear a head before another member becomes one: one head at every moment.
                    for p in sorted((p for p in f.people if p.changes), key=_is_head):
                        assert p.stored is not None and p.stored.id is not None  # only a stored member has changes
                        w.update("members", p.stored.id, p.changes)
                        if any(k in p.changes for k in MEMBER_YEAR_FACTS):  # the file's year's facts
                            merged = dataclasses.replace(p.stored, **p.changes)
                            year = f.data_year or self.today.year
                            fact = {k: getattr(merged, k) for k in MEMBER_YEAR_FACTS}
                            set_member_year(
                                store.db,
                                w,
                                MemberYear(member_id=p.stored.id, household_id=f.id, year=year, **fact),
                            )
                start = len(self.members.get(f.id, [])) if f.stored is not None else 0
                for i, p in enumerate(p for p in f.people if p.member is not None and p.stored is None):
                    assert p.member is not None
                    m = dataclasses.replace(p.member, household_id=f.id, village_id=village.id, sort_order=start + i)
                    if f.stored is not None:
                        m.joined_date = self.day(f.data_year or self.today.year)
                        joined.append((len(records), f))
                    records.append(m.to_record())
            rows = w.insert_many("members", records)
            w.insert_many(
                "member_events",
                [
                    MemberEvent(
                        household_id=f.id,
                        member_id=rows[i]["id"],
                        kind="other_in",
                        event_date=rows[i]["joined_date"],
                        reason=reason,
                    ).to_record()
                    for i, f in joined
                ],
            )
            seed_member_years(store.db, w, village_id=village.id)  # each new member's facts from their first year
