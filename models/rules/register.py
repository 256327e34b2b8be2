"""The rules of the register: a village's code and groups, a household's own facts, and its
status changes (识别 / 标注脱贫 / 返贫 / 清退) in order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from models import codes
from models.domain import Household, StatusEvent
from models.errors import (
    CundangError,
    DuplicateGroup,
    EventOutOfOrder,
    InvalidStatusChange,
    InvalidYear,
    OverrideReasonTooThin,
    RepeatedCause,
    Required,
    StatusDisagrees,
    VillageCodeInvalid,
)
from models.rules.base import Found, row_rule

# (current status, event) -> new status
TRANSITIONS: dict[tuple[str, str], str] = {
    ("", "identify"): "not_exited",
    ("removed", "identify"): "not_exited",
    ("not_exited", "exit"): "exited",
    ("returned", "exit"): "exited",
    ("exited", "return"): "returned",
    ("not_exited", "remove"): "removed",
    ("returned", "remove"): "removed",
    ("exited", "remove"): "removed",
}
POOR = ("not_exited", "returned")  # statuses of a household still poor


def next_status(current: str, event: str) -> str:
    codes.STATUS_EVENT.check(event, allow_empty=False)
    try:
        return TRANSITIONS[(current, event)]
    except KeyError:
        raise InvalidStatusChange(current=current, event=event) from None


def status_after(kinds: Sequence[str]) -> str:
    """The status a household's status changes lead to, in order (InvalidStatusChange if one
    cannot follow the one before)."""
    status = ""
    for kind in kinds:
        status = next_status(status, kind)
    return status


def check_status_event(household: Household, events: Sequence[StatusEvent], kind: str, day: str, year: int) -> None:
    """A status change must follow the last one in time, and its year must fit the history."""
    next_status(household.status, kind)
    if events and day < events[-1].event_date:
        raise EventOutOfOrder(date=day, last=events[-1].event_date)
    if int(day[:4]) < year:
        raise EventOutOfOrder(date=day, last=f"{year}-01-01")
    if kind != "identify" and household.identified_year and year < household.identified_year:
        raise InvalidYear(value=str(year), first=household.identified_year)


def status_problem(status: str, kinds_in_order: Sequence[str]) -> CundangError | None:
    """A household's 脱贫状态 must be what its status changes lead to (the package's records of
    both are checked against each other)."""
    try:
        derived = status_after(kinds_in_order)
    except InvalidStatusChange as exc:
        return exc
    return None if derived == status else StatusDisagrees(status=status, derived=derived)


# --- A village and its groups ---------------------------------------------------------------


def check_village_code(code: str) -> str:
    code = code.strip()
    if len(code) != 12 or not code.isdigit() or code[0] in "09":
        raise VillageCodeInvalid(code=code)
    return code


@row_rule("code", distinct=True)
def village_code_rule(code: str) -> Found:
    try:
        check_village_code(code or "")
    except VillageCodeInvalid as exc:
        return [("code", exc)]
    return []


def repeated_group(names: Sequence[str]) -> DuplicateGroup | None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            return DuplicateGroup(name=name)
        seen.add(name)
    return None


# --- A household ------------------------------------------------------------------------------


@row_rule("main_cause", "other_cause1", "other_cause2", distinct=True)
def causes_not_repeated(main: str, other1: str, other2: str) -> Found:
    """One main cause and up to two others, each named once."""
    out: Found = []
    if other1 and other1 == main:
        out.append(("other_cause1", RepeatedCause(value=other1)))
    if other2 and other2 in (main, other1):
        out.append(("other_cause2", RepeatedCause(value=other2)))
    return out


@row_rule("status", "identified_year", "exit_year", distinct=True)
def years_of_status(status: str, identified_year: int | None, exit_year: int | None) -> Found:
    """An identified household has its 识别年度; one marked 已脱贫 its 脱贫年度."""
    out: Found = []
    if status and identified_year is None:
        out.append(("identified_year", Required()))
    if status == "exited" and exit_year is None:
        out.append(("exit_year", Required()))
    if identified_year is not None and exit_year is not None and exit_year < identified_year:
        out.append(("exit_year", InvalidYear(value=str(exit_year), first=identified_year)))
    return out


@row_rule("resettlement", "resettlement_site", "moved_date", distinct=True)
def relocation_complete(resettlement: str, resettlement_site: str, moved_date: str | None) -> Found:
    """易地扶贫搬迁: a resettled household says where and when; a place or day says how."""
    if resettlement:
        return [
            (n, Required()) for n, v in (("resettlement_site", resettlement_site), ("moved_date", moved_date)) if not v
        ]
    if (resettlement_site or "").strip() or moved_date:
        return [("resettlement", Required())]
    return []


HOUSEHOLD_RULES = (causes_not_repeated, years_of_status, relocation_complete)


# --- Status events ---------------------------------------------------------------------------


@row_rule("kind", "reason", distinct=True)
def reason_given(kind: str, reason: str) -> Found:
    """返贫 and 清退 keep their reason."""
    if kind in ("return", "remove") and not (reason or "").strip():
        return [("reason", Required())]
    return []


@row_rule("event_date", "year", distinct=True)
def date_in_its_year(event_date: str, year: int | None) -> Found:
    """A status change of a year is dated in that year or later (a 标注脱贫 of 2019 may be
    recorded in January 2020, never in 2018)."""
    if event_date and year and int(event_date[:4]) < year:
        return [("event_date", EventOutOfOrder(date=event_date, last=f"{year}-01-01"))]
    return []


# An exit over a failed check answers to a township official: an instruction is not a reason.
OVERRIDE_MIN_CHARS = 8
INSTRUCTIONS = ("领导要求", "上级要求", "领导指示", "上级指示", "领导同意", "按要求", "完成任务", "任务需要")


def override_reason_problem(reason: str) -> OverrideReasonTooThin | None:
    """Why an override reason cannot stand (too short to say why, or only an instruction)."""
    text = (reason or "").strip()
    words = [c for c in text if c.isalnum()]
    if len(words) < OVERRIDE_MIN_CHARS or any(phrase in text for phrase in INSTRUCTIONS):
        return OverrideReasonTooThin(reason=text)
    return None


_SKIPPED = "（程序检查已在设置中关闭，本次{}未按程序办理完毕）"


def procedure_skipped(kind: str) -> str:
    """Kept in the status change's record when the settings let it pass an unfinished procedure."""
    return _SKIPPED.format(codes.STATUS_EVENT.label(kind))


@row_rule("kind", "override_reason", distinct=True)
def override_reason_weighs(kind: str, override_reason: str) -> Found:
    """例外标注 keeps a reason that says why the household may exit despite the check (the note
    of a skipped procedure, which the program adds, is not the clerk's reason)."""
    reason = (override_reason or "").replace(procedure_skipped(kind), "") if kind in codes.STATUS_EVENT else ""
    if reason.strip() and (problem := override_reason_problem(reason)):
        return [("override_reason", problem)]
    return []


STATUS_EVENT_RULES = (reason_given, date_in_its_year, override_reason_weighs)


def recorded_day(year: int, today: dt.date | None = None) -> str:
    """A status change known only by its year is dated at the year's end (or today, if sooner)."""
    return min(dt.date(year, 12, 31), today or dt.date.today()).isoformat()
