"""The 台账 screens driven by keys and clicks."""

import datetime as dt

import openpyxl
from PySide6.QtCore import QDate, Qt

from models.domain import Cadre, Project
from models.services import assistance as asv
from models.services import households as svc
from tests.conftest import family, new_household
from tests.ui.conftest import choose, type_text
from ui.ledgers.projects_tab import ProjectDialog


def test_project_with_two_disbursements_and_three_beneficiaries_shows_totals(qtbot, window, store, village, tmp_path):
    [svc.register_household(store, new_household(store, village, f"{i:04d}"), family(10 * i)).id for i in range(1, 5)]
    window.show_section("台账")
    tab = window.ledgers.projects
    dialog = ProjectDialog(store, Project(village_id=village.id, year=2020), tab)
    qtbot.addWidget(dialog)
    w = dialog.form.widgets
    type_text(qtbot, w["name"], "黄牛养殖扶贫项目")
    choose(qtbot, w["category"], "产业扶贫项目")
    w["year"].setText("2020")
    w["fund_special_fen"].setText("80000")
    w["fund_self_fen"].setText("0.1")
    w["start_date"].setText("2020-03-01")
    for i in range(3):  # three beneficiaries ticked
        dialog.households.item(i).setCheckState(Qt.CheckState.Checked)
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.summary.text()
    tab.year.setCurrentIndex(tab.year.findData(2020))
    tab.refresh()
    tab.table.selectRow(0)
    for day, amount in ((QDate(2020, 4, 1), "30000.1"), (QDate(2020, 6, 1), "20000.2")):
        tab.pay_date.setDate(day)
        tab.pay_amount.setText(amount)
        qtbot.mouseClick(tab.pay_button, Qt.MouseButton.LeftButton)
        assert tab.error.text() == ""
    assert tab.payments.rowCount() == 2
    row = [tab.table.item(0, c).text() for c in range(tab.table.columnCount())]
    assert row[0] == "黄牛养殖扶贫项目" and row[3] == "80000.10" and row[9] == "50000.30" and row[10] == "3"
    assert "已拨付 50000.30 元" in tab.totals.text() and "财政专项扶贫资金 80000.00" in tab.totals.text()
    # a payment before the project started is refused, nothing is written
    tab.pay_date.setDate(QDate(2020, 2, 1))
    tab.pay_amount.setText("10")
    qtbot.mouseClick(tab.pay_button, Qt.MouseButton.LeftButton)
    assert "早于项目开工日期" in tab.error.text() and tab.payments.rowCount() == 2
    tab.pay_date.setDate(QDate(2020, 7, 1))
    tab.pay_amount.setText("abc")
    qtbot.mouseClick(tab.pay_button, Qt.MouseButton.LeftButton)
    assert "不是有效的金额" in tab.error.text()
    # export as shown: amounts as numbers
    path = tmp_path / "项目.xlsx"
    tab.notice.setText(tab.export(str(path)))
    ws = openpyxl.load_workbook(path).active
    assert ws.cell(2, 1).value == "黄牛养殖扶贫项目" and float(ws.cell(2, 10).value) == 50000.3


def test_attendance_shortfall_and_overdue_problems_on_screen(qtbot, window, store, village):
    asv.save_cadre(store, Cadre(village_id=village.id, name="王书记", roles="first_secretary", on_team=1))
    window.show_section("台账")
    screen = window.ledgers
    screen.setCurrentWidget(screen.team)
    tab = screen.team
    tab.set_village(village.id)
    tab.year.setValue(2020)
    tab.month.setValue(5)
    tab.day.setDate(QDate(2020, 5, 4))
    qtbot.mouseClick(tab.attend_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(tab.attend_button, Qt.MouseButton.LeftButton)  # the same day again
    assert "已经登记过" in tab.error.text()
    assert [tab.table.item(0, c).text() for c in range(5)] == ["5", "王书记", "1", "20", "19"]
    screen.setCurrentWidget(screen.inspections)
    ins = screen.inspections
    ins.set_village(village.id)
    ins.day.setDate(QDate(2020, 6, 1))
    type_text(qtbot, ins.problem, "档案不全")
    ins.deadline.setDate(QDate(2020, 5, 1))  # before the inspection
    qtbot.mouseClick(ins.add_button, Qt.MouseButton.LeftButton)
    assert "早于检查日期" in ins.error.text()
    ins.deadline.setDate(QDate(2020, 7, 1))
    qtbot.mouseClick(ins.add_button, Qt.MouseButton.LeftButton)
    ins.year.setCurrentIndex(0)
    assert ins.table.rowCount() == 1 and ins.table.item(0, 7).text() == "逾期"
    assert "逾期未整改 1 个" in window.header.counts.text()  # the header follows by itself
    ins.table.selectRow(0)
    qtbot.mouseClick(ins.complete_button, Qt.MouseButton.LeftButton)
    assert ins.table.item(0, 7).text() == "已整改"
    assert dt.date.today().isoformat() in ins.table.item(0, 8).text()
    assert "逾期未整改" not in window.header.counts.text()
    qtbot.mouseClick(ins.complete_button, Qt.MouseButton.LeftButton)  # already done: its date is kept
    assert "不再改动" in ins.error.text()


def test_benefits_show_on_the_household_and_fill_transfer_income(qtbot, window, store, village):
    from models.domain import Benefit
    from models.services.ledgers import add_benefit

    hid = svc.register_household(store, new_household(store, village), family()).id
    add_benefit(
        store, Benefit(household_id=hid, programme="dibao", benefit_date="2020-03-01", amount_fen=240_050), village.id
    )
    window.households.set_village(village.id)
    form = window.households.open_household(hid)
    assert form.assistance.benefits.item(0, 1).text() == "低保"
    form.tabs.setCurrentIndex(3)
    form.income.picker.new_year.setValue(2020)
    qtbot.mouseClick(form.income.picker.add_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(form.income.propose_button, Qt.MouseButton.LeftButton)
    assert form.income.edits["dibao_fen"].text() == "2400.50" and store.households.income(hid, 2020) is None
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)  # the clerk confirms by saving
    assert store.households.income(hid, 2020).dibao_fen == 240_050


def test_ledger_exports_carry_their_totals(qtbot, demo_window, tmp_path):
    demo_window.show_section("台账")
    tab = demo_window.ledgers.projects
    tab.year.setCurrentIndex(tab.year.findData(2020))
    path = tmp_path / "p.xlsx"
    assert "已导出" in tab.export(str(path))
    ws = openpyxl.load_workbook(path).active
    values = [row[0] for row in ws.iter_rows(values_only=True)]
    assert "合计" in values and "2020 年" in values
    total_row = next(r for r in ws.iter_rows(values_only=True) if r[0] == "合计")
    assert float(total_row[3]) == sum(
        float(r[3]) for r in ws.iter_rows(min_row=2, values_only=True) if r[0] not in (None, "合计", "2020 年")
    )
