import dataclasses

import pytest

from models.domain import Income, Member, Village
from models.errors import (
    DuplicateHouseholdNo,
    DuplicateIdNumber,
    HeadCount,
    IdNumberMismatch,
    InvalidIdNumber,
    InvalidStatusChange,
    NegativeValue,
    UnknownCode,
    ValidationFailed,
)
from models.rules import income as income_rules
from models.rules import members as member_rules
from models.rules import records
from models.services import households as svc
from models.services.villages import create_village
from tests.conftest import REGION, change_procedure, exit_procedure, family, new_household, passing_year, person


def _problems(exc: ValidationFailed) -> dict:
    return {p.where: type(p.error) for p in exc.value.problems}


def test_register_household_with_four_members(store, village):
    hid = svc.register_household(store, new_household(store, village), family()).id
    f = store.households.file(hid)
    assert f.household.status == "not_exited"
    assert [e.kind for e in f.status_events] == ["identify"]
    assert len(f.current_members) == 4 and f.head.name == "张三"
    assert all(m.uuid and m.created_at for m in f.members)


def test_birth_date_and_sex_are_derived_from_the_id_number(store, village):
    members = family()
    members[1] = dataclasses.replace(members[1], birth_date="", sex="")
    hid = svc.register_household(store, new_household(store, village), members).id
    spouse = store.households.members(hid)[1]
    assert (spouse.birth_date, spouse.sex) == ("1972-07-19", "2")


def test_wrong_check_character_is_refused_next_to_its_field(store, village):
    members = family()
    bad = members[2].id_number[:-1] + ("0" if members[2].id_number[-1] != "0" else "1")
    members[2] = dataclasses.replace(members[2], id_number=bad)
    with pytest.raises(ValidationFailed) as caught:
        svc.register_household(store, new_household(store, village), members)
    assert _problems(caught) == {("members", 2, "id_number"): InvalidIdNumber}
    assert store.db.execute("SELECT count(*) FROM households").fetchone()[0] == 0


def test_typed_birth_date_must_agree_with_the_id_number(store, village):
    members = family()
    members[3] = dataclasses.replace(members[3], birth_date="2010-11-03", sex="1")
    with pytest.raises(ValidationFailed) as caught:
        svc.register_household(store, new_household(store, village), members)
    assert _problems(caught) == {
        ("members", 3, "birth_date"): IdNumberMismatch,
        ("members", 3, "sex"): IdNumberMismatch,
    }


@pytest.mark.parametrize(
    "relations, count", [(["spouse", "other", "son", "daughter"], 0), (["head", "head", "son", "daughter"], 2)]
)
def test_exactly_one_head(store, village, relations, count):
    members = [dataclasses.replace(m, relation=r) for m, r in zip(family(), relations)]
    with pytest.raises(ValidationFailed) as caught:
        svc.register_household(store, new_household(store, village), members)
    errors = [p.error for p in caught.value.problems]
    assert len(errors) == 1 and isinstance(errors[0], HeadCount) and errors[0].count == count


def test_one_registration_per_id_number_in_a_village(store, village):
    svc.register_household(store, new_household(store, village, "0001"), family(1))
    again = family(10)
    again[2] = dataclasses.replace(
        again[2], id_number=family(1)[2].id_number, birth_date=family(1)[2].birth_date, sex="1"
    )
    with pytest.raises(ValidationFailed) as caught:
        svc.register_household(store, new_household(store, village, "0002"), again)
    [problem] = caught.value.problems
    assert problem.where == ("members", 2, "id_number") and isinstance(problem.error, DuplicateIdNumber)
    assert problem.error.household_no == village.code + "0001" and problem.error.name == "张小明"
    # Another village of the county may hold the same number (the county finds such duplicates).
    other = store.villages.get(create_village(store, Village(code=REGION + "101202", name="邻村"), ["一组"]).id)
    svc.register_household(store, new_household(store, other, "0001"), family(1))


def test_same_household_number_twice_is_refused(store, village):
    svc.register_household(store, new_household(store, village, "0001"), family(1))
    with pytest.raises(ValidationFailed) as caught:
        svc.register_household(store, new_household(store, village, "0001"), family(20))
    assert _problems(caught) == {("households", "household_no"): DuplicateHouseholdNo}


def test_negative_area_and_unknown_codes_are_refused(store, village):
    h = new_household(store, village, farmland_mu=-1.5, main_cause="bad-luck")
    with pytest.raises(ValidationFailed) as caught:
        svc.register_household(store, h, family())
    assert _problems(caught) == {
        ("households", "farmland_mu"): NegativeValue,
        ("households", "main_cause"): UnknownCode,
    }


def test_update_changes_a_relation_and_swaps_the_head(store, village):
    hid = svc.register_household(store, new_household(store, village), family()).id
    members = store.households.members(hid)
    members[0].relation, members[1].relation = "spouse", "head"
    members[2].relation = "other"
    assert svc.update_household(store, store.households.get(hid), members).touches("members")
    stored = store.households.members(hid)
    assert [m.relation for m in stored] == ["spouse", "head", "other", "daughter"]
    log = store.db.execute(
        "SELECT before, after FROM audit_log WHERE record_uuid = ? AND action = 'update'", [stored[2].uuid]
    ).fetchall()
    assert '"relation":"son"' in log[-1][0] and '"relation":"other"' in log[-1][1]


