"""The assistance screens driven by clicks and keys."""

import openpyxl
from PySide6.QtCore import QDate, Qt

from models.domain import Cadre, Measure, Plan
from models.services import assistance as asv
from models.services import households as svc
from tests.conftest import family, new_household, passing_year
from tests.ui.conftest import choose, type_text
from ui.tables import key_of


def _setup(store, village):
    hids = [
        svc.register_household(store, new_household(store, village, f"{i:04d}"), family(10 * i)).id for i in range(1, 5)
    ]
    li = asv.save_cadre(store, Cadre(village_id=village.id, name="李干部", roles="pair_cadre", unit="县林业局")).id
    zhao = asv.save_cadre(store, Cadre(village_id=village.id, name="赵干部", roles="pair_cadre", unit="县水务局")).id
    return hids, li, zhao


def _select_rows(table, hids):
    table.clearSelection()
    for row in range(table.rowCount()):
        if key_of(table, row) in hids:
            table.selectRow(row) if not table.selectedIndexes() else None
    from PySide6.QtCore import QItemSelectionModel

    model = table.selectionModel()
    for row in range(table.rowCount()):
        if key_of(table, row) in hids:
            model.select(
                table.model().index(row, 0),
                QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
            )


def test_pair_three_households_reassign_one_and_see_history(qtbot, window, store, village):
    hids, li, zhao = _setup(store, village)
    window.show_section("帮扶")
    screen = window.assistance
    screen.set_village(village.id)
    screen.setCurrentWidget(screen.pairing)
    tab = screen.pairing
    qtbot.mouseClick(tab.only_unpaired, Qt.MouseButton.LeftButton)
    assert tab.households.rowCount() == 4
    _select_rows(tab.households, hids[:3])
    choose(qtbot, tab.cadre, tab.cadre.itemText(tab.cadre.findData(li)))
    tab.start.setDate(QDate(2019, 3, 1))
    qtbot.mouseClick(tab.pair_button, Qt.MouseButton.LeftButton)
    assert tab.notice.text() == "已结对 3 户。", tab.error.text()
    assert tab.cadre.currentData() == li  # the next batch would go to the same cadre
    assert tab.households.rowCount() == 1  # only the fourth is still without a helper
    qtbot.mouseClick(tab.only_unpaired, Qt.MouseButton.LeftButton)
    # reassign the first household to 赵干部
    _select_rows(tab.households, hids[:1])
    tab.households.setCurrentCell(0, 0)
    choose(qtbot, tab.cadre, tab.cadre.itemText(tab.cadre.findData(zhao)))
    tab.start.setDate(QDate(2020, 6, 1))
    qtbot.mouseClick(tab.pair_button, Qt.MouseButton.LeftButton)
    assert tab.notice.text() == "已结对 1 户。"
    tab.households.setCurrentCell(0, 0)
    history = [[tab.history.item(r, c).text() for c in (0, 2, 3)] for r in range(tab.history.rowCount())]
    assert history == [["李干部", "2019-03-01", "2020-05-31"], ["赵干部", "2020-06-01", "至今"]]
    # the register's 帮扶责任人 column and the team's loads follow
    window.households.set_village(village.id)
    helpers = {window.households.model.index(r, 7).data() for r in range(4)}
    assert helpers == {"赵干部", "李干部", ""}
    team = screen.team
    team.refresh()
    loads = {team.table.item(r, 0).text(): team.table.item(r, 6).text() for r in range(team.table.rowCount())}
    assert loads == {"李干部": "2", "赵干部": "1"}
    assert "第一书记" in team.missing.text()
    # an overlapping pairing is refused and nothing changes
    _select_rows(tab.households, hids[:1])
    choose(qtbot, tab.cadre, tab.cadre.itemText(tab.cadre.findData(li)))
    tab.start.setDate(QDate(2020, 1, 1))
    qtbot.mouseClick(tab.pair_button, Qt.MouseButton.LeftButton)
    assert "重叠" in tab.error.text() and len(store.assistance.pairings(hids[0])) == 2


def test_visit_before_pairing_is_refused_on_screen(qtbot, window, store, village):
    hids, li, _ = _setup(store, village)
    asv.pair(store, li, hids[:1], "2020-03-01")
    window.show_section("帮扶")
    window.assistance.setCurrentWidget(window.assistance.visits)
    tab = window.assistance.visits
    window.assistance.set_village(village.id)
    tab.household.setCurrentIndex(tab.household.findData(hids[0]))
    tab.cadre.setCurrentIndex(tab.cadre.findData(li))
    tab.date.setDate(QDate(2020, 2, 1))
    type_text(qtbot, tab.found, "住房漏雨")
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    assert "早于该干部与本户结对的开始日期" in tab.error.text() and tab.found.text() == "住房漏雨"
    tab.date.setDate(QDate(2020, 4, 1))
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    assert tab.error.text() == "" and tab.table.rowCount() == 1


