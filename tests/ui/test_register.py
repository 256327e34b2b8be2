"""The register screens driven like a clerk would: keys and clicks on the real widgets."""

import openpyxl
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from models import idnumber
from models.services import households as svc
from tests.conftest import exit_procedure, family, new_household, passing_year
from tests.ui.conftest import choose, type_cell, type_text
from ui.households.form import HouseholdForm
from ui.households.members_model import COLUMNS

COL = {name: i for i, name in enumerate(COLUMNS)}


def visible_form(screen) -> HouseholdForm:
    [form] = [f for f in screen.findChildren(HouseholdForm) if f.isVisible()]
    return form


def _enter_family(qtbot, form):
    people = family()
    view = form.member_view
    for row, m in enumerate(people):
        if row > 0:
            qtbot.mouseClick(form.add_member_button, Qt.MouseButton.LeftButton)
        type_cell(qtbot, view, row, COL["name"], m.name)
        type_cell(qtbot, view, row, COL["id_number"], m.id_number)
        if row > 0:
            type_cell(
                qtbot, view, row, COL["relation"], {"spouse": "配偶", "son": "之子", "daughter": "之女"}[m.relation]
            )
    return people


def _backfill(qtbot, form, year: str, reason: str = "2016 年已识别，据纸质档案录入") -> None:
    """Enter a household identified earlier (补录): the box, its reason and the 识别年度."""
    qtbot.mouseClick(form.backfill, Qt.MouseButton.LeftButton, pos=QPoint(5, form.backfill.height() // 2))
    assert form.backfill.isChecked() and form.backfill_reason.isEnabled()
    form.backfill_reason.insert(reason)  # as typed through an input method (QTest types Latin-1 only)
    form.basic.widgets["identified_year"].clear()
    qtbot.keyClicks(form.basic.widgets["identified_year"], year)


def _new_form(qtbot, window):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # 新建户
    form = visible_form(window.households)
    qtbot.waitExposed(form)
    return form


def test_type_a_new_household_of_four_find_it_and_change_a_relation(qtbot, window, store, village):
    form = _new_form(qtbot, window)
    basic = form.basic.widgets
    qtbot.keyClicks(basic["phone"], "13912345678")
    _backfill(qtbot, form, "2016")
    choose(qtbot, basic["main_cause"], "因病")
    choose(qtbot, basic["group_id"], "二组")
    qtbot.keyClicks(form.conditions.widgets["farmland_mu"], "2.5")
    form.tabs.setCurrentIndex(1)
    people = _enter_family(qtbot, form)
    # birth date and sex came from the ID numbers
    assert form.members.members[2].birth_date == "2001-01-30" and form.members.members[3].sex == "2"
    qtbot.keyClick(form, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert form.household_id is not None, form.summary.text()
    saved = store.households.file(form.household_id)
    assert [m.name for m in saved.current_members] == [p.name for p in people]
    assert saved.head.name == "张三" and saved.household.status == "not_exited"
    assert saved.household.phone == "13912345678" and saved.household.farmland_mu == 2.5
    assert store.villages.groups(village.id)[1].id == saved.household.group_id
    form.close()

    # find it by pinyin initials, and by full pinyin
    screen = window.households
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert screen.search.hasFocus()
    qtbot.keyClicks(screen.search, "zxm")
    qtbot.waitUntil(lambda: screen.count.text() == "共 1 户")
    assert screen.model.household_id(0) == saved.household.id
    screen.search.clear()
    qtbot.keyClicks(screen.search, "zhangxiaohong")
    qtbot.waitUntil(lambda: screen.count.text() == "共 1 户")

    # open it, change the son's relation, save, and see it in 变更记录
    screen.table.setCurrentIndex(screen.model.index(0, 0))
    qtbot.mouseClick(screen.open_button, Qt.MouseButton.LeftButton)
    form = visible_form(screen)
    type_cell(qtbot, form.member_view, 2, COL["relation"], "其他")
    assert form.is_dirty()
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert not form.is_dirty(), form.summary.text()
    assert store.households.members(saved.household.id)[2].relation == "other"
    form.tabs.setCurrentIndex(5)
    rows = [[form.history.table.item(r, c).text() for c in range(5)] for r in range(form.history.table.rowCount())]
    change = next(r for r in rows if r[3] == "修改" and "张小明" in r[2])
    assert "与户主关系：之子 → 其他" in change[4] and change[1] == "测试员"
    form.close()


def test_bad_id_number_is_refused_next_to_its_field_and_nothing_is_lost(qtbot, window, store):
    form = _new_form(qtbot, window)
    choose(qtbot, form.basic.widgets["main_cause"], "缺技术")
    _backfill(qtbot, form, "2015")
    people = family()
    type_cell(qtbot, form.member_view, 0, COL["name"], people[0].name)
    bad = people[0].id_number[:17] + ("1" if people[0].id_number[17] != "1" else "2")
    type_cell(qtbot, form.member_view, 0, COL["id_number"], bad)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.household_id is None
    index = form.members.index(0, COL["id_number"])
    tip = index.data(Qt.ItemDataRole.ToolTipRole)
    assert "校验位不正确" in tip
    assert index.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert "第 1 名成员 · 证件号码" in form.member_errors.text()
    assert form.tabs.currentIndex() == 1
    assert index.data() == bad and form.members.members[0].name == people[0].name  # nothing typed is lost
    assert store.db.execute("SELECT count(*) FROM households").fetchone()[0] == 0


@pytest.mark.parametrize(
    "field, text, message",
    [
        ("farmland_mu", "-3", "不能为负数"),
        ("identified_year", "二〇一六", "年度"),
    ],
)
def test_bad_household_fields_are_refused_next_to_them(qtbot, window, store, field, text, message):
    form = _new_form(qtbot, window)
    choose(qtbot, form.basic.widgets["main_cause"], "因学")
    for tab in (form.basic, form.conditions):
        if field in tab.widgets:
            tab.widgets[field].clear()
            type_text(qtbot, tab.widgets[field], text)
    _enter_family(qtbot, form)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.household_id is None
    label = form.errors.labels[("households", field)]
    assert label.isVisible() and message in label.text()
    widgets = {**form.basic.widgets, **form.conditions.widgets}
    assert widgets[field].text() == text


def test_impossible_birth_date_negative_income_and_no_head(qtbot, window, store):
    form = _new_form(qtbot, window)
    choose(qtbot, form.basic.widgets["main_cause"], "因病")
    _backfill(qtbot, form, "2015")
    people = _enter_family(qtbot, form)
    type_cell(qtbot, form.member_view, 0, COL["relation"], "配偶")  # now nobody is head
    type_cell(qtbot, form.member_view, 3, COL["id_type"], "其他证件")
    type_cell(qtbot, form.member_view, 3, COL["birth_date"], "2010-02-30")
    form.tabs.setCurrentIndex(3)
    form.income.picker.new_year.setValue(2019)
    qtbot.mouseClick(form.income.picker.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(form.income.edits["wage_fen"], "12000")
    qtbot.keyClicks(form.income.edits["business_cost_fen"], "-50")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.household_id is None
    assert "不能为负数" in form.income.errors["business_cost_fen"].text()
    assert form.income.edits["business_cost_fen"].text() == "-50"
    form.income.edits["business_cost_fen"].clear()
    qtbot.keyClicks(form.income.edits["business_cost_fen"], "500")
    assert "纯收入 11500.00 元" in form.income.totals.text() and "人均纯收入 2875.00 元" in form.income.totals.text()
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    text = form.member_errors.text()
    assert "有且只有一名户主" in text and "第 4 名成员 · 出生日期" in text
    type_cell(qtbot, form.member_view, 3, COL["birth_date"], "2010-11-02")
    form.member_view.setCurrentIndex(form.members.index(0, 0))
    qtbot.mouseClick(form.head_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.household_id is not None, form.summary.text()
    income = store.households.income(form.household_id, 2019)
    assert (income.wage_fen, income.business_cost_fen) == (1_200_000, 50_000)
    assert people[0].name == store.households.file(form.household_id).head.name
    form.close()


def test_closing_with_unsaved_changes_asks_first(qtbot, window, monkeypatch):
    form = _new_form(qtbot, window)
    type_text(qtbot, form.basic.widgets["address"], "坡脚")
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a) or QMessageBox.StandardButton.Cancel)
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    assert asked and form.isVisible() and form.basic.widgets["address"].text() == "坡脚"
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    form.close()
    assert not form.isVisible()


def test_list_filters_sorting_and_export(qtbot, demo_window, demo_store, tmp_path):
    screen = demo_window.households
    total = demo_store.db.execute("SELECT count(*) FROM households").fetchone()[0]
    assert screen.count.text() == f"共 {total} 户"
    choose(qtbot, screen.status, "已脱贫")
    exited = demo_store.db.execute("SELECT count(*) FROM households WHERE status = 'exited'").fetchone()[0]
    assert screen.count.text() == f"共 {exited} 户"
    assert {screen.model.index(r, 6).data() for r in range(screen.model.rowCount())} == {"已脱贫"}
    screen.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)  # 人口, largest first
    sizes = [screen.model.index(r, 3).data() for r in range(screen.model.rowCount())]
    assert sizes == sorted(sizes, reverse=True)
    head = demo_store.households.file(screen.model.household_id(0)).head
    fragment = head.id_number[-6:]
    qtbot.mouseClick(screen.clear_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(screen.search, fragment)
    qtbot.waitUntil(
        lambda: screen.model.household_id(0) == head.household_id and screen.count.text() != f"共 {total} 户"
    )
    path = tmp_path / "名单.xlsx"
    count = screen.export_to(str(path))
    assert count == screen.model.rowCount() and "已导出" in screen.notice.text()
    ws = openpyxl.load_workbook(path).active
    header = [c.value for c in ws[1]]
    assert header[:3] == ["户编号", "户主", "村民小组"]
    row = [c.value for c in ws[2]]
    id_cell = ws.cell(row=2, column=header.index("户主证件号码") + 1)
    assert id_cell.data_type == "s" and id_cell.value == idnumber.mask(head.id_number)  # masked unless asked
    assert row[header.index("户主")] == head.name and row[header.index("人口")] == screen.model.index(0, 3).data()
    # an output path that cannot be written is reported, not raised
    assert screen.export_to(str(tmp_path / "missing" / "x.xlsx")) is None and "导出失败" in screen.notice.text()


def test_status_and_member_changes_are_events_from_the_form(qtbot, window, store, village):
    hid = svc.register_household(store, new_household(store, village), family()).id
    passing_year(store, village, hid, 2019)
    window.households.set_village(village.id)
    form = window.households.open_household(hid)
    assert form.status_buttons["exit"].isEnabled() and not form.status_buttons["return"].isEnabled()
    from ui.households.event_dialogs import MemberChangeDialog, StatusDialog

    dialog = StatusDialog(store, hid, "exit", form)
    dialog.year.setValue(2019)
    type_text(qtbot, dialog.reason, "两不愁三保障达标，收入稳定")
    dialog._on_ok()  # the exit procedure has not been gone through
    assert "退出程序还没有完成" in dialog.error.text() and store.households.get(hid).status == "not_exited"
    exit_procedure(store, hid, "2019-11-01")
    dialog._on_ok()
    assert store.households.get(hid).status == "exited", dialog.error.text()
    dialog = MemberChangeDialog(store, hid, form)
    choose(qtbot, dialog.kind, "死亡")
    choose(qtbot, dialog.member, "张三（户主）")
    assert dialog.new_head.isVisibleTo(dialog)
    dialog.new_head.setCurrentIndex(dialog.new_head.findText("李四妹"))
    dialog._on_ok()
    f = store.households.file(hid)
    assert f.head.name == "李四妹" and [e.kind for e in f.member_events] == ["death"]
    dialog = MemberChangeDialog(store, hid, form)
    choose(qtbot, dialog.kind, "新生儿")
    type_text(qtbot, dialog.name, "张小宝")
    choose(qtbot, dialog.relation, "之孙子")
    qtbot.keyClicks(dialog.id_number, "110105202405010012")  # wrong check character
    dialog._on_ok()
    assert "校验位不正确" in dialog.error.text() and dialog.name.text() == "张小宝"
    form.close()


def test_village_screen_edits_facts_and_groups(qtbot, window, store, village):
    window.show_section("村情")
    screen = window.village_screen
    qtbot.mouseClick(screen.groups.add_button, Qt.MouseButton.LeftButton)
    screen.groups.list.currentItem().setText("三组")
    screen.form.widgets["households_total"].setText("-5")
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    assert "不能为负数" in screen.errors.labels[("villages", "households_total")].text()
    screen.form.widgets["households_total"].setText("412")
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    assert screen.notice.text() == "村情已保存。"
    assert store.villages.get(village.id).households_total == 412
    assert [g.name for g in store.villages.groups(village.id)] == ["一组", "二组", "三组"]
    assert window.households.group.findText("三组") >= 0  # the list's filter follows


def test_basic_fields_are_reached_in_order_with_tab(qtbot, window):
    form = _new_form(qtbot, window)
    names = [f.name for f in form.basic.specs]
    widgets = form.basic.widgets
    form.activateWindow()
    qtbot.waitUntil(form.isActiveWindow)
    widgets[names[0]].setFocus()
    seen = [names[0]]
    for _ in names[1:]:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        focused = QApplication.focusWidget()
        seen.append(next((n for n, w in widgets.items() if w is focused), repr(focused)))
    assert seen == names


def test_first_start_creates_the_village(qtbot, store):
    from ui.first_start import FirstStartDialog

    dialog = FirstStartDialog(store)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.edits["code"], "45012310120")  # 11 digits
    type_text(qtbot, dialog.edits["name"], "新村")
    for name in ("一组", "二组", "三组"):
        type_text(qtbot, dialog.groups, name)
        qtbot.keyClick(dialog.groups, Qt.Key.Key_Return)
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert "12位数字" in dialog.error.text() and store.villages.count() == 0
    qtbot.keyClicks(dialog.edits["code"], "1")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.error.text()
    [village] = store.villages.all()
    assert (village.code, village.name) == ("450123101201", "新村")
    assert [g.name for g in store.villages.groups(village.id)] == ["一组", "二组", "三组"]


def test_yearly_tabs_take_input_only_for_a_chosen_year_and_can_drop_one(qtbot, window, store, village):
    hid = svc.register_household(store, new_household(store, village, farmland_mu=12.345678), family()).id
    svc.save_income(
        store, __import__("models.domain", fromlist=["Income"]).Income(household_id=hid, year=2018, wage_fen=100)
    )
    window.households.set_village(village.id)
    form = window.households.open_household(hid)
    assert form.conditions.widgets["farmland_mu"].text() == "12.345678"  # shown as stored, not rounded
    assert not form.assurance.combos["food"].isEnabled()  # nothing can be typed into no year
    form.assurance.picker.new_year.setValue(2019)
    qtbot.mouseClick(form.assurance.picker.add_button, Qt.MouseButton.LeftButton)
    assert form.assurance.combos["food"].isEnabled()
    choose(qtbot, form.assurance.combos["food"], "是")
    form.assurance._on_edit()
    qtbot.mouseClick(form.income.picker.remove_button, Qt.MouseButton.LeftButton)  # drop 2018's income
    assert form.is_dirty()
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert store.households.income(hid, 2018) is None
    assert store.households.assurance(hid, 2019).food == 1
    assert store.households.get(hid).farmland_mu == 12.345678


def test_income_problems_are_worded_with_chinese_labels(qtbot, window):
    form = _new_form(qtbot, window)
    form.income.picker.new_year.setValue(2019)
    qtbot.mouseClick(form.income.picker.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(form.income.edits["wage_fen"], "1.234")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert "2019年 工资性收入" in form.summary.text() and "_fen" not in form.summary.text()


def test_a_new_applicant_is_saved_unidentified(qtbot, window, store):
    form = _new_form(qtbot, window)
    choose(qtbot, form.basic.widgets["main_cause"], "缺资金")
    _enter_family(qtbot, form)
    form.tabs.setCurrentIndex(0)
    assert not form.backfill.isChecked()  # a new household is an applicant unless said otherwise
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.household_id is not None, form.summary.text()
    saved = store.households.get(form.household_id)
    assert saved.status == "" and saved.identified_year is None
    assert form.status_buttons["identify"].isEnabled() and "未识别" in form.status_label.text()


def test_a_new_household_with_a_year_is_not_identified_without_an_explicit_backfill(qtbot, window, store):
    """识别年度 typed, 补录 not chosen: refused at the year; 补录 without a reason: refused at the
    reason; with both, identified in that year and the event keeps the reason."""
    form = _new_form(qtbot, window)
    choose(qtbot, form.basic.widgets["main_cause"], "缺资金")
    qtbot.keyClicks(form.basic.widgets["identified_year"], "2026")
    _enter_family(qtbot, form)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.household_id is None
    assert "补录" in form.errors.labels[("households", "identified_year")].text()
    form.tabs.setCurrentIndex(0)
    qtbot.mouseClick(form.backfill, Qt.MouseButton.LeftButton, pos=QPoint(5, form.backfill.height() // 2))
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.household_id is None
    assert form.errors.labels[("status_events", "reason")].isVisible(), form.summary.text()
    form.backfill_reason.insert("2016 年已识别，据纸质档案录入")
    form.basic.widgets["identified_year"].clear()
    qtbot.keyClicks(form.basic.widgets["identified_year"], "2016")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.household_id is not None, form.summary.text()
    [event] = store.households.file(form.household_id).status_events
    assert (event.kind, event.year, event.reason) == ("identify", 2016, "补录：2016 年已识别，据纸质档案录入")


def _paste(qtbot, widget, text: str) -> None:
    """Paste as a clerk does from Word or a web page: the clipboard, then Ctrl+V."""
    QApplication.clipboard().setText(text)
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)


def test_a_pasted_control_character_is_named_taken_out_and_nothing_else_is_lost(qtbot, window, store):
    """A Word line break (\\x0b) pasted into the address: the save is refused next to the field,
    the invisible character is taken out of the box, and the next save goes through."""
    form = _new_form(qtbot, window)
    choose(qtbot, form.basic.widgets["main_cause"], "因病")
    _backfill(qtbot, form, "2016")
    address = form.basic.widgets["address"]
    _paste(qtbot, address, "一组\x0b3号")
    assert address.text() == "一组\x0b3号"  # the box took it as pasted
    people = _enter_family(qtbot, form)
    qtbot.keyClick(form, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert form.household_id is None
    label = form.errors.labels[("households", "address")]
    assert label.isVisible()
    assert "控制字符" in label.text() and "已从输入框中去掉这些字符" in label.text(), label.text()
    assert address.text() == "一组3号"
    assert [m.name for m in form.members.members] == [m.name for m in people]  # the family typed is kept
    assert store.db.execute("SELECT count(*) FROM households").fetchone()[0] == 0
    qtbot.keyClick(form, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert form.household_id is not None, form.summary.text()
    assert store.households.get(form.household_id).address == "一组3号"


def test_a_control_character_in_a_member_name_is_refused_with_the_member_named(qtbot, window, store):
    form = _new_form(qtbot, window)
    choose(qtbot, form.basic.widgets["main_cause"], "因病")
    _backfill(qtbot, form, "2016")
    _enter_family(qtbot, form)
    form.members.setData(form.members.index(1, COL["name"]), "李四\x1b妹")  # as a paste into the cell leaves it
    qtbot.keyClick(form, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert form.household_id is None
    assert "第 2 名成员 · 姓名" in form.member_errors.text() and "控制字符" in form.member_errors.text()
    assert store.db.execute("SELECT count(*) FROM members").fetchone()[0] == 0
