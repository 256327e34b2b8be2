"""The rules of the 识别 and 退出 procedures: steps in order, a notice period that must run, before
the status changes."""

from __future__ import annotations

import datetime as dt

from models import codes
from models.domain import ProcedureStep, StatusEvent
from models.errors import (
    BeforeAnnouncement,
    EventOutOfOrder,
    NoticeNotOver,
    NoticeTooShort,
    ProcedureIncomplete,
    Required,
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


def expected_step(procedure: str, done: list[ProcedureStep]) -> str:
    """The step that comes next ('' when every step is recorded)."""
    order = codes.PROCEDURE_STEPS[procedure].keys
    return order[len(done)] if len(done) < len(order) else ""


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def check_step(procedure: str, step: ProcedureStep, done: list[ProcedureStep], notice_days: int) -> None:
    """May this step be recorded now? In order, in time, and a notice long enough. A round
    under way may be stopped at any step, with a reason."""
    if step.step == STOP:
        if not done:
            raise StepOutOfOrder(procedure=procedure, expected=expected_step(procedure, done), got=STOP)
        if step.start_date < done[-1].start_date:
            raise EventOutOfOrder(date=step.start_date, last=done[-1].start_date)
        return
    expected = expected_step(procedure, done)
    if step.step != expected:
        raise StepOutOfOrder(procedure=procedure, expected=expected, got=step.step)
    if done:
        last = done[-1]
        if step.start_date < (last.end_date or last.start_date) and last.step != "notice":
            raise EventOutOfOrder(date=step.start_date, last=last.end_date or last.start_date)
    if step.step == "notice" and step.end_date:
        days = (_day(step.end_date) - _day(step.start_date)).days + 1
        if days < notice_days:
            raise NoticeTooShort(days=days, required=notice_days)
    if done and done[-1].step == "notice":
        notice_end = done[-1].end_date
        assert notice_end is not None  # step_complete requires a notice's end date at every door
        if step.start_date <= notice_end:
            raise NoticeNotOver(until=(_day(notice_end) + dt.timedelta(days=1)).isoformat())


def check_complete(procedure: str, done: list[ProcedureStep], day: str) -> None:
    """Before 识别 / 标注脱贫: every step recorded, and not before the announcement."""
    missing = expected_step(procedure, done)
    if missing:
        raise ProcedureIncomplete(procedure=procedure, missing=missing)
    announce = done[-1]
    if day < announce.start_date:
        raise BeforeAnnouncement(announced=announce.start_date)


@row_rule("step", "start_date", "end_date", "note", distinct=True)
def step_complete(step: str, start_date: str, end_date: str | None, note: str) -> Found:
    """A notice states its last day, on or after its first; a stopped round states why."""
    out: Found = []
    if step == "notice" and not end_date:
        out.append(("end_date", Required()))
    if start_date and end_date and end_date < start_date:
        out.append(("end_date", EventOutOfOrder(date=end_date, last=start_date)))
    if step == STOP and not (note or "").strip():
        out.append(("note", Required()))
    return out


STEP_RULES = (step_complete,)
