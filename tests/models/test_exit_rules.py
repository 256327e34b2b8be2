"""The exit check as §3 states it, through the services the screens use: compulsory education,
what counts as met (未填写 is never 达标), the criteria a setting may not switch off, and words
that cannot be read backwards."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from models import wording
from models.domain import Assurance, MemberYear
from models.errors import (
    BelowPolicyFloor,
    CriteriaAlwaysRequired,
    ExitCheckFailed,
    OverrideReasonTooThin,
    ValidationFailed,
)
from models.rules.exit_check import FAILED, MET, MISSING
from models.services import assistance as asv
from models.services import households as svc
from tests.conftest import exit_procedure, family, new_household, passing_year, person


def _household(store, village, no, *extra, **fields):
    hid = svc.register_household(store, new_household(store, village, no, **fields), [*family(int(no)), *extra]).id
    passing_year(store, village, hid, 2020)
    return hid


def _check(store, hid, year=2020):
    [check] = asv.run_exit_check(store, year, household_ids=[hid])
    return check, {r.criterion: r for r in check.results}


def _child(name, birth, school, education, seq, **more):
    m = person(name, "son", birth, "1", seq)
    return dataclasses.replace(m, school_status=school, education=education, medical_insurance=1, **more)


def test_a_dropout_of_compulsory_age_fails_whatever_their_education(store, village):
    dropout = _child("张辍学", "2006-05-01", "dropout", "junior", 91, dropout_reason="厌学")  # 14 on 1 Sep 2020
    hid = _household(store, village, "0091", dropout)
    check, by = _check(store, hid)
    assert by["income"].outcome == MET  # rich enough: only education stops the exit
    assert by["education"].outcome == FAILED and by["education"].facts["dropout"] == ["张辍学"]
    assert not check.passed and check.failed == ["education"]
    assert "适龄儿童失学辍学：张辍学" in wording.describe_result(by["education"])


def test_not_in_school_of_compulsory_age_fails_unless_junior_school_was_finished(store, village):
    fifteen = _child("张非在校", "2005-03-01", "none", "junior", 92)  # 15 on 1 Sep 2020
    hid = _household(store, village, "0092", fifteen)
    check, by = _check(store, hid)
    assert by["education"].outcome == FAILED and by["education"].facts["not_enrolled"] == ["张非在校"]
    member = next(m for m in store.households.members(hid) if m.name == "张非在校")
    svc.update_household(  # recorded today: this year's fact, not 2020's
        store,
        store.households.get(hid),
        [dataclasses.replace(m, compulsory_done=1) if m.id == member.id else m for m in store.households.members(hid)],
    )
    assert _check(store, hid)[1]["education"].outcome == FAILED
    fact = MemberYear(member_id=member.id, year=2020, school_status="none", compulsory_done=1, medical_insurance=1)
    svc.save_member_years(store, hid, [fact])  # 2020's, as the 年度 tab records it
    check, by = _check(store, hid)
    assert by["education"].outcome == MET and check.passed


def test_taught_at_home_counts_as_in_school(store, village):
    child = _child("张送教", "2010-04-01", "home_taught", "primary", 93)
    hid = _household(store, village, "0093", child)
    assert _check(store, hid)[1]["education"].outcome == MET


def test_junior_school_finished_cannot_contradict_the_education_level(store, village):
    child = _child("张矛盾", "2006-04-01", "none", "primary", 94, compulsory_done=1)
    with pytest.raises(Exception) as caught:
        svc.register_household(store, new_household(store, village, "0094"), [*family(94), child])
    assert "不可能已完成初中学业" in wording.describe(caught.value)


@pytest.mark.parametrize(
    ("change", "criterion"),
    [
        ({"dangerous_house": ""}, "housing"),  # 危房 grade never recorded
    ],
)
def test_a_household_fact_nobody_recorded_is_never_met(store, village, change, criterion):
    hid = _household(store, village, "0095", **change)
    check, by = _check(store, hid)
    assert by[criterion].outcome == MISSING and check.missing == [criterion] and not check.passed
    assert wording.describe_result(by[criterion]) == "未填写危房等级"


@pytest.mark.parametrize("flag", ["education", "medical", "housing", "food", "clothing"])
def test_a_yearly_flag_never_recorded_is_unfilled_and_blocks_the_exit(store, village, flag):
    hid = _household(store, village, "0096")
    values: dict = dict(food=1, clothing=1, education=1, medical=1, housing=1, water=1, dangerous_house="no")
    values[flag] = None
    svc.save_assurance(store, Assurance(household_id=hid, year=2020, **values))
    check, by = _check(store, hid)
    assert by[flag].outcome == MISSING and check.missing == [flag]
    exit_procedure(store, hid, "2020-11-01")
    with pytest.raises(ExitCheckFailed) as caught:
        svc.change_status(store, hid, "exit", "2020-12-01", 2020, "")
    assert caught.value.unrecorded == [flag]
    assert "未填写的项目" in wording.describe(caught.value)


def test_water_that_the_household_and_the_year_disagree_on_fails_with_a_reason(store, village):
    """This year's 饮水安全 on the household (today's fact) and this year's flag must agree; a
    past year's check reads only that year's flag."""
    this_year = dt.date.today().year
    hid = _household(store, village, "0097", water_safe=0)
    passing_year(store, village, hid, this_year)
    check, by = _check(store, hid, this_year)
    assert by["water"].outcome == FAILED and check.failed == ["water"]
    assert "两处不一致" in wording.describe_result(by["water"])
    assert _check(store, hid, 2020)[1]["water"].outcome == MET


def test_income_is_worded_so_it_cannot_be_read_backwards(store, village):
    hid = _household(store, village, "0098")
    by = _check(store, hid)[1]
    assert wording.describe_result(by["income"]) == "人均纯收入 5000.00 元，超过扶贫标准 3000.00 元"
    from models.domain import Income

    svc.save_income(store, Income(household_id=hid, year=2020, wage_fen=500_000))
    by = _check(store, hid)[1]
    assert wording.describe_result(by["income"]) == "人均纯收入 1250.00 元，未超过扶贫标准 3000.00 元"


@pytest.mark.parametrize(
    "criteria",
    [["food"], ["income", "food"], ["income", "food", "clothing", "water"], ["education", "medical", "housing"]],
)
def test_exit_criteria_always_include_income_and_the_three_assurances(store, criteria):
    with pytest.raises(CriteriaAlwaysRequired) as caught:
        asv.save_config(store, dataclasses.replace(store.config(), exit_criteria=criteria))
    assert "不能去掉" in wording.describe(caught.value)


def test_a_stored_setting_cannot_switch_a_criterion_off(store, village):
    """A settings row written before the rule (or by hand) still cannot let a household pass
    on income and food alone."""
    store.writer.insert("settings", {"key": "exit_criteria", "value": '["income", "food"]'})
    hid = _household(store, village, "0099", dangerous_house="d")
    check = _check(store, hid)[0]
    assert not check.passed and check.failed == ["housing"]


@pytest.mark.parametrize(("name", "value"), [("notice_days", 1), ("notice_days", 6), ("funds_notice_days", 9)])
def test_notice_periods_cannot_go_below_the_policy_floor(store, name, value):
    with pytest.raises(BelowPolicyFloor):
        asv.save_config(store, dataclasses.replace(store.config(), **{name: value}))
    asv.save_config(store, dataclasses.replace(store.config(), **{name: 15}))  # raising it is allowed
    assert getattr(store.config(), name) == 15


@pytest.mark.parametrize("reason", ["领导要求", "同意", "按要求退出，领导已同意此事"])
def test_an_override_needs_a_reason_not_an_instruction(store, village, reason):
    hid = _household(store, village, "0100", dangerous_house="d")
    exit_procedure(store, hid, "2020-11-01")
    with pytest.raises(ValidationFailed) as caught:
        svc.change_status(store, hid, "exit", "2020-12-01", 2020, "", override_reason=reason)
    [problem] = caught.value.problems
    assert problem.where == ("status_events", "override_reason") and isinstance(problem.error, OverrideReasonTooThin)
    assert store.households.get(hid).status == "not_exited"


def test_an_exit_of_a_year_recorded_in_the_next_january_counts_for_its_year(store, village):
    hid = _household(store, village, "0101")
    passing_year(store, village, hid, 2019)
    store.writer.update("villages", village.id, {"agri_population": 100})
    exit_procedure(store, hid, "2019-12-10")
    svc.change_status(store, hid, "exit", "2020-01-05", 2019, "")
    assert asv.village_exit_summary(store, village.id, 2019).poor_people == 0
    assert asv.village_exit_summary(store, village.id, 2018).poor_people == 4


def test_incidence_of_exactly_the_limit_passes_because_below_includes_it():
    from models.config import Config
    from models.rules.exit_check import village_summary

    at = village_summary("1", "村", 20, 1000, {}, None, dataclasses.replace(Config(), village_requirements=[]))
    above = village_summary("1", "村", 21, 1000, {}, None, dataclasses.replace(Config(), village_requirements=[]))
    assert at.passed and not above.passed
    assert wording.describe_result(at.results[0]) == "贫困发生率 2.00%，不高于标准 2%"


def test_culture_room_and_broadband_are_village_conditions_by_default():
    from models.config import Config

    assert {"culture_room", "broadband"} <= set(Config().village_requirements)


def test_an_override_is_shown_wherever_the_exit_is(store, village, tmp_path):
    from pypdf import PdfReader

    from printing.binder import render_binder
    from printing.fonts import find_font
    from printing.household_file import render_households

    hid = _household(store, village, "0102", dangerous_house="d")
    exit_procedure(store, hid, "2020-11-01")
    reason = "危房已列入2021年改造计划，经乡镇复核同意"
    svc.change_status(store, hid, "exit", "2020-12-01", 2020, "", override_reason=reason)
    [row] = store.households.exit_overrides(village.id, 2020)
    assert row[0] == hid and row[5] == reason and row[6]  # who recorded it, from the audit
    font = find_font()
    for render, path in (
        (lambda p: render_households(store, [hid], p, font), tmp_path / "file.pdf"),
        (lambda p: render_binder(store, village.id, 2020, p, font), tmp_path / "binder.pdf"),
    ):
        render(path)
        text = "".join(page.extract_text() for page in PdfReader(path).pages).replace(" ", "").replace("\n", "")
        assert reason in text and "例外" in text


def test_a_past_years_check_is_unchanged_by_edits_made_later(store, village):
    """2019's check reads 2019's facts: a member set uninsured and the house set D in 2020 change
    2020, not 2019."""
    hid = _household(store, village, "0103")
    passing_year(store, village, hid, 2019)
    before = _check(store, hid, 2019)[0]
    assert before.passed
    members = store.households.members(hid)
    members[1] = dataclasses.replace(members[1], medical_insurance=0)
    household = dataclasses.replace(store.households.get(hid), dangerous_house="d")
    svc.update_household(store, household, members, today=dt.date(2020, 6, 1))
    passing_year(store, village, hid, 2020)  # 2020 starts from the household's facts: 危房 D
    after = _check(store, hid, 2019)[0]
    assert after.passed and after.results == before.results
    later = _check(store, hid, 2020)[0]
    assert set(later.failed) == {"medical", "housing"}


def test_the_village_rate_uses_that_years_agricultural_population(store, village):
    from models.domain import VillageYear
    from models.storage.year_facts import set_village_year

    hid = _household(store, village, "0104")
    with store.operation():
        set_village_year(store.db, store.writer, VillageYear(village_id=village.id, year=2018, agri_population=100))
        set_village_year(store.db, store.writer, VillageYear(village_id=village.id, year=2020, agri_population=400))
    assert store.households.get(hid).status == "not_exited"
    assert asv.village_exit_summary(store, village.id, 2019).agri_population == 100  # 2018's carries to 2019
    assert asv.village_exit_summary(store, village.id, 2020).agri_population == 400
    assert asv.village_exit_summary(store, village.id, 2017).agri_population is None  # 未填写, not today's