def test_plan_screen_suggests_refuses_negative_funds_and_flags_overdue(qtbot, window, store, village):
    hids, _, _ = _setup(store, village)
    window.show_section("一户一策")
    screen = window.plans
    screen.set_village(village.id)
    screen.show_household(hids[0], 2019)
    qtbot.mouseClick(screen.suggest_button, Qt.MouseButton.LeftButton)
    assert screen.table.rowCount() >= 1  # 因病 -> 健康扶贫
    assert screen.table.cellWidget(0, 0).key() == "health"
    screen.table.item(0, 4).setText("-200")
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    assert "第 1 条措施 · 资金(元)" in screen.error.text() and "负数" in screen.error.text()
    assert store.assistance.plan(hids[0], 2019) is None
    screen.table.item(0, 4).setText("1200")
    screen.table.item(0, 6).setText("2019-06-30")  # deadline passed, still 计划
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    assert store.assistance.plan(hids[0], 2019) is not None, screen.error.text()
    assert "逾期未完成 1 条" in screen.state.text()
    screen.year.setValue(2020)
    qtbot.mouseClick(screen.copy_button, Qt.MouseButton.LeftButton)
    assert screen.table.rowCount() == 1 and screen.table.item(0, 4).text() == "1200.00"


def test_exit_check_screen_filters_failures_and_exports(qtbot, window, store, village, tmp_path):
    hids, _, _ = _setup(store, village)
    window.show_section("统计")
    screen = window.exit_check
    screen.set_village(village.id)
    screen.year.setValue(2020)
    qtbot.mouseClick(screen.run_button, Qt.MouseButton.LeftButton)
    assert "扶贫标准" in screen.error.text()  # no line for 2020 yet
    for hid in hids[:2]:
        passing_year(store, village, hid, 2020)
    qtbot.mouseClick(screen.run_button, Qt.MouseButton.LeftButton)
    assert screen.table.rowCount() == 4 and "达标 2 户" in screen.summary.text()
    qtbot.mouseClick(screen.only_failed, Qt.MouseButton.LeftButton)
    assert screen.table.rowCount() == 2
    assert screen.table.item(0, 3).toolTip() == "未填写该年收入"
    path = tmp_path / "核查.xlsx"
    assert screen.export_to(str(path)) == 2
    ws = openpyxl.load_workbook(path).active
    assert ws.cell(1, 4).value == "人均纯收入" and ws.cell(2, 4).value == "？ 未填写该年收入"
    assert ws.cell(2, ws.max_column).value.startswith("未填写：人均纯收入")
    assert ws.cell(2, 1).data_type == "s"


def test_household_form_shows_assistance_and_records_procedure_steps(qtbot, window, store, village):
    hids, li, _ = _setup(store, village)
    asv.pair(store, li, hids[:1], "2019-03-01")
    asv.save_plan(store, Plan(household_id=hids[0], year=2019), [Measure(category="health")])
    window.households.set_village(village.id)
    form = window.households.open_household(hids[0])
    tab = form.assistance
    assert tab.pairings.item(0, 0).text() == "李干部" and "2019 年" in tab.plans.text()
    assert tab.procedure.currentData() == "exit"  # identified and not exited: exit comes next
    assert tab.next_step.text() == "下一步：民主评议"
    tab.step_start.setDate(QDate(2020, 10, 1))
    qtbot.mouseClick(tab.step_button, Qt.MouseButton.LeftButton)
    assert tab.steps.rowCount() == 1 and tab.next_step.text() == "下一步：村两委和驻村工作队核实"
    tab.step_start.setDate(QDate(2020, 9, 1))  # before the last step
    qtbot.mouseClick(tab.step_button, Qt.MouseButton.LeftButton)
    assert "早于" in tab.error.text() and tab.steps.rowCount() == 1


