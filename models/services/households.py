"""Registering and editing households; member and status changes as events."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from models import codes, rules
from models.domain import INCOME_ITEMS, Assurance, Household, Income, Member, MemberEvent, StatusEvent
from models.errors import (
    CundangError,
    DuplicateHouseholdNo,
    DuplicateIdNumber,
    ExitCheckFailed,
    HeadCount,
    MemberAlreadyLeft,
    NegativeValue,
    Problem,
    Required,
    raise_problems,
)
from models.money import format_fen
from models.store import Store

# Set only by events, never by a form.
_EVENT_FIELDS = {"status", "exit_year", "village_id"}
_MEMBER_EVENT_FIELDS = {"left_date", "left_kind", "joined_date", "household_id", "village_id"}


def _registration_problems(store: Store, village_id: int, members: list[Member]) -> list[Problem]:
    """ID numbers that some other current member of the village already holds."""
    own = {m.id for m in members if m.id is not None}
    index = {rules.person_key(m): i for i, m in enumerate(members) if m.is_current and rules.person_key(m)}
    problems = []
    for number, household_no, name, member_id in store.households.registrations(village_id, list(index)):
        if member_id not in own:
            problems.append(
                Problem(
                    ("members", index[number], "id_number"),
                    DuplicateIdNumber(id_number=number, household_no=household_no, name=name),
                )
            )
    return problems


def validate(
    store: Store, household: Household, members: list[Member], *, applicant: bool = False, today: dt.date | None = None
) -> list[Problem]:
    """Every problem with a household and its members, each tied to its field."""
    # 识别年度 is known once identified; an applicant (new, or saved as 未识别) has none yet.
    identified = not applicant if household.id is None else household.status != ""
    problems = rules.validate_household(household, identified=identified, today=today)
    problems += rules.validate_members(members, today=today)
    same_no = store.households.by_no(household.village_id, household.household_no.strip())
    if same_no is not None and same_no.id != household.id:
        problems.append(
            Problem(("household", "household_no"), DuplicateHouseholdNo(household_no=household.household_no))
        )
    problems += _registration_problems(store, household.village_id, members)
    return problems


def register_household(
    store: Store,
    household: Household,
    members: list[Member],
    *,
    event_date: str | None = None,
    reason: str = "",
    applicant: bool = False,
    today: dt.date | None = None,
) -> int:
    """建档立卡: a household already identified in its year (records typed in), or with
    ``applicant`` a household that has just applied: it is 未识别 until its identification
    procedure ends with 识别."""
    household, members = _as_new(household, members)
    if applicant:
        household = dataclasses.replace(household, identified_year=None)
    raise_problems(validate(store, household, members, applicant=applicant, today=today))
    return _write_new(store, household, members, event_date=event_date, reason=reason, identified=not applicant)


def _as_new(household: Household, members: list[Member]) -> tuple[Household, list[Member]]:
    household = dataclasses.replace(
        household, id=None, status="", exit_year=None, household_no=household.household_no.strip()
    )
    return household, [dataclasses.replace(m, id=None, left_date=None, left_kind="") for m in members]


def _write_new(
    store: Store,
    household: Household,
    members: list[Member],
    *,
    event_date: str | None = None,
    reason: str = "",
    identified: bool = True,
) -> int:
    with store.db.atomic():
        row = store.writer.insert("households", household.to_record())
        hid = row["id"]
        store.writer.insert_many(
            "members",
            [
                dataclasses.replace(m, household_id=hid, village_id=household.village_id, sort_order=i).to_record()
                for i, m in enumerate(members)
            ],
        )
        if identified:
            # Recorded as identified at the end of its year, or today when that is still to come.
            day = event_date or min(dt.date(household.identified_year, 12, 31), dt.date.today()).isoformat()
            _status_event(store, hid, "identify", day, household.identified_year, reason)
    return hid


def update_household(
    store: Store, household: Household, members: list[Member], *, today: dt.date | None = None
) -> bool:
    """Save a household's facts and its members' facts; membership and status change by events."""
    household, listed = _as_update(store, household, members)
    raise_problems(validate(store, household, listed, today=today))
    return _write_update(store, household, listed)


def _as_update(store: Store, household: Household, members: list[Member]) -> tuple[Household, list[Member]]:
    if household.id is None:
        raise ValueError("update_household needs a saved household")
    stored = store.households.get(household.id)
    household = dataclasses.replace(
        household, village_id=stored.village_id, household_no=household.household_no.strip()
    )
    if any(m.id is None for m in members):
        raise ValueError("new members join through add_member")
    stored_members = {m.id: m for m in store.households.members(household.id)}
    # Membership is set by events: the form cannot bring back or remove anyone.
    listed = [
        dataclasses.replace(m, left_date=stored_members[m.id].left_date) for m in members if m.id in stored_members
    ]
    listed += [m for mid, m in stored_members.items() if mid not in {x.id for x in members}]
    return household, listed


def _write_update(store: Store, household: Household, listed: list[Member]) -> bool:
    changed = False
    stored_ids = {m.id: rules.person_key(m) for m in store.households.members(household.id)}
    with store.db.atomic():
        record = {k: v for k, v in household.to_record().items() if k not in _EVENT_FIELDS | {"uuid"}}
        changed |= store.writer.update("households", household.id, record)
        # Members swapping ID numbers would meet in the one-registration index half-way:
        # clear the numbers that move to another member first.
        wanted = {m.id: rules.person_key(m) for m in listed}
        moving = [
            mid for mid, key in wanted.items() if key and key != stored_ids.get(mid) and key in stored_ids.values()
        ]
        for mid in moving:
            store.writer.update("members", mid, {"id_number": ""})
        # Clear the head first so the one-head index never sees two during the swap.
        order = sorted(listed, key=lambda m: m.relation == codes.HEAD)
        for m in order:
            rec = {k: v for k, v in m.to_record().items() if k not in _MEMBER_EVENT_FIELDS | {"uuid"}}
            changed |= store.writer.update("members", m.id, rec)
    return changed


def add_member(
    store: Store,
    household_id: int,
    member: Member,
    kind: str,
    event_date: str,
    reason: str = "",
    *,
    today: dt.date | None = None,
) -> int:
    """人员变更 (增加): 新生儿, 嫁入, 迁入 … bring a new member into the household."""
    codes.MEMBER_JOIN.check(kind, allow_empty=False)
    household = store.households.get(household_id)
    day = rules.parse_date(event_date, today=today).isoformat()
    member = dataclasses.replace(
        member,
        id=None,
        household_id=household_id,
        village_id=household.village_id,
        joined_date=day,
        left_date=None,
        left_kind="",
    )
    current = [m for m in store.households.members(household_id) if m.is_current]
    problems = rules.validate_members(current + [member], today=today)
    problems = [Problem(("member",) + p.where[2:], p.error) for p in problems if p.where[1] == len(current)]
    problems += [
        Problem(("member", "id_number"), p.error) for p in _registration_problems(store, household.village_id, [member])
    ]
    raise_problems(problems)
    with store.db.atomic():
        member.sort_order = len(store.households.members(household_id))
        mid = store.writer.insert("members", member.to_record())["id"]
        store.writer.insert(
            "member_events",
            MemberEvent(household_id=household_id, member_id=mid, kind=kind, event_date=day, reason=reason).to_record(),
        )
    return mid


def remove_member(
    store: Store,
    member_id: int,
    kind: str,
    event_date: str,
    reason: str = "",
    *,
    new_head_id: int | None = None,
    today: dt.date | None = None,
) -> None:
    """人员变更 (减少): 死亡, 嫁出, 迁出 … the member stays on record, marked as left.

    When the head leaves and others remain, ``new_head_id`` names the new head.
    """
    codes.MEMBER_LEAVE.check(kind, allow_empty=False)
    member = store.households.member(member_id)
    if not member.is_current:
        raise MemberAlreadyLeft(name=member.name)
    day = rules.parse_date(event_date, today=today).isoformat()
    others = [m for m in store.households.members(member.household_id) if m.is_current and m.id != member_id]
    if member.relation == codes.HEAD and others and new_head_id not in {m.id for m in others}:
        raise HeadCount(count=0)
    with store.db.atomic():
        store.writer.update("members", member_id, {"left_date": day, "left_kind": kind})
        if member.relation == codes.HEAD and others:
            store.writer.update("members", new_head_id, {"relation": codes.HEAD})
        store.writer.insert(
            "member_events",
            MemberEvent(
                household_id=member.household_id, member_id=member_id, kind=kind, event_date=day, reason=reason
            ).to_record(),
        )


def _status_event(
    store: Store, household_id: int, kind: str, day: str, year: int, reason: str, override_reason: str = ""
) -> None:
    household = store.households.get(household_id)
    new = rules.next_status(household.status, kind)
    exit_year = year if kind == "exit" else (None if kind == "return" else household.exit_year)
    store.writer.insert(
        "status_events",
        StatusEvent(
            household_id=household_id,
            kind=kind,
            event_date=day,
            year=year,
            reason=reason,
            override_reason=override_reason,
        ).to_record(),
    )
    changes: dict[str, object] = {"status": new, "exit_year": exit_year}
    if kind == "identify" and household.identified_year is None:
        changes["identified_year"] = year  # an applicant becomes 建档立卡户 in this year
    store.writer.update("households", household_id, changes)


def change_status(
    store: Store,
    household_id: int,
    kind: str,
    event_date: str,
    year: int | str,
    reason: str,
    *,
    override_reason: str = "",
    today: dt.date | None = None,
) -> str:
    """识别 / 标注脱贫 / 返贫 / 清退, with a date, year and reason; returns the new status.

    识别 and 标注脱贫 come after their procedure's steps (公示 run, 公告 made). 标注脱贫 also needs
    the exit check of that year to pass, or an explicit override reason, which is recorded."""
    from models import procedures
    from models.services.assistance import run_exit_check

    day = rules.parse_date(event_date, today=today).isoformat()
    year = rules.check_year(year, today=today)
    if not reason.strip() and kind in ("return", "remove"):
        raise Required(field="reason")
    household = store.households.get(household_id)
    events = store.households.file(household_id).status_events
    rules.check_status_event(household, events, kind, day, year)
    config = store.config()
    skipped = ""
    if kind in ("identify", "exit"):
        done = procedures.current_round(kind, store.assistance.steps(household_id), events)
        try:
            procedures.check_complete(kind, done, day)
        except CundangError:
            if config.enforce_procedures:
                raise
            # Allowed by the settings, but never silently: the event says so.
            skipped = f"（程序检查已在设置中关闭，本次{codes.STATUS_EVENT.label(kind)}未按程序办理完毕）"
    if kind == "exit":
        [check] = run_exit_check(store, year, household_ids=[household_id])
        if not check.passed and not override_reason.strip():
            raise ExitCheckFailed(failed=check.failed)
    with store.db.atomic():
        _status_event(
            store,
            household_id,
            kind,
            day,
            year,
            reason.strip(),
            (override_reason.strip() if kind == "exit" else "") + skipped,
        )
        if kind == "remove":  # wrongly identified: nobody is paired with it any more
            for p in store.assistance.pairings(household_id):
                if p.end_date is None:
                    store.writer.update(
                        "pairings", p.id, {"end_date": max(day, p.start_date), "end_reason": "该户已清退"}
                    )
    return store.households.get(household_id).status


def _income_problems(income: Income, where: tuple[object, ...], *, today: dt.date | None) -> list[Problem]:
    problems = []
    try:
        rules.check_year(income.year, today=today)
    except CundangError as exc:
        problems.append(Problem(where + ("year",), exc))
    problems += [
        Problem(where + (name,), NegativeValue(value=format_fen(getattr(income, name))))
        for name in INCOME_ITEMS
        if getattr(income, name) < 0
    ]
    return problems


def save_income(store: Store, income: Income, *, today: dt.date | None = None) -> int:
    """Insert or replace a household's income for one year (amounts in fen, never negative)."""
    raise_problems(_income_problems(income, ("income",), today=today))
    return _upsert_year(store, income, store.households.income(income.household_id, income.year))


