"""Assistance rules: pairing history, overlaps, visits, plans, the notice period, the exit check."""

import dataclasses
import datetime as dt

import pytest

from models.domain import (
    Assurance,
    Cadre,
    Income,
    Measure,
    MemberYear,
    Pairing,
    Plan,
    PovertyLine,
    ProcedureStep,
    Visit,
)
from models.errors import (
    BeforeAnnouncement,
    CadreHasLeft,
    CriteriaAlwaysRequired,
    EventOutOfOrder,
    ExitCheckFailed,
    NoticeNotOver,
    NoticeTooShort,
    NotPaired,
    OverlappingPairing,
    PovertyLineMissing,
    ProcedureIncomplete,
    Required,
    StepOutOfOrder,
    ValidationFailed,
    VisitBeforePairing,
)
from models.rules.assistance import missing_requirements, suggest_measures
from models.services import assistance as asv
from models.services import households as svc
from tests.conftest import (
    change_procedure,
    exit_procedure,
    family,
    identify_procedure,
    new_household,
    passing_year,
    refused,
)


@pytest.fixture
def cadres(store, village):
    ids = {}
    for name, roles, team in (
        ("王书记", "first_secretary", 1),
        ("李干部", "pair_cadre", 0),
        ("赵干部", "pair_cadre", 0),
    ):
        ids[name] = asv.save_cadre(
            store, Cadre(village_id=village.id, name=name, roles=roles, on_team=team, unit="县农业局" if team else "")
        ).id
    return ids


@pytest.fixture
def households(store, village):
    return [
        svc.register_household(store, new_household(store, village, f"{i:04d}"), family(10 * i)).id for i in range(1, 4)
    ]


def test_reassigning_ends_the_old_pairing_and_keeps_history(store, cadres, households):
    assert asv.pair(store, cadres["李干部"], households, "2019-03-01").count == 3
    assert asv.pair(store, cadres["赵干部"], households[:1], "2020-06-01").count == 1
    history = store.assistance.pairings(households[0])
    assert [(p.cadre_id, p.start_date, p.end_date) for p in history] == [
        (cadres["李干部"], "2019-03-01", "2020-05-31"),
        (cadres["赵干部"], "2020-06-01", None),
    ]
    assert store.assistance.loads(store.villages.all()[0].id) == {cadres["李干部"]: 2, cadres["赵干部"]: 1}
    assert asv.pair(store, cadres["赵干部"], households[:1], "2021-01-01").count == 0  # already theirs


def test_overlapping_pairings_are_refused_and_nothing_is_half_written(store, cadres, households):
    asv.pair(store, cadres["李干部"], households, "2019-03-01")
    asv.pair(store, cadres["赵干部"], [households[0]], "2020-06-01")
    before = store.db.execute("SELECT count(*) FROM pairings").fetchone()[0]
    with pytest.raises(OverlappingPairing):  # starts inside 李干部's closed period for household 0
        asv.pair(store, cadres["王书记"], [households[1], households[0]], "2019-05-01")
    assert store.db.execute("SELECT count(*) FROM pairings").fetchone()[0] == before
    assert store.assistance.pairings(households[1])[-1].end_date is None  # household 1 untouched
    with pytest.raises(OverlappingPairing):
        asv.add_pairing(
            store,
            Pairing(
                household_id=households[0], cadre_id=cadres["王书记"], start_date="2018-01-01", end_date="2019-03-01"
            ),
        )
    asv.add_pairing(
        store,
        Pairing(household_id=households[0], cadre_id=cadres["王书记"], start_date="2018-01-01", end_date="2019-02-28"),
    )


def test_visits_need_a_pairing_that_has_begun(store, cadres, households):
    asv.pair(store, cadres["李干部"], [households[0]], "2020-03-01")
    visit = Visit(household_id=households[0], cadre_id=cadres["李干部"], visit_date="2020-02-01", found="住房漏雨")
    with pytest.raises(VisitBeforePairing):
        asv.add_visit(store, visit)
    with pytest.raises(NotPaired):
        asv.add_visit(store, dataclasses.replace(visit, cadre_id=cadres["赵干部"], visit_date="2020-04-01"))
    asv.add_visit(store, dataclasses.replace(visit, visit_date="2020-04-01"))
    asv.add_visit(store, dataclasses.replace(visit, cadre_id=cadres["王书记"], visit_date="2020-01-05"))  # team
    assert len(store.assistance.visits(household_id=households[0])) == 2


