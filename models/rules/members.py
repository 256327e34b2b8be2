"""The rules of household members: the ID rule (GB 11643 against 证件类型, birth date and sex),
relation against sex, school facts, and the household's own: one head, no one twice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache

from models import codes, idnumber
from models.domain import Member
from models.errors import (
    WARNING,
    CompulsoryDoneContradicted,
    CundangError,
    DuplicateIdNumber,
    EventOutOfOrder,
    HeadCount,
    IdNumberMismatch,
    IdNumberUpgraded,
    InvalidIdNumber,
    NoMembers,
    Problem,
    RelationSexMismatch,
    Required,
    SameSexCouple,
    SchoolStatusMissing,
)
from models.rules import values
from models.rules.base import Found, repeated, row_rule

CHECKED_TYPES = ("resident", "disability")  # 证件类型 whose number is a GB 11643 number
SCHOOL_AGES = range(6, 16)  # 义务教育: aged 6-15 (on 1 September of the year)


# --- The ID rule -----------------------------------------------------------------------


def looks_like_id(id_type: str, id_number: str) -> bool:
    """A number typed under 其他证件 that has the shape of an ID number is checked as one."""
    return id_type == "other" and len(id_number) == 18 and id_number[:17].isdigit()


def id_number_problem(id_type: str, id_number: str, *, today: dt.date | None = None) -> CundangError | None:
    """Whether a number is right for its 证件类型: a resident ID a valid GB 11643 number, a
    disability card that number and two digits, any other with the shape of an ID checked as one."""
    return _verdict(id_type, id_number, today or dt.date.today())[0]


def id_facts(id_type: str, id_number: str, *, today: dt.date | None = None) -> idnumber.IdInfo | None:
    """The birth date and sex a checked, valid ID number states (else None)."""
    return _verdict(id_type, id_number, today or dt.date.today())[1]


@lru_cache(maxsize=65536)  # an import asks of each number several times (rules, then the writer)
def _verdict(id_type: str, id_number: str, today: dt.date) -> tuple[CundangError | None, idnumber.IdInfo | None]:
    if not id_number:
        return (Required() if id_type in CHECKED_TYPES else None), None
    if id_type not in CHECKED_TYPES and not looks_like_id(id_type, id_number):
        return None, None
    if id_type == "disability" and not (len(id_number) == 20 and id_number[18:].isdigit()):
        return InvalidIdNumber(id_number=id_number, reason="disability_length"), None
    try:
        return None, idnumber.parse(id_number[:18], today=today)
    except InvalidIdNumber as exc:
        return exc, None


def check_id_number(id_type: str, id_number: str, birth_date: str, sex: str, *, today: dt.date | None = None) -> Found:
    """The ID rule, the one every door calls: a number wrong for its type, and a typed birth date
    or sex that disagrees with what a valid number states, each at its field."""
    problem = id_number_problem(id_type, id_number, today=today)
    if problem is not None:
        return [("id_number", problem)]
    info = id_facts(id_type, id_number, today=today)
    if info is None:
        return []
    out: Found = []
    derived_birth = info.birth_date.isoformat()
    if birth_date and birth_date != derived_birth:
        out.append(("birth_date", IdNumberMismatch(field="birth_date", typed=birth_date, derived=derived_birth)))
    if sex and sex != info.sex:
        typed = codes.SEX.label(sex) if sex in codes.SEX else sex
        out.append(("sex", IdNumberMismatch(field="sex", typed=typed, derived=codes.SEX.label(info.sex))))
    return out


def person_key(id_type: str, id_number: str) -> str:
    """Who a member is, for one-registration rules: the 18-character ID number, or ''. A valid
    GB 11643 number counts whatever 证件类型 says (a resident ID typed under 其他证件 is one)."""
    if id_number and (id_type in CHECKED_TYPES or looks_like_id(id_type, id_number)):
        return id_number[:18]
    return ""


def person_sql(alias: str) -> str:
    """person_key's rule for queries: true where a member row has a person key. (The schema
    holds every 18-character number of that shape to its check character, whatever its type.)"""
    m = alias
    digits = "[0-9]" * 17
    return (
        f"({m}.id_number <> '' AND ({m}.id_type IN ('resident', 'disability') OR ({m}.id_type = 'other'"
        f" AND length({m}.id_number) = 18 AND substr({m}.id_number, 1, 17) GLOB '{digits}')))"
    )


# --- Rules of one member (the form, the services and the imports run these) ----------------


@row_rule("id_type", "id_number", "birth_date", "sex", today=True)
def id_rule(id_type: str, id_number: str, birth_date: str, sex: str, *, today: dt.date | None = None) -> Found:
    return check_id_number(id_type or "resident", id_number or "", birth_date or "", sex or "", today=today)


@row_rule("id_type", "id_number", "sex", "birth_date", today=True)
def sex_and_birth_known(
    id_type: str, id_number: str, sex: str, birth_date: str, *, today: dt.date | None = None
) -> Found:
    """Sex and birth date are needed; while a checked ID number is wrong (it would give them),
    asking for them too is noise."""
    if (id_type or "resident") in CHECKED_TYPES and id_number_problem(
        id_type or "resident", id_number or "", today=today
    ) is not None:
        return []
    return [(name, Required()) for name, value in (("sex", sex), ("birth_date", birth_date)) if not value]


@row_rule("relation", "sex", distinct=True, unless=("sex",))  # a sex the ID contradicts is said already
def relation_matches_sex(relation: str, sex: str) -> Found:
    """之子 is a son, 之母 a mother: a relation that names a sex must match the member's."""
    wanted = codes.RELATION_SEX.get(relation or "")
    if wanted and sex and sex != wanted:
        return [("relation", RelationSexMismatch(relation=relation, sex=sex))]
    return []


