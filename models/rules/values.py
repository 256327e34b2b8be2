"""One value of one field: the text normaliser, the field's own checks, and text <-> stored value.

Every door uses these: the services (for what the form sends), the audited writer (which refuses
what the normaliser would change), the county and national imports (a column at a time), and the
data-quality checks. A column is checked in C where it can be (one regular expression over the
joined column, min and max of numbers, each distinct value once), a value at a time only where
the fast look finds something."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from models import codes
from models.errors import (
    ControlCharacter,
    CundangError,
    InvalidAmount,
    InvalidDate,
    InvalidFlag,
    InvalidNumber,
    InvalidPhone,
    InvalidYear,
    NegativeValue,
    NotAWholeNumber,
    NotPositive,
    OutOfRange,
    Problem,
    Required,
    TextTooLong,
    UncleanText,
    UnknownCode,
)
from models.fields import RECORDS, FieldSpec, spec
from models.fields import spec as specs
from models.money import format_fen, parse_yuan

FIRST_YEAR = 2013  # 建档立卡 began in 2013-2014
FIRST_BIRTH_YEAR = 1880  # the oldest birth date a record may hold

# --- The text normaliser -----------------------------------------------------------

# Characters no stored text may hold: C0 and C1 controls, DEL, line and paragraph separators,
# lone surrogates and non-characters (each breaks an export: openpyxl refuses them, UTF-8 too).
# Multi-line fields (NOTE) may hold line breaks and tabs.
_BAD_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
_BAD_NOTE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
# The same over a column joined with \x00 (which no clean text holds), \r flagged too.
_BAD_LINE_JOINED = re.compile("[\x01-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
_BAD_NOTE_JOINED = re.compile("[\x01-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
_ID_UNFOLDED = re.compile(r"[a-z\s]")
_NOTE, _ID = "note", "id_number"


def normalise(field: FieldSpec, value: Any) -> tuple[Any, CundangError | None]:
    """The value as it is stored, and the error that refuses it (None when it may be stored).

    Text is trimmed; in IDs, phones, dates and digit fields full-width digits and letters become
    half-width (and an ID number loses its spaces and gets a capital X); a note's \\r\\n becomes
    \\n. Control characters and text over the field's length are refused, never silently cut."""
    if not isinstance(value, str) or not field.is_text:
        return value, None
    text = value
    if field.kind in ("id_number", "phone", "digits", "date") and not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    if field.kind == _NOTE and "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.strip()
    if field.kind == _ID:
        text = "".join(text.split()).upper()
    bad = (_BAD_NOTE if field.kind == _NOTE else _BAD_LINE).search(text)
    if bad:
        return text, ControlCharacter(char=f"U+{ord(bad.group()):04X}", position=bad.start() + 1)
    limit = field.limit
    if limit is not None and len(text) > limit:
        return text, TextTooLong(length=len(text), limit=limit)
    return text, None


def without_controls(text: str, *, note: bool = False) -> str:
    """A typed text without the characters the normaliser refuses (what the form takes out
    when it says so)."""
    return (_BAD_NOTE if note else _BAD_LINE).sub("", text)


def clean_text(field: FieldSpec, value: Any) -> Any:
    """What the normaliser makes of a value that it accepts; a refused one is given back as is."""
    cleaned, error = normalise(field, value)
    return value if error else cleaned


def _suspect(field: FieldSpec, values: Sequence[Any]) -> bool:
    """Whether any value of the column might be refused or changed (all in C: one join, one
    regular expression, one strip of each, a length)."""
    texts = [v for v in values if v]
    if not texts:
        return False
    try:
        joined = "\x00".join(texts)
    except TypeError:
        return True  # not all text: looked at one by one
    if joined.count("\x00") != len(texts) - 1:
        return True  # a value holds \x00 itself
    if (_BAD_NOTE_JOINED if field.kind == _NOTE else _BAD_LINE_JOINED).search(joined):
        return True
    if list(map(str.strip, texts)) != texts:
        return True
    limit = field.limit
    if limit is not None and max(map(len, texts)) > limit:
        return True
    if field.kind in ("id_number", "phone", "digits", "date") and not joined.isascii():
        return True
    return field.kind == _ID and _ID_UNFOLDED.search(joined) is not None