def test_required_roles_are_configurable(store, village, cadres):
    current = store.assistance.cadres(village.id)
    assert missing_requirements(store.config().required_roles, current) == ["contact_leader", "agri_tech", "pair_cadre"]
    three = dataclasses.replace(store.config(), required_roles=["team", "first_secretary", "aid_unit"])
    asv.save_config(store, three)
    assert missing_requirements(store.config().required_roles, current) == []


def test_plans_suggest_copy_and_refuse_negative_funds(store, village, households):
    hid = households[0]
    h = dataclasses.replace(store.households.get(hid), main_cause="illness", other_cause1="skills", dangerous_house="c")
    members = store.households.members(hid)
    members[1].medical_insurance = 0
    categories = [m.category for m in suggest_measures(h, members, dt.date(2020, 1, 1))]
    assert categories[:3] == ["health", "training", "employment"] and "housing" in categories
    assert any(m.member_id == members[1].id for m in suggest_measures(h, members, dt.date(2020, 1, 1)))
    plan = Plan(household_id=hid, year=2019, target_exit_year=2020, target_income_fen=500_000)
    measures = [
        Measure(category="health", content="大病保险", funds_fen=-100),
        Measure(category="training", content="厨师培训", status="done"),
    ]
    with pytest.raises(ValidationFailed) as caught:
        asv.save_plan(store, plan, measures)
    assert [p.where for p in caught.value.problems] == [("measures", 0, "funds_fen")]
    measures[0].funds_fen = 120_000
    measures.append(Measure(category="industry", content="养殖黄牛", deadline="2019-06-30", status="in_progress"))
    asv.save_plan(store, plan, measures)
    asv.copy_plan(store, hid, 2019, 2020)
    copied = store.assistance.measures(store.assistance.plan(hid, 2020).id)
    assert [m.content for m in copied] == ["大病保险", "养殖黄牛"] and {m.status for m in copied} == {"planned"}
    overview = store.assistance.plan_overview(village.id, 2019, "2019-12-31")
    assert overview == [(hid, 3, 1, 1)]  # 3 measures, 1 done, 1 overdue


def test_procedure_order_and_notice_period(store, village, households):
    hid = households[0]
    step = ProcedureStep(household_id=hid, procedure="exit", step="verify", start_date="2020-10-01")
    with pytest.raises(StepOutOfOrder):
        asv.add_step(store, step)
    for s in ("review", "verify", "consent"):
        asv.add_step(store, dataclasses.replace(step, step=s))
    with pytest.raises(NoticeTooShort):
        asv.add_step(store, dataclasses.replace(step, step="notice", start_date="2020-10-02", end_date="2020-10-07"))
    asv.add_step(store, dataclasses.replace(step, step="notice", start_date="2020-10-02", end_date="2020-10-08"))
    with pytest.raises(NoticeNotOver):
        asv.add_step(store, dataclasses.replace(step, step="announce", start_date="2020-10-08"))
    passing_year(store, village, hid, 2020)
    with pytest.raises(ProcedureIncomplete):  # 公告 is missing: 脱贫 cannot be marked yet
        svc.change_status(store, hid, "exit", "2020-10-20", 2020, "")
    asv.add_step(store, dataclasses.replace(step, step="announce", start_date="2020-10-09"))
    with pytest.raises(BeforeAnnouncement):
        svc.change_status(store, hid, "exit", "2020-10-05", 2020, "")  # dated before the announcement
    svc.change_status(store, hid, "exit", "2020-10-20", 2020, "")
    assert store.households.get(hid).status == "exited"


def _facts(store, village, hid, year=2020):
    passing_year(store, village, hid, year)
    return asv.run_exit_check(store, year, household_ids=[hid])[0]


