"""The four ledgers: totals, warnings, overdue rectification, attendance, transfer income, bad input."""

import dataclasses
import datetime as dt

import pytest

from models.domain import Benefit, Cadre, Disbursement, Finding, Inspection, Project, WorkLog
from models.errors import (
    AttendanceTwice,
    DeadlineBeforeInspection,
    DisbursementBeforeStart,
    NotOnTeam,
    NotPositive,
    NotRegisteredHousehold,
    ValidationFailed,
)
from models.money import parse_yuan
from models.rules.ledgers import attendance_by_month, finding_status, project_totals, shortfall, sums
from models.services import assistance as asv
from models.services import households as svc
from models.services import ledgers as lsv
from tests.conftest import change_procedure, family, new_household, refused

TODAY = dt.date(2021, 3, 1)


@pytest.fixture
def hids(store, village):
    return [
        svc.register_household(store, new_household(store, village, f"{i:04d}"), family(10 * i)).id for i in range(1, 4)
    ]


def _project(village, **kw):
    values = dict(
        village_id=village.id,
        name="黄牛养殖",
        category="industry",
        year=2020,
        fund_special_fen=parse_yuan("100000"),
        fund_self_fen=parse_yuan("0.1"),
        start_date="2020-03-01",
        finish_date="2020-10-31",
        status="building",
    )
    values.update(kw)
    return Project(**values)


def test_project_totals_and_warnings(store, village, hids):
    pid = lsv.save_project(store, _project(village), hids).id
    lsv.add_disbursement(store, Disbursement(project_id=pid, pay_date="2020-04-01", amount_fen=parse_yuan("0.1")))
    lsv.add_disbursement(store, Disbursement(project_id=pid, pay_date="2020-05-01", amount_fen=parse_yuan("0.2")))
    [(project, paid, people)] = store.ledgers.projects(village.id, 2020)
    assert paid == 30 and people == 3  # 0.1 + 0.2 is exactly 0.30 元
    t = project_totals(project, paid, people, TODAY)
    assert project.total_fen == 10_000_010 and not t.over_budget and t.late  # finished date passed, still 在建
    lsv.add_disbursement(store, Disbursement(project_id=pid, pay_date="2020-06-01", amount_fen=parse_yuan("100000")))
    [(project, paid, people)] = store.ledgers.projects(village.id, 2020)
    assert project_totals(project, paid, people, TODAY).over_budget  # allowed, but shown
    total = sums([project_totals(project, paid, people, TODAY)])
    assert (
        total.by_source["special"] == 10_000_000
        and total.by_source["self"] == 10
        and total.by_year == {2020: 10_000_010}
    )


def test_project_bad_input(store, village, hids):
    with pytest.raises(ValidationFailed) as caught:
        lsv.save_project(store, _project(village, fund_social_fen=-5), hids)
    assert [p.where for p in caught.value.problems] == [("projects", "fund_social_fen")]
    removed = hids[2]
    change_procedure(store, removed, "remove", "2020-02-01")
    svc.change_status(store, removed, "remove", "2020-02-01", 2020, "识别不准")
    with pytest.raises(ValidationFailed) as caught:
        lsv.save_project(store, _project(village), [hids[0], removed, 99999])
    assert [type(p.error) for p in caught.value.problems] == [NotRegisteredHousehold, NotRegisteredHousehold]
    pid = lsv.save_project(store, _project(village), hids[:2]).id
    with refused(DisbursementBeforeStart):
        lsv.add_disbursement(store, Disbursement(project_id=pid, pay_date="2020-02-28", amount_fen=100))
    with refused(NotPositive):
        lsv.add_disbursement(store, Disbursement(project_id=pid, pay_date="2020-04-01", amount_fen=-100))
    assert store.ledgers.disbursements(pid) == []
    lsv.save_project(store, store.ledgers.project(pid), [hids[1]])  # beneficiaries replaced as a set
    assert set(store.ledgers.beneficiaries(pid)) == {hids[1]}


def test_attendance_shortfall_and_twice(store, village):
    team = asv.save_cadre(store, Cadre(village_id=village.id, name="王书记", roles="first_secretary", on_team=1)).id
    other = asv.save_cadre(store, Cadre(village_id=village.id, name="李干部", roles="pair_cadre")).id
    for day in range(1, 19):
        lsv.record_attendance(store, team, f"2020-05-{day:02d}")
    with pytest.raises(AttendanceTwice):
        lsv.record_attendance(store, team, "2020-05-03")
    with pytest.raises(NotOnTeam):
        lsv.record_attendance(store, other, "2020-05-03")
    counts = attendance_by_month(store.ledgers.attendance(village.id, "2020-01-01", "2020-12-31"), 2020, 5)
    assert counts == {team: 18}
    assert shortfall(counts, [team], store.config().min_attendance_days) == {team: 2}
    lsv.add_work_log(store, WorkLog(village_id=village.id, cadre_id=team, log_date="2020-05-04", content="入户核实"))
    assert len(store.ledgers.work_logs(village.id, "2020-05-01", "2020-05-31")) == 1


