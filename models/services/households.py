"""Registering and editing households; member and status changes as events."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from models import access, codes
from models.changes import Changes
from models.domain import MEMBER_YEAR_FACTS, Assurance, Household, Income, Member, MemberEvent, MemberYear, StatusEvent
from models.errors import (
    CundangError,
    DuplicateHouseholdNo,
    DuplicateIdNumber,
    ExitCheckFailed,
    HeadCount,
    MemberAlreadyLeft,
    NotFound,
    Problem,
    Required,
    ValidationFailed,
    YearOfApplicant,
    raise_problems,
)
from models.rules import members as member_rules
from models.rules import records, register
from models.rules.values import check_year, parse_date
from models.services.conflicts import refuse_if_changed
from models.storage.year_facts import seed_member_years, set_member_year
from models.store import Store

# What the household form saves besides the household itself (a save refuses their changes too).
_FILE_PARTS = ("members", "incomes", "assurances", "member_years")
# Set only by events, never by a form.
_EVENT_FIELDS = {"status", "exit_year", "village_id"}
_MEMBER_EVENT_FIELDS = {"left_date", "left_kind", "joined_date", "household_id", "village_id"}


def _registration_problems(store: Store, village_id: int, members: list[Member]) -> list[Problem]:
    """ID numbers that some other current member of the village already holds."""
    own = {m.id for m in members if m.id is not None}
    index = {}
    for i, m in enumerate(members):
        key = member_rules.person_key(m.id_type, m.id_number)
        if m.is_current and key:
            index[key] = i
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


def prepare(
    store: Store, household: Household, members: list[Member], *, identified: bool, today: dt.date | None = None
) -> tuple[Household, list[Member], list[Problem]]:
    """The household and its members as they will be stored (text normalised, birth date and
    sex from the ID number), and every problem with them, each tied to its field. ``identified``:
    the household is or becomes 建档立卡 with this save (an applicant is not yet)."""
    # Checked as it will stand after the save: an identified household has its 识别年度.
    as_saved = dataclasses.replace(household, status=household.status or ("not_exited" if identified else ""))
    checked, problems = records.check("households", as_saved, today=today)
    household = dataclasses.replace(checked, status=household.status)
    ready = [member_rules.completed(m, today=today) for m in members]
    notices = member_rules.upgrade_notices(members, ready)
    for i, m in enumerate(ready):
        problems += records.check("members", m, ("members", i), today=today)[1]
    problems += member_rules.household_problems(ready)
    assert household.village_id is not None  # every household belongs to a village
    same_no = store.households.by_no(household.village_id, household.household_no)
    if same_no is not None and same_no.id != household.id:
        problems.append(
            Problem(("households", "household_no"), DuplicateHouseholdNo(household_no=household.household_no))
        )
    problems += _registration_problems(store, household.village_id, ready)
    return household, ready, problems + notices


def register_household(
    store: Store,
    household: Household,
    members: list[Member],
    *,
    event_date: str | None = None,
    reason: str = "",
    applicant: bool = False,
    today: dt.date | None = None,
) -> Changes:
    """建档立卡: a household already identified in its year (records typed in), or with
    ``applicant`` a household that has just applied: it is 未识别 until its identification
    procedure ends with 识别."""
    store.require(*access.TABLE_ACTIONS["households"])  # before the checks: a 只读 hears why first
    household, members = _as_new(household, members)
    if applicant:
        household = dataclasses.replace(household, identified_year=None)
    household, members, problems = prepare(store, household, members, identified=not applicant, today=today)
    warnings = raise_problems(problems)
    with store.operation() as op:
        hid = _write_new(store, household, members, event_date=event_date, reason=reason, identified=not applicant)
    op.warnings += warnings
    return op.changes(hid)


def backfill_note(reason: str) -> str:
    """The 识别 event's reason for a household entered after it was identified (补录)."""
    return f"补录：{reason.strip()}" if reason.strip() else ""


def _as_new(household: Household, members: list[Member]) -> tuple[Household, list[Member]]:
    household = dataclasses.replace(household, id=None, status="", exit_year=None)
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
        assert household.identified_year is not None
        day = event_date or register.recorded_day(household.identified_year)
        _status_event(store, hid, "identify", day, household.identified_year, reason)
    seed_member_years(store.db, store.writer, household_ids=[hid])  # the facts typed hold from its first year
    return hid


