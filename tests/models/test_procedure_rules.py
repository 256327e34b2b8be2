"""The procedures as §3 sets them, through the services the screens use: identification's eight
steps, rounds of one year, the notice floor, 返贫 and 清退 by 评议 and 公示, and a new household
starting as an applicant."""

from __future__ import annotations

import dataclasses

import pytest

from models import wording
from models.domain import ProcedureStep
from models.errors import (
    BeforeAnnouncement,
    EventOutOfOrder,
    InvalidSetting,
    NoticeTooShort,
    ProcedureIncomplete,
    RoundOfAnotherYear,
    StepOutOfOrder,
    ValidationFailed,
    YearOfApplicant,
)
from models.services import assistance as asv
from models.services import households as svc
from tests.conftest import change_procedure, exit_procedure, family, identify_procedure, new_household, passing_year


def _applicant(store, village, no="0200"):
    return svc.save_household_file(store, new_household(store, village, no, identified_year=None), family(int(no))).id


def test_identification_has_two_notices_and_the_county_announces(store, village):
    hid = _applicant(store, village)
    identify_procedure(store, hid, "2021-03-01", upto="notice")
    with pytest.raises(StepOutOfOrder) as caught:  # the village cannot announce after its own notice
        asv.add_step(
            store, ProcedureStep(household_id=hid, procedure="identify", step="announce", start_date="2021-03-20")
        )
    assert caught.value.expected == "township_audit"
    identify_procedure(store, hid, "2021-03-01", after="notice")
    steps = [s.step for s in store.assistance.steps(hid)]
    assert steps == [
        "apply",
        "review",
        "audit",
        "notice",
        "township_audit",
        "township_notice",
        "county_review",
        "announce",
    ]
    with pytest.raises(BeforeAnnouncement):  # not before the county's announcement
        svc.change_status(store, hid, "identify", "2021-03-19", 2021, "")
    svc.change_status(store, hid, "identify", "2021-03-21", 2021, "")
    assert store.households.get(hid).status == "not_exited" and store.households.get(hid).identified_year == 2021


def test_the_township_notice_runs_its_seven_days_too(store, village):
    hid = _applicant(store, village)
    identify_procedure(store, hid, "2021-03-01", upto="township_audit")
    with pytest.raises(NoticeTooShort):
        asv.add_step(
            store,
            ProcedureStep(
                household_id=hid,
                procedure="identify",
                step="township_notice",
                start_date="2021-03-12",
                end_date="2021-03-15",
            ),
        )


def test_a_new_household_is_an_applicant_until_identified(store, village):
    hid = _applicant(store, village)
    household = store.households.get(hid)
    assert household.status == "" and household.identified_year is None
    assert store.households.file(hid).status_events == []
    with pytest.raises(ValidationFailed) as caught:  # a year typed without choosing 补录
        svc.save_household_file(store, new_household(store, village, "0201", identified_year=2026), family(201))
    assert isinstance(caught.value.problems[-1].error, YearOfApplicant)
    assert "补录" in wording.describe(caught.value.problems[-1].error)


def test_backfill_is_explicit_with_a_year_and_a_reason(store, village):
    with pytest.raises(ValidationFailed) as caught:
        svc.save_household_file(store, new_household(store, village, "0202"), family(202), backfill_reason=" ")
    assert [p.where for p in caught.value.problems if p.is_error] == [("status_events", "reason")]
    hid = svc.save_household_file(
        store, new_household(store, village, "0202"), family(202), backfill_reason="2014 年识别，据纸质档案录入"
    ).id
    [event] = store.households.file(hid).status_events
    assert (event.kind, event.year, event.reason) == ("identify", 2014, "补录：2014 年识别，据纸质档案录入")
    audited = store.db.execute(
        "SELECT after FROM audit_log WHERE table_name = 'status_events' AND record_id = ?", [event.id]
    ).fetchall()
    assert len(audited) == 1 and "补录" in audited[0][0]