def save_assurance(store: Store, assurance: Assurance, *, today: dt.date | None = None) -> int:
    rules.check_year(assurance.year, today=today)
    return _upsert_year(store, assurance, store.households.assurance(assurance.household_id, assurance.year))


def _upsert_year(store: Store, record: Income | Assurance, existing: Income | Assurance | None) -> int:
    store.households.get(record.household_id)
    with store.db.atomic():
        if existing is None:
            return store.writer.insert(record.TABLE, dataclasses.replace(record, id=None, uuid="").to_record())["id"]
        values = {k: v for k, v in record.to_record().items() if k != "uuid"}
        store.writer.update(record.TABLE, existing.id, values)
        return existing.id


def save_household_file(
    store: Store,
    household: Household,
    members: list[Member],
    incomes: Sequence[Income] = (),
    assurances: Sequence[Assurance] = (),
    *,
    delete_incomes: Sequence[int] = (),
    delete_assurances: Sequence[int] = (),
    applicant: bool = False,
    today: dt.date | None = None,
) -> int:
    """What the household form saves: the household, its members, and its yearly income and
    两不愁三保障, all validated first and then written in one transaction. Returns the id."""
    new = household.id is None
    household, members = _as_new(household, members) if new else _as_update(store, household, members)
    applicant = applicant and new
    if applicant:
        household = dataclasses.replace(household, identified_year=None)
    problems = validate(store, household, members, applicant=applicant, today=today)
    for income in incomes:
        problems += _income_problems(income, ("incomes", income.year), today=today)
    for assurance in assurances:
        try:
            rules.check_year(assurance.year, today=today)
        except CundangError as exc:
            problems.append(Problem(("assurances", assurance.year, "year"), exc))
    raise_problems(problems)
    with store.db.atomic():
        if new:
            hid = _write_new(store, household, members, identified=not applicant)
        else:
            hid = household.id
            _write_update(store, household, members)
        for year in delete_incomes:
            found = store.households.income(hid, year)
            if found is not None:
                store.writer.delete("incomes", found.id)
        for year in delete_assurances:
            found = store.households.assurance(hid, year)
            if found is not None:
                store.writer.delete("assurances", found.id)
        for record in (*incomes, *assurances):
            record = dataclasses.replace(record, household_id=hid)
            existing = (store.households.income if isinstance(record, Income) else store.households.assurance)(
                hid, record.year
            )
            _upsert_year(store, record, existing)
    return hid