def test_rectification_status_is_computed_and_deadlines_follow_the_inspection(store, village):
    inspection = Inspection(village_id=village.id, inspect_date="2020-06-01", kind="supervision", body="县督查组")
    with pytest.raises(ValidationFailed) as caught:
        lsv.save_inspection(store, inspection, [Finding(description="档案不全", deadline="2020-05-01")])
    assert isinstance(caught.value.problems[0].error, DeadlineBeforeInspection)
    iid = lsv.save_inspection(
        store,
        inspection,
        [
            Finding(description="档案不全", deadline="2020-07-01"),
            Finding(description="收入核算不准", deadline="2021-06-01"),
            Finding(description="走访记录缺", deadline="2020-07-01", completed_date="2020-06-20"),
        ],
    ).id
    statuses = [finding_status(f, TODAY) for f in store.ledgers.findings(iid)]
    assert statuses == ["overdue", "open", "done"]
    assert store.ledgers.overdue_findings(village.id, TODAY.isoformat()) == 1


def test_benefits_propose_the_transfer_income(store, village, hids):
    hid = hids[0]
    for programme, amount, day in (
        ("dibao", "1200.5", "2020-03-01"),
        ("dibao", "1200.5", "2020-09-01"),
        ("eco", "300", "2020-05-01"),
        ("industry_award", "800", "2020-05-01"),
        ("dibao", "999", "2019-03-01"),
    ):
        lsv.add_benefit(
            store,
            Benefit(household_id=hid, programme=programme, benefit_date=day, amount_fen=parse_yuan(amount)),
            village.id,
        )
    lsv.apply_transfer_income(store, hid, 2020)
    income = store.households.income(hid, 2020)
    assert (income.dibao_fen, income.eco_fen, income.other_transfer_fen) == (240_100, 30_000, 0)
    with pytest.raises(NotRegisteredHousehold):
        lsv.add_benefit(store, Benefit(household_id=hid, programme="eco", benefit_date="2020-01-01"), village.id + 1)


def test_review_edge_cases(store, village, hids):
    from models.errors import CadreHasLeft, InvalidAmount

    pid = lsv.save_project(store, _project(village), hids).id
    with refused(InvalidAmount):  # money reaches the service as integer fen only
        lsv.add_disbursement(store, Disbursement(project_id=pid, pay_date="2020-04-01", amount_fen=0.1))
    lsv.add_disbursement(store, Disbursement(project_id=pid, pay_date="2020-04-01", amount_fen=100))
    with pytest.raises(ValidationFailed) as caught:  # moving the start after a payment
        lsv.save_project(store, _project(village, id=pid, start_date="2020-05-01"), hids)
    assert isinstance(caught.value.problems[0].error, DisbursementBeforeStart)
    change_procedure(store, hids[2], "remove", "2020-12-01")
    svc.change_status(store, hids[2], "remove", "2020-12-01", 2020, "识别不准")
    lsv.save_project(store, store.ledgers.project(pid), hids)  # a removed beneficiary stays on record
    assert set(store.ledgers.beneficiaries(pid)) == set(hids)
    team = asv.save_cadre(store, Cadre(village_id=village.id, name="王书记", roles="first_secretary", on_team=1)).id
    asv.cadre_leaves(store, team, "2020-03-31")
    with pytest.raises(CadreHasLeft):
        lsv.record_attendance(store, team, "2020-04-02")
    iid = lsv.save_inspection(
        store,
        Inspection(village_id=village.id, inspect_date="2020-06-01", kind="audit"),
        [Finding(description="x", deadline=" 2099-04-01 ")],
    ).id
    assert store.ledgers.findings(iid)[0].deadline == "2099-04-01"
    lsv.add_benefit(
        store,
        Benefit(household_id=hids[0], programme="housing", benefit_date="2020-03-01", amount_fen=3_500_000),
        village.id,
    )
    lsv.apply_transfer_income(store, hids[0], 2020)
    assert store.households.income(hids[0], 2020).other_transfer_fen == 0  # a house is not income


def test_yulu_is_a_benefit_that_names_the_student_school_grade_and_term(store, village, tmp_path):
    from pypdf import PdfReader

    from models.domain import Benefit
    from models.errors import ValidationFailed
    from models.services.ledger_tables import Period, ledger
    from printing.fonts import find_font
    from printing.household_file import render_households

    hid = svc.register_household(store, new_household(store, village, "0401"), family(401)).id
    student = store.households.members(hid)[2]
    bare = Benefit(household_id=hid, programme="yulu", benefit_date="2020-10-01", amount_fen=150_000)
    with pytest.raises(ValidationFailed) as caught:
        lsv.add_benefit(store, bare, village.id)
    assert {p.where[-1] for p in caught.value.problems} == {"member_id", "school", "grade", "term"}
    lsv.add_benefit(
        store,
        dataclasses.replace(bare, member_id=student.id, school="县职业技术学校", grade="中职二年级", term="autumn"),
        village.id,
    )
    rows = [r for t in ledger(store, village.id, "programmes", Period(2020)).tables for r in t.text()]
    assert any("县职业技术学校　中职二年级　秋季学期" in r for r in rows)
    path = tmp_path / "file.pdf"
    render_households(store, [hid], path, find_font())
    text = "".join(p.extract_text() for p in PdfReader(path).pages).replace("\n", "").replace(" ", "")
    assert "雨露计划" in text and "县职业技术学校" in text
