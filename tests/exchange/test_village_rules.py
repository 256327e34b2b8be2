"""The rules a village applied travel with its package: the county keeps its poverty lines and
exit settings, checks exit with its own line where it has one (else the village's, and says
so), and warns at import where the village's differ from its own."""

import dataclasses
import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from models.config import EXIT_SETTINGS
from models.domain import PovertyLine
from models.exchange.package import export_village
from models.exchange.package_import import IMPORTED, REFUSED, import_packages
from models.exchange.problems import WARNING
from models.services import assistance as asv
from models.store import Store
from models.wording import describe_result

YEAR, PROVINCE = 2019, "贵州省"  # the demo village's province; its lines are the demo's own


@pytest.fixture
def county(tmp_path):
    s = Store.open(tmp_path / "county", actor="县扶贫办")
    yield s
    s.close()


def _export(store, path):
    export_village(store, store.villages.all()[0].id, path, now=dt.datetime(2020, 6, 1, 9, 0))
    return path


def _rows(path, sheet):
    ws = openpyxl.load_workbook(path, read_only=True)[sheet]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    return rows[0], rows[1:]


def test_the_package_carries_the_lines_and_exit_settings_the_village_used(demo_store, tmp_path):
    asv.save_config(demo_store, dataclasses.replace(demo_store.config(), notice_days=10))
    path = _export(demo_store, tmp_path / "v.xlsx")
    headers, lines = _rows(path, "村用扶贫标准")
    assert headers[:4] == ["UUID", "年度", "省份", "扶贫标准"]
    own = demo_store.assistance.poverty_lines()
    assert [(int(r[1]), r[2], r[3]) for r in lines] == [(x.year, x.province, f"{x.line_fen / 100:.2f}") for x in own]
    headers, settings = _rows(path, "村用设置")
    by_label = {r[1]: r[2] for r in settings}
    assert len(settings) == len(EXIT_SETTINGS)
    assert by_label["公示天数不少于"] == "10"  # the stored setting
    assert by_label["小额信贷金额不超过"] == "5000000"  # a default in force is carried too


def test_the_county_keeps_them_per_village_and_checks_exit_with_the_villages_line_saying_so(
    demo_store, county, tmp_path
):
    [outcome] = import_packages(county, [_export(demo_store, tmp_path / "v.xlsx")])
    assert outcome.status == IMPORTED, outcome.problems[:3]
    vid = county.villages.all()[0].id
    lines, settings = county.assistance.village_rules(vid)
    village_line = demo_store.assistance.poverty_line(YEAR, PROVINCE)
    assert {(x["year"], x["line_fen"]) for x in lines} >= {(YEAR, village_line.line_fen)}
    assert set(settings) == set(EXIT_SETTINGS)
    assert county.assistance.poverty_lines() == []  # the county has no line of its own yet

    checks = asv.run_exit_check(county, YEAR, village_id=vid)
    income = [r for c in checks for r in c.results if r.criterion == "income" and "line_fen" in r.facts]
    assert income and all(r.facts["line_fen"] == village_line.line_fen for r in income)
    assert all(r.facts.get("line_source") == "village" for r in income)
    assert "村里上报的扶贫标准" in describe_result(income[0])

    county_fen = village_line.line_fen + 50_000  # the county's own line for the year
    asv.save_poverty_line(county, PovertyLine(year=YEAR, province=PROVINCE, line_fen=county_fen))
    checks = asv.run_exit_check(county, YEAR, village_id=vid)
    income = [r for c in checks for r in c.results if r.criterion == "income" and "line_fen" in r.facts]
    assert all(r.facts["line_fen"] == county_fen and "line_source" not in r.facts for r in income)
    assert "村里上报的" not in describe_result(income[0])