def test_an_exit_round_of_one_year_cannot_mark_another(store, village):
    hid = svc.register_household(store, new_household(store, village, "0203"), family(203)).id
    passing_year(store, village, hid, 2021)
    exit_procedure(store, hid, "2019-11-01")  # a round completed in November 2019
    with pytest.raises(RoundOfAnotherYear) as caught:
        svc.change_status(store, hid, "exit", "2021-12-01", 2021, "")
    assert (caught.value.round_year, caught.value.year) == (2019, 2021)
    assert "2019 年" in wording.describe(caught.value)
    assert store.households.get(hid).status == "not_exited"


def test_a_step_of_another_year_does_not_join_a_round(store, village):
    hid = svc.register_household(store, new_household(store, village, "0204"), family(204)).id
    asv.add_step(store, ProcedureStep(household_id=hid, procedure="exit", step="review", start_date="2020-11-01"))
    with pytest.raises(RoundOfAnotherYear):
        asv.add_step(
            store,
            ProcedureStep(household_id=hid, procedure="exit", step="verify", start_date="2020-11-02", year=2021),
        )
    asv.add_step(store, ProcedureStep(household_id=hid, procedure="exit", step="verify", start_date="2021-01-02"))
    assert [s.year for s in store.assistance.steps(hid)] == [2020, 2020]  # a round over New Year keeps its year


def test_dates_out_of_order_in_a_round_are_refused(store, village):
    hid = svc.register_household(store, new_household(store, village, "0205"), family(205)).id
    asv.add_step(store, ProcedureStep(household_id=hid, procedure="exit", step="review", start_date="2020-11-05"))
    with pytest.raises(EventOutOfOrder):
        asv.add_step(store, ProcedureStep(household_id=hid, procedure="exit", step="verify", start_date="2020-11-01"))


def test_a_stored_notice_period_below_the_floor_does_not_lower_it(store, village):
    store.writer.insert("settings", {"key": "notice_days", "value": "1"})  # written before the floor existed
    hid = svc.register_household(store, new_household(store, village, "0206"), family(206)).id
    for step, day in (("review", "2020-11-01"), ("verify", "2020-11-02"), ("consent", "2020-11-03")):
        asv.add_step(store, ProcedureStep(household_id=hid, procedure="exit", step=step, start_date=day))
    with pytest.raises(NoticeTooShort) as caught:
        asv.add_step(
            store,
            ProcedureStep(
                household_id=hid, procedure="exit", step="notice", start_date="2020-11-04", end_date="2020-11-05"
            ),
        )
    assert caught.value.required == 7


@pytest.mark.parametrize("kind", ["return", "remove"])
def test_return_and_removal_are_decided_by_review_and_notice(store, village, kind):
    hid = svc.register_household(store, new_household(store, village, "0207"), family(207)).id
    if kind == "return":
        passing_year(store, village, hid, 2019)
        exit_procedure(store, hid, "2019-11-01")
        svc.change_status(store, hid, "exit", "2019-12-01", 2019, "")
    with pytest.raises(ProcedureIncomplete) as caught:
        svc.change_status(store, hid, kind, "2020-06-01", 2020, "因病")
    assert caught.value.missing == "review"
    change_procedure(store, hid, kind, "2020-06-01")
    svc.change_status(store, hid, kind, "2020-06-01", 2020, "因病")
    assert store.households.get(hid).status == {"return": "returned", "remove": "removed"}[kind]


@pytest.mark.parametrize("steps", [["review"], ["notice"], ["notice", "review"], ["review", "review", "notice"]])
def test_return_procedure_settings_keep_review_and_notice_in_order(store, steps):
    with pytest.raises(InvalidSetting):
        asv.save_config(store, dataclasses.replace(store.config(), return_steps=steps))
    asv.save_config(store, dataclasses.replace(store.config(), remove_steps=["review", "verify", "notice", "announce"]))
    assert store.config().remove_steps == ["review", "verify", "notice", "announce"]