@row_rule("school_status", "dropout_reason", distinct=True)
def dropout_has_reason(school_status: str, dropout_reason: str) -> Found:
    if school_status == codes.DROPOUT and not (dropout_reason or "").strip():
        return [("dropout_reason", Required())]
    return []


# 文化程度 below 初中: finishing 初中 cannot have been recorded truthfully.
_BELOW_JUNIOR = ("illiterate", "primary", "preschool")


@row_rule("education", "compulsory_done", distinct=True)
def compulsory_done_matches_education(education: str, compulsory_done: int | None) -> Found:
    """已完成初中学业 says 初中 was finished; a 文化程度 below 初中 contradicts it."""
    if compulsory_done and education in _BELOW_JUNIOR:
        return [("compulsory_done", CompulsoryDoneContradicted(education=education))]
    return []


@row_rule("joined_date", "left_date", distinct=True)
def left_after_joining(joined_date: str | None, left_date: str | None) -> Found:
    if joined_date and left_date and left_date < joined_date:
        return [("left_date", EventOutOfOrder(date=left_date, last=joined_date))]
    return []


def age_on(birth_date: str, day: dt.date) -> int | None:
    """Whole years of age on a day (None when the birth date is not known)."""
    try:
        born = dt.date.fromisoformat(birth_date)
    except (TypeError, ValueError):
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@row_rule("name", "birth_date", "school_status", "left_date", level=WARNING, today=True)
def school_age_has_status(
    name: str, birth_date: str, school_status: str, left_date: str | None, *, today: dt.date | None = None
) -> Found:
    """A current member of compulsory-school age without 在校生状况: a warning (the form cannot
    know whether the child is in school, only that nobody said)."""
    if school_status or left_date:
        return []
    today = today or dt.date.today()
    term = dt.date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    age = age_on(birth_date, term)
    if age is not None and age in SCHOOL_AGES:
        return [("school_status", SchoolStatusMissing(name=name or "", age=age))]
    return []


ROW_RULES = (
    id_rule,
    sex_and_birth_known,
    relation_matches_sex,
    dropout_has_reason,
    compulsory_done_matches_education,
    left_after_joining,
    school_age_has_status,
)


def completed(m: Member, *, today: dt.date | None = None) -> Member:
    """The member with its text normalised, a 15-digit old ID made 18 (upgrade_notices says so)
    and its birth date and sex filled from a valid ID number where they were left empty."""
    m, _ = values.check_record("members", m)
    if m.id_type in ("resident", "other") and (longer := idnumber.from_15(m.id_number)):
        m = replace(m, id_type="resident", id_number=longer)  # the old 15-digit ID, in today's form
    info = id_facts(m.id_type, m.id_number, today=today)
    if info is not None and (not m.birth_date or not m.sex):
        m = replace(m, birth_date=m.birth_date or info.birth_date.isoformat(), sex=m.sex or info.sex)
    return m


def upgrade_notices(typed: Sequence[Member], ready: Sequence[Member]) -> list[Problem]:
    """A warning for each member whose 15-digit ID the save made 18, for the clerk to check."""
    return [
        Problem(("members", i, "id_number"), IdNumberUpgraded(old=t.id_number.strip(), new=r.id_number), WARNING)
        for i, (t, r) in enumerate(zip(typed, ready, strict=True))
        if len(t.id_number.strip()) == 15 and t.id_number.strip() != r.id_number
    ]


# --- The household's members together ---------------------------------------------------


def head_problems(relations: Sequence[str], current: Sequence[bool]) -> list[tuple[int | None, CundangError]]:
    """Exactly one head among the current members (a household whose members have all left
    needs none): (the second head, or None when there is none, error)."""
    heads = [i for i, (r, now) in enumerate(zip(relations, current, strict=True)) if now and r == codes.HEAD]
    if not any(current) or len(heads) == 1:
        return []
    return [(heads[1] if len(heads) > 1 else None, HeadCount(count=len(heads)))]


def couple_warnings(
    relations: Sequence[str], sexes: Sequence[str], current: Sequence[bool]
) -> list[tuple[int, CundangError]]:
    """户主 and 配偶 of the same sex: a warning at the spouse (one of the two is likely mistyped)."""
    head = next((i for i, (r, now) in enumerate(zip(relations, current, strict=True)) if now and r == codes.HEAD), None)
    if head is None or not sexes[head]:
        return []
    return [
        (i, SameSexCouple(sex=sexes[head]))
        for i, (r, s, now) in enumerate(zip(relations, sexes, current, strict=True))
        if now and r == codes.SPOUSE and s == sexes[head]
    ]


def household_problems(members: Sequence[Member]) -> list[Problem]:
    """The rules of a household's members together: someone in it, one head, nobody twice, and
    the same-sex couple warning. Problems point at members by position."""
    if not members:
        return [Problem(("members", None, "name"), NoMembers())]
    current = [m.is_current for m in members]
    relations = [m.relation for m in members]
    problems = [Problem(("members", i, "relation"), e) for i, e in head_problems(relations, current)]
    problems += [
        Problem(("members", i, "sex"), e, WARNING)
        for i, e in couple_warnings(relations, [m.sex for m in members], current)
    ]
    keys = [person_key(m.id_type, m.id_number) if m.is_current else "" for m in members]
    problems += [
        Problem(("members", i, "id_number"), DuplicateIdNumber(id_number=keys[i], name=members[first].name))
        for i, first in repeated(keys)
    ]
    return problems