def test_a_villages_line_or_setting_other_than_the_countys_is_a_warning_at_import(demo_store, county, tmp_path):
    village_line = demo_store.assistance.poverty_line(YEAR, PROVINCE)
    asv.save_poverty_line(county, PovertyLine(year=YEAR, province=PROVINCE, line_fen=village_line.line_fen + 10_000))
    asv.save_config(county, dataclasses.replace(county.config(), notice_days=15))
    [outcome] = import_packages(county, [_export(demo_store, tmp_path / "v.xlsx")])
    assert outcome.status == IMPORTED
    warned = {(p.sheet, p.column): p.message for p in outcome.problems if p.level == WARNING}
    line = warned[("村用扶贫标准", "扶贫标准")]
    assert f"村里用的 {YEAR} 年贵州省扶贫标准是" in line and "与县里的" in line and "用县里的标准" in line
    setting = warned[("村用设置", "设置值")]
    assert "“公示天数不少于”是“7 天”，与县里的“15 天”不同" in setting
    # the county's check goes on using its own line
    checks = asv.run_exit_check(county, YEAR)
    income = [r for c in checks for r in c.results if r.criterion == "income" and "line_fen" in r.facts]
    assert income and {r.facts["line_fen"] for r in income} == {village_line.line_fen + 10_000}


def _edited(path: Path, out: Path, label: str, value: str) -> Path:
    wb = openpyxl.load_workbook(path)
    ws = wb["村用设置"]
    for row in ws.iter_rows(min_row=2):
        if row[1].value == label:
            row[2].value = value
    wb.save(out)
    return out


def test_an_unreadable_setting_is_refused_in_words_and_nothing_is_stored(demo_store, county, tmp_path):
    bad = _edited(_export(demo_store, tmp_path / "v.xlsx"), tmp_path / "bad.xlsx", "公示天数不少于", "七天")
    [outcome] = import_packages(county, [bad], accept_modified=True)
    assert outcome.status == REFUSED
    messages = [p.message for p in outcome.problems if p.sheet == "村用设置"]
    assert any("设置“公示天数不少于”的值“七天”不合理" in m for m in messages), messages
    assert county.villages.all() == []


def test_a_setting_the_policy_forbids_is_kept_as_the_villages_record_with_a_warning(demo_store, county, tmp_path):
    bad = _edited(_export(demo_store, tmp_path / "v.xlsx"), tmp_path / "bad.xlsx", "贫困户退出标准", '["income"]')
    [outcome] = import_packages(county, [bad], accept_modified=True)
    assert outcome.status == IMPORTED, [p.message for p in outcome.problems if p.is_error]
    messages = [p.message for p in outcome.problems if p.sheet == "村用设置" and p.level == WARNING]
    assert any("收入和两不愁三保障必须一并核查" in m for m in messages), messages
    # the county's own criteria decide: every household is checked on 两不愁三保障 too
    [check, *_] = asv.run_exit_check(county, YEAR)
    assert "food" in check.required and "housing" in check.required


def test_a_format_2_package_still_imports_and_carries_no_village_rules(county):
    """A package of format 2 (kept as a fixture) imports; the county has none of its rules."""
    fixture = Path(__file__).parent / "fixtures" / "package-format2.xlsx"
    [outcome] = import_packages(county, [fixture])
    assert outcome.status == IMPORTED, [(p.sheet, p.row, p.column, p.message) for p in outcome.problems[:5]]
    assert county.assistance.village_rules(county.villages.all()[0].id) == ([], {})


def test_a_loan_beyond_the_countys_limits_is_a_warning_at_import(demo_store, county, tmp_path):
    from models.domain import Loan
    from models.services.ledgers import save_loan

    [(hid,)] = demo_store.db.execute("SELECT id FROM households WHERE status = 'not_exited' LIMIT 1").fetchall()
    save_loan(
        demo_store,
        Loan(
            household_id=hid,
            bank="农商银行",
            amount_fen=8_000_000,
            loan_date="2019-03-01",
            due_date="2023-03-01",
            term_months=48,
        ),
    )
    [outcome] = import_packages(county, [_export(demo_store, tmp_path / "v.xlsx")])
    assert outcome.status == IMPORTED
    warned = {p.column: p.message for p in outcome.problems if p.sheet == "小额信贷" and p.level == WARNING}
    assert set(warned) == {"贷款金额", "期限(月)"}, warned
    assert "超过扶贫小额信贷 50000.00 元的标准" in warned["贷款金额"]
