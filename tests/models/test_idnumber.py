import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models import idnumber
from models.errors import InvalidIdNumber
from tests.conftest import refused


def test_standard_example_parses_with_birth_date_and_sex():
    info = idnumber.parse("11010519491231002X")
    assert info.birth_date == dt.date(1949, 12, 31)
    assert info.sex == idnumber.FEMALE  # sequence 002 is even
    assert info.region == "110105"


def test_lower_case_x_and_spaces_are_normalised():
    assert idnumber.parse(" 11010519491231002x ").id_number == "11010519491231002X"


@pytest.mark.parametrize(
    "number, reason",
    [
        ("110105194912310021", "checksum"),
        ("11010519491231002", "length"),
        ("1101051949123100201", "length"),
        ("11010519491231A02X", "chars"),
        ("110105194902310028", "birth_date"),  # 31 February
        ("110105299912310020", "birth_date"),  # born in the future
        ("010105194912310021", "region"),
    ],
)
def test_bad_numbers_are_refused_with_their_reason(number, reason):
    with refused(InvalidIdNumber) as caught:
        idnumber.parse(number)
    assert caught.value.reason == reason


@given(
    birth=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31)),
    seq=st.integers(0, 999),
    sex=st.sampled_from([idnumber.MALE, idnumber.FEMALE]),
    pos=st.integers(0, 16),
    delta=st.integers(1, 9),
)
def test_made_numbers_are_valid_and_any_single_digit_error_is_caught(birth, seq, sex, pos, delta):
    number = idnumber.make("522327", birth, seq, sex)
    info = idnumber.parse(number)
    assert info.birth_date == birth and info.sex == sex
    typo = number[:pos] + str((int(number[pos]) + delta) % 10) + number[pos + 1 :]
    with refused(InvalidIdNumber):
        idnumber.parse(typo)


def test_mask_keeps_first_six_and_last_four():
    assert idnumber.mask("11010519491231002X") == "110105********002X"


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_the_check_character_is_the_standards_weighted_sum(first17):
    """The fast form (base 13) gives what GB 11643 defines: sum of digit x weight, mod 11."""
    weighted = sum(int(d) * w for d, w in zip(first17, idnumber.WEIGHTS, strict=True))
    assert idnumber.check_character(first17) == idnumber.CHECK_CHARACTERS[weighted % 11]
