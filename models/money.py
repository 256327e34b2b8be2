"""Money as integer fen: parsing what clerks type, and formatting it back."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from models.errors import InvalidAmount, NegativeValue

LIMIT_YUAN = Decimal(10) ** 12  # larger amounts are typing errors, not money


def parse_yuan(text: str | int | Decimal | None, *, allow_negative: bool = False) -> int:
    """'1,234.5' -> 123450 fen. Empty means 0. Floats are refused on purpose."""
    if text is None:
        return 0
    if isinstance(text, bool) or isinstance(text, float):
        raise InvalidAmount(value=str(text))
    if isinstance(text, int):
        value = Decimal(text)
    elif isinstance(text, Decimal):
        value = text
    else:
        cleaned = text.strip().replace(",", "").replace("，", "").replace("元", "")
        if cleaned == "":
            return 0
        try:
            value = Decimal(cleaned)
        except InvalidOperation:
            raise InvalidAmount(value=text) from None
    try:
        exact = value.is_finite() and abs(value) < LIMIT_YUAN and value == value.quantize(Decimal("0.01"))
    except InvalidOperation:
        exact = False
    if not exact:
        raise InvalidAmount(value=str(text))
    if value < 0 and not allow_negative:
        raise NegativeValue(value=str(text))
    return int(value * 100)


def format_fen(fen: int | None) -> str:
    """123450 -> '1234.50'; None -> ''."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole}.{cents:02d}"


def to_decimal(fen: int) -> Decimal:
    return Decimal(fen) / 100
