"""What a field is: its stored column, Chinese label, kind, code list, limits, mask and width."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from models.codes import CodeList

# Kinds of field. Text kinds hold str; the others numbers, flags, dates or references.
TEXT = "text"  # one line of free text
NOTE = "note"  # free text that may hold line breaks
ID = "id_number"  # a 证件号码 (checked with 证件类型 by models/rules/members.py)
PHONE = "phone"
DIGITS = "digits"  # digits kept as text: 户编号, 银行账号, 村代码
CODE = "code"  # one key of a code list
CODES = "codes"  # several keys of a code list, comma-separated
STATUS = "status"  # the household's 脱贫状态 ('' before identification: 未识别)
STEP = "step"  # a procedure step (its list depends on the procedure)
FLAG = "flag"  # 1 yes / 0 no (None: not recorded, where the field allows it)
INT = "int"
YEAR = "year"
REAL = "real"  # areas and distances
FEN = "fen"  # money, integer fen, shown and typed in 元
DATE = "date"  # yyyy-MM-dd
REF = "ref"  # another record's id (by UUID in the package)
GROUP = "group"  # the household's 村民小组 (by name in the package)
MACHINE = "machine"  # text the program writes itself (JSON, keys, hashes, times)

TEXT_KINDS = frozenset({TEXT, NOTE, ID, PHONE, DIGITS, CODE, CODES, STATUS, STEP, DATE, MACHINE})
# Kinds whose full-width digits and letters are made half-width before storing (typed with a
# Chinese input method on, they arrive as １２３).
FOLDED_KINDS = frozenset({ID, PHONE, DIGITS, DATE})
# Longest text by kind where a field says nothing itself.
DEFAULT_MAX_LENGTH = {TEXT: 100, NOTE: 2000, ID: 20, PHONE: 20, DIGITS: 32, DATE: 10}
# Width hints (half-width characters; a Chinese character counts two) by kind.
_WIDTH = {ID: 20, PHONE: 13, DIGITS: 20, DATE: 11, FEN: 12, YEAR: 6, FLAG: 6, INT: 8, REAL: 8, NOTE: 40, TEXT: 16}

# How a notice may show a field: in part (first 6 and last 4 characters) or not at all.
PARTIAL, HIDDEN = "partial", "hidden"


@dataclass(frozen=True)
class FieldSpec:
    """One field, described once: screens, PDFs, workbooks, imports and messages read it."""

    name: str  # the stored column (or, for a computed field, its name)
    label: str  # the Chinese label (the package's header)
    kind: str = TEXT
    codes: CodeList | None = None
    required: bool = False  # an empty value is refused
    default: object = None  # what an empty value is stored as when not required ('' for text)
    low: int | None = None  # smallest number or year allowed
    high: int | None = None  # largest number allowed
    positive: bool = False  # more than zero (amounts paid out, poverty lines)
    max_length: int | None = None  # text: longest allowed (else DEFAULT_MAX_LENGTH by kind)
    future: bool = False  # dates: may lie after today (deadlines, planned dates)
    ahead: int = 0  # years: how many after this year are allowed
    unit: str = ""  # shown with the label where a table has room: 金额(元)
    short: str = ""  # a shorter header for narrow printed tables
    mask: str = ""  # PARTIAL or HIDDEN on notices; '' shows it whole
    width: int = 0  # width hint in half-width characters (0: from the kind)
    ref: str = ""  # REF: the table referred to
    placeholder: str = ""  # the hint an empty input shows
    stored: bool = True  # False: computed for display, not a column
    since: int = 1  # the package format version whose sheet first holds this column

    @property
    def header(self) -> str:
        """The label with its unit, for screens and workbooks: 金额(元)."""
        return f"{self.label}({self.unit})" if self.unit and self.unit not in self.label else self.label

    @property
    def is_text(self) -> bool:
        return self.kind in TEXT_KINDS

    @property
    def limit(self) -> int | None:
        """The longest text allowed."""
        return self.max_length if self.max_length is not None else DEFAULT_MAX_LENGTH.get(self.kind)

    @property
    def empty(self) -> object:
        """What an empty value is stored as."""
        if self.default is not None:
            return self.default
        return "" if self.is_text and self.kind != DATE else None

    @property
    def display_width(self) -> int:
        if self.width:
            return self.width
        if self.codes is not None:
            return max(4, *(2 * len(label) for label in self.codes.labels)) + 2
        return max(_WIDTH.get(self.kind, 12), 2 * len(self.header) + 2)


class Fields(Mapping[str, FieldSpec]):
    """The fields of one record kind (a table) or one view, in display order.

    ``title`` names the records (the package's sheet, the history's "what"); ``noun`` is the
    short word other records use for one of them (户 in 户UUID)."""

    def __init__(self, table: str, title: str, noun: str, *specs: FieldSpec) -> None:
        self.table, self.title, self.noun = table, title, noun
        self._specs = {s.name: s for s in specs}
        if len(self._specs) != len(specs):
            raise ValueError(f"{table} describes a field twice")

    def __getitem__(self, name: str) -> FieldSpec:
        return self._specs[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._specs)

    def __len__(self) -> int:
        return len(self._specs)

    def label(self, name: str) -> str:
        return self._specs[name].label

    def header(self, name: str) -> str:
        return self._specs[name].header

    def specs(self, *names: str) -> list[FieldSpec]:
        """The named fields in the order given (all stored ones when none are named)."""
        if not names:
            return [s for s in self._specs.values() if s.stored]
        return [self._specs[n] for n in names]

    def headers(self, *names: str, year: int | None = None) -> list[str]:
        """Headers for a screen or workbook; ``year`` fills the labels that name one."""
        out = [s.header for s in self.specs(*names)]
        return out if year is None else [h.format(year=year) for h in out]

    def __repr__(self) -> str:
        return f"Fields({self.table!r}, {len(self)} fields)"