def clean_and_check_column(field: FieldSpec, values: list[Any]) -> tuple[list[Any], list[tuple[int, CundangError]]]:
    """The normaliser over a column, looked at once: the column as stored (the same list when
    nothing changes) and (index, error) for each value it refuses."""
    if not field.is_text or not _suspect(field, values):
        return values, []
    cleaned, problems = [], []
    for i, v in enumerate(values):
        if isinstance(v, str) and v:
            text, error = normalise(field, v)
            if error is not None:
                problems.append((i, error))
                text = v
            cleaned.append(text)
        else:
            cleaned.append(v)
    return cleaned, problems


def stored_text_problem(table: str, column: str, value: Any) -> UncleanText | None:
    """The audited writer's guard: text that is not as the normaliser leaves it never gets in."""
    if not isinstance(value, str) or not value:
        return None
    field = specs(table, column)
    cleaned, error = normalise(field, value)
    return UncleanText(table=table, column=column) if error or cleaned != value else None


def stored_column_problem(table: str, column: str, values: Sequence[Any]) -> tuple[int, UncleanText] | None:
    """The same over a column: the first value that would be refused or changed."""
    field = specs(table, column)
    if not field.is_text or not _suspect(field, values):
        return None
    for i, v in enumerate(values):
        if stored_text_problem(table, column, v) is not None:
            return i, UncleanText(table=table, column=column)
    return None


# --- A field's own checks ------------------------------------------------------------

_PHONE = re.compile(r"^[0-9+\- ]{7,20}$")


def check(field: FieldSpec, value: Any, *, today: dt.date | None = None) -> CundangError | None:
    """The field's own rule for a stored value: required, code list, range, date, phone."""
    if value is None or value == "":
        return Required() if field.required else None
    kind = field.kind
    try:
        if kind in ("code", "status"):
            if kind == "status" and value == "":
                return None
            if field.codes is not None and value not in field.codes:
                return UnknownCode(list_name=field.codes.name, value=str(value))
        elif kind == "codes":
            for key in str(value).split(","):
                if key and field.codes is not None and key not in field.codes:
                    return UnknownCode(list_name=field.codes.name, value=key)
        elif kind == "flag":
            if value not in (0, 1):
                return InvalidFlag(value=str(value))
        elif kind == "year":
            check_year(value, today=today, first=field.low or FIRST_YEAR, ahead=field.ahead)
        elif kind in ("int", "real", "fen"):
            return _number(field, value)
        elif kind == "date":
            parse_date(value, today=None if field.future else today, future=field.future)
        elif kind == "phone":
            if not _PHONE.match(str(value)):
                return InvalidPhone(value=str(value))
    except CundangError as exc:
        return exc
    return None


def _number(field: FieldSpec, value: Any) -> CundangError | None:
    if field.kind == "fen" and (isinstance(value, bool) or not isinstance(value, int)):
        return InvalidAmount(value=str(value))  # money reaches the rules as integer fen, never a float
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return InvalidNumber(value=str(value))
    if field.kind == "int" and not isinstance(value, int):
        return NotAWholeNumber(value=str(value))
    shown = format_fen(value) if field.kind == "fen" and isinstance(value, int) else _shown(value)
    if field.positive and value <= 0:
        return NotPositive(value=shown)
    low = 0 if field.kind == "fen" and field.low is None else field.low
    if low is not None and value < low:
        return (
            NegativeValue(value=shown)
            if low == 0 and field.high is None
            else OutOfRange(value=shown, low=low, high=field.high if field.high is not None else 0)
        )
    if field.high is not None and value > field.high:
        return OutOfRange(value=shown, low=low or 0, high=field.high)
    return None


