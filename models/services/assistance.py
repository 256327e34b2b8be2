"""Assistance operations: cadres, pairing and reassigning, visits, plans, poverty lines, settings, steps."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
from collections.abc import Sequence

from models import access
from models import config as config_module
from models.changes import Changes
from models.domain import Cadre, Measure, Pairing, Plan, PovertyLine, ProcedureStep, Visit
from models.errors import (
    CadreHasLeft,
    CundangError,
    DuplicateIdNumber,
    EventOutOfOrder,
    NotFound,
    PlanExists,
    PovertyLineMissing,
    Problem,
    ValidationFailed,
    raise_problems,
)
from models.rules import assistance as assistance_rules
from models.rules import exit_check, procedures, records
from models.rules.members import id_facts
from models.rules.settings import check_config, notice_floor
from models.rules.values import parse_date
from models.services.conflicts import refuse_if_changed
from models.store import Store


def _day(
    value: str | None,
    table: str,
    name: str,
    *,
    today: dt.date | None = None,
    required: bool = True,
    future: bool = False,
) -> str | None:
    """A date the clerk gave, as stored; a bad one refuses the operation at its field."""
    try:
        day = parse_date(value, today=today, required=required, future=future)
    except CundangError as exc:
        raise ValidationFailed([Problem((table, name), exc)]) from None
    return day.isoformat() if day else None


# --- Cadres ----------------------------------------------------------------------


def check_cadre(store: Store, cadre: Cadre, *, today: dt.date | None = None) -> tuple[Cadre, list[Problem]]:
    """The cadre as stored (text normalised, sex from the ID number) and its problems."""
    cadre, problems = records.check("cadres", cadre, today=today)
    info = id_facts("resident", cadre.id_number, today=today)
    if info is not None and not cadre.sex:
        cadre = dataclasses.replace(cadre, sex=info.sex)
    if cadre.id_number and any(
        c.id_number == cadre.id_number and c.id != cadre.id for c in store.assistance.cadres(cadre.village_id or 0)
    ):
        problems.append(Problem(("cadres", "id_number"), DuplicateIdNumber(id_number=cadre.id_number, name=cadre.name)))
    return cadre, problems


def save_cadre(store: Store, cadre: Cadre, *, read_at: int | None = None, today: dt.date | None = None) -> Changes:
    cadre, problems = check_cadre(store, cadre, today=today)
    raise_problems(problems)
    with store.operation() as op:
        refuse_if_changed(store, read_at, ("cadres", cadre.id))  # a form's save: nothing changed since it read
        if cadre.id is None:
            cid = store.writer.insert("cadres", cadre.to_record())["id"]
        else:
            cid = cadre.id
            values = {k: v for k, v in cadre.to_record().items() if k not in ("uuid", "village_id", "left_date")}
            store.writer.update("cadres", cid, values)
    return op.changes(cid)


def cadre_leaves(
    store: Store, cadre_id: int, day: str, reason: str = "调离", *, today: dt.date | None = None
) -> Changes:
    """A cadre leaves the village: their current pairings end that day (``count`` says how many)."""
    left = _day(day, "cadres", "left_date", today=today)
    assert left is not None
    cadre = store.assistance.cadre(cadre_id)
    if cadre.left_date:
        raise CadreHasLeft(cadre=cadre.name, left_date=cadre.left_date)
    ended = store.assistance.pairings_of_cadre(cadre_id)
    for p in ended:
        if left < p.start_date:
            raise EventOutOfOrder(date=left, last=p.start_date)
    with store.operation() as op:
        store.writer.update("cadres", cadre_id, {"left_date": left})
        for p in ended:
            assert p.id is not None
            store.writer.update("pairings", p.id, {"end_date": left, "end_reason": reason})
    return op.changes(cadre_id, count=len(ended))


# --- Pairing ---------------------------------------------------------------------


def pair(
    store: Store,
    cadre_id: int,
    household_ids: Sequence[int],
    start_date: str,
    *,
    reason: str = "调整帮扶责任人",
    today: dt.date | None = None,
) -> Changes:
    """Pair a cadre with households from a day. A household paired with someone else is
    reassigned: the old pairing ends the day before ("不脱贫不脱钩": history is kept).
    All households or none; ``count`` says how many pairings were started."""
    start = _day(start_date, "pairings", "start_date", today=today)
    assert start is not None
    day = dt.date.fromisoformat(start)
    cadre = store.assistance.cadre(cadre_id)
    if cadre.left_date:
        raise CadreHasLeft(cadre=cadre.name, left_date=cadre.left_date)
    cadres = {c.id: c for c in store.assistance.cadres(cadre.village_id or 0)}
    started = 0
    with store.operation() as op:
        for hid in household_ids:
            existing = store.assistance.pairings(hid)
            current = assistance_rules.current_pairing(existing)
            if current is not None and current.cadre_id == cadre_id:
                continue  # already paired with this cadre
            closed = [p for p in existing if p is not current]
            if current is not None and current.start_date == start:
                # Same day: the earlier choice was a mistake; correct it (the audit keeps both).
                assert current.id is not None
                store.writer.update("pairings", current.id, {"cadre_id": cadre_id})
                started += 1
                continue
            if current is not None:
                assert current.id is not None
                if current.start_date > start:
                    assistance_rules.check_new_pairing(start, None, [current], cadres)
                end = (day - dt.timedelta(days=1)).isoformat()
                store.writer.update("pairings", current.id, {"end_date": end, "end_reason": reason})
            assistance_rules.check_new_pairing(start, None, closed, cadres)
            store.writer.insert("pairings", Pairing(household_id=hid, cadre_id=cadre_id, start_date=start).to_record())
            started += 1
    return op.changes(count=started)


def add_pairing(store: Store, pairing: Pairing, *, today: dt.date | None = None) -> Changes:
    """Record a pairing with both dates (history typed in later); it may not overlap another."""
    pairing, problems = records.check("pairings", pairing, today=today)
    raise_problems(problems)
    assert pairing.cadre_id is not None and pairing.household_id is not None
    cadre = store.assistance.cadre(pairing.cadre_id)
    cadres = {c.id: c for c in store.assistance.cadres(cadre.village_id or 0)}
    assistance_rules.check_new_pairing(
        pairing.start_date, pairing.end_date, store.assistance.pairings(pairing.household_id), cadres
    )
    with store.operation() as op:
        pid = store.writer.insert("pairings", pairing.to_record())["id"]
    return op.changes(pid)


def correct_pairing(store: Store, pairing_id: int, cadre_id: int) -> Changes:
    """A pairing entered with the wrong cadre: the cadre is corrected in place (audited: the
    audit log keeps who was recorded first), rather than left in the history as if real."""
    pairing = store.assistance.pairing(pairing_id)
    cadre = store.assistance.cadre(cadre_id)
    if cadre.left_date and cadre.left_date < pairing.start_date:
        raise CadreHasLeft(cadre=cadre.name, left_date=cadre.left_date)
    with store.operation() as op:
        store.writer.update("pairings", pairing_id, {"cadre_id": cadre_id})
    return op.changes(pairing_id)


def end_pairing(store: Store, pairing_id: int, end_date: str, reason: str, *, today: dt.date | None = None) -> Changes:
    pairing = store.assistance.pairing(pairing_id)
    day = _day(end_date, "pairings", "end_date", today=today)
    assert day is not None and pairing.cadre_id is not None and pairing.household_id is not None
    if day < pairing.start_date:
        raise EventOutOfOrder(date=day, last=pairing.start_date)
    cadre = store.assistance.cadre(pairing.cadre_id)
    cadres = {c.id: c for c in store.assistance.cadres(cadre.village_id or 0)}
    others = [p for p in store.assistance.pairings(pairing.household_id) if p.id != pairing_id]
    assistance_rules.check_new_pairing(pairing.start_date, day, others, cadres)
    ended, problems = records.check("pairings", dataclasses.replace(pairing, end_date=day, end_reason=reason))
    raise_problems(problems)
    with store.operation() as op:
        store.writer.update("pairings", pairing_id, {"end_date": day, "end_reason": ended.end_reason})
    return op.changes(pairing_id)


# --- Visits ----------------------------------------------------------------------


def add_visit(store: Store, visit: Visit, *, today: dt.date | None = None) -> Changes:
    visit, problems = records.check("visits", visit, today=today)
    raise_problems(problems)
    assert visit.cadre_id is not None and visit.household_id is not None
    cadre = store.assistance.cadre(visit.cadre_id)
    assistance_rules.check_visit(cadre, visit.visit_date, store.assistance.pairings(visit.household_id))
    with store.operation() as op:
        vid = store.writer.insert("visits", visit.to_record())["id"]
    return op.changes(vid)


# --- 一户一策 --------------------------------------------------------------------


def check_plan(
    plan: Plan, measures: Sequence[Measure], *, today: dt.date | None = None
) -> tuple[Plan, list[Measure], list[Problem]]:
    """The plan and its measures as stored, and their problems."""
    plan, problems = records.check("plans", plan, today=today)
    ready = []
    for i, m in enumerate(measures):
        m, found = records.check("measures", m, ("measures", i), today=today)
        ready.append(m)
        problems += found
    return plan, ready, problems


def save_plan(
    store: Store, plan: Plan, measures: Sequence[Measure], *, read_at: int | None = None, today: dt.date | None = None
) -> Changes:
    """A household's plan for a year with its measures, all validated, then written together.
    Measures no longer listed are deleted (audited)."""
    plan, measures, problems = check_plan(plan, measures, today=today)
    assert plan.household_id is not None
    own_members = {m.id for m in store.households.members(plan.household_id)}
    problems += [
        Problem(("measures", i, "member_id"), NotFound(kind="member", key=m.member_id))
        for i, m in enumerate(measures)
        if m.member_id is not None and m.member_id not in own_members
    ]
    raise_problems(problems)
    existing = store.assistance.plan(plan.household_id, plan.year)
    if existing is not None:  # a measure id from another plan is not this plan's to move: add it as new
        assert existing.id is not None
        own = {m.id for m in store.assistance.measures(existing.id)}
        measures = [m if m.id in own else dataclasses.replace(m, id=None) for m in measures]
    else:
        measures = [dataclasses.replace(m, id=None) for m in measures]
    with store.operation() as op:
        refuse_if_changed(
            store,
            read_at,
            ("plans", existing.id if existing else None),
            {"measures": ("plan_id", existing.id if existing else None)},
        )
        if read_at is not None and existing is None:  # another window made this plan meanwhile
            refuse_if_changed(
                store, read_at, None, {"plans": ("household_id", plan.household_id)}
            )  # a form's save: nothing changed since it read
        if existing is None:
            plan_id = store.writer.insert("plans", dataclasses.replace(plan, id=None, uuid="").to_record())["id"]
            kept: set[int] = set()
        else:
            assert existing.id is not None
            plan_id = existing.id
            store.writer.update("plans", plan_id, {k: v for k, v in plan.to_record().items() if k != "uuid"})
            kept = {m.id for m in measures if m.id is not None}
            for old in store.assistance.measures(plan_id):
                if old.id not in kept:
                    assert old.id is not None
                    store.writer.delete("measures", old.id)
        for i, m in enumerate(measures):
            m = dataclasses.replace(m, plan_id=plan_id, sort_order=i)
            if m.id is None or m.id not in kept:
                store.writer.insert("measures", dataclasses.replace(m, id=None, uuid="").to_record())
            else:
                store.writer.update("measures", m.id, {k: v for k, v in m.to_record().items() if k != "uuid"})
    return op.changes(plan_id)


def copy_plan(store: Store, household_id: int, from_year: int, to_year: int) -> Changes:
    """Last year's plan as this year's start: measures not finished carry over as 计划."""
    source = store.assistance.plan(household_id, from_year)
    if source is None or source.id is None:
        raise NotFound(kind="plan", key=from_year)
    if store.assistance.plan(household_id, to_year) is not None:
        raise PlanExists(year=to_year)  # copying would overwrite what was planned
    measures = [
        dataclasses.replace(m, id=None, uuid="", status="planned", result="", deadline=None)
        for m in store.assistance.measures(source.id)
        if m.status != "done"
    ]
    plan = dataclasses.replace(source, id=None, uuid="", year=to_year)
    return save_plan(store, plan, measures)


# --- Poverty lines and settings ----------------------------------------------------


def save_poverty_line(
    store: Store, line: PovertyLine, *, read_at: int | None = None, today: dt.date | None = None
) -> Changes:
    store.require(*access.TABLE_ACTIONS["poverty_lines"])
    line, problems = records.check("poverty_lines", line, today=today)
    raise_problems(problems)
    existing = store.assistance.poverty_line(line.year, line.province)
    with store.operation() as op:
        refuse_if_changed(
            store, read_at, ("poverty_lines", existing.id if existing else None)
        )  # a form's save: nothing changed since it read
        if existing is None:
            lid = store.writer.insert("poverty_lines", dataclasses.replace(line, id=None, uuid="").to_record())["id"]
        else:
            assert existing.id is not None
            lid = existing.id
            store.writer.update("poverty_lines", lid, {"line_fen": line.line_fen, "source": line.source})
    return op.changes(lid)


def delete_poverty_line(store: Store, line_id: int) -> Changes:
    with store.operation() as op:
        store.writer.delete("poverty_lines", line_id)
    return op.changes(line_id)


def save_config(store: Store, config: config_module.Config, *, read_at: int | None = None) -> Changes:
    store.require("settings")
    check_config(config)
    defaults = config_module.to_settings(config_module.Config())
    with store.operation() as op:
        refuse_if_changed(store, read_at, None, {"settings": None})  # a form's save: nothing changed since it read
        for key, value in config_module.to_settings(config).items():
            existing = store.assistance.setting_id(key)
            if existing is None:
                if value != defaults[key]:
                    store.writer.insert("settings", {"key": key, "value": value})
            else:
                store.writer.update("settings", existing, {"value": value})
    return op.changes()


# --- Procedures and the exit check -----------------------------------------------


def add_step(store: Store, step: ProcedureStep, *, today: dt.date | None = None) -> Changes:
    """Record the next step of a household's 识别, 退出, 返贫 or 清退 procedure. A round has one year:
    its first step sets it (the year given, else its start's), and every later step keeps it."""
    step, problems = records.check("procedure_steps", step, today=today)
    raise_problems(problems)
    assert step.household_id is not None
    f = store.households.file(step.household_id)
    if f.status_events and step.start_date < f.status_events[-1].event_date:
        raise EventOutOfOrder(date=step.start_date, last=f.status_events[-1].event_date)
    done = procedures.current_round(step.procedure, store.assistance.steps(step.household_id), f.status_events)
    config = store.config()
    procedures.check_step(step.procedure, step, done, notice_floor(config), config)
    if step.year is None:
        step = dataclasses.replace(step, year=procedures.round_year(done) or int(step.start_date[:4]))
    with store.operation() as op:
        sid = store.writer.insert("procedure_steps", step.to_record())["id"]
    return op.changes(sid)


def line_for(store: Store, year: int, province: str) -> int:
    line = store.assistance.poverty_line(year, province)
    if line is None:
        raise PovertyLineMissing(year=year, province=province)
    return line.line_fen


def run_exit_check(
    store: Store, year: int, *, village_id: int | None = None, household_ids: list[int] | None = None
) -> list[exit_check.HouseholdCheck]:
    """Every registered household of a village (or the folder) checked for a year.
    Refuses when the year's poverty line is missing for a province that income is checked in."""
    config = store.config()
    gc_was_on = gc.isenabled()
    gc.disable()  # a county's check makes a million small objects and no cycles: collecting is wasted work
    try:
        return _check_all(store, year, village_id, household_ids, config)
    finally:
        if gc_was_on:
            gc.enable()


def _check_all(
    store: Store, year: int, village_id: int | None, household_ids: list[int] | None, config: config_module.Config
) -> list[exit_check.HouseholdCheck]:
    households = store.exit_data.households(year, village_id, household_ids)
    required = exit_check.required_criteria(config)
    income = "income" in required
    lines: dict[str, int | None] = {}
    village_lines: dict[str, dict[int, int]] = {}
    out = []
    for h in households:
        if h.province not in lines:
            found = store.assistance.poverty_line(year, h.province)
            lines[h.province] = found.line_fen if found else None
            if found is None:  # a county without its own line: the line each village's package carried
                village_lines[h.province] = store.assistance.village_lines(year, h.province)
        line, source = lines[h.province], ""
        if line is None:
            line = village_lines[h.province].get(h.village_id)
            if line is None and income:
                raise PovertyLineMissing(year=year, province=h.province)
            source = "village"
        out.append(exit_check.check_household(h, year, line, config, required, source))
    return out


def village_exit_summary(store: Store, village_id: int, year: int) -> exit_check.VillageSummary:
    """贫困发生率 at the end of the year over that year's agricultural population; the village's
    conditions as recorded now."""
    v = store.villages.get(village_id)
    facts = {k: getattr(v, k) for k in config_module.VILLAGE_FACTS}
    population = store.villages.year_facts(village_id, year)
    return exit_check.village_summary(
        v.code,
        v.name,
        store.exit_data.poor_people(village_id, year),
        population.agri_population if population else None,
        facts,
        v.collective_income_fen,
        store.config(),
    )
