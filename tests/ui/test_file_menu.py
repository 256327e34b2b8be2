"""The 文件 menu as a clerk uses it: backup now, the status line, restore, another folder, and
the backup the window makes when it closes."""

from PySide6.QtWidgets import QMessageBox

from models.storage import backup
from ui.file_menu import FileMenu


def _menu(window) -> FileMenu:
    return window.file_menu


def test_the_file_menu_comes_first_with_its_actions(window):
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus[0] == "文件(&F)"
    texts = [a.text() for a in window.menuBar().actions()[0].menu().actions() if a.text()]
    assert texts == ["打开数据文件夹…", "新建…", "立即备份", "备份到U盘…", "从备份恢复…", "检查数据文件", "退出"]


def test_the_full_check_runs_from_the_menu_and_says_its_verdict(qtbot, window, monkeypatch):
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: told.append(a[2]))
    _menu(window).actions["check"].trigger()
    qtbot.waitUntil(lambda: bool(told), timeout=20_000)
    assert "数据文件逐页检查：完好" in told[0] and "结论：数据完好" in told[0]


def test_backup_now_is_verified_and_the_status_line_follows(qtbot, window, store, monkeypatch):
    menu = _menu(window)
    assert "从未备份" in menu.status.text() and "c62828" in menu.status.styleSheet()
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: told.append(a[2]))
    menu.backup()
    qtbot.waitUntil(lambda: bool(told), timeout=10_000)
    [made] = backup.list_backups(backup.backup_dir(store.folder))
    assert str(made.path) in told[0] and "校验完好" in told[0]
    assert menu.status.text().startswith("上次备份：") and menu.status.styleSheet() == ""


def test_a_bad_backup_is_refused_in_words_and_a_good_one_reopens_the_folder(
    qtbot, window, store, tmp_path, monkeypatch
):
    menu = _menu(window)
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warned.append(a[2]))
    bad = tmp_path / "笔记.db"
    bad.write_text("不是数据库")
    menu.restore(str(bad), confirm=False)
    assert warned and "不是村档的备份" in warned[0] and window.next_start is None
    good = backup.take_backup(store.db.conn, tmp_path / "u")
    menu.restore(str(good.path), confirm=False)
    assert window.next_start == (store.folder, good.path) and not window.isVisible()


def test_new_refuses_a_folder_that_holds_data(window, store, monkeypatch):
    said = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: said.append(a[2]))
    _menu(window).new_folder(str(store.folder))
    assert said and "已有村档的数据" in said[0] and window.next_start is None


def test_closing_the_window_backs_up_once_a_day(qtbot, window, store, monkeypatch):
    import threading

    from models.services import safety

    threads = []
    real = safety.daily_backup

    def spy(*args, **kwargs):  # the real backup, noting the thread it runs on
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(safety, "daily_backup", spy)
    window.close()
    assert threads and threads[0] is not threading.main_thread()  # a worker: the window never freezes
    assert len(backup.list_backups(backup.backup_dir(store.folder))) == 1
    window.show()
    window.close()
    assert len(backup.list_backups(backup.backup_dir(store.folder))) == 1


def test_enter_on_the_first_start_never_opens_the_demo(qtbot, store):
    """A clerk who typed the village's facts and pressed Enter gets the village, not the demo."""
    from PySide6.QtCore import Qt

    from tests.ui.conftest import type_text
    from ui.first_start import FirstStartDialog

    dialog = FirstStartDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.edits["code"], "450123101201")
    type_text(qtbot, dialog.edits["name"], "新村")
    qtbot.keyClick(dialog.edits["name"], Qt.Key.Key_Return)
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.error.text()
    assert [v.name for v in store.villages.all()] == ["新村"] and dialog.next_folder is None


def test_the_demo_opens_in_its_own_folder_and_this_one_stays_empty(qtbot, store):
    from ui.first_start import FirstStartDialog

    dialog = FirstStartDialog(store)
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.demo_button, __import__("PySide6.QtCore", fromlist=["Qt"]).Qt.MouseButton.LeftButton)
    assert store.villages.count() == 0
    assert dialog.next_folder is not None and "演示村" in dialog.next_folder.name
    from models.store import Store

    with Store.open(dialog.next_folder) as demo:
        assert demo.villages.count() == 1


def test_a_county_folder_holds_no_village_and_opens_on_the_exchange_screen(qtbot, store):
    from ui.events import AppEvents
    from ui.first_start import FirstStartDialog
    from ui.main_window import SECTIONS, MainWindow

    dialog = FirstStartDialog(store)
    qtbot.addWidget(dialog)
    dialog.county_button.click()
    assert dialog.result() == dialog.DialogCode.Accepted and store.villages.count() == 0
    assert store.config().county_folder
    window = MainWindow(store, AppEvents())
    qtbot.addWidget(window)
    assert window.nav.currentRow() == SECTIONS.index("上报")


def test_open_existing_refuses_a_folder_without_data(qtbot, store, tmp_path):
    from ui.first_start import FirstStartDialog

    dialog = FirstStartDialog(store)
    qtbot.addWidget(dialog)
    (tmp_path / "空").mkdir()
    dialog.open_existing(str(tmp_path / "空"))
    assert "没有村档的数据文件" in dialog.error.text() and dialog.next_folder is None


def test_the_window_backs_up_at_its_start_after_a_day_without_one(qtbot, window, store):
    menu = _menu(window)
    assert menu.backup_if_due()  # none yet: the start makes one, on a worker
    qtbot.waitUntil(lambda: menu.status.text().startswith("上次备份："), timeout=10_000)
    assert len(backup.list_backups(backup.backup_dir(store.folder))) == 1
    assert not menu.backup_if_due()  # one today: none again