CRITERIA_BREAKERS = {
    "income": lambda store, hid: svc.save_income(store, Income(household_id=hid, year=2020, wage_fen=100)),
    "food": lambda store, hid: svc.save_assurance(
        store, Assurance(household_id=hid, year=2020, food=0, clothing=1, education=1, medical=1, housing=1, water=1)
    ),
    "clothing": lambda store, hid: svc.save_assurance(
        store, Assurance(household_id=hid, year=2020, food=1, clothing=0, education=1, medical=1, housing=1, water=1)
    ),
    # The year's facts, as the 年度 tab records them (today's edits leave 2020 as it was).
    "education": lambda store, hid: svc.save_member_years(
        store,
        hid,
        [
            MemberYear(
                member_id=store.households.members(hid)[3].id, year=2020, school_status="dropout", medical_insurance=1
            )
        ],
    ),
    "medical": lambda store, hid: svc.save_member_years(
        store,
        hid,
        [MemberYear(member_id=store.households.members(hid)[1].id, year=2020, school_status="", medical_insurance=0)],
    ),
    "housing": lambda store, hid: svc.save_assurance(
        store,
        Assurance(
            household_id=hid,
            year=2020,
            food=1,
            clothing=1,
            education=1,
            medical=1,
            housing=1,
            water=1,
            dangerous_house="d",
        ),
    ),
    "water": lambda store, hid: svc.save_assurance(
        store, Assurance(household_id=hid, year=2020, food=1, clothing=1, education=1, medical=1, housing=1, water=0)
    ),
}


@pytest.mark.parametrize("criterion", list(CRITERIA_BREAKERS))
def test_exit_check_each_criterion_failing_alone(store, village, households, criterion):
    hid = households[0]
    assert _facts(store, village, hid).passed
    CRITERIA_BREAKERS[criterion](store, hid)
    check = asv.run_exit_check(store, 2020, household_ids=[hid])[0]
    assert check.failed == [criterion]
    exit_procedure(store, hid, "2020-11-01")
    with pytest.raises(ExitCheckFailed) as caught:
        svc.change_status(store, hid, "exit", "2020-12-01", 2020, "")
    assert caught.value.failed == [criterion]
    svc.change_status(store, hid, "exit", "2020-12-01", 2020, "", override_reason="经县复核，情况已改善")
    event = store.households.file(hid).status_events[-1]
    assert event.override_reason == "经县复核，情况已改善"


def test_income_alone_never_decides_and_a_missing_line_is_refused(store, village, households):
    hid = households[0]
    with pytest.raises(PovertyLineMissing):
        asv.run_exit_check(store, 2020, household_ids=[hid])
    for criteria in (["income"], ["food"], ["income", "food", "clothing"], ["income", "food", "clothing", "water"]):
        with pytest.raises(CriteriaAlwaysRequired):
            asv.save_config(store, dataclasses.replace(store.config(), exit_criteria=criteria))
    asv.save_poverty_line(store, PovertyLine(year=2020, province=village.province, line_fen=400_000))
    svc.save_income(store, Income(household_id=hid, year=2020, wage_fen=10_000_000))
    check = asv.run_exit_check(store, 2020, household_ids=[hid])[0]
    assert not check.passed and "income" not in check.failed  # rich, but 两不愁 not recorded


def test_applicant_goes_through_identification(store, village):
    hid = svc.register_household(store, new_household(store, village, "0100"), family(60), applicant=True).id
    assert store.households.get(hid).status == "" and store.households.get(hid).identified_year is None
    with pytest.raises(ProcedureIncomplete):
        svc.change_status(store, hid, "identify", "2021-01-20", 2021, "")
    identify_procedure(store, hid, "2021-01-01", upto="notice")
    with pytest.raises(ProcedureIncomplete) as caught:  # the township and county steps come back later
        svc.change_status(store, hid, "identify", "2021-01-12", 2021, "")
    assert caught.value.missing == "township_audit"
    assert identify_procedure(store, hid, "2021-01-01", after="notice") == "2021-01-20"
    svc.change_status(store, hid, "identify", "2021-01-21", 2021, "")
    assert store.households.get(hid).status == "not_exited"
    assert store.households.get(hid).identified_year == 2021


def test_the_checks_sql_counts_members_as_the_rules_do(demo_store):
    """exit_data counts a year's members in SQL; it must agree with rules.counted_in_year."""
    from models.rules import income as income_rules

    [village] = demo_store.villages.all()
    for year in (2016, 2020):
        facts = {f.id: f for f in demo_store.exit_data.households(year, village.id)}
        for hid, f in facts.items():
            members = demo_store.households.members(hid)
            assert f.size == income_rules.household_size(members, year), (hid, year)
            income = demo_store.households.income(hid, year)
            assert f.net_fen == (income.net_fen if income else None)


def test_a_same_day_reassignment_corrects_the_mistake(store, cadres, households):
    asv.pair(store, cadres["李干部"], households[:1], "2020-03-01")
    asv.pair(store, cadres["赵干部"], households[:1], "2020-03-01")  # oops: meant 赵干部 from the start
    [p] = store.assistance.pairings(households[0])
    assert (p.cadre_id, p.start_date, p.end_date) == (cadres["赵干部"], "2020-03-01", None)
    asv.correct_pairing(store, p.id, cadres["李干部"])
    assert store.assistance.pairings(households[0])[0].cadre_id == cadres["李干部"]
    log = store.db.execute("SELECT count(*) FROM audit_log WHERE table_name = 'pairings' AND action = 'update'")
    assert log.fetchone()[0] == 2  # every correction is on record