def update_household(
    store: Store, household: Household, members: list[Member], *, today: dt.date | None = None
) -> Changes:
    """Save a household's facts and its members' facts; membership and status change by events."""
    household, listed = _as_update(store, household, members)
    household, listed, problems = prepare(store, household, listed, identified=household.status != "", today=today)
    warnings = raise_problems(problems)
    with store.operation() as op:
        _write_update(store, household, listed, today=today)
    op.warnings += warnings
    return op.changes(household.id)


def _as_update(store: Store, household: Household, members: list[Member]) -> tuple[Household, list[Member]]:
    if household.id is None:
        raise ValueError("update_household needs a saved household")
    stored = store.households.get(household.id)
    household = dataclasses.replace(
        household, village_id=stored.village_id, status=stored.status, exit_year=stored.exit_year
    )
    assert household.id is not None  # replace kept the id checked above
    if any(m.id is None for m in members):
        raise ValueError("new members join through add_member")
    stored_members = {m.id: m for m in store.households.members(household.id)}
    # Membership is set by events: the form cannot bring back or remove anyone.
    listed = [
        dataclasses.replace(m, left_date=stored_members[m.id].left_date) for m in members if m.id in stored_members
    ]
    listed += [m for mid, m in stored_members.items() if mid not in {x.id for x in members}]
    return household, listed


def _write_update(store: Store, household: Household, listed: list[Member], *, today: dt.date | None = None) -> None:
    assert household.id is not None
    stored_ids = {m.id: member_rules.person_key(m.id_type, m.id_number) for m in store.households.members(household.id)}
    record = {k: v for k, v in household.to_record().items() if k not in _EVENT_FIELDS | {"uuid"}}
    store.writer.update("households", household.id, record)
    # Members swapping ID numbers would meet in the one-registration index half-way:
    # clear the numbers that move to another member first.
    wanted = {m.id: member_rules.person_key(m.id_type, m.id_number) for m in listed}
    moving = [mid for mid, key in wanted.items() if key and key != stored_ids.get(mid) and key in stored_ids.values()]
    for mid in moving:
        assert mid is not None
        store.writer.update("members", mid, {"id_number": ""})
    # Clear the head first so the one-head index never sees two during the swap.
    for m in sorted(listed, key=lambda m: m.relation == codes.HEAD):
        assert m.id is not None
        rec = {k: v for k, v in m.to_record().items() if k not in _MEMBER_EVENT_FIELDS | {"uuid"}}
        store.writer.update("members", m.id, rec)
    # The members' facts as the form shows them are this year's (past years keep their own).
    this_year = (today or dt.date.today()).year
    for m in listed:
        if m.is_current:
            set_member_year(store.db, store.writer, _year_fact(m, household.id, this_year))


def _year_fact(m: Member, household_id: int, year: int) -> MemberYear:
    return MemberYear(
        member_id=m.id, household_id=household_id, year=year, **{k: getattr(m, k) for k in MEMBER_YEAR_FACTS}
    )


def add_member(
    store: Store,
    household_id: int,
    member: Member,
    kind: str,
    event_date: str,
    reason: str = "",
    *,
    today: dt.date | None = None,
) -> Changes:
    """人员变更 (增加): 新生儿, 嫁入, 迁入 … bring a new member into the household."""
    codes.MEMBER_JOIN.check(kind, allow_empty=False)
    household = store.households.get(household_id)
    day = _event_day(event_date, today)
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
    _, ready, problems = prepare(store, household, [*current, member], identified=household.status != "", today=today)
    # Only the newcomer's problems, and the household's (a second head), at the dialog's fields.
    mine = [
        Problem(("members", *p.where[2:]), p.error, p.level)
        for p in problems
        if p.where[0] == "members" and p.where[1] == len(current)
    ]
    mine += [p for p in problems if p.where[0] == "members" and p.where[1] is None]
    warnings = raise_problems(mine)
    member = ready[-1]
    with store.operation() as op:
        member.sort_order = len(store.households.members(household_id))
        mid = store.writer.insert("members", member.to_record())["id"]
        seed_member_years(store.db, store.writer, household_ids=[household_id])  # from the year they joined
        store.writer.insert(
            "member_events",
            MemberEvent(
                household_id=household_id, member_id=mid, kind=kind, event_date=day, reason=reason.strip()
            ).to_record(),
        )
    op.warnings += warnings
    return op.changes(mid)