def test_plan_screen_offers_to_save_before_switching_and_lists_the_village(qtbot, window, store, village, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    hids, _, _ = _setup(store, village)
    window.show_section("一户一策")
    screen = window.plans
    screen.show_household(hids[0], 2020)
    assert screen.overview.rowCount() == 4 and screen.overview.item(0, 3).text() == "无计划"
    qtbot.mouseClick(screen.add_button, Qt.MouseButton.LeftButton)
    screen.table.item(0, 1).setText("养殖黄牛")
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a) or QMessageBox.StandardButton.Save)
    screen.household.setCurrentIndex(screen.household.findData(hids[1]))
    assert asked and store.assistance.plan(hids[0], 2020) is not None  # saved, not lost
    assert [m.content for m in store.assistance.measures(store.assistance.plan(hids[0], 2020).id)] == ["养殖黄牛"]
    assert screen.overview.item(0, 3).text() == "1"


def test_settings_refuse_an_unusable_font_and_keep_the_hotline(qtbot, window, store, tmp_path):
    from ui.settings_dialogs import ConfigDialog

    bad = tmp_path / "bad.ttf"
    bad.write_text("not a font")
    dialog = ConfigDialog(store, window)
    qtbot.addWidget(dialog)
    dialog.local_hotline.setText("0859-1234567")
    dialog.pdf_font.setText(str(bad))
    dialog.save()
    assert "不能用于 PDF" in dialog.error.text() and store.config().local_hotline == ""
    dialog.pdf_font.setText("")
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted and store.config().local_hotline == "0859-1234567"


def test_a_printed_notice_is_the_rounds_notice_step(qtbot, window, store, village, tmp_path):
    """Printing the 退出公示 for the board records it as the 公示 step of each round on it: the
    form then asks for the announcement, after the notice has run."""
    from printing.fonts import find_font
    from printing.notices import render_notice

    hids, _, _ = _setup(store, village)
    for i, step in enumerate(("review", "verify", "consent")):
        asv.add_step(
            store,
            __import__("models.domain", fromlist=["ProcedureStep"]).ProcedureStep(
                household_id=hids[0], procedure="exit", step=step, start_date=f"2020-10-0{i + 1}"
            ),
        )
    render_notice(
        store, village.id, "exit", 2020, tmp_path / "n.pdf", find_font(), start="2020-10-05", end="2020-10-11"
    )
    window.households.set_village(village.id)
    form = window.households.open_household(hids[0])
    tab = form.assistance
    steps = store.assistance.steps(hids[0])
    assert (steps[-1].step, steps[-1].start_date, steps[-1].end_date) == ("notice", "2020-10-05", "2020-10-11")
    assert tab.next_step.text() == "下一步：公告退出"
    tab.step_start.setDate(QDate(2020, 10, 11))
    qtbot.mouseClick(tab.step_button, Qt.MouseButton.LeftButton)
    assert "公示期" in tab.error.text() and store.assistance.steps(hids[0])[-1].step == "notice"


def test_the_exit_check_screen_shows_an_override_with_its_reason(qtbot, window, store, village):
    from tests.conftest import exit_procedure

    hids, _, _ = _setup(store, village)
    store.writer.update("households", hids[0], {"dangerous_house": "c"})
    passing_year(store, village, hids[0], 2020)  # 2020 starts from the household's facts: a C house
    exit_procedure(store, hids[0], "2020-11-01")
    svc.change_status(
        store, hids[0], "exit", "2020-12-01", 2020, "", override_reason="危房已列入改造计划，经乡镇复核同意"
    )
    window.show_section("统计")
    screen = window.exit_check
    screen.set_village(village.id)
    screen.year.setValue(2020)
    qtbot.mouseClick(screen.run_button, Qt.MouseButton.LeftButton)
    verdicts = [screen.table.item(r, screen.table.columnCount() - 1).text() for r in range(screen.table.rowCount())]
    [shown] = [v for v in verdicts if "例外标注" in v]
    assert "危房已列入改造计划" in shown and "未达标：住房安全有保障" in shown
    assert "例外标注 1 户" in screen.summary.text()


def test_a_years_member_facts_are_changed_on_that_years_tab_only(qtbot, window, store, village):
    """年度动态调整: 2020's insurance set to 否 on the 两不愁三保障 tab changes 2020 and later, and
    leaves 2019 as it was."""
    hids, _, _ = _setup(store, village)
    hid = hids[0]
    passing_year(store, village, hid, 2019)
    passing_year(store, village, hid, 2020)
    window.households.set_village(village.id)
    form = window.households.open_household(hid)
    tab = form.assurance
    form.tabs.setCurrentWidget(tab)
    tab.picker.combo.setCurrentIndex(tab.picker.combo.findData(2020))
    table = tab.member_years
    assert table.rowCount() == 4 and table.item(1, 0).text() == store.households.members(hid)[1].name
    insured = table.cellWidget(1, 3)
    insured.setCurrentIndex(2)  # 否
    insured.activated.emit(2)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.summary.text() == "" or "已保存" in form.summary.text(), form.summary.text()
    member = store.households.members(hid)[1]
    assert store.households.member_facts(hid, 2020)[member.id].medical_insurance == 0
    assert store.households.member_facts(hid, 2019)[member.id].medical_insurance == 1
    [check2019] = asv.run_exit_check(store, 2019, household_ids=[hid])
    [check2020] = asv.run_exit_check(store, 2020, household_ids=[hid])
    assert check2019.passed and check2020.failed == ["medical"]


