"""Typed errors raised by models/: each declares the facts it carries; models/wording.py words them."""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

# The two levels of a problem: an error refuses the save (or the file); a warning is said and
# the save goes ahead. They are also the words reports and JSON output show.
ERROR, WARNING = "错误", "提醒"

_REQUIRED = object()  # a declared fact with no default: it must be given


class CundangError(Exception):
    """Base of every error the domain raises on purpose.

    A subclass declares its facts as annotations, with a default for an optional one. Building
    an error with a fact it does not declare, or without a required one, is a TypeError: a
    sentence can only ever name facts its error carries (tests/models/test_wording.py)."""

    FACTS: ClassVar[dict[str, Any]] = {}  # fact name -> default (_REQUIRED when it has none)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        facts: dict[str, Any] = {}
        for klass in reversed(cls.__mro__):
            for name in inspect.get_annotations(klass):
                if name.isupper() or name.startswith("_"):
                    continue  # class constants, not facts
                facts[name] = klass.__dict__.get(name, _REQUIRED)
        cls.FACTS = facts

    def __init__(self, **facts: Any) -> None:
        declared = type(self).FACTS
        unknown = sorted(set(facts) - set(declared))
        if unknown:
            raise TypeError(f"{type(self).__name__} carries no fact {', '.join(unknown)}")
        missing = [n for n, default in declared.items() if default is _REQUIRED and n not in facts]
        if missing:
            raise TypeError(f"{type(self).__name__} needs the fact {', '.join(missing)}")
        self.facts = {n: facts.get(n, default) for n, default in declared.items()}
        for name, value in self.facts.items():
            setattr(self, name, value)
        # For logs and tracebacks only; a user reads models.wording.describe(error).
        super().__init__(", ".join(f"{k}={v!r}" for k, v in self.facts.items()))


# --- Storage -----------------------------------------------------------------


class StorageError(CundangError):
    """The data file or folder cannot be used."""


class NotADatabase(StorageError):
    path: Path


class CorruptDatabase(StorageError):
    path: Path
    detail: str


class BackupBroken(StorageError):
    """A backup that fails its check (integrity_check, or counts other than the source's)."""

    path: Path
    detail: str


class NotABackup(StorageError):
    """A file given to restore that is not a 村档 data file (or not a file at all)."""

    path: Path


class NewerDatabase(StorageError):
    path: Path
    unknown: list[str]


class DataFolderNotWritable(StorageError):
    path: Path
    detail: str


class DatabaseBusy(StorageError):
    path: Path


class DiskFull(StorageError):
    """The disk holding the data (or the file being written) has no room left."""

    path: Path


class DiskIOError(StorageError):
    """Reading or writing the disk failed, and an integrity check did not find the file damaged."""

    path: Path
    detail: str


class FolderInUse(StorageError):
    """The folder is open in a window (its window lock is held), so it cannot be replaced."""

    path: Path
    holder: str


class NeedsUpgrade(StorageError):
    """A file that needs a schema upgrade cannot be opened read-only (only a writer upgrades)."""

    path: Path


class BackupOfAnotherFolder(StorageError):
    """A backup made by another installation (another laptop's folder): its keyring is beside it,
    and it opens with that keyring's operator password or recovery key, not with this folder's."""

    path: Path


class BackupKeyringMissing(StorageError):
    """A backup encrypted with a key this folder does not have, and no keyring copy beside it."""

    path: Path
    keyring: Path


class EncryptionBlocked(StorageError):
    """The data file cannot be swapped for its encrypted (or plain) copy: another window or
    command has it open; ``holder`` names the window when its lock says who."""

    path: Path
    holder: str = ""


class ReadOnlyStore(StorageError):
    """The folder was opened read-only (another window has it open): nothing can be changed."""

    path: Path


class AccessError(CundangError):
    """Who is using the folder: not logged in, a wrong password, a role that may not (issue 15)."""


class LoginRequired(AccessError):
    """The folder has operators: a store is opened by one of them, with their password."""

    path: Path


class WrongPassword(AccessError):
    """A wrong name or password (which of the two is never said); ``left`` tries before the lock."""

    left: int


class AccountLocked(AccessError):
    name: str
    minutes: int


class OperatorDisabled(AccessError):
    name: str


class NotAllowed(AccessError):
    """The operator's roles do not allow this; ``roles`` names the roles that would."""

    operator: str
    action: str
    roles: str


class PasswordTooShort(AccessError):
    minimum: int


