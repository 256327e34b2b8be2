"""Resident ID numbers (GB 11643-1999): validation, derived birth date and sex."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from models.errors import InvalidIdNumber

# ISO 7064 MOD 11-2: the weights of the first 17 digits, and the check character of each remainder.
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
MALE, FEMALE = "1", "2"  # keys of codes.SEX
FIRST_BIRTH_YEAR = 1900  # nobody registered now was born earlier


@dataclass(frozen=True)
class IdInfo:
    id_number: str
    region: str
    birth_date: dt.date
    sex: str  # codes.SEX key


def check_character(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 17 digits.

    The weights are 2^(17-i) mod 11, and 13 = 2 (mod 11), so the weighted sum is, mod 11, twice
    the digits read as a base-13 number: one call in C instead of seventeen products."""
    return CHECK_CHARACTERS[2 * int(first17, 13) % 11]


def normalize(id_number: str) -> str:
    """Strip spaces and make a trailing x upper case, as clerks type it."""
    return id_number.strip().replace(" ", "").upper()


def parse(id_number: str, *, today: dt.date | None = None) -> IdInfo:
    """Validate an 18-character ID number and derive its facts.

    Raises InvalidIdNumber with a reason code; the number is normalised first.
    """
    return _parse(normalize(id_number), today or dt.date.today())


@lru_cache(maxsize=65536)  # an import checks each number, then the audited writer checks it again
def _parse(s: str, today: dt.date) -> IdInfo:
    if len(s) != 18:
        raise InvalidIdNumber(id_number=s, reason="length")
    if not s[:17].isdigit() or not (s[17].isdigit() or s[17] == "X") or not s.isascii():
        raise InvalidIdNumber(id_number=s, reason="chars")
    if s[0] in "09":
        raise InvalidIdNumber(id_number=s, reason="region")
    try:
        birth = dt.date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        raise InvalidIdNumber(id_number=s, reason="birth_date") from None
    if birth.year < FIRST_BIRTH_YEAR or birth > today:
        raise InvalidIdNumber(id_number=s, reason="birth_date")
    if check_character(s[:17]) != s[17]:
        raise InvalidIdNumber(id_number=s, reason="checksum")
    sex = MALE if int(s[16]) % 2 == 1 else FEMALE
    return IdInfo(id_number=s, region=s[:6], birth_date=birth, sex=sex)


def from_15(id_number: str) -> str | None:
    """The 18-character number of a 15-digit first-generation ID (GB 11643-1989): the year gains
    its "19" and a check character is added. None when the text is not such a number."""
    s = normalize(id_number)
    if len(s) != 15 or not s.isdigit():
        return None
    first17 = f"{s[:6]}19{s[6:]}"
    try:
        dt.date(int(first17[6:10]), int(first17[10:12]), int(first17[12:14]))
    except ValueError:
        return None
    return first17 + check_character(first17)


def make(region: str, birth: dt.date, sequence: int, sex: str) -> str:
    """Build a valid ID number (used by the demo generator and tests)."""
    if len(region) != 6 or not region.isdigit():
        raise ValueError("region must be six digits")
    seq = sequence % 1000
    if (seq % 2 == 1) != (sex == MALE):  # odd sequence for men
        seq ^= 1
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + check_character(first17)


def mask(id_number: str) -> str:
    """First 6 and last 4 characters, the rest starred (for notices)."""
    s = normalize(id_number)
    if len(s) <= 10:
        return "*" * len(s)
    return s[:6] + "*" * (len(s) - 10) + s[-4:]