def test_a_microcredit_loan_is_recorded_warned_beyond_policy_and_overdue_shown_in_red(qtbot, window, store, village):
    from PySide6.QtWidgets import QApplication

    from ui.households.loan_dialog import LoanDialog

    hids, _, _ = _setup(store, village)
    dialog = LoanDialog(store, hids[0], window)
    qtbot.addWidget(dialog)
    w = dialog.form.widgets
    qtbot.keyClicks(w["amount_fen"], "1000000")  # 100万: far beyond 5万元
    qtbot.keyClicks(w["loan_date"], "2019-03-01")
    qtbot.keyClicks(w["due_date"], "2020-02-28")
    qtbot.keyClicks(w["term_months"], "12")
    assert not dialog.save()  # no bank
    assert dialog.errors.labels[("loans", "bank")].text(), dialog.summary.text()
    w["bank"].insert("县农村信用社")
    assert dialog.save()
    [loan] = store.ledgers.loans(hids[0])
    assert loan.amount_fen == 100_000_000 and loan.status == "current"
    assert "超过扶贫小额信贷 50000.00 元的标准" in dialog.summary.text()
    window.households.set_village(village.id)
    form = window.households.open_household(hids[0])
    table = form.assistance.loans
    from ui.tables import WARN

    assert table.rowCount() == 1 and table.item(0, 0).background().color() == WARN.color()  # 逾期: red
    assert store.ledgers.overdue_loans(village.id, "2026-12-01") == 1  # past due, not repaid
    window.header._refresh_counts()
    QApplication.processEvents()
    assert "小额信贷逾期 1 笔" in window.header.counts.text()


def test_a_past_years_agricultural_population_is_set_on_the_village_screen(qtbot, window, store, village):
    window.show_section("村情")
    screen = window.village_screen
    screen.set_village(village.id)
    years = screen.years
    years.year.setValue(2019)
    years.agri.clear()
    qtbot.keyClicks(years.agri, "abc")
    qtbot.mouseClick(years.save_button, Qt.MouseButton.LeftButton)
    assert "该年农业人口" in years.error.text() and store.villages.years(village.id) == []
    years.agri.clear()
    qtbot.keyClicks(years.agri, "1200")
    qtbot.mouseClick(years.save_button, Qt.MouseButton.LeftButton)
    assert years.error.text() == "" and "2019 年人口已保存" in screen.notice.text()
    assert asv.village_exit_summary(store, village.id, 2019).agri_population == 1200
    assert asv.village_exit_summary(store, village.id, 2018).agri_population is None
    assert years.table.rowCount() == 1


def test_a_countys_poverty_line_dialog_shows_each_villages_line_beside_its_own(qtbot, demo_store, tmp_path):
    """In a county's folder the 扶贫标准 dialog lists the lines the villages' packages carried;
    a line the county then sets shows beside them."""
    import datetime as dt

    from models.exchange.package import export_village
    from models.exchange.package_import import IMPORTED, import_packages
    from models.store import Store
    from ui.settings_dialogs import PovertyLineDialog

    package = tmp_path / "v.xlsx"
    export_village(demo_store, demo_store.villages.all()[0].id, package, now=dt.datetime(2020, 6, 1))
    county = Store.open(tmp_path / "county", actor="县扶贫办")
    try:
        assert import_packages(county, [package])[0].status == IMPORTED
        dialog = PovertyLineDialog(county, "贵州省")
        qtbot.addWidget(dialog)
        reported = dialog.reported_lines
        carried = len(demo_store.assistance.poverty_lines())
        assert reported.rowCount() == carried and dialog.table.rowCount() == 0
        assert reported.item(0, 5).text() == "无"
        dialog.year.setValue(2019)
        dialog.province.setText("贵州省")
        dialog.amount.setText("3747")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        assert dialog.table.rowCount() == 1
        row = next(r for r in range(reported.rowCount()) if reported.item(r, 2).text() == "2019")
        assert reported.item(row, 5).text() == "3747.00"
    finally:
        county.close()
