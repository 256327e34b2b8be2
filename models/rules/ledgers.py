"""Rules of the four ledgers: project totals and warnings, attendance shortfall, rectification
status, and the transfer income that benefits suggest."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from models import codes
from models.domain import Benefit, Finding, Project
from models.errors import DeadlineBeforeInspection, DisbursementBeforeStart, EventOutOfOrder, LoanBeyondPolicy, Required
from models.rules.base import Found, row_rule


@dataclass
class ProjectTotals:
    """A project's budget by source, what was paid out, and what an inspector should notice."""

    project: Project
    disbursed_fen: int
    beneficiaries: int
    over_budget: bool
    late: bool  # past its finish date and not finished

    @property
    def remaining_fen(self) -> int:
        return self.project.total_fen - self.disbursed_fen


def project_totals(project: Project, disbursed_fen: int, beneficiaries: int, today: dt.date) -> ProjectTotals:
    late = (
        project.finish_date is not None
        and project.finish_date < today.isoformat()
        and project.status not in ("done", "accepted")
    )
    return ProjectTotals(project, disbursed_fen, beneficiaries, disbursed_fen > project.total_fen, late)


@dataclass
class LedgerSums:
    """Totals of the projects shown: by source, by year, paid out."""

    by_source: dict[str, int] = field(default_factory=dict)
    by_year: dict[int, int] = field(default_factory=dict)
    budget_fen: int = 0
    disbursed_fen: int = 0


def sums(rows: Iterable[ProjectTotals]) -> LedgerSums:
    out = LedgerSums(by_source={k: 0 for k in codes.FUND_SOURCE.keys})
    for t in rows:
        for key, column in codes.PROJECT_FUND_COLUMNS.items():
            out.by_source[key] += getattr(t.project, column)
        out.by_year[t.project.year] = out.by_year.get(t.project.year, 0) + t.project.total_fen
        out.budget_fen += t.project.total_fen
        out.disbursed_fen += t.disbursed_fen
    return out


def finding_status(f: Finding, today: dt.date) -> str:
    """整改中 / 已整改 / 逾期, from the dates (never typed)."""
    if f.completed_date:
        return "done"
    return "overdue" if f.deadline < today.isoformat() else "open"


def month_days(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def attendance_by_month(days: Iterable[tuple[int, str]], year: int, month: int) -> dict[int, int]:
    """Days in the village per cadre in a month, from (cadre id, day) records."""
    prefix = f"{year}-{month:02d}-"
    counts: dict[int, int] = defaultdict(int)
    for cadre_id, day in days:
        if day.startswith(prefix):
            counts[cadre_id] += 1
    return dict(counts)


def shortfall(counts: dict[int, int], team: Iterable[int], minimum: int) -> dict[int, int]:
    """Team members below the monthly minimum: cadre id -> days short."""
    return {c: minimum - counts.get(c, 0) for c in team if counts.get(c, 0) < minimum}


def proposed_transfer_income(benefits: Iterable[Benefit], year: int) -> dict[str, int]:
    """The year's 转移性收入 items that the benefits received suggest (fen by income item)."""
    out: dict[str, int] = {}
    for b in benefits:
        item = codes.PROGRAMME_INCOME_ITEM.get(b.programme)
        if item and b.benefit_date.startswith(str(year)):
            out[item] = out.get(item, 0) + b.amount_fen
    return out


# --- Rules of one record (the services and the imports run these) ----------------------------


@row_rule("start_date", "finish_date", distinct=True)
def built_in_order(start_date: str | None, finish_date: str | None) -> Found:
    if start_date and finish_date and finish_date < start_date:
        return [("finish_date", EventOutOfOrder(date=finish_date, last=start_date))]
    return []


PROJECT_RULES = (built_in_order,)


def paid_after_start(pay_date: str, start_date: str | None) -> DisbursementBeforeStart | None:
    """A payment of a project is never dated before the project started."""
    if start_date and pay_date and pay_date < start_date:
        return DisbursementBeforeStart(pay_date=pay_date, start_date=start_date)
    return None


@row_rule("programme", "member_id", "school", "grade", "term")
def yulu_names_the_student(programme: str, member_id: int | None, school: str, grade: str, term: str) -> Found:
    """雨露计划 pays for one student: who, where, which grade and term."""
    if programme != codes.YULU:
        return []
    given = {"member_id": member_id, "school": (school or "").strip(), "grade": (grade or "").strip(), "term": term}
    return [(name, Required()) for name, value in given.items() if not value]


BENEFIT_RULES = (yulu_names_the_student,)


@row_rule("loan_date", "due_date", distinct=True)
def loan_due_after_it_was_made(loan_date: str, due_date: str) -> Found:
    if loan_date and due_date and due_date < loan_date:
        return [("due_date", EventOutOfOrder(date=due_date, last=loan_date))]
    return []


LOAN_RULES = (loan_due_after_it_was_made,)


def loan_overdue(status: str, due_date: str, today: dt.date) -> bool:
    """逾期: said so, or past its due date and not repaid."""
    return status == "overdue" or (status != "repaid" and bool(due_date) and due_date < today.isoformat())


def loan_warnings(amount_fen: int, term_months: int | None, max_fen: int, max_months: int) -> Found:
    """Beyond 5万元 or 3 years (the settings): allowed, but never silently (seed 001)."""
    out: Found = []
    if amount_fen > max_fen:
        out.append(("amount_fen", LoanBeyondPolicy(what="amount", value=amount_fen, limit=max_fen)))
    if term_months is not None and term_months > max_months:
        out.append(("term_months", LoanBeyondPolicy(what="term", value=term_months, limit=max_months)))
    return out


def finding_dates(deadline: str, completed: str | None, inspect_date: str) -> Found:
    """A problem's deadline and completion come on or after the inspection that found it."""
    out: Found = []
    if deadline and inspect_date and deadline < inspect_date:
        out.append(("deadline", DeadlineBeforeInspection(deadline=deadline, inspect_date=inspect_date)))
    if completed and inspect_date and completed < inspect_date:
        out.append(("completed_date", EventOutOfOrder(date=completed, last=inspect_date)))
    return out
