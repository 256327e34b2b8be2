from decimal import Decimal

import pytest

from models.errors import InvalidAmount, NegativeValue
from models.money import format_fen, parse_yuan
from tests.conftest import refused


def test_tenths_add_up_exactly():
    assert parse_yuan("0.1") + parse_yuan("0.2") == parse_yuan("0.30") == 30
    assert format_fen(parse_yuan("0.1") + parse_yuan("0.2")) == "0.30"


@pytest.mark.parametrize(
    "text, fen", [("1,234.5", 123450), ("3100", 310000), ("", 0), (" 12.03元 ", 1203), (Decimal("7.77"), 777), (5, 500)]
)
def test_parses_what_clerks_type(text, fen):
    assert parse_yuan(text) == fen


@pytest.mark.parametrize("text", ["abc", "1.234", "1e400", "NaN", "12..3"])
def test_refuses_what_is_not_an_amount(text):
    with refused(InvalidAmount):
        parse_yuan(text)


def test_refuses_floats_and_negatives():
    with refused(InvalidAmount):
        parse_yuan(0.1)  # type: ignore[arg-type]
    with refused(NegativeValue):
        parse_yuan("-5")
    assert parse_yuan("-5", allow_negative=True) == -500
    assert format_fen(-505) == "-5.05"
