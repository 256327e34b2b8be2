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
    assert texts == ["打开数据文件夹…", "新建…", "立即备份", "备份到U盘…", "从备份恢复…", "退出"]


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


def test_closing_the_window_backs_up_once_a_day(qtbot, window, store):
    window.close()
    assert len(backup.list_backups(backup.backup_dir(store.folder))) == 1
    window.show()
    window.close()
    assert len(backup.list_backups(backup.backup_dir(store.folder))) == 1