def remove_member(
    store: Store,
    member_id: int,
    kind: str,
    event_date: str,
    reason: str = "",
    *,
    new_head_id: int | None = None,
    today: dt.date | None = None,
) -> Changes:
    """人员变更 (减少): 死亡, 嫁出, 迁出 … the member stays on record, marked as left.

    When the head leaves and others remain, ``new_head_id`` names the new head.
    """
    codes.MEMBER_LEAVE.check(kind, allow_empty=False)
    member = store.households.member(member_id)
    if not member.is_current:
        raise MemberAlreadyLeft(name=member.name)
    day = _event_day(event_date, today)
    assert member.household_id is not None  # a stored member belongs to a household
    others = [m for m in store.households.members(member.household_id) if m.is_current and m.id != member_id]
    if member.relation == codes.HEAD and others and new_head_id not in {m.id for m in others}:
        raise HeadCount(count=0)
    with store.operation() as op:
        store.writer.update("members", member_id, {"left_date": day, "left_kind": kind})
        if member.relation == codes.HEAD and others:
            assert new_head_id is not None
            store.writer.update("members", new_head_id, {"relation": codes.HEAD})
        store.writer.insert(
            "member_events",
            MemberEvent(
                household_id=member.household_id, member_id=member_id, kind=kind, event_date=day, reason=reason.strip()
            ).to_record(),
        )
    return op.changes(member_id)


def _event_day(text: str, today: dt.date | None) -> str:
    try:
        day = parse_date(text, today=today)
    except CundangError as exc:
        raise ValidationFailed([Problem(("member_events", "event_date"), exc)]) from None
    assert day is not None
    return day.isoformat()


def _status_event(
    store: Store, household_id: int, kind: str, day: str, year: int, reason: str, override_reason: str = ""
) -> None:
    household = store.households.get(household_id)
    new = register.next_status(household.status, kind)
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
) -> Changes:
    """识别 / 标注脱贫 / 返贫 / 清退, with a date, year and reason.

    Each comes after its procedure's steps, in a round of the same year (公示 run, 公告 made; the
    返贫 and 清退 steps are the province's). 标注脱贫 also needs the exit check of that year to pass,
    or an explicit override reason, which is recorded."""
    from models.rules import procedures
    from models.services.assistance import run_exit_check

    event = StatusEvent(
        household_id=household_id,
        kind=kind,
        event_date=event_date,
        year=year,  # type: ignore[arg-type]  # int or text as given: the rules check it, check_year reads it
        reason=reason,
        override_reason=override_reason,
    )
    event, problems = records.check("status_events", event, today=today)
    raise_problems(problems)
    day, year = event.event_date, check_year(event.year, today=today)
    household = store.households.get(household_id)
    events = store.households.file(household_id).status_events
    register.check_status_event(household, events, kind, day, year)
    config = store.config()
    skipped = ""
    if kind in codes.PROCEDURE:  # every status change follows its procedure (§3)
        done = procedures.current_round(kind, store.assistance.steps(household_id), events)
        try:
            procedures.check_complete(kind, done, day, year, config)
        except CundangError:
            if config.enforce_procedures:
                raise
            skipped = register.procedure_skipped(kind)  # allowed by the settings, but never silently
    if kind == "exit":
        [check] = run_exit_check(store, year, household_ids=[household_id])
        if not check.passed and not event.override_reason:
            raise ExitCheckFailed(failed=check.failed, unrecorded=check.missing)
    with store.operation() as op:
        _status_event(
            store,
            household_id,
            kind,
            day,
            year,
            event.reason,
            (event.override_reason if kind == "exit" else "") + skipped,
        )
        if kind == "remove":  # wrongly identified: nobody is paired with it any more
            for p in store.assistance.pairings(household_id):
                if p.end_date is None:
                    assert p.id is not None
                    store.writer.update(
                        "pairings", p.id, {"end_date": max(day, p.start_date), "end_reason": "该户已清退"}
                    )
    return op.changes(household_id)


def _checked_year_facts(
    facts: Sequence[MemberYear], own: set[int | None], today: dt.date | None
) -> tuple[list[MemberYear], list[Problem]]:
    """Members' facts of a year as stored, and their problems (a member of another household)."""
    checked, problems = [], []
    for i, fact in enumerate(facts):
        fact, found = records.check("member_years", fact, ("member_years", i), today=today)
        if fact.member_id not in own:
            found.append(Problem(("member_years", i, "member_id"), NotFound(kind="member", key=fact.member_id)))
        checked.append(fact)
        problems += found
    return checked, problems