def test_member_changes_are_events_and_nobody_is_deleted(store, village):
    hid = svc.register_household(store, new_household(store, village), family()).id
    baby = person("张小宝", "grandson", "2024-05-01", "1", 99)
    mid = svc.add_member(store, hid, baby, "birth", "2024-05-03", "出生登记").id
    head = store.households.file(hid).head
    with pytest.raises(HeadCount):  # the head leaves only when someone takes over
        svc.remove_member(store, head.id, "death", "2025-01-02", "病故")
    spouse = store.households.members(hid)[1]
    svc.remove_member(store, head.id, "death", "2025-01-02", "病故", new_head_id=spouse.id)
    f = store.households.file(hid)
    assert len(f.members) == 5 and len(f.current_members) == 4
    assert f.head.id == spouse.id
    assert [(e.kind, e.member_id) for e in f.member_events] == [("birth", mid), ("death", head.id)]
    assert income_rules.household_size(f.members, 2024) == 5 and income_rules.household_size(f.members, 2025) == 4


def test_status_changes_follow_the_rules(store, village):
    hid = svc.register_household(store, new_household(store, village), family()).id
    passing_year(store, village, hid, 2018)
    exit_procedure(store, hid, "2018-11-01")
    svc.change_status(store, hid, "exit", "2018-12-01", 2018, "收入稳定超过扶贫标准")
    assert store.households.get(hid).status == "exited"
    assert store.households.get(hid).exit_year == 2018
    with pytest.raises(InvalidStatusChange):
        svc.change_status(store, hid, "exit", "2019-12-01", 2019, "")
    change_procedure(store, hid, "return", "2019-06-01")
    svc.change_status(store, hid, "return", "2019-06-01", 2019, "因病返贫")
    assert store.households.get(hid).status == "returned"
    assert store.households.get(hid).exit_year is None
    change_procedure(store, hid, "remove", "2020-03-01")
    svc.change_status(store, hid, "remove", "2020-03-01", 2020, "识别不准")
    assert store.households.get(hid).status == "removed"
    kinds = [e.kind for e in store.households.file(hid).status_events]
    assert kinds == ["identify", "exit", "return", "remove"]


def test_income_is_exact_and_per_head_counts_members_of_that_year(store, village):
    hid = svc.register_household(store, new_household(store, village), family()).id
    income = Income(
        household_id=hid,
        year=2019,
        wage_fen=1_000_010,
        business_fen=300_000,
        property_fen=1,
        dibao_fen=200_000,
        eco_fen=2,
        business_cost_fen=100_000,
    )
    svc.save_income(store, income)
    stored = store.households.income(hid, 2019)
    assert stored.transfer_fen == 200_002 and stored.net_fen == 1_400_013
    size = income_rules.household_size(store.households.members(hid), 2019)
    assert size == 4 and income_rules.per_capita_fen(stored, size) == 350_003  # 3500.0325 元 -> 3500.03
    svc.save_income(store, dataclasses.replace(income, wage_fen=0))  # same year: replaced, not added
    assert store.households.income(hid, 2019).wage_fen == 0
    with pytest.raises(ValidationFailed):
        svc.save_income(store, dataclasses.replace(income, business_cost_fen=-1))


def test_member_rules_without_storage():
    m = member_rules.completed(Member(name=" 王五 ", relation="head", id_number="11010519491231002x"))
    assert records.check("members", m)[1] == []
    assert (m.name, m.id_number, m.sex, m.birth_date) == ("王五", "11010519491231002X", "2", "1949-12-31")


def test_relocation_facts_are_kept_whole(store, village, tmp_path):
    from pypdf import PdfReader

    from models.money import parse_yuan
    from printing.fonts import find_font
    from printing.household_file import render_households

    with pytest.raises(ValidationFailed) as caught:
        svc.register_household(store, new_household(store, village, "0501", resettlement="central"), family(501))
    assert {p.where for p in caught.value.problems} == {
        ("households", "resettlement_site"),
        ("households", "moved_date"),
    }
    moved = new_household(
        store,
        village,
        "0501",
        resettlement="central",
        resettlement_site="县城东安置区",
        moved_date="2019-06-18",
        house_area_per_person=20.0,
        relocation_subsidy_fen=parse_yuan("10000"),
    )
    hid = svc.register_household(store, moved, family(501)).id
    saved = store.households.get(hid)
    assert (saved.resettlement_site, saved.relocation_subsidy_fen) == ("县城东安置区", 1_000_000)
    path = tmp_path / "file.pdf"
    render_households(store, [hid], path, find_font())
    text = "".join(p.extract_text() for p in PdfReader(path).pages).replace("\n", "").replace(" ", "")
    assert "集中安置" in text and "县城东安置区" in text and "10000.00" in text
