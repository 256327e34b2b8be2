"""Ledger operations: projects with beneficiaries and payments, attendance and work logs,
benefits, inspections and their rectification. Every write is validated, atomic and audited."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from models import codes, rules
from models.domain import Attendance, Benefit, Disbursement, Finding, Income, Inspection, Project, WorkLog
from models.errors import (
    AttendanceTwice,
    CadreHasLeft,
    CundangError,
    DeadlineBeforeInspection,
    DisbursementBeforeStart,
    InvalidAmount,
    NegativeValue,
    NotFound,
    NotOnTeam,
    NotPositive,
    NotRegisteredHousehold,
    OutOfRange,
    Problem,
    Required,
    raise_problems,
)
from models.ledgers import proposed_transfer_income
from models.money import format_fen
from models.store import Store


def _check_fen(value: object) -> int:
    """Money reaches the services as integer fen; anything else (a float, text) is refused."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidAmount(value=str(value))
    return value


def _date(
    problems: list[Problem],
    where: tuple,
    value: str | None,
    *,
    required: bool = False,
    today: dt.date | None = None,
    future: bool = False,
) -> str | None:
    try:
        day = rules.parse_date(value, required=required, today=dt.date.max if future else today)
    except CundangError as exc:
        problems.append(Problem(where, exc))
        return None
    return day.isoformat() if day else None


# --- 扶贫项目资金台账 ----------------------------------------------------------------


def save_project(
    store: Store, project: Project, beneficiary_ids: Sequence[int], *, today: dt.date | None = None
) -> int:
    """A project and its beneficiary households (registered households of its village only)."""
    p: list[Problem] = []
    w = ("project",)
    if not project.name.strip():
        p.append(Problem(w + ("name",), Required()))
    for name, clist in (("category", codes.PROJECT_CATEGORY), ("status", codes.PROJECT_STATUS)):
        try:
            clist.check(getattr(project, name), allow_empty=name == "category")
        except CundangError as exc:
            p.append(Problem(w + (name,), exc))
    try:
        rules.check_year(project.year, today=today, ahead=2)
    except CundangError as exc:
        p.append(Problem(w + ("year",), exc))
    for name in Project.FUND_FIELDS:
        try:
            if _check_fen(getattr(project, name)) < 0:
                p.append(Problem(w + (name,), NegativeValue(value=format_fen(getattr(project, name)))))
        except CundangError as exc:
            p.append(Problem(w + (name,), exc))
    start = _date(p, w + ("start_date",), project.start_date, future=True)
    finish = _date(p, w + ("finish_date",), project.finish_date, future=True)
    if start and finish and finish < start:
        p.append(Problem(w + ("finish_date",), rules.EventOutOfOrder(date=finish, last=start)))
    if not isinstance(project.progress, int) or not 0 <= project.progress <= 100:
        p.append(Problem(w + ("progress",), OutOfRange(value=str(project.progress), low=0, high=100)))
    # New beneficiaries are identified households of the village; ones already recorded stay
    # even if the household was later removed (who benefited is history).
    identified = {r[0] for r in store.register.pairing_rows(project.village_id) if r[3]}
    existing_ids = set(store.ledgers.beneficiaries(project.id)) if project.id else set()
    numbers = store.register.household_labels(project.village_id)
    for hid in beneficiary_ids:
        if hid not in identified and hid not in existing_ids:
            p.append(
                Problem(w + ("beneficiaries",), NotRegisteredHousehold(household=numbers.get(hid, (str(hid), ""))[0]))
            )
    if project.id is not None and start:
        paid = store.ledgers.disbursements(project.id)
        if paid and paid[0].pay_date < start:
            p.append(Problem(w + ("start_date",), DisbursementBeforeStart(pay_date=paid[0].pay_date, start_date=start)))
    raise_problems(p)
    project = dataclasses.replace(project, name=project.name.strip(), start_date=start, finish_date=finish)
    with store.db.atomic():
        if project.id is None:
            pid = store.writer.insert("projects", project.to_record())["id"]
            existing: dict[int, int] = {}
        else:
            pid = project.id
            store.writer.update("projects", pid, {k: v for k, v in project.to_record().items() if k != "uuid"})
            existing = store.ledgers.beneficiaries(pid)
        wanted = list(dict.fromkeys(beneficiary_ids))
        for hid, rid in existing.items():
            if hid not in wanted:
                store.writer.delete("project_beneficiaries", rid)
        store.writer.insert_many(
            "project_beneficiaries", [{"project_id": pid, "household_id": hid} for hid in wanted if hid not in existing]
        )
    return pid


def add_disbursement(store: Store, d: Disbursement, *, today: dt.date | None = None) -> int:
    """A payment of the project. Never before the project started; exceeding the budget is
    allowed but shown as a warning in the ledger."""
    project = store.ledgers.project(d.project_id)
    day = rules.parse_date(d.pay_date, today=today).isoformat()
    if _check_fen(d.amount_fen) <= 0:
        raise NotPositive(value=format_fen(d.amount_fen))
    if project.start_date and day < project.start_date:
        raise DisbursementBeforeStart(pay_date=day, start_date=project.start_date)
    with store.db.atomic():
        return store.writer.insert("disbursements", dataclasses.replace(d, pay_date=day).to_record())["id"]