def _shown(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


# Kinds whose values ``check`` has nothing to say about beyond being required (their rules are
# the normaliser's, or a row rule's, as for ID numbers).
_UNCHECKED_KINDS = frozenset({"text", "note", "id_number", "digits", "machine", "step"})


def column_check(
    field: FieldSpec, values: Sequence[Any], *, today: dt.date | None = None
) -> list[tuple[int, CundangError]]:
    """``check`` over a column: each distinct value once, numbers by their smallest and largest
    first. Returns (index, error) in row order."""
    if field.kind in _UNCHECKED_KINDS:  # free text: only whether it is there
        if not field.required:
            return []
        return [(i, Required()) for i, v in enumerate(values) if v is None or v == ""]
    present = [v for v in values if v is not None and v != ""]
    if field.required and len(present) < len(values):
        missing = True
    else:
        missing = False
        if not present:
            return []
        if field.kind in ("int", "fen", "real") and all(type(v) in (int, float) for v in present):
            if (
                check(field, min(present)) is None
                and check(field, max(present)) is None
                and (field.kind == "real" or all(type(v) is int for v in present))
            ):
                return []
    verdicts: dict[Any, CundangError | None] = {}
    for v in set(present):
        verdicts[v] = check(field, v, today=today)
    if not missing and not any(verdicts.values()):
        return []
    out: list[tuple[int, CundangError]] = []
    for i, v in enumerate(values):
        error = Required() if (v is None or v == "") and field.required else verdicts.get(v)
        if error is not None:
            out.append((i, error))
    return out


def check_record(
    table: str,
    record: Any,
    where: tuple[object, ...] | None = None,
    *,
    fields: Iterable[str] | None = None,
    today: dt.date | None = None,
) -> tuple[Any, list[Problem]]:
    """A record (a dataclass or a dict) with its text normalised, and the problems of its own
    fields (each at ``where`` + (field,), ``where`` defaulting to (table,)). ``fields``: only
    these (else every stored field the record has)."""
    schema = RECORDS[table]
    where = (table,) if where is None else where
    is_dict = isinstance(record, dict)
    names = (
        list(fields)
        if fields is not None
        else [n for n, s in schema.items() if s.stored and (n in record if is_dict else hasattr(record, n))]
    )
    problems: list[Problem] = []
    changes: dict[str, Any] = {}
    for name in names:
        field = schema[name]
        if field.kind in ("ref", "group", "machine"):
            continue
        value = record[name] if is_dict else getattr(record, name)
        cleaned, error = normalise(field, value)
        if error is None:
            error = check(field, cleaned, today=today)
        if error is not None:
            problems.append(Problem((*where, name), error))
        elif cleaned is not value:
            changes[name] = cleaned
    if changes:
        record = {**record, **changes} if is_dict else replace(record, **changes)
    return record, problems


# --- Years and dates ------------------------------------------------------------------


def check_year(value: object, *, today: dt.date | None = None, first: int = FIRST_YEAR, ahead: int = 0) -> int:
    """A year the records can be about: from ``first`` to this year (+ ``ahead``)."""
    last = (today or dt.date.today()).year + ahead
    try:
        year = int(str(value))
    except (TypeError, ValueError):
        raise InvalidYear(value=str(value), first=first, last=last) from None
    if not first <= year <= last:
        raise InvalidYear(value=str(value), first=first, last=last)
    return year


def parse_date(
    value: object, *, today: dt.date | None = None, required: bool = True, future: bool = False
) -> dt.date | None:
    """An ISO date (yyyy-MM-dd), from 1880 on, not in the future unless ``future``."""
    if value is None or str(value).strip() == "":
        if required:
            raise Required()
        return None
    text = str(value).strip()
    try:
        day = dt.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise InvalidDate(value=text)
    if day.year < FIRST_BIRTH_YEAR:
        raise InvalidDate(value=text, reason="too_early")
    if not future and day > (today or dt.date.today()):
        raise InvalidDate(value=text, reason="future")
    return day


# --- Text <-> stored value (the package, the national export, typed numbers) ----------------

_FEN_TEXT = re.compile(r"^\d{1,13}\.\d\d$")
_INT_TEXT = re.compile(r"^-?\d{1,12}$")
_SEPARATORS = re.compile(r"[、,，]")


def from_text(field: FieldSpec, text: str) -> Any:
    """The stored value of a text as a person reads it (codes by their labels, 是/否, money in
    元, yyyy-MM-dd dates). Raises a typed error for a text that cannot be that. Text kinds are
    given back as they are (the normaliser and ``check`` see to them); an empty text is the
    field's empty value."""
    stripped = text.strip()
    if stripped == "":
        return field.empty
    kind = field.kind
    if kind in ("code", "status"):
        if kind == "status" and stripped == codes.UNIDENTIFIED:
            return ""
        assert field.codes is not None
        return field.codes.key(stripped)  # UnknownCode
    if kind == "codes":
        assert field.codes is not None
        return ",".join(field.codes.key(part) for part in _SEPARATORS.split(stripped) if part.strip())
    if kind == "fen":
        if _FEN_TEXT.match(stripped):  # as exported: whole 元 and two decimals
            return int(stripped[:-3] + stripped[-2:])
        return parse_yuan(stripped)  # InvalidAmount, NegativeValue
    if kind == "flag":
        if stripped in ("是", "否"):
            return 1 if stripped == "是" else 0
        raise InvalidFlag(value=stripped)
    if kind in ("int", "year"):
        if _INT_TEXT.match(stripped):
            return int(stripped)
        if kind == "year":
            raise InvalidYear(value=stripped, first=field.low or FIRST_YEAR, last=dt.date.today().year + field.ahead)
        raise NotAWholeNumber(value=stripped)
    if kind == "real":
        try:
            value = float(stripped.replace(",", ""))
        except ValueError:
            raise InvalidNumber(value=stripped) from None
        if value != value or value in (float("inf"), float("-inf")):
            raise InvalidNumber(value=stripped)
        return value
    if kind == "date":
        try:
            if len(stripped) != 10:
                raise ValueError
            dt.date.fromisoformat(stripped)
        except ValueError:
            raise InvalidDate(value=stripped) from None
        return stripped
    return text


def column_from_text(field: FieldSpec, texts: Sequence[str]) -> tuple[list[Any], list[tuple[int, CundangError]]]:
    """``from_text`` over a column, once per distinct text: the values (None where a text could
    not be read) and (index, error) for each such text."""
    mapping: dict[str, Any] = {}
    errors: dict[str, CundangError] = {}
    for t in set(texts):
        try:
            mapping[t] = from_text(field, t)
        except CundangError as exc:
            mapping[t] = None
            errors[t] = exc
    values = list(map(mapping.__getitem__, texts))
    if not errors:
        return values, []
    return values, [(i, errors[t]) for i, t in enumerate(texts) if t in errors]


def to_text(field: FieldSpec, value: Any, groups: dict[int | None, str] | None = None) -> str:
    """A stored value as a person reads it: labels for codes, 元 for fen, 是/否 for flags."""
    if value is None or value == "":
        return codes.UNIDENTIFIED if field.kind == "status" and value == "" else ""
    kind = field.kind
    if kind == "code":
        assert field.codes is not None
        return field.codes.label(str(value)) if str(value) in field.codes else str(value)
    if kind == "status":
        return codes.status_label(str(value))
    if kind == "codes":
        assert field.codes is not None
        return "、".join(field.codes.label(k) for k in str(value).split(",") if k in field.codes)
    if kind == "group":
        return (groups or {}).get(value, "")
    if kind == "fen":
        return format_fen(int(value))
    if kind == "flag":
        return codes.flag_label(value)
    if kind == "real":
        return repr(float(value)).removesuffix(".0")
    return str(value)


def parse_input(field: FieldSpec, text: str, where: tuple[object, ...], problems: list[Problem]) -> Any:
    """What a clerk typed into a form's line edit, as the field's value; a text that cannot be
    read becomes a problem at ``where`` (and None). Numbers may carry thousands separators."""
    if field.kind in ("int", "real", "fen", "year"):
        text = text.strip().replace(",", "").replace("，", "")
        if field.kind == "fen":
            text = text.removesuffix("元")
        if field.kind == "int" and re.fullmatch(r"-?\d+\.0*", text):
            text = text.split(".")[0]
    try:
        return from_text(field, text)
    except CundangError as exc:
        problems.append(Problem(where, exc))
        return None


def field_of(table: str, name: str) -> FieldSpec:
    return spec(table, name)
