"""设置 → 数据加密 and a restore from another laptop's backup, in the real widgets and real files."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox

from models.services import operators as ops
from models.services import safety
from models.storage import sql
from models.store import Login, Store
from tests.conftest import secured_demo
from ui.events import AppEvents
from ui.file_menu import BackupLoginDialog
from ui.main_window import MainWindow, window_title
from ui.settings_dialogs import ConfigDialog, switch_encryption

ADMIN_PW = "admin-password"


def _folder(tmp_path, demo_template, name, *, encrypted=True):
    folder = tmp_path / name
    admin, entry = ("管理员甲", ADMIN_PW, {"entry"}), ("录入乙", "entry-password", {"entry"})
    secured_demo(demo_template, folder, admin, entry, encrypted=encrypted)
    return folder


def _window(qtbot, store):
    window = MainWindow(store, AppEvents())
    window.idle_lock.timer.stop()  # not under test; its store is closed before the window goes
    qtbot.addWidget(window)
    window.show()
    return window


def _closed(window):
    """As desktop.app.run leaves a closed window: its store closed, nothing of it running."""
    window.store.close()


def test_the_encryption_control_is_withheld_from_an_operator_who_is_not_an_administrator(
    qtbot, tmp_path, demo_template
):
    folder = _folder(tmp_path, demo_template, "secured")
    with Store.open(folder, login=Login("录入乙", "entry-password")) as store:
        dialog = ConfigDialog(store)
        qtbot.addWidget(dialog)
        assert not dialog.encryption_button.isEnabled()
        assert "管理员" in dialog.encryption_button.toolTip()  # who may, in the refusal's words
        assert dialog.encryption_state.text().startswith("已加密")


def test_an_administrator_encrypts_the_folder_from_the_settings_and_the_title_follows(
    qtbot, tmp_path, demo_template, monkeypatch
):
    folder = _folder(tmp_path, demo_template, "plain", encrypted=False)
    store = Store.open(folder, login=Login("管理员甲", ADMIN_PW))
    window = _window(qtbot, store)
    assert window.windowTitle().endswith("（未加密）")
    dialog = ConfigDialog(store, window.exit_check)
    qtbot.addWidget(dialog)
    dialog.show()
    assert "管理员“管理员甲”的选择" in dialog.encryption_state.text()
    assert dialog.encryption_button.text() == "加密数据文件夹" and dialog.encryption_button.isEnabled()
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.No)
    qtbot.mouseClick(dialog.encryption_button, Qt.MouseButton.LeftButton)
    assert asked and "密码" in asked[0] and window.next_encryption is None and window.isVisible()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(dialog.encryption_button, Qt.MouseButton.LeftButton)
    assert window.next_encryption is True and window.next_start == (folder, None) and not window.isVisible()
    assert sql.is_plain_sqlite(folder / "cundang.db")  # nothing changed while the window had the file
    # What desktop.app.run does next, between the two windows.
    _closed(window)
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: told.append(a[2]))
    session = switch_encryption(folder, window.store.session, True)
    assert told and "已加密" in told[0] and session.encrypted
    assert not sql.is_plain_sqlite(folder / "cundang.db")
    with Store.open(folder, session=session) as again:
        assert "未加密" not in window_title(again)
        reopened = _window(qtbot, again)
        assert "未加密" not in reopened.windowTitle()
        settings = ConfigDialog(again, reopened.exit_check)
        qtbot.addWidget(settings)
        assert settings.encryption_button.text() == "取消加密…"
        assert settings.encryption_state.text().startswith("已加密")
        reopened.close()


def test_a_failed_switch_is_said_and_the_folder_reopens_as_it_was(qtbot, tmp_path, demo_template, monkeypatch):
    folder = _folder(tmp_path, demo_template, "secured")
    with Store.open(folder, login=Login("录入乙", "entry-password")) as store:
        session = store.session
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warned.append(a[2]))
    assert switch_encryption(folder, session, False) == session
    assert warned and "没有" in warned[0] and not sql.is_plain_sqlite(folder / "cundang.db")


@pytest.fixture
def old_backup(tmp_path, demo_template):
    """The laptop that died: its backup on a USB stick, the keyring copy beside it."""
    folder = _folder(tmp_path, demo_template, "old")
    with Store.open(folder, login=Login("管理员甲", ADMIN_PW)) as store:
        return safety.backup_now(store, tmp_path / "U盘").path


def test_a_backup_from_another_laptop_asks_for_its_own_password_before_the_folder_reopens(
    qtbot, tmp_path, old_backup, monkeypatch
):
    store, _ = ops.first_operator(tmp_path / "new", "新管理员", "new-admin-pw1", set())
    window = _window(qtbot, store)
    seen = []

    def fill_in(dialog):
        seen.append(dialog)
        dialog.show()  # exec() without its event loop
        assert dialog.name.text() == ""  # the copy has two operators: the clerk types one
        dialog.name.setText("管理员甲")
        dialog.password.setText("not-the-password")
        dialog.try_open()
        assert dialog.error.isVisible() and "不正确" in dialog.error.text() and dialog.foreign is None
        dialog.password.setText(ADMIN_PW)
        dialog.try_open()
        dialog.hide()
        return QDialog.DialogCode.Accepted if dialog.foreign is not None else QDialog.DialogCode.Rejected

    monkeypatch.setattr(BackupLoginDialog, "exec", fill_in)
    questions = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: questions.append(a[2]) or QMessageBox.StandardButton.Yes
    )
    window.file_menu.restore(str(old_backup))
    assert seen and questions and "另一个数据文件夹" in questions[0]
    folder, target = window.next_start
    assert folder == store.folder and isinstance(target, safety.ForeignBackup) and not window.isVisible()
    _closed(window)
    restored, _ = safety.restore_folder(folder, target.file, window.store.session, target)
    assert restored["households"] > 0
    with Store.open(folder, login=Login("管理员甲", ADMIN_PW)) as taken_over:
        assert taken_over.db.execute("SELECT count(*) FROM households").fetchone()[0] == restored["households"]


def test_the_first_start_offers_the_new_laptop_a_restore_from_the_old_ones_backup(
    qtbot, tmp_path, old_backup, monkeypatch
):
    from ui.first_start import FirstStartDialog

    store, _ = ops.first_operator(tmp_path / "new", "新管理员", "new-admin-pw1", set())
    with store:
        first = FirstStartDialog(store)
        qtbot.addWidget(first)
        first.show()
        assert first.restore_button.isEnabled()

        def open_it(dialog):
            dialog.name.setText("录入乙")  # any operator of the old folder opens its backup
            dialog.password.setText("entry-password")
            dialog.try_open()
            return QDialog.DialogCode.Accepted

        monkeypatch.setattr(BackupLoginDialog, "exec", open_it)
        monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
        first.restore_from(old_backup)
        assert isinstance(first.next_restore, safety.ForeignBackup) and first.next_restore.file == old_backup
        assert first.result() == QDialog.DialogCode.Accepted and first.next_folder is None


def test_a_new_laptop_restores_the_old_ones_backup_instead_of_making_a_first_administrator(
    qtbot, tmp_path, old_backup, monkeypatch
):
    """No throwaway 管理员: the first-operator dialog's 从备份恢复… restores the USB copy into the
    empty folder and the window opens as the backup's operator who opened it."""
    from PySide6.QtWidgets import QFileDialog

    from desktop import app
    from ui.login import FirstOperatorDialog

    folder = tmp_path / "new"
    shown = []

    def choose_restore(dialog):
        shown.append(dialog)
        dialog.show()
        assert dialog.restore_button.isVisible() and dialog.restore_button.isEnabled()
        qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
        return dialog.result()

    def open_it(dialog):
        dialog.name.setText("管理员甲")
        dialog.password.setText(ADMIN_PW)
        dialog.try_open()
        return QDialog.DialogCode.Accepted if dialog.foreign is not None else QDialog.DialogCode.Rejected

    monkeypatch.setattr(FirstOperatorDialog, "exec", choose_restore)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(old_backup), ""))
    monkeypatch.setattr(BackupLoginDialog, "exec", open_it)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    session = app._session(folder, False)
    assert len(shown) == 1 and shown[0].wants_restore
    assert session is not None and session.operator is not None and session.operator.name == "管理员甲"
    with Store.open(folder, session=session) as store:
        assert store.db.execute("SELECT count(*) FROM households").fetchone()[0] > 0
        assert {o.name for o in ops.list_operators(store)} == {"管理员甲", "录入乙"}
    with Store.open(folder, login=Login("录入乙", "entry-password")) as store:  # its other operator too
        assert store.operator is not None


def test_a_new_laptop_that_cancels_the_restore_is_asked_for_its_first_administrator_again(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from desktop import app
    from ui.login import FirstOperatorDialog

    asked = []

    def dialog_exec(dialog):
        asked.append(dialog)
        if len(asked) == 1:
            dialog.restore_instead()
        else:
            dialog.reject()  # the clerk quits the second time
        return dialog.result()

    monkeypatch.setattr(FirstOperatorDialog, "exec", dialog_exec)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: ("", ""))
    assert app._session(tmp_path / "new", False) is None
    assert len(asked) == 2 and not ops.has_operators(tmp_path / "new")