# --- 驻村帮扶台账 --------------------------------------------------------------------


def record_attendance(store: Store, cadre_id: int, day: str, note: str = "", *, today: dt.date | None = None) -> int:
    cadre = store.assistance.cadre(cadre_id)
    if not cadre.on_team:
        raise NotOnTeam(cadre=cadre.name)
    day = rules.parse_date(day, today=today).isoformat()
    if cadre.left_date and day > cadre.left_date:
        raise CadreHasLeft(cadre=cadre.name, left_date=cadre.left_date)
    if store.ledgers.attendance_id(cadre_id, day) is not None:
        raise AttendanceTwice(cadre=cadre.name, day=day)
    with store.db.atomic():
        return store.writer.insert("attendance", Attendance(cadre_id=cadre_id, day=day, note=note).to_record())["id"]


def add_work_log(store: Store, log: WorkLog, *, today: dt.date | None = None) -> int:
    day = rules.parse_date(log.log_date, today=today).isoformat()
    if not log.content.strip():
        raise Required(field="content")
    with store.db.atomic():
        return store.writer.insert(
            "work_logs", dataclasses.replace(log, log_date=day, content=log.content.strip()).to_record()
        )["id"]


# --- 扶贫专项台账 --------------------------------------------------------------------


def add_benefit(store: Store, benefit: Benefit, village_id: int, *, today: dt.date | None = None) -> int:
    codes.PROGRAMME.check(benefit.programme, allow_empty=False)
    household = store.households.get(benefit.household_id)
    if household.village_id != village_id or household.status in ("", "removed"):
        raise NotRegisteredHousehold(household=household.household_no)
    if benefit.member_id is not None and benefit.member_id not in {
        m.id for m in store.households.members(benefit.household_id)
    }:
        raise NotFound(kind="member", key=benefit.member_id)
    if _check_fen(benefit.amount_fen) <= 0:
        raise NotPositive(value=format_fen(benefit.amount_fen))
    codes.FUND_SOURCE.check(benefit.source)
    day = rules.parse_date(benefit.benefit_date, today=today).isoformat()
    with store.db.atomic():
        return store.writer.insert("benefits", dataclasses.replace(benefit, benefit_date=day).to_record())["id"]


def apply_transfer_income(store: Store, household_id: int, year: int) -> Income:
    """The clerk confirmed: the year's transfer items become what the benefits add up to.
    Other income items stay as they were."""
    from models.services.households import save_income

    proposal = proposed_transfer_income(store.ledgers.household_benefits(household_id), year)
    income = store.households.income(household_id, year) or Income(household_id=household_id, year=year)
    income = dataclasses.replace(income, **proposal)
    save_income(store, income)
    return store.households.income(household_id, year)


# --- 督查考核台账 --------------------------------------------------------------------


def save_inspection(
    store: Store, inspection: Inspection, findings: Sequence[Finding], *, today: dt.date | None = None
) -> int:
    """An inspection with the problems it found; each deadline is on or after the inspection."""
    p: list[Problem] = []
    day = _date(p, ("inspection", "inspect_date"), inspection.inspect_date, required=True, today=today)
    try:
        codes.INSPECTION_KIND.check(inspection.kind, allow_empty=False)
    except CundangError as exc:
        p.append(Problem(("inspection", "kind"), exc))
    clean = []
    for i, f in enumerate(findings):
        if not f.description.strip():
            p.append(Problem(("findings", i, "description"), Required()))
        deadline = _date(p, ("findings", i, "deadline"), f.deadline, required=True, future=True)
        if deadline and day and deadline < day:
            p.append(
                Problem(("findings", i, "deadline"), DeadlineBeforeInspection(deadline=deadline, inspect_date=day))
            )
        done = _date(p, ("findings", i, "completed_date"), f.completed_date, today=today)
        if done and day and done < day:
            p.append(Problem(("findings", i, "completed_date"), rules.EventOutOfOrder(date=done, last=day)))
        clean.append(
            dataclasses.replace(
                f, description=f.description.strip(), deadline=deadline or f.deadline, completed_date=done
            )
        )
    findings = clean  # dates stored as checked: yyyy-MM-dd, so they compare correctly
    raise_problems(p)
    with store.db.atomic():
        if inspection.id is None:
            iid = store.writer.insert("inspections", dataclasses.replace(inspection, inspect_date=day).to_record())[
                "id"
            ]
            own: set[int] = set()
        else:
            iid = inspection.id
            store.writer.update(
                "inspections",
                iid,
                {k: v for k, v in dataclasses.replace(inspection, inspect_date=day).to_record().items() if k != "uuid"},
            )
            own = {f.id for f in store.ledgers.findings(iid)}
        for f in findings:
            values = dataclasses.replace(f, inspection_id=iid).to_record()
            if f.id in own:
                store.writer.update("problems", f.id, {k: v for k, v in values.items() if k != "uuid"})
            else:
                store.writer.insert("problems", {k: v for k, v in values.items() if k != "uuid"})
    return iid
