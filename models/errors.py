"""Typed errors raised by models/: they carry the facts; ui/messages.py words them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


class CundangError(Exception):
    """Base of every error the domain raises on purpose."""

    def __init__(self, **facts: object) -> None:
        self.facts = facts
        for name, value in facts.items():
            setattr(self, name, value)
        super().__init__(", ".join(f"{k}={v!r}" for k, v in facts.items()))


# --- Storage -----------------------------------------------------------------


class StorageError(CundangError):
    """The data file or folder cannot be used."""


class NotADatabase(StorageError):
    path: Path


class CorruptDatabase(StorageError):
    path: Path
    detail: str


class NewerDatabase(StorageError):
    path: Path
    unknown: list[str]


class DataFolderNotWritable(StorageError):
    path: Path
    detail: str


class DatabaseBusy(StorageError):
    path: Path


# --- Records -----------------------------------------------------------------


class NotFound(CundangError):
    kind: str
    key: object


class NeverDeleted(CundangError):
    """Households and members leave through events, never by deletion."""

    table: str


class UnknownCode(CundangError):
    list_name: str
    value: str


class InvalidIdNumber(CundangError):
    """reason: length, chars, region, birth_date, future_birth, checksum."""

    id_number: str
    reason: str


class IdNumberMismatch(CundangError):
    """A typed birth date or sex disagrees with the ID number."""

    field: str
    typed: str
    derived: str


class DuplicateIdNumber(CundangError):
    id_number: str
    household_no: str
    name: str


class InvalidAmount(CundangError):
    """A money value that is not a number of 元 with at most two decimals."""

    value: str


class NegativeValue(CundangError):
    value: str


class InvalidDate(CundangError):
    value: str


class InvalidYear(CundangError):
    value: str


class InvalidPhone(CundangError):
    value: str


class NotAWholeNumber(CundangError):
    value: str


class InvalidMonths(CundangError):
    value: str


class RepeatedCause(CundangError):
    """A cause named twice among the main and other causes."""

    value: str


class Required(CundangError):
    """A required value is empty."""


class HeadCount(CundangError):
    """A household must have exactly one head among its current members."""

    count: int


class NoMembers(CundangError):
    """A new household needs at least one member."""


class EventOutOfOrder(CundangError):
    """A change dated before the one it follows."""

    date: str
    last: str


class InvalidStatusChange(CundangError):
    current: str
    event: str


class MemberAlreadyLeft(CundangError):
    name: str


class VillageCodeInvalid(CundangError):
    code: str


class DuplicateVillage(CundangError):
    code: str


class DuplicateGroup(CundangError):
    name: str


class GroupInUse(CundangError):
    name: str
    households: int


class DuplicateHouseholdNo(CundangError):
    household_no: str


class DataFolderNotEmpty(CundangError):
    path: Path


@dataclass(frozen=True)
class Problem:
    """One problem with one field of a record being saved.

    ``where`` is a path into the form: ("household", "phone") or
    ("members", 2, "id_number").
    """

    where: tuple[object, ...]
    error: CundangError


def raise_problems(problems: list[Problem]) -> None:
    """Refuse a save when anything is wrong, with every problem at once."""
    if problems:
        raise ValidationFailed(problems)


@dataclass
class ValidationFailed(Exception):
    """Saving refused; every problem found is listed, each tied to its field."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "; ".join(f"{p.where}: {p.error!r}" for p in self.problems)


# --- Assistance ----------------------------------------------------------------


class OverlappingPairing(CundangError):
    """A household's pairings may not overlap in time."""

    start: str
    end: str | None
    other_cadre: str
    other_start: str
    other_end: str | None


class VisitBeforePairing(CundangError):
    visit_date: str
    pairing_start: str


class NotPaired(CundangError):
    """A visit by a cadre who is neither paired with the household nor on the village team."""

    cadre: str


class CadreHasLeft(CundangError):
    cadre: str
    left_date: str


class PovertyLineMissing(CundangError):
    year: int
    province: str


class PlanExists(CundangError):
    year: int


class StepOutOfOrder(CundangError):
    procedure: str
    expected: str  # the step that must come next ('' when the procedure is complete)
    got: str


class NoticeTooShort(CundangError):
    days: int
    required: int


class ProcedureIncomplete(CundangError):
    procedure: str
    missing: str  # the next step still to record


class NoticeNotOver(CundangError):
    until: str  # the first day after the notice period


class ExitCheckFailed(CundangError):
    """Marking 脱贫 needs every required criterion, or an explicit override reason."""

    failed: list[str]


class IncomeAloneNeverDecides(CundangError):
    """Exit criteria must include more than income (seeds 001 and 004)."""


class InvalidSetting(CundangError):
    name: str
    value: str


class NotPositive(CundangError):
    value: str


class BeforeAnnouncement(CundangError):
    """识别 / 标注脱贫 dated before the announcement that allows it."""

    announced: str


# --- Ledgers -------------------------------------------------------------------


class DisbursementBeforeStart(CundangError):
    pay_date: str
    start_date: str


class NotRegisteredHousehold(CundangError):
    """A beneficiary must be a registered (not removed) household of the project's village."""

    household: str


class AttendanceTwice(CundangError):
    cadre: str
    day: str


class NotOnTeam(CundangError):
    cadre: str


class DeadlineBeforeInspection(CundangError):
    deadline: str
    inspect_date: str


class OutOfRange(CundangError):
    value: str
    low: int
    high: int


class PeriodReversed(CundangError):
    """A notice whose end comes before its start."""

    start: str
    end: str


class FontUnusable(CundangError):
    """A font file that cannot be embedded: not TrueType, CFF outlines, or no Chinese or Latin glyphs."""

    path: str
    detail: str


class Cancelled(CundangError):
    """The user cancelled a long job; nothing was written."""