def save_member_years(
    store: Store, household_id: int, facts: Sequence[MemberYear], *, today: dt.date | None = None
) -> Changes:
    """Members' facts of a year (年度动态调整: the year starts from the one before; the clerk
    confirms or changes them). Each is validated; only what differs from the year is written."""
    own = {m.id for m in store.households.members(household_id)}
    checked, problems = _checked_year_facts(facts, own, today)
    checked = [dataclasses.replace(f, household_id=household_id) for f in checked]
    raise_problems(problems)
    with store.operation() as op:
        changed = sum(set_member_year(store.db, store.writer, f) for f in checked)
    return op.changes(household_id, count=changed)


def save_income(store: Store, income: Income, *, today: dt.date | None = None) -> Changes:
    """Insert or replace a household's income for one year (amounts in fen, never negative)."""
    raise_problems(records.check("incomes", income, ("incomes", income.year), today=today)[1])
    assert income.household_id is not None  # _upsert_year holds it to the same
    with store.operation() as op:
        rid = _upsert_year(store, income, store.households.income(income.household_id, income.year))
    return op.changes(rid)


def save_assurance(store: Store, assurance: Assurance, *, today: dt.date | None = None) -> Changes:
    assurance, problems = records.check("assurances", assurance, ("assurances", assurance.year), today=today)
    raise_problems(problems)
    assert assurance.household_id is not None  # _upsert_year holds it to the same
    with store.operation() as op:
        rid = _upsert_year(store, assurance, store.households.assurance(assurance.household_id, assurance.year))
    return op.changes(rid)


def _upsert_year(store: Store, record: Income | Assurance, existing: Income | Assurance | None) -> int:
    assert record.household_id is not None
    store.households.get(record.household_id)
    if existing is None:
        return store.writer.insert(record.TABLE, dataclasses.replace(record, id=None, uuid="").to_record())["id"]
    assert existing.id is not None
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
    member_years: Sequence[MemberYear] = (),
    backfill_reason: str | None = None,
    read_at: int | None = None,
    today: dt.date | None = None,
) -> Changes:
    """What the household form saves: the household, its members, and its yearly income and
    两不愁三保障, all validated first and then written in one transaction.

    A new household starts as an applicant (未识别: its 识别程序 comes next). ``backfill_reason``
    makes it 补录, a household identified earlier and entered now: it needs its 识别年度 and the
    reason, which the 识别 event keeps.

    ``read_at`` is the audit trail's last entry when the form read the household: a save is
    refused with EditConflict when anything it saves has changed since (another form, window or
    program), so nobody's edit is silently overwritten."""
    new = household.id is None
    household, members = _as_new(household, members) if new else _as_update(store, household, members)
    applicant = new and backfill_reason is None
    identified = not applicant if new else household.status != ""
    household, members, problems = prepare(store, household, members, identified=identified, today=today)
    if applicant and household.identified_year is not None:
        problems.append(Problem(("households", "identified_year"), YearOfApplicant()))
    if new and backfill_reason is not None and not backfill_reason.strip():
        problems.append(Problem(("status_events", "reason"), Required()))
    cleaned = []
    yearly: tuple[Income | Assurance, ...] = (*incomes, *assurances)
    for record in yearly:
        record, found = records.check(record.TABLE, record, (record.TABLE, record.year), today=today)
        cleaned.append(record)
        problems += found
    # a past year's facts, as the clerk confirms or changes them
    year_facts, found = _checked_year_facts(member_years, {m.id for m in members if m.id is not None}, today)
    problems += found
    warnings = raise_problems(problems)
    with store.operation() as op:
        if new:
            reason = backfill_note(backfill_reason or "")
            hid = _write_new(store, household, members, identified=not applicant, reason=reason)
        else:
            assert household.id is not None
            hid = household.id
            if read_at is not None:  # under the write lock: nothing can change between check and write
                refuse_if_changed(store, read_at, ("households", hid), {t: ("household_id", hid) for t in _FILE_PARTS})
            _write_update(store, household, members, today=today)
        for year in delete_incomes:
            found_income = store.households.income(hid, year)
            if found_income is not None and found_income.id is not None:
                store.writer.delete("incomes", found_income.id)
        for year in delete_assurances:
            found_assurance = store.households.assurance(hid, year)
            if found_assurance is not None and found_assurance.id is not None:
                store.writer.delete("assurances", found_assurance.id)
        for record in cleaned:
            record = dataclasses.replace(record, household_id=hid)
            lookup = store.households.income if isinstance(record, Income) else store.households.assurance
            _upsert_year(store, record, lookup(hid, record.year))
        for fact in year_facts:
            set_member_year(store.db, store.writer, dataclasses.replace(fact, household_id=hid))
    op.warnings += warnings
    return op.changes(hid)
