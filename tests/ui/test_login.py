"""Logging in, the first 管理员, the idle lock and what each role is offered, in the real widgets."""

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from models.storage import sql
from models.store import Login, Store
from tests.conftest import secured_demo
from tests.ui.conftest import type_text
from ui.events import AppEvents
from ui.idle_lock import UnlockDialog
from ui.login import FirstOperatorDialog, LoginDialog, RecoveryKeyDialog
from ui.main_window import MainWindow

ADMIN_PW = "admin-password"


@pytest.fixture
def secured(tmp_path, demo_template):
    folder = tmp_path / "secured"
    secured_demo(demo_template, folder, ("管理员甲", ADMIN_PW, {"entry"}), ("只读乙", "viewer-password", {"viewer"}))
    return folder


def test_the_first_operator_is_made_in_the_dialog_and_the_folder_encrypted(qtbot, tmp_path):
    folder = tmp_path / "new"
    dialog = FirstOperatorDialog(folder)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(qtbot, dialog.name, "王文书")
    qtbot.keyClicks(dialog.new, "long-enough-1")
    qtbot.keyClicks(dialog.again, "long-enough-2")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert dialog.error.isVisible() and "不一致" in dialog.error.text()
    assert not (folder / "cundang.keys").exists()  # nothing made
    dialog.again.clear()
    qtbot.keyClicks(dialog.again, "long-enough-1")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert dialog.result() == FirstOperatorDialog.DialogCode.Accepted
    assert dialog.session.operator.roles == {"admin", "entry", "review"} and dialog.session.encrypted
    assert not sql.is_plain_sqlite(folder / "cundang.db")
    key = RecoveryKeyDialog(dialog.recovery_key)
    qtbot.addWidget(key)
    ok = key.buttons.buttons()[0]
    assert not ok.isEnabled()  # not before the clerk says it is kept
    key.kept.setChecked(True)
    assert ok.isEnabled()


def test_a_wrong_password_is_said_and_the_right_one_opens(qtbot, secured):
    dialog = LoginDialog(secured)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(qtbot, dialog.name, "管理员甲")
    qtbot.keyClicks(dialog.password, "not-it")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert "再错 4 次" in dialog.error.text() and dialog.password.text() == ""
    assert dialog.result() != LoginDialog.DialogCode.Accepted
    qtbot.keyClicks(dialog.password, ADMIN_PW)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.result() == LoginDialog.DialogCode.Accepted
    assert dialog.session.operator.name == "管理员甲"


def test_a_viewer_is_offered_no_writing(qtbot, secured):
    store = Store.open(secured, login=Login("只读乙", "viewer-password"))
    window = MainWindow(store, AppEvents())  # closed by the test, before its store
    assert "只读乙（只读）" in window.windowTitle()
    assert not window.households.new_button.isEnabled()
    assert not window.file_menu.actions["backup"].isEnabled()
    assert not window.file_menu.actions["restore"].isEnabled()
    assert not window.account.actions["operators"].isEnabled()
    assert not window.exit_check.config_button.isEnabled()
    window.close()  # the window before its store, as the program does
    window.deleteLater()
    store.close()


def test_the_idle_window_locks_and_keeps_what_was_typed(qtbot, secured):
    store = Store.open(secured, login=Login("管理员甲", ADMIN_PW))
    window = MainWindow(store, AppEvents())  # closed by the test, before its store
    window.show()
    window.households.search.setText("还没有保存的查找")
    window.idle_lock.last_input -= 16 * 60  # sixteen minutes without input
    seen = {}

    def answer():
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, UnlockDialog) and w.isVisible())
        seen["window_hidden"] = not window.isVisible()
        qtbot.keyClicks(dialog.password, "wrong-password")
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
        seen["wrong"] = dialog.error.text()
        seen["still_open"] = dialog.isVisible()
        qtbot.keyClicks(dialog.password, ADMIN_PW)
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)

    QTimer.singleShot(200, answer)
    window.idle_lock.check()
    assert seen["window_hidden"] and "不正确" in seen["wrong"] and seen["still_open"]
    assert window.isVisible() and window.households.search.text() == "还没有保存的查找"
    window.close()
    window.deleteLater()
    store.close()


def test_a_viewer_sees_numbers_masked_in_the_household_form(qtbot, secured):
    from models import idnumber
    from ui.households.form import HouseholdForm
    from ui.households.members_model import COLUMNS

    store = Store.open(secured, login=Login("只读乙", "viewer-password"))
    hid = store.db.execute("SELECT id FROM households WHERE phone <> '' LIMIT 1").fetchone()[0]
    f = store.households.file(hid)
    form = HouseholdForm(store, AppEvents(), village_id=f.household.village_id, household_id=hid)
    model = form.members
    column = COLUMNS.index("id_number")
    shown = model.index(0, column).data()
    assert shown == idnumber.mask(f.members[0].id_number) and shown != f.members[0].id_number
    assert not model.flags(model.index(0, column)) & Qt.ItemFlag.ItemIsEditable
    phone = form.basic.widgets["phone"]
    assert phone.text() != f.household.phone and phone.text().endswith(f.household.phone[-4:]) and phone.isReadOnly()
    assert not form.save_button.isEnabled() and not form.is_dirty()
    form.close()
    form.deleteLater()
    store.close()
