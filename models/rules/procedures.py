"""The rules of the 识别, 退出, 返贫 and 清退 procedures: steps in order, in one year, a notice
period that must run, before the status changes."""

from __future__ import annotations

import datetime as dt

from models import codes
from models.config import Config
from models.domain import ProcedureStep, StatusEvent
from models.errors import (
    BeforeAnnouncement,
    EventOutOfOrder,
    NoticeNotOver,
    NoticeTooShort,
    ProcedureIncomplete,
    Required,
    RoundOfAnotherYear,
    StepOutOfOrder,
)
from models.rules.base import Found, row_rule

STOP = "stop"  # a round ended without a status change: rejected at 评议, an objection in 公示 …


def current_round(procedure: str, steps: list[ProcedureStep], events: list[StatusEvent]) -> list[ProcedureStep]:
    """The procedure's steps since the household's last status change or the last stopped
    round, in order."""
    since = events[-1].event_date if events else ""
    mine = sorted(
        (s for s in steps if s.procedure == procedure and s.start_date >= since),
        key=lambda s: (s.start_date, s.id or 0),
    )
    stops = [i for i, s in enumerate(mine) if s.step == STOP]
    return mine[stops[-1] + 1 :] if stops else mine


def step_order(procedure: str, config: Config | None = None) -> tuple[str, ...]:
    """The procedure's steps in order: fixed for 识别 and 退出, set by the province for 返贫 and 清退."""
    if procedure == "return":
        return tuple((config or Config()).return_steps)
    if procedure == "remove":
        return tuple((config or Config()).remove_steps)
    return codes.PROCEDURE_STEPS[procedure].keys


def expected_step(procedure: str, done: list[ProcedureStep], config: Config | None = None) -> str:
    """The step that comes next ('' when every step is recorded)."""
    order = step_order(procedure, config)
    return order[len(done)] if len(done) < len(order) else ""


def round_year(done: list[ProcedureStep]) -> int | None:
    """The year a round decides: its first step's (a round has one year)."""
    if not done:
        return None
    first = done[0]
    return first.year if first.year is not None else int(first.start_date[:4])


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def check_step(
    procedure: str, step: ProcedureStep, done: list[ProcedureStep], notice_days: int, config: Config | None = None
) -> None:
    """May this step be recorded now? In order, in time, in the round's year, and a notice long
    enough. A round under way may be stopped at any step, with a reason."""
    year = round_year(done)
    if year is not None and step.year is not None and step.year != year:
        raise RoundOfAnotherYear(round_year=year, year=step.year)
    if step.step == STOP:
        if not done:
            raise StepOutOfOrder(procedure=procedure, expected=expected_step(procedure, done, config), got=STOP)
        if step.start_date < done[-1].start_date:
            raise EventOutOfOrder(date=step.start_date, last=done[-1].start_date)
        return
    expected = expected_step(procedure, done, config)
    if step.step != expected:
        raise StepOutOfOrder(procedure=procedure, expected=expected, got=step.step)
    if done:
        last = done[-1]
        if step.start_date < (last.end_date or last.start_date) and last.step not in codes.NOTICE_STEPS:
            raise EventOutOfOrder(date=step.start_date, last=last.end_date or last.start_date)
    if step.step in codes.NOTICE_STEPS and step.end_date:
        days = (_day(step.end_date) - _day(step.start_date)).days + 1
        if days < notice_days:
            raise NoticeTooShort(days=days, required=notice_days)
    if done and done[-1].step in codes.NOTICE_STEPS and done[-1].end_date:
        notice_end = done[-1].end_date
        if step.start_date <= notice_end:
            raise NoticeNotOver(until=(_day(notice_end) + dt.timedelta(days=1)).isoformat())


def check_complete(
    procedure: str, done: list[ProcedureStep], day: str, year: int | None = None, config: Config | None = None
) -> None:
    """Before the status change: every step recorded, in a round of the change's year, and not
    before the announcement (or the last step)."""
    missing = expected_step(procedure, done, config)
    if missing:
        raise ProcedureIncomplete(procedure=procedure, missing=missing)
    if year is not None and done and round_year(done) != year:
        raise RoundOfAnotherYear(round_year=round_year(done) or 0, year=year)
    if not done:
        return  # a procedure of no steps (a province's choice for 返贫 / 清退)
    last = done[-1]
    if last.step in codes.NOTICE_STEPS and last.end_date:  # a procedure that ends with its notice
        if day <= last.end_date:
            raise NoticeNotOver(until=(_day(last.end_date) + dt.timedelta(days=1)).isoformat())
    elif day < last.start_date:
        raise BeforeAnnouncement(announced=last.start_date)


@row_rule("step", "start_date", "end_date", "note", distinct=True)
def step_complete(step: str, start_date: str, end_date: str | None, note: str) -> Found:
    """A notice states its last day, on or after its first; a stopped round states why."""
    out: Found = []
    if step in codes.NOTICE_STEPS and not end_date:
        out.append(("end_date", Required()))
    if start_date and end_date and end_date < start_date:
        out.append(("end_date", EventOutOfOrder(date=end_date, last=start_date)))
    if step == STOP and not (note or "").strip():
        out.append(("note", Required()))
    return out


STEP_RULES = (step_complete,)
