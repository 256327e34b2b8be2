"""Notices as §3 sets them, built as PDFs and read back: the notice comes before the decision,
posting it is the round's 公示 step, it is dated by its own period, a past year shows that year's
pairing, an empty notice is not printed, and the cadre's work phone is on the board."""

from __future__ import annotations

import datetime as dt

import pytest
from pypdf import PdfReader

from models import wording
from models.domain import Cadre, ProcedureStep
from models.errors import NothingToNotice
from models.services import assistance as asv
from models.services import households as svc
from printing.fonts import find_font
from printing.notices import record_notice, render_notice
from tests.conftest import family, identify_procedure, new_household, passing_year


@pytest.fixture(scope="module")
def font():
    return find_font()


def _text(path) -> str:
    return "".join(page.extract_text() for page in PdfReader(path).pages).replace(" ", "").replace("\n", "")


def _household(store, village, no):
    return svc.register_household(store, new_household(store, village, no), family(int(no) * 10)).id


def _exit_until(store, hid, last, first="2020-11-01"):
    day = dt.date.fromisoformat(first)
    for i, step in enumerate(("review", "verify", "consent")):
        asv.add_step(
            store,
            ProcedureStep(
                household_id=hid, procedure="exit", step=step, start_date=(day + dt.timedelta(days=i)).isoformat()
            ),
        )
        if step == last:
            return


def test_the_exit_notice_lists_a_household_after_consent_and_before_the_announcement(store, village, tmp_path, font):
    listed, early = _household(store, village, "0301"), _household(store, village, "0302")
    passing_year(store, village, listed, 2020)
    _exit_until(store, listed, "consent")
    _exit_until(store, early, "verify")  # not yet consented: not on the notice
    path = tmp_path / "exit.pdf"
    render_notice(store, village.id, "exit", 2020, path, font, start="2020-11-05", end="2020-11-11")
    text = _text(path)
    head_listed = store.households.file(listed).head.name
    assert text.count(head_listed) == 1 and "12317" in text
    assert store.households.get(listed).status == "not_exited"  # the notice comes before the decision
    steps = store.assistance.steps(listed)
    assert (steps[-1].step, steps[-1].start_date, steps[-1].end_date, steps[-1].year) == (
        "notice",
        "2020-11-05",
        "2020-11-11",
        2020,
    )
    assert store.assistance.steps(early)[-1].step == "verify"  # posting fills only the rounds on it
    asv.add_step(store, ProcedureStep(household_id=listed, procedure="exit", step="announce", start_date="2020-11-12"))
    svc.change_status(store, listed, "exit", "2020-11-13", 2020, "")
    assert store.households.get(listed).status == "exited"


def test_the_identification_notice_lists_a_live_applicant(store, village, tmp_path, font):
    hid = svc.save_household_file(store, new_household(store, village, "0303", identified_year=None), family(303)).id
    identify_procedure(store, hid, "2021-03-01", upto="audit")
    path = tmp_path / "identify.pdf"
    render_notice(store, village.id, "identify", 2021, path, font, start="2021-03-04", end="2021-03-10")
    text = _text(path)
    assert store.households.file(hid).head.name in text and "（无）" not in text
    assert store.assistance.steps(hid)[-1].step == "notice"


def test_a_notice_is_dated_by_its_own_period(store, village, tmp_path, font):
    hid = _household(store, village, "0304")
    _exit_until(store, hid, "consent", first="2020-10-25")
    path = tmp_path / "dated.pdf"
    render_notice(store, village.id, "exit", 2020, path, font, start="2020-11-01", end="2020-11-07")
    text = _text(path)
    assert "2020年11月01日" in text and f"{dt.date.today():%Y年%m月%d日}" not in text


def test_a_notice_with_nobody_on_it_is_not_printed_and_says_why(store, village, tmp_path, font):
    path = tmp_path / "empty.pdf"
    with pytest.raises(NothingToNotice) as caught:
        render_notice(store, village.id, "identify", 2021, path, font, start="2021-03-04")
    assert not path.exists() and "没有要公示的户" in wording.describe(caught.value)
    with pytest.raises(NothingToNotice):
        record_notice(store, village.id, "exit", 2021, "2021-03-04", None)
    assert store.db.execute("SELECT count(*) FROM notices").fetchone()[0] == 0


def test_a_past_years_pairing_notice_shows_that_years_cadre_and_the_work_phone(store, village, tmp_path, font):
    hid = _household(store, village, "0305")
    old = asv.save_cadre(store, Cadre(village_id=village.id, name="王旧干部", unit="县农业局", phone="13800000001")).id
    new = asv.save_cadre(store, Cadre(village_id=village.id, name="李新干部", unit="县教育局", phone="13800000002")).id
    asv.pair(store, old, [hid], "2019-03-01")
    asv.pair(store, new, [hid], "2021-06-01")
    path = tmp_path / "pairing2020.pdf"
    render_notice(store, village.id, "pairing", 2020, path, font, start="2026-12-01")
    text = _text(path)
    assert "王旧干部" in text and "李新干部" not in text and "13800000001" in text
    household_phone = store.households.get(hid).phone
    assert not household_phone or household_phone not in text
    render_notice(store, village.id, "pairing", 2026, tmp_path / "now.pdf", font, start="2026-12-01")
    assert "李新干部" in _text(tmp_path / "now.pdf")


def test_a_past_years_card_shows_that_years_cadre_once(store, village, tmp_path, font):
    from printing.card import render_cards

    hid = _household(store, village, "0306")
    old = asv.save_cadre(
        store, Cadre(village_id=village.id, name="王书记", unit="县委办", phone="13800000003", roles="first_secretary")
    ).id
    new = asv.save_cadre(store, Cadre(village_id=village.id, name="李新干部", unit="县教育局", phone="13800000002")).id
    asv.pair(store, old, [hid], "2019-03-01")
    asv.pair(store, new, [hid], "2021-06-01")
    path = tmp_path / "card2020.pdf"
    render_cards(store, [hid], path, font, 2020)
    text = _text(path)
    assert text.count("王书记") == 1 and "李新干部" not in text


def test_the_funds_notice_shows_each_projects_subsidy_standard(store, village, tmp_path, font):
    from models.domain import Project
    from models.money import parse_yuan
    from models.services import ledgers as lsv

    hid = _household(store, village, "0307")
    project = Project(
        village_id=village.id,
        name="黄牛养殖",
        category="industry",
        year=2020,
        fund_special_fen=parse_yuan("100000"),
        status="building",
        subsidy_standard="每户补助母牛 1 头（8000 元）",
    )
    pid = lsv.save_project(store, project, [hid]).id
    assert store.ledgers.project(pid).subsidy_standard == "每户补助母牛 1 头（8000 元）"
    path = tmp_path / "funds.pdf"
    render_notice(store, village.id, "funds", 2020, path, font, start="2020-12-01")
    text = _text(path)
    assert "补助标准" in text and "每户补助母牛1头（8000元）" in text