def test_a_round_can_be_stopped_and_started_again(store, village, households):
    hid = households[0]
    step = ProcedureStep(household_id=hid, procedure="exit", step="review", start_date="2019-10-01")
    asv.add_step(store, step)
    with refused(Required):
        asv.add_step(store, dataclasses.replace(step, step="stop", start_date="2019-10-02", note=""))  # needs why
    asv.add_step(store, dataclasses.replace(step, step="stop", start_date="2019-10-02", note="民主评议未通过"))
    asv.add_step(store, dataclasses.replace(step, start_date="2020-10-01"))  # a new round a year later
    from models.rules.procedures import current_round

    done = current_round("exit", store.assistance.steps(hid), store.households.file(hid).status_events)
    assert [s.step for s in done] == ["review"] and done[0].start_date == "2020-10-01"


def test_compulsory_school_age_counts_from_september_and_ends_with_junior_school(store, village):
    people = family(70)
    people[3] = dataclasses.replace(
        people[3],
        id_number="",
        id_type="other",
        birth_date="2014-11-15",
        sex="2",
        school_status="none",
        education="preschool",
    )
    fifteen = dataclasses.replace(
        family(80)[2],
        name="张初毕",
        relation="son",
        id_type="other",
        id_number="",
        birth_date="2005-03-01",
        sex="1",
        school_status="none",
        education="junior",
        compulsory_done=1,
        medical_insurance=1,
    )
    hid = svc.register_household(store, new_household(store, village, "0070"), people + [fifteen]).id
    passing_year(store, village, hid, 2020)
    check = asv.run_exit_check(store, 2020, household_ids=[hid])[0]
    assert check.passed, check.results  # born in November 2014: school starts in 2021; 15 with 初中 done
    child = store.households.members(hid)[3]
    svc.save_member_years(
        store, hid, [MemberYear(member_id=child.id, year=2020, school_status="", medical_insurance=1)]
    )
    store.writer.update("members", child.id, {"birth_date": "2014-08-15"})
    check = asv.run_exit_check(store, 2020, household_ids=[hid])[0]
    assert check.missing == ["education"] and check.results[3].facts["school_unknown"] == [people[3].name]


def test_village_incidence_is_counted_at_the_end_of_the_year(store, village, households):
    store.writer.update("villages", village.id, {"agri_population": 400})
    hid = households[0]
    passing_year(store, village, hid, 2019)
    exit_procedure(store, hid, "2019-11-01")
    svc.change_status(store, hid, "exit", "2019-12-01", 2019, "")
    before = asv.village_exit_summary(store, village.id, 2018)
    after = asv.village_exit_summary(store, village.id, 2019)
    assert (before.poor_people, after.poor_people) == (12, 8)


def test_removal_ends_the_pairing_and_procedures_skipped_by_setting_are_recorded(store, village, cadres, households):
    asv.pair(store, cadres["李干部"], households[:2], "2019-03-01")
    change_procedure(store, households[0], "remove", "2020-05-01")
    svc.change_status(store, households[0], "remove", "2020-05-01", 2020, "识别不准")
    assert store.assistance.pairings(households[0])[-1].end_date == "2020-05-01"
    assert store.assistance.loads(village.id) == {cadres["李干部"]: 1}
    asv.save_config(store, dataclasses.replace(store.config(), enforce_procedures=False))
    passing_year(store, village, households[1], 2020)
    svc.change_status(store, households[1], "exit", "2020-12-01", 2020, "")
    assert "程序检查已在设置中关闭" in store.households.file(households[1]).status_events[-1].override_reason


def test_a_cadre_leaves_once(store, cadres, households):
    asv.pair(store, cadres["李干部"], households[:1], "2019-03-01")
    with refused(EventOutOfOrder):
        asv.cadre_leaves(store, cadres["李干部"], "2019-01-01")  # before the pairing began
    assert asv.cadre_leaves(store, cadres["李干部"], "2020-01-31").count == 1
    with pytest.raises(CadreHasLeft):
        asv.cadre_leaves(store, cadres["李干部"], "2020-02-28")