class PasswordsDiffer(AccessError):
    """A new password typed twice, differently."""


class OperatorExists(AccessError):
    name: str


class UnknownOperator(AccessError):
    """An operator named by a 管理员's command (users passwd/disable), not a login."""

    name: str


class LastAdministrator(AccessError):
    """The folder's last enabled 管理员 cannot be disabled or lose the role."""

    name: str


class NoRoles(AccessError):
    """An operator needs at least one role."""


class WrongRecoveryKey(AccessError):
    """The recovery key typed does not open the folder's key."""


class EncryptionOffNotConfirmed(AccessError):
    """Keeping a folder unencrypted is a 管理员's explicit choice: asked for, never assumed."""


class NoOperatorGiven(AccessError):
    """A command that makes a new folder, or opens a folder with operators, was given no user."""

    command: str


class NoOperatorsYet(AccessError):
    """An operator command in a folder that has no operators yet (a demo's, or one from before)."""

    path: Path


class KeyringDamaged(AccessError):
    """The folder's keyring (its wrapped keys) cannot be read; ``path`` is the file."""

    path: Path


class SealBroken(AccessError):
    """A secret kept sealed in the settings cannot be opened (damaged, or from another folder)."""


class EditConflict(StorageError):
    """A save refused because the record changed after the form read it; ``changes`` words what
    changed, and who changed it, one line per change."""

    changes: list[str]


class UncleanText(CundangError):
    """The audited writer refuses text the normaliser would change: the rule book was bypassed."""

    table: str
    column: str


# --- Values (one field at a time) -------------------------------------------------


class NotFound(CundangError):
    kind: str
    key: object


class NeverDeleted(CundangError):
    """Households and members leave through events, never by deletion."""

    table: str


class UnknownCode(CundangError):
    list_name: str
    value: str


class Required(CundangError):
    """A required value is empty (the field is named by the problem's place)."""


class InvalidAmount(CundangError):
    """A money value that is not a number of 元 with at most two decimals."""

    value: str


class InvalidNumber(CundangError):
    value: str


class NotAWholeNumber(CundangError):
    value: str


class NegativeValue(CundangError):
    value: str


class NotPositive(CundangError):
    value: str


class OutOfRange(CundangError):
    value: str
    low: int
    high: int


class InvalidDate(CundangError):
    """Not a yyyy-MM-dd date that exists (reason "format"), one in the future where the field
    allows none ("future"), or one before 1880 ("too_early")."""

    value: str
    reason: str = "format"


class InvalidYear(CundangError):
    value: str
    first: int = 2013
    last: int = 0  # 0: not stated


class InvalidFlag(CundangError):
    value: str


class InvalidPhone(CundangError):
    value: str


class ControlCharacter(CundangError):
    """Text holding an invisible control character (a Word line break pasted in becomes \\x0b)."""

    char: str  # as U+XXXX
    position: int  # 1-based


class TextTooLong(CundangError):
    length: int
    limit: int


class UnknownGroup(CundangError):
    """A 村民小组 the village does not have."""

    name: str


# --- Register: villages, households, members ------------------------------------------


class InvalidIdNumber(CundangError):
    """reason: length, chars, region, birth_date, checksum, disability_length."""

    id_number: str
    reason: str


class IdNumberMismatch(CundangError):
    """A typed birth date or sex disagrees with the ID number (field: birth_date or sex)."""

    field: str
    typed: str
    derived: str


class RelationSexMismatch(CundangError):
    """与户主关系 that names a sex (之子, 之母 …) given to a member of the other sex."""

    relation: str
    sex: str


class SameSexCouple(CundangError):
    """户主 and 配偶 of the same sex (a warning: the clerk checks which is mistyped)."""

    sex: str


class SchoolStatusMissing(CundangError):
    """A member of compulsory-school age without 在校生状况 (a warning)."""

    name: str
    age: int


class DuplicateIdNumber(CundangError):
    id_number: str
    household_no: str = ""
    name: str = ""


class RepeatedCause(CundangError):
    """A cause named twice among the main and other causes."""

    value: str


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


class StatusDisagrees(CundangError):
    """A household whose 脱贫状态 is not what its status changes lead to."""

    status: str
    derived: str


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


class Repeated(CundangError):
    """A key that must be unique appears again (first: where it appeared first)."""

    first: str


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


class YearOfApplicant(CundangError):
    """A new applicant has no 识别年度 yet: the identification procedure gives it; a household
    identified earlier is entered as 补录."""


