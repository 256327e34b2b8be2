"""Ledger operations: projects with beneficiaries and payments, attendance and work logs,
benefits, inspections and their rectification. Every write is validated, atomic and audited."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

from models.changes import Changes
from models.domain import Attendance, Benefit, Disbursement, Finding, Income, Inspection, Loan, Project, WorkLog
from models.errors import (
    WARNING,
    AttendanceTwice,
    CadreHasLeft,
    DisbursementBeforeStart,
    NotFound,
    NotOnTeam,
    NotRegisteredHousehold,
    Problem,
    raise_problems,
)
from models.rules import ledgers as ledger_rules
from models.rules import records
from models.rules.ledgers import finding_dates, paid_after_start, proposed_transfer_income
from models.services.conflicts import refuse_if_changed
from models.store import Store

# --- 扶贫项目资金台账 ----------------------------------------------------------------


def save_project(
    store: Store,
    project: Project,
    beneficiary_ids: Sequence[int],
    *,
    read_at: int | None = None,
    today: dt.date | None = None,
) -> Changes:
    """A project and its beneficiary households (registered households of its village only)."""
    project, p = records.check("projects", project, today=today)
    assert project.village_id is not None
    # New beneficiaries are identified households of the village; ones already recorded stay
    # even if the household was later removed (who benefited is history).
    identified = {r[0] for r in store.register.pairing_rows(project.village_id) if r[3]}
    existing_ids = set(store.ledgers.beneficiaries(project.id)) if project.id else set()
    numbers = store.register.household_labels(project.village_id)
    for hid in beneficiary_ids:
        if hid not in identified and hid not in existing_ids:
            p.append(
                Problem(
                    ("projects", "beneficiaries"), NotRegisteredHousehold(household=numbers.get(hid, (str(hid), ""))[0])
                )
            )
    if project.id is not None and project.start_date:
        paid = store.ledgers.disbursements(project.id)
        if paid and (error := paid_after_start(paid[0].pay_date, project.start_date)) is not None:
            p.append(Problem(("projects", "start_date"), error))
    raise_problems(p)
    with store.operation() as op:
        refuse_if_changed(
            store,
            read_at,
            ("projects", project.id),
            {t: ("project_id", project.id) for t in ("project_beneficiaries", "disbursements")},
        )  # a form's save: nothing changed since it read
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
    return op.changes(pid)


def add_disbursement(store: Store, d: Disbursement, *, today: dt.date | None = None) -> Changes:
    """A payment of the project. Never before the project started; exceeding the budget is
    allowed but shown as a warning in the ledger."""
    assert d.project_id is not None
    project = store.ledgers.project(d.project_id)
    d, problems = records.check("disbursements", d, today=today)
    raise_problems(problems)
    error = paid_after_start(d.pay_date, project.start_date)
    if isinstance(error, DisbursementBeforeStart):
        raise error
    with store.operation() as op:
        did = store.writer.insert("disbursements", d.to_record())["id"]
    return op.changes(did)


# --- 驻村帮扶台账 --------------------------------------------------------------------


def record_attendance(
    store: Store, cadre_id: int, day: str, note: str = "", *, today: dt.date | None = None
) -> Changes:
    cadre = store.assistance.cadre(cadre_id)
    if not cadre.on_team:
        raise NotOnTeam(cadre=cadre.name)
    attendance, problems = records.check("attendance", Attendance(cadre_id=cadre_id, day=day, note=note), today=today)
    raise_problems(problems)
    if cadre.left_date and attendance.day > cadre.left_date:
        raise CadreHasLeft(cadre=cadre.name, left_date=cadre.left_date)
    if store.ledgers.attendance_id(cadre_id, attendance.day) is not None:
        raise AttendanceTwice(cadre=cadre.name, day=attendance.day)
    with store.operation() as op:
        aid = store.writer.insert("attendance", attendance.to_record())["id"]
    return op.changes(aid)


def add_work_log(store: Store, log: WorkLog, *, today: dt.date | None = None) -> Changes:
    log, problems = records.check("work_logs", log, today=today)
    raise_problems(problems)
    with store.operation() as op:
        lid = store.writer.insert("work_logs", log.to_record())["id"]
    return op.changes(lid)


# --- 扶贫专项台账 --------------------------------------------------------------------


def add_benefit(store: Store, benefit: Benefit, village_id: int, *, today: dt.date | None = None) -> Changes:
    assert benefit.household_id is not None
    household = store.households.get(benefit.household_id)
    if household.village_id != village_id or household.status in ("", "removed"):
        raise NotRegisteredHousehold(household=household.household_no)
    if benefit.member_id is not None and benefit.member_id not in {
        m.id for m in store.households.members(benefit.household_id)
    }:
        raise NotFound(kind="member", key=benefit.member_id)
    benefit, problems = records.check("benefits", benefit, today=today)
    raise_problems(problems)
    with store.operation() as op:
        bid = store.writer.insert("benefits", benefit.to_record())["id"]
    return op.changes(bid)


def save_loan(store: Store, loan: Loan, *, read_at: int | None = None, today: dt.date | None = None) -> Changes:
    """A 小额信贷 of a registered household (new or corrected). Beyond 5万元 or 3 years (the
    settings) it is kept with a warning the clerk sees."""
    assert loan.household_id is not None
    household = store.households.get(loan.household_id)
    if household.status in ("", "removed"):
        raise NotRegisteredHousehold(household=household.household_no)
    if loan.member_id is not None and loan.member_id not in {m.id for m in store.households.members(loan.household_id)}:
        raise NotFound(kind="member", key=loan.member_id)
    loan, problems = records.check("loans", loan, today=today)
    config = store.config()
    problems += [
        Problem(("loans", name), error, WARNING)
        for name, error in ledger_rules.loan_warnings(
            loan.amount_fen, loan.term_months, config.loan_max_fen, config.loan_max_months
        )
    ]
    warnings = raise_problems(problems)
    with store.operation() as op:
        refuse_if_changed(store, read_at, ("loans", loan.id))  # a form's save: nothing changed since it read
        if loan.id is None:
            lid = store.writer.insert("loans", dataclasses.replace(loan, uuid="").to_record())["id"]
        else:
            lid = loan.id
            store.writer.update("loans", lid, {k: v for k, v in loan.to_record().items() if k != "uuid"})
    op.warnings += warnings
    return op.changes(lid)


def apply_transfer_income(store: Store, household_id: int, year: int) -> Changes:
    """The clerk confirmed: the year's transfer items become what the benefits add up to.
    Other income items stay as they were."""
    from models.services.households import save_income

    proposal: dict[str, Any] = proposed_transfer_income(store.ledgers.household_benefits(household_id), year)
    income = store.households.income(household_id, year) or Income(household_id=household_id, year=year)
    return save_income(store, dataclasses.replace(income, **proposal))


# --- 督查考核台账 --------------------------------------------------------------------


def save_inspection(
    store: Store, inspection: Inspection, findings: Sequence[Finding], *, today: dt.date | None = None
) -> Changes:
    """An inspection with the problems it found; each deadline is on or after the inspection."""
    inspection, p = records.check("inspections", inspection, today=today)
    clean = []
    for i, f in enumerate(findings):
        f, found = records.check("problems", f, ("problems", i), today=today)
        p += found
        if inspection.inspect_date and not found:
            p += [
                Problem(("problems", i, name), error)
                for name, error in finding_dates(f.deadline, f.completed_date, inspection.inspect_date)
            ]
        clean.append(f)
    raise_problems(p)
    with store.operation() as op:
        if inspection.id is None:
            iid = store.writer.insert("inspections", inspection.to_record())["id"]
            own: set[int | None] = set()
        else:
            iid = inspection.id
            store.writer.update("inspections", iid, {k: v for k, v in inspection.to_record().items() if k != "uuid"})
            own = {f.id for f in store.ledgers.findings(iid)}
        for f in clean:
            values = dataclasses.replace(f, inspection_id=iid).to_record()
            if f.id in own:
                assert f.id is not None
                store.writer.update("problems", f.id, {k: v for k, v in values.items() if k != "uuid"})
            else:
                store.writer.insert("problems", {k: v for k, v in values.items() if k != "uuid"})
    return op.changes(iid)
