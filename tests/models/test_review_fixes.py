"""Edge cases found in review: each once let bad data in or lost something."""

import dataclasses
import os

import pytest

from models.domain import Member, Village
from models.errors import (
    CorruptDatabase,
    DuplicateGroup,
    DuplicateIdNumber,
    EventOutOfOrder,
    InvalidIdNumber,
    InvalidYear,
    ValidationFailed,
)
from models.history import describe_entries
from models.pinyin import keys
from models.services import households as svc
from models.services.villages import create_village, update_village
from models.storage.database import DB_NAME, open_database
from tests.conftest import REGION, exit_procedure, family, new_household, passing_year, refused


def test_members_may_swap_id_numbers(store, village):
    hid = svc.register_household(store, new_household(store, village), family()).id
    members = store.households.members(hid)
    a, b = members[2], members[3]
    # a clerk typed the two children's numbers the wrong way round
    a.id_number, b.id_number = b.id_number, a.id_number
    a.birth_date, b.birth_date = b.birth_date, a.birth_date
    a.sex, b.sex = b.sex, a.sex
    a.relation, b.relation = b.relation, a.relation
    svc.update_household(store, store.households.get(hid), members)
    stored = store.households.members(hid)
    assert (stored[2].id_number, stored[3].id_number) == (family()[3].id_number, family()[2].id_number)


def test_a_disability_card_is_the_same_person_as_the_id_number(store, village):
    svc.register_household(store, new_household(store, village, "0001"), family(1))
    other = family(30)
    twin = family(1)[2]
    other[2] = dataclasses.replace(
        other[2], id_type="disability", id_number=twin.id_number + "21", birth_date=twin.birth_date, sex=twin.sex
    )
    with pytest.raises(ValidationFailed) as caught:
        svc.register_household(store, new_household(store, village, "0002"), other)
    assert any(isinstance(p.error, DuplicateIdNumber) for p in caught.value.problems)


@pytest.mark.parametrize("id_type, suffix", [("disability", "2"), ("disability", "ab"), ("other", "")])
def test_malformed_card_numbers_are_refused(store, village, id_type, suffix):
    members = family()
    number = members[2].id_number
    if id_type == "other":  # an ID-shaped number with a wrong check character is still wrong
        number = number[:17] + ("0" if number[17] != "0" else "1")
    members[2] = dataclasses.replace(members[2], id_type=id_type, id_number=number + suffix)
    with pytest.raises(ValidationFailed) as caught:
        svc.register_household(store, new_household(store, village), members)
    assert [type(p.error) for p in caught.value.problems] == [InvalidIdNumber]
    with refused(InvalidIdNumber):
        store.writer.insert(
            "members",
            {
                "household_id": 1,
                "village_id": village.id,
                "name": "x",
                "id_type": id_type,
                "id_number": number + suffix,
            },
        )


def test_newborn_without_id_number_joins_with_sex_and_birth_date(store, village):
    hid = svc.register_household(store, new_household(store, village), family()).id
    baby = Member(name="张小宝", id_type="other", id_number="", sex="1", birth_date="2025-03-01", relation="grandson")
    mid = svc.add_member(store, hid, baby, "birth", "2025-03-02").id
    assert store.households.member(mid).birth_date == "2025-03-01"


def test_duplicate_group_names_are_refused_when_creating_a_village(store):
    with refused(DuplicateGroup):
        create_village(store, Village(code=REGION + "101209", name="重名村"), ["一组", "一组"])
    assert store.villages.count() == 0


def test_saving_an_unchanged_village_writes_no_audit_rows(store, village):
    before = store.db.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    update_village(store, village, store.villages.groups(village.id))
    assert store.db.execute("SELECT count(*) FROM audit_log").fetchone()[0] == before
    groups = store.villages.groups(village.id)
    groups[0].name, groups[1].name = groups[1].name, groups[0].name  # a swap still works
    update_village(store, village, groups)
    assert [g.name for g in store.villages.groups(village.id)] == ["二组", "一组"]


def test_status_changes_keep_time_and_years_in_order(store, village):
    hid = svc.register_household(store, new_household(store, village, identified_year=2015), family()).id
    with refused(InvalidYear):
        svc.change_status(store, hid, "exit", "2016-05-01", 2014, "")
    with refused(EventOutOfOrder):
        svc.change_status(store, hid, "exit", "2015-05-01", 2016, "")  # dated before its year
    passing_year(store, village, hid, 2017)
    exit_procedure(store, hid, "2017-11-01")
    svc.change_status(store, hid, "exit", "2017-12-01", 2017, "")
    with refused(EventOutOfOrder):
        svc.change_status(store, hid, "return", "2017-06-01", 2017, "因病")  # before the exit


def test_a_household_whose_members_all_left_can_still_be_saved(store, village):
    hid = svc.register_household(store, new_household(store, village), [family()[0]]).id
    head = store.households.members(hid)[0]
    svc.remove_member(store, head.id, "death", "2024-01-05", "病故")
    h = dataclasses.replace(store.households.get(hid), phone="13900000000")
    assert svc.update_household(store, h, store.households.members(hid))
    with pytest.raises(ValidationFailed):  # but a new household needs somebody
        svc.register_household(store, new_household(store, village, "0009"), [])


def test_history_names_groups_and_members(store, village):
    hid = svc.register_household(store, new_household(store, village), family()).id
    groups = store.villages.groups(village.id)
    store.writer.update("households", hid, {"group_id": groups[1].id})
    names = {("group", g.id): g.name for g in groups}
    names.update((("member", m.id), m.name) for m in store.households.members(hid))
    changes = describe_entries(store.households.audit_entries(hid), names)
    moved = changes[0]
    assert moved.action == "修改" and [(f.label, f.before, f.after) for f in moved.fields] == [
        ("村民小组", "一组", "二组")
    ]


def test_minority_names_are_found_by_pinyin():
    assert keys("阿依古丽·买买提") == ("ayigulimaimaiti", "ayglmmt")


def test_damage_inside_a_village_file_is_refused_at_open(demo_store):
    demo_store.close()
    path = demo_store.folder / DB_NAME
    data = bytearray(path.read_bytes())
    middle = len(data) // 2 // 4096 * 4096
    data[middle : middle + 8192] = os.urandom(8192)
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptDatabase):
        open_database(demo_store.folder)
    assert path.read_bytes() == bytes(data)
