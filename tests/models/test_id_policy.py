"""ID numbers as §3 states them, through the services the screens use: one registration per
person whatever 证件类型 says, births from 1900, and the old 15-digit ID made 18."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from models import idnumber, wording
from models.domain import Village
from models.errors import DuplicateIdNumber, IdNumberUpgraded, InvalidIdNumber, ValidationFailed
from models.exchange.county import duplicates
from models.services import households as svc
from models.services.villages import create_village
from tests.conftest import REGION, family, new_household, person


def _errors(caught) -> list:
    return [p.error for p in caught.value.problems if p.is_error]


def test_a_valid_id_typed_under_other_is_still_one_registration(store, village):
    people = family(1)
    svc.register_household(store, new_household(store, village, "0001"), people)
    again = dataclasses.replace(people[2], id_type="other", relation="head")
    with pytest.raises(ValidationFailed) as caught:
        svc.register_household(store, new_household(store, village, "0002"), [again])
    assert any(isinstance(e, DuplicateIdNumber) for e in _errors(caught))


def test_the_county_finds_a_person_typed_under_other_in_another_village(store, village):
    people = family(1)
    svc.register_household(store, new_household(store, village, "0001"), people)
    other = store.villages.get(
        create_village(store, Village(code=REGION + "101202", province=village.province, name="邻村"), ["一组"]).id
    )
    moved = dataclasses.replace(people[0], id_type="other")
    svc.register_household(store, new_household(store, other, "0001"), [moved])
    [found] = duplicates(store)
    assert found.id_number == people[0].id_number and len(found.places) == 2


def test_a_birth_before_1900_is_refused():
    number = idnumber.make(REGION, dt.date(1899, 12, 31), 11, "1")
    with pytest.raises(InvalidIdNumber) as caught:
        idnumber.parse(number)
    assert "1900" in wording.describe(caught.value)
    assert idnumber.parse(idnumber.make(REGION, dt.date(1900, 1, 1), 11, "1")).birth_date.year == 1900


@pytest.mark.parametrize("id_type", ["resident", "other"])
def test_an_old_15_digit_id_is_made_18_with_a_notice(store, village, id_type):
    full = idnumber.make(REGION, dt.date(1968, 4, 9), 123, "1")
    old = full[:6] + full[8:17]  # the 15-digit form: no "19", no check character
    head = dataclasses.replace(person("王老", "head", "1968-04-09", "1"), id_type=id_type, id_number=old, birth_date="")
    changes = svc.register_household(store, new_household(store, village, "0003"), [head])
    [stored] = store.households.members(changes.id)
    assert (stored.id_number, stored.id_type, stored.birth_date) == (full, "resident", "1968-04-09")
    [notice] = changes.warnings
    assert isinstance(notice.error, IdNumberUpgraded) and notice.error.new == full
    assert "已按国家标准升为 18 位" in wording.describe(notice.error)


def test_fifteen_digits_that_are_no_date_are_not_an_old_id():
    assert idnumber.from_15("450123681399123") is None  # month 13
    assert idnumber.from_15("45012368040912") is None  # 14 digits
