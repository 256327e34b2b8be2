"""A change made on one screen shows on every other screen that shows it, without reopening
anything: services return the tables they wrote, and the screens refresh by them."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from models.domain import Cadre
from models.services import assistance as asv
from models.services import households as svc
from tests.conftest import family, new_household
from tests.ui.conftest import choose, type_text
from ui.assistance.cadre_dialog import CadreDialog
from ui.tables import key_of


def _village_of_two(store, village):
    hids = [svc.register_household(store, new_household(store, village, f"{i:04d}"), family(10 * i)).id for i in (1, 2)]
    li = asv.save_cadre(store, Cadre(village_id=village.id, name="李干部", roles="pair_cadre", unit="县林业局")).id
    asv.pair(store, li, hids, "2020-03-01")
    return hids, li


def _rows(table) -> list[list[str]]:
    return [
        [table.item(r, c).text() if table.item(r, c) else "" for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def test_a_visit_logged_shows_on_the_open_household_form_and_in_the_team_ledger(qtbot, window, store, village):
    hids, li = _village_of_two(store, village)
    window.households.set_village(village.id)
    form = window.households.open_household(hids[0])
    assert form.assistance.visits.rowCount() == 0
    window.show_section("台账")
    window.ledgers.setCurrentWidget(window.ledgers.team)
    window.ledgers.team.year.setValue(2020)
    window.ledgers.team.month.setValue(4)
    assert window.ledgers.team.visits.rowCount() == 0
    window.show_section("帮扶")
    tab = window.assistance.visits
    window.assistance.setCurrentWidget(tab)
    tab.household.setCurrentIndex(tab.household.findData(hids[0]))
    tab.cadre.setCurrentIndex(tab.cadre.findData(li))
    tab.date.setDate(QDate(2020, 4, 2))
    type_text(qtbot, tab.found, "住房漏雨")
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    assert tab.error.text() == ""
    assert any("住房漏雨" in row for row in _rows(form.assistance.visits))
    window.show_section("台账")
    assert any("住房漏雨" in row for row in _rows(window.ledgers.team.visits))


def test_a_benefit_registered_in_the_ledger_shows_on_the_open_household_form(qtbot, window, store, village):
    hids, _li = _village_of_two(store, village)
    window.households.set_village(village.id)
    form = window.households.open_household(hids[1])
    assert form.assistance.benefits.rowCount() == 0
    window.show_section("台账")
    tab = window.ledgers.programmes
    window.ledgers.setCurrentWidget(tab)
    tab.household.setCurrentIndex(tab.household.findData(hids[1]))
    choose(qtbot, tab.programme, "低保")
    tab.day.setDate(QDate(2020, 5, 1))
    type_text(qtbot, tab.amount, "300")
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    assert tab.error.text() == "", tab.error.text()
    assert [row[1] for row in _rows(form.assistance.benefits)] == ["低保"]


def _answer_dialog(qtbot, fill) -> None:
    """Fill and save the modal dialog that the next click opens (it runs its own event loop)."""

    def act():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, act)
            return
        fill(dialog)
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()

    QTimer.singleShot(20, act)


def test_a_cadre_renamed_in_the_dialog_is_renamed_wherever_shown(qtbot, window, store, village):
    hids, li = _village_of_two(store, village)
    window.households.set_village(village.id)
    form = window.households.open_household(hids[0])
    assert _rows(form.assistance.pairings)[0][0] == "李干部"
    window.show_section("帮扶")
    team = window.assistance.team
    window.assistance.setCurrentWidget(team)
    row = next(r for r in range(team.table.rowCount()) if key_of(team.table, r) == li)
    team.table.selectRow(row)

    def rename(dialog: CadreDialog) -> None:
        name = dialog.form.widgets["name"]
        name.clear()
        type_text(qtbot, name, "李建国")

    _answer_dialog(qtbot, rename)
    qtbot.mouseClick(team.edit_button, Qt.MouseButton.LeftButton)
    assert store.assistance.cadre(li).name == "李建国"
    assert "李建国" in [r[0] for r in _rows(team.table)]
    assert _rows(form.assistance.pairings)[0][0] == "李建国"  # the open form follows
    pairing = window.assistance.pairing
    window.assistance.setCurrentWidget(pairing)
    names = [pairing.cadre.itemText(i) for i in range(pairing.cadre.count())]
    assert names == ["李建国（县林业局，现结对 2 户）"], names
    visits = window.assistance.visits
    window.assistance.setCurrentWidget(visits)
    visits.household.setCurrentIndex(visits.household.findData(hids[0]))
    assert visits.cadre.findText("李建国") >= 0


def test_a_plan_saved_shows_in_the_overview_and_on_the_open_household_form(qtbot, window, store, village):
    hids, _li = _village_of_two(store, village)
    window.households.set_village(village.id)
    form = window.households.open_household(hids[0])
    before = form.assistance.plans.text()
    window.show_section("一户一策")
    screen = window.plans
    screen.set_village(village.id)
    screen.show_household(hids[0], 2020)
    qtbot.mouseClick(screen.suggest_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    assert store.assistance.plan(hids[0], 2020) is not None, screen.error.text()
    assert form.assistance.plans.text() != before and "2020" in form.assistance.plans.text()
    overview = {key_of(screen.overview, r): r for r in range(screen.overview.rowCount())}
    assert screen.overview.item(overview[hids[0]], 3).text() not in ("", "0")
