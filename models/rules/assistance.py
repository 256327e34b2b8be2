"""Rules of assistance work: cadres, pairing periods, visits, the village's required forces, and
一户一策 suggestions from the causes and facts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from models import codes
from models.domain import Cadre, Household, Measure, Member, Pairing
from models.errors import CadreHasLeft, EventOutOfOrder, NotPaired, OverlappingPairing, Required, VisitBeforePairing
from models.rules.base import Found, row_rule
from models.rules.members import check_id_number

FAR_FUTURE = "9999-12-31"


def overlaps(a_start: str, a_end: str | None, b_start: str, b_end: str | None) -> bool:
    """Do two periods share a day? An open end runs on; an end date is the pairing's last day."""
    return a_start <= (b_end or FAR_FUTURE) and b_start <= (a_end or FAR_FUTURE)


def check_new_pairing(
    start: str, end: str | None, existing: Iterable[Pairing], cadres: dict[int | None, Cadre]
) -> None:
    for p in existing:
        if overlaps(start, end, p.start_date, p.end_date):
            other = cadres.get(p.cadre_id)
            raise OverlappingPairing(
                start=start,
                end=end,
                other_cadre=other.name if other else "",
                other_start=p.start_date,
                other_end=p.end_date,
            )


def current_pairing(pairings: Iterable[Pairing], on: str | None = None) -> Pairing | None:
    """The pairing in force on a day (today's open one when no day is given)."""
    for p in pairings:
        if on is None and p.end_date is None:
            return p
        if on is not None and p.start_date <= on <= (p.end_date or FAR_FUTURE):
            return p
    return None


def check_visit(cadre: Cadre, visit_date: str, pairings: list[Pairing]) -> None:
    """A cadre visits a household they are paired with (from the pairing's start), or any
    household when on the village team."""
    if cadre.left_date and visit_date > cadre.left_date:
        raise CadreHasLeft(cadre=cadre.name, left_date=cadre.left_date)
    if cadre.on_team or codes.TEAM_ROLES & set(cadre.role_keys):
        return  # the stationed team visits every household
    own = [p for p in pairings if p.cadre_id == cadre.id]
    if any(p.start_date <= visit_date <= (p.end_date or FAR_FUTURE) for p in own):
        return
    if own and visit_date < min(p.start_date for p in own):
        raise VisitBeforePairing(visit_date=visit_date, pairing_start=min(p.start_date for p in own))
    raise NotPaired(cadre=cadre.name)


def missing_requirements(required: list[str], cadres: Iterable[Cadre]) -> list[str]:
    """Which of the village's required forces (六个一 by default) no current cadre provides."""
    current = [c for c in cadres if c.is_current]
    roles = {r for c in current for r in c.role_keys}
    present = {
        "team": any(c.on_team for c in current),
        "contact_leader": "contact_leader" in roles,
        "aid_unit": any(c.on_team and c.unit.strip() for c in current),
        "first_secretary": "first_secretary" in roles,
        "agri_tech": "agri_tech" in roles,
        "pair_cadre": any(c.on_team and "pair_cadre" in c.role_keys for c in current),
    }
    return [k for k in required if not present.get(k, False)]


# 一户一策 suggestions: what each cause of poverty usually calls for (a suggestion, never forced).
CAUSE_MEASURES: dict[str, tuple[str, ...]] = {
    "illness": ("health",),
    "disability": ("health", "dibao"),
    "schooling": ("education",),
    "disaster": ("housing", "industry"),
    "land": ("employment", "industry"),
    "water": ("infrastructure",),
    "skills": ("training", "employment"),
    "labour": ("public_job", "dibao"),
    "capital": ("credit", "industry"),
    "transport": ("infrastructure",),
    "motivation": ("training", "industry"),
    "marriage": ("employment",),
    "funeral": ("employment",),
    "other": ("other",),
}


def suggest_measures(household: Household, members: list[Member], today: dt.date) -> list[Measure]:
    """Measures suggested from the household's causes and facts; the clerk edits or drops each."""
    categories: list[str] = []
    for cause in (household.main_cause, household.other_cause1, household.other_cause2):
        for category in CAUSE_MEASURES.get(cause, ()):
            if category not in categories:
                categories.append(category)
    if household.dangerous_house in ("c", "d") and "housing" not in categories:
        categories.append("housing")
    suggestions = [Measure(category=c, status="planned") for c in categories]
    current = [m for m in members if m.is_current]
    for m in current:  # 因人施策: the members who need something themselves
        if m.medical_insurance == 0:
            suggestions.append(
                Measure(category="health", member_id=m.id, content=f"为{m.name}代缴城乡居民基本医疗保险")
            )
        if m.school_status == codes.DROPOUT:
            suggestions.append(Measure(category="education", member_id=m.id, content=f"劝返{m.name}复学，落实教育资助"))
    return suggestions


def is_overdue(measure: Measure, today: dt.date) -> bool:
    return (
        measure.deadline is not None
        and measure.deadline < today.isoformat()
        and measure.status in ("planned", "in_progress")
    )


# --- Rules of one record (the services and the imports run these) ----------------------------


@row_rule("id_number", "sex", today=True)
def cadre_id_rule(id_number: str, sex: str, *, today: dt.date | None = None) -> Found:
    """A cadre's ID number, when given, is checked as a resident's, and the sex must agree."""
    if not id_number:
        return []
    return check_id_number("resident", id_number, "", sex or "", today=today)


@row_rule("start_date", "end_date", distinct=True)
def period_in_order(start_date: str, end_date: str | None) -> Found:
    """A pairing ends on or after its first day."""
    if start_date and end_date and end_date < start_date:
        return [("end_date", EventOutOfOrder(date=end_date, last=start_date))]
    return []


@row_rule("found", "done")
def visit_says_something(found: str, done: str) -> Found:
    """A visit records what was found or what was done."""
    if not (found or "").strip() and not (done or "").strip():
        return [("found", Required())]
    return []


CADRE_RULES = (cadre_id_rule,)
PAIRING_RULES = (period_in_order,)
VISIT_RULES = (visit_says_something,)


def overlapping(periods: list[tuple[str, str | None]]) -> list[tuple[int, int]]:
    """(later, earlier) pairs of a household's pairings that share a day."""
    out = []
    for i, (start, end) in enumerate(periods):
        for j in range(i):
            if overlaps(start, end, *periods[j]):
                out.append((i, j))
                break
    return out