class LoanBeyondPolicy(CundangError):
    """A 小额信贷 beyond the policy's 5万元 or 3 years (a warning: the clerk may have a reason)."""

    what: str  # amount or term
    value: int
    limit: int


class NothingToNotice(CundangError):
    """A notice with nobody on it is not printed (an empty board reads as a mistake)."""

    kind: str  # codes.NOTICE_KIND
    year: int


class NoticeStepRefused(CundangError):
    """Posting a notice records it as the 公示 step of each round on it; one could not take it."""

    household_no: str
    reason: CundangError


class RoundOfAnotherYear(CundangError):
    """A procedure round belongs to one year: its steps, and the status change it leads to."""

    round_year: int
    year: int


class NoticeNotOver(CundangError):
    until: str  # the first day after the notice period


class IdNumberUpgraded(CundangError):
    """A 15-digit first-generation ID made 18 characters (a notice, not a refusal)."""

    old: str
    new: str


class CompulsoryDoneContradicted(CundangError):
    """已完成初中学业 with a 文化程度 below 初中."""

    education: str


class ExitCheckFailed(CundangError):
    """Marking 脱贫 needs every required criterion met (未达标 and 未填写 both block), or an
    explicit override reason."""

    failed: list[str]
    unrecorded: list[str]  # 未填写: they block as failures do


class CriteriaAlwaysRequired(CundangError):
    """Income and 两不愁三保障 always decide exit together (seeds 001 and 004): only the
    optional criteria may be switched off."""

    criteria: list[str]  # the always-required criteria the settings left out


class BelowPolicyFloor(CundangError):
    """A setting may raise a policy minimum (a notice period), never lower it."""

    name: str
    value: int
    floor: int


class OverrideReasonTooThin(CundangError):
    """An exit over a failed check needs a reason a township official can weigh: what makes the
    household's situation safe despite the failed criterion, not an instruction."""

    reason: str


class InvalidSetting(CundangError):
    name: str
    value: str


class VillageLineDiffers(CundangError):
    """A village's package carried a poverty line other than the county's for that year and
    province (a warning: the county's checks use its own line)."""

    year: int
    province: str
    village_fen: int
    county_fen: int


class VillageSettingDiffers(CundangError):
    """A village applied an exit setting other than the county's (a warning)."""

    name: str
    village: str  # the settings' stored JSON
    county: str


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


class PeriodReversed(CundangError):
    """A notice whose end comes before its start."""

    start: str
    end: str


# --- Files and jobs ------------------------------------------------------------------


class FontUnusable(CundangError):
    """A font file that cannot be embedded: not TrueType, CFF outlines, or no Chinese or Latin glyphs."""

    path: str
    detail: str


class FileRefused(CundangError):
    """A file that cannot be read at all; ``reason`` says why, ``detail`` gives the figure."""

    path: str
    reason: str
    detail: str = ""


class MissingColumn(CundangError):
    """A value the rules need, in a file that has no column for it."""

    column: str


class ExportBlocked(CundangError):
    """A stored value an export cannot write (it could only get there past the audited writer)."""

    sheet: str
    row: int
    column: str


class Cancelled(CundangError):
    """The user cancelled a long job; nothing was written."""


class ChainUnacknowledged(CundangError):
    """No package is exported while the audit chain has problems nobody acknowledged;
    ``findings`` are their sentences, numbered, a line each."""

    findings: str


# --- Problems by field ---------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One problem with one field of a record being saved.

    ``where`` is a path into the record: (table, field) for one record, (table, index, field)
    for one of several (members by position, incomes by year): ("households", "phone"),
    ("members", 2, "id_number"). ``level`` is ERROR (the save is refused) or WARNING."""

    where: tuple[object, ...]
    error: CundangError
    level: str = ERROR

    @property
    def is_error(self) -> bool:
        return self.level == ERROR


def raise_problems(problems: list[Problem]) -> list[Problem]:
    """Refuse a save when any problem is an error, with every problem at once; else return the
    warnings, for the caller to show."""
    if any(p.is_error for p in problems):
        raise ValidationFailed(problems)
    return problems


class ValidationFailed(CundangError):
    """Saving refused; every problem found is listed (warnings too), each tied to its field."""

    problems: list[Problem]

    def __init__(self, problems: list[Problem] | None = None) -> None:
        super().__init__(problems=list(problems or []))

    def __str__(self) -> str:  # for logs only
        return "; ".join(f"{p.where}: {p.error!r}" for p in self.problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]
