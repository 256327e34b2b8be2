"""No silent overwrite in the window: one form per household, a save refused when another
window changed the household since the form read it (what was typed stays), a second window on a
folder offered read-only, and "等待…" while a save waits for another writer."""

import dataclasses
import threading

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop import app as app_module
from models.services import households as svc
from models.storage import sql
from models.storage.folder_lock import FolderLock
from models.store import Store
from tests.conftest import family, new_household
from tests.ui.conftest import type_text
from ui import waiting
from ui.folder_in_use import folder_in_use_box


def _one(window, store, village):
    hid = svc.register_household(store, new_household(store, village), family()).id
    window.households.set_village(village.id)
    return hid


def test_a_household_opened_twice_brings_the_open_form_forward(qtbot, window, store, village):
    hid = _one(window, store, village)
    row = window.households.model.row_of(hid)
    index = window.households.model.index(row, 0)
    window.households.table.doubleClicked.emit(index)  # a double-click also activates the row
    window.households.table.activated.emit(index)
    forms = [w for w in QApplication.topLevelWidgets() if type(w).__name__ == "HouseholdForm" and w.isVisible()]
    assert len(forms) == 1
    assert window.households.open_household(hid) is forms[0]
    forms[0].close()
    qtbot.waitUntil(lambda: hid not in window.households._forms)
    again = window.households.open_household(hid)
    assert again is not forms[0] and again.isVisible()
    again.close()


def test_a_save_over_another_windows_change_is_refused_and_the_typing_stays(qtbot, window, store, village, monkeypatch):
    hid = _one(window, store, village)
    form = window.households.open_household(hid)
    phone = form.basic.widgets["phone"]
    phone.clear()
    type_text(qtbot, phone, "13900000000")
    with Store.open(store.folder, actor="王会计") as other:  # the second window saves the address first
        f = other.households.file(hid)
        svc.save_household_file(other, dataclasses.replace(f.household, address="新的住址 8 号"), f.members)
    assert not form.save()
    assert "王会计" in form.summary.text() and "住址" in form.summary.text()
    assert phone.text() == "13900000000" and form.isVisible()  # what the clerk typed is still there
    assert store.households.get(hid).address == "新的住址 8 号"
    assert store.households.get(hid).phone != "13900000000"
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    form.close()


def test_a_second_window_is_offered_read_only_and_cannot_write(qtbot, store, monkeypatch):
    holder = FolderLock(store.folder)
    assert holder.acquire()
    try:
        box = folder_in_use_box(store.folder, holder.holder())
        qtbot.addWidget(box)
        assert "另一个村档窗口中打开" in box.text() and "只读打开" in box.read_only_button.text()
        assert box.defaultButton() is box.quit_button  # Enter never picks the riskier choice

        def press_read_only():
            shown = QApplication.activeModalWidget()
            assert shown is not None
            shown.read_only_button.click()

        QTimer.singleShot(100, press_read_only)
        lock, read_only = app_module._lock_folder(store.folder)
        assert lock is not None and read_only is True and not lock.held
        window = app_module.build_app([], store.folder, read_only=True)[1]
        qtbot.addWidget(window)
        assert "只读" in window.windowTitle() and "只读" in window.file_menu.status.text()
        assert not window.file_menu.actions["restore"].isEnabled()
        assert not window.households.new_button.isEnabled()
        QTimer.singleShot(100, lambda: QApplication.activeModalWidget().quit_button.click())
        assert app_module._lock_folder(store.folder) == (None, None)  # 退出
        window.store.close()
    finally:
        holder.release()
    lock, read_only = app_module._lock_folder(store.folder)  # free again: no question asked
    assert lock is not None and lock.held and read_only is False
    lock.release()


def test_a_save_that_waits_for_another_writer_says_so(qtbot, window, store, village):
    hid = _one(window, store, village)
    form = window.households.open_household(hid)
    other = sql.driver.connect(
        str(store.path), timeout=10, check_same_thread=False
    )  # the same SQLite library: its locks are seen in-process
    other.execute("BEGIN IMMEDIATE")
    seen: list[str] = []
    window.statusBar().messageChanged.connect(seen.append)
    threading.Timer(1.8, other.commit).start()
    form.basic.widgets["address"].clear()
    type_text(qtbot, form.basic.widgets["address"], "等过的住址")
    assert form.save()
    other.close()
    assert waiting.MESSAGE in seen and seen[-1] == ""  # said while waiting, cleared after
    assert store.households.get(hid).address == "等过的住址"
    assert QApplication.overrideCursor() is None or QApplication.overrideCursor().shape() != Qt.CursorShape.WaitCursor


def test_the_village_screen_refuses_to_overwrite_another_windows_change(qtbot, window, store, village):
    screen = window.village_screen
    screen.set_village(village.id)
    with Store.open(store.folder, actor="王会计") as other:
        from models.services.villages import update_village

        update_village(other, dataclasses.replace(village, name="另一窗口改的村名"), other.villages.groups(village.id))
    assert screen.save() is False
    assert "王会计" in screen.groups.error.text()
    assert store.villages.get(village.id).name == "另一窗口改的村名"  # not overwritten
