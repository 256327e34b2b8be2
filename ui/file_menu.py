"""The 文件 menu (打开数据文件夹…, 新建…, 立即备份, 备份到U盘…, 从备份恢复…, 检查数据文件, 退出) and the
backup line of the status bar: when the last backup was made, in red after seven days without one
(or, in a read-only window, that it is read-only)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QEventLoop, QObject, QSettings
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
)

from models.errors import BackupOfAnotherFolder, Cancelled, CundangError
from models.fields.views import ACCOUNT as A
from models.services import safety
from models.storage.backup import backup_dir
from models.storage.database import has_data
from models.store import Login, Session, Store
from models.wording import describe
from ui.widgets import ErrorLabel, gate, ok_cancel
from ui.workers import run_with_progress

SECOND_TARGET = "backup/second"  # QSettings key: the folder (a USB stick) the clerk chose


def check_in_worker(folder: Path, session: Session | None = None):
    """A worker function: the full check on its own read-only connection."""

    def work(progress, cancelled):
        with Store.open(folder, read_only=True, session=session) as store:
            return safety.full_check(store)

    return work


def backup_in_worker(folder: Path, to: Path | None = None, session: Session | None = None, *, automatic: bool = False):
    """A worker function: the backup on its own connection (a connection stays on its thread),
    opened with the window's session (no password asked again)."""

    def work(progress, cancelled):
        with Store.open(folder, session=session) as store:
            return safety.backup_now(store, to, automatic=automatic)

    return work


class FileMenu(QObject):
    """Fills the window's 文件 menu. Switching folder or restoring closes the window and asks the
    app to reopen it (``window.next_start``): a restored file may need its upgrade again."""

    def __init__(self, window: QMainWindow, store: Store, settings: QSettings | None) -> None:
        super().__init__(window)
        self.window, self.store, self.settings = window, store, settings
        self.status = QLabel()
        self.status.setObjectName("backup-status")
        window.statusBar().addPermanentWidget(self.status)
        menu = window.menuBar().addMenu("文件(&F)")
        self.actions: dict[str, QAction] = {}
        for key, text, slot, shortcut in (
            ("open", "打开数据文件夹…", self.open_folder, QKeySequence.StandardKey.Open),
            ("new", "新建…", self.new_folder, None),
            ("backup", "立即备份", self.backup, None),
            ("backup_to", "备份到U盘…", self.backup_to, None),
            ("restore", "从备份恢复…", self.restore, None),
            ("check", "检查数据文件", self.check, None),
            ("quit", "退出", window.close, QKeySequence.StandardKey.Quit),
        ):
            action = QAction(text, window)
            if shortcut is not None:
                action.setShortcut(shortcut)
            action.triggered.connect(slot)
            menu.addAction(action)
            self.actions[key] = action
            if key in ("new", "check"):
                menu.addSeparator()
        if store.read_only:  # the other window backs up; a restore would pull the file from under it
            self.actions["new"].setEnabled(False)
        for key in ("backup", "backup_to", "restore"):  # a 管理员's (the daily copies are taken for everyone)
            gate(self.actions[key], store, "backup")
        self.show_status()

    # --- The status line ---------------------------------------------------------------

    def show_status(self, today: dt.date | None = None) -> None:
        if self.store.read_only:
            self.status.setText("只读：这个数据文件夹正在另一个窗口中打开，这里只能查看，不能修改")
            self.status.setStyleSheet("color: #c62828;")
            return
        today = today or dt.date.today()
        last = safety.last_backup(self.store.folder)
        if safety.backup_stale(self.store.folder, today):
            when = "从未备份" if last is None else f"上次备份：{last.taken:%Y-%m-%d %H:%M}"
            self.status.setText(f"{when}，已超过 {safety.STALE_DAYS} 天没有备份，请点“文件 → 立即备份”")
            self.status.setStyleSheet("color: #c62828;")
        else:
            assert last is not None  # not stale: there is one
            self.status.setText(f"上次备份：{last.taken:%Y-%m-%d %H:%M}")
            self.status.setStyleSheet("")

    # --- Folders -----------------------------------------------------------------------

    def open_folder(self, folder: str | None = None) -> None:
        chosen = folder or QFileDialog.getExistingDirectory(self.window, "打开数据文件夹", str(self.store.folder))
        if chosen:
            self._reopen(Path(chosen))

    def new_folder(self, folder: str | None = None) -> None:
        chosen = folder or QFileDialog.getExistingDirectory(self.window, "新建：选择一个空文件夹", str(Path.home()))
        if not chosen:
            return
        if has_data(Path(chosen)):
            QMessageBox.information(
                self.window, "新建", f"“{chosen}”中已有村档的数据。要打开它，请用“文件 → 打开数据文件夹…”。"
            )
            return
        self._reopen(Path(chosen))

    def _reopen(self, folder: Path, restore: Path | safety.ForeignBackup | None = None) -> None:
        self.window.next_start = (folder, restore)  # type: ignore[attr-defined]
        self.window.close()

    # --- Backup and restore ------------------------------------------------------------

    def backup(self, to: Path | None = None, *, quiet: bool = False) -> None:
        self.worker = run_with_progress(
            self.window,
            "备份",
            backup_in_worker(self.store.folder, to, self.store.session, automatic=quiet),
            (lambda _info: self.show_status()) if quiet else self._backed_up,
            self._failed,
            label="正在备份并校验……",
        )

    def backup_if_due(self, now: dt.datetime | None = None) -> bool:
        """At the window's start: the day's backup when none was made today or the day before."""
        now = now or dt.datetime.now()
        if (
            self.store.read_only
            or self.store.villages.count() == 0
            or not safety.backup_due(self.store.folder, now, closing=False)
        ):
            return False
        self.backup(quiet=True)
        return True

    def backup_on_close(self, now: dt.datetime | None = None) -> None:
        """When the window closes: once a day, and to the chosen USB stick when it is there. On a
        worker with a progress dialog (a county's copy and check take half a minute); the window
        waits for it, so the copy is whole before the program ends."""
        if self.store.read_only:
            return
        second = self.settings.value(SECOND_TARGET) if self.settings is not None else None
        now = now or dt.datetime.now()
        if self.store.villages.count() == 0 or not safety.backup_due(self.store.folder, now, closing=True):
            if not (second and Path(str(second)).is_dir()):
                return
        folder, target = self.store.folder, Path(str(second)) if second else None
        session = self.store.session

        def work(progress, cancelled):
            with Store.open(folder, session=session) as store:  # the worker's own connection
                return safety.daily_backup(store, now, closing=True, second=target)

        self.status.setText("正在备份……")
        loop = QEventLoop()
        failed: list[BaseException] = []

        def fail(error: BaseException) -> None:
            failed.append(error)
            loop.quit()

        self.worker = run_with_progress(
            self.window,
            "关闭前的备份",
            work,
            lambda _info: loop.quit(),
            fail,
            label="正在备份并校验，请稍候……",
        )
        loop.exec()
        if failed and not isinstance(failed[0], Cancelled):  # a failed backup must not stop the window closing
            QMessageBox.warning(self.window, "关闭时的备份没有完成", describe(failed[0]))

    def backup_to(self, folder: str | None = None) -> None:
        remembered = self.settings.value(SECOND_TARGET) if self.settings is not None else None
        chosen = folder or QFileDialog.getExistingDirectory(
            self.window, "备份到U盘（以后关闭窗口时也会备份到这里）", str(remembered or Path.home())
        )
        if not chosen:
            return
        if self.settings is not None:
            self.settings.setValue(SECOND_TARGET, chosen)
        self.backup(Path(chosen))

    def check(self) -> None:
        """The full check (every page, the references, the audit trail's guards), in words."""
        self.worker = run_with_progress(
            self.window,
            "检查数据文件",
            check_in_worker(self.store.folder, self.store.session),
            self._checked,
            self._check_failed,
            label="正在逐页检查数据文件……",
        )

    def _check_failed(self, error: BaseException) -> None:
        if not isinstance(error, Cancelled):
            QMessageBox.warning(self.window, "检查没有完成", describe(error))

    def _checked(self, report) -> None:
        box = QMessageBox.information if report.ok else QMessageBox.warning
        box(self.window, "检查数据文件", "\n".join(report.lines))

    def _backed_up(self, info) -> None:
        self.show_status()
        QMessageBox.information(self.window, "备份", f"已备份并校验完好：\n{info.path}")

    def _failed(self, error: BaseException) -> None:
        if not isinstance(error, Cancelled):
            QMessageBox.warning(self.window, "备份没有完成", describe(error))

    def restore(self, file: str | None = None, *, confirm: bool = True) -> None:
        chosen = (
            file
            or QFileDialog.getOpenFileName(
                self.window, "从备份恢复", str(backup_dir(self.store.folder)), "村档备份 (*.db)"
            )[0]
        )
        if not chosen:
            return
        target = prepare_restore(self.window, self.store.folder, self.store.session, Path(chosen), confirm=confirm)
        if target is not None:
            self._reopen(self.store.folder, target)


def prepare_restore(
    parent, folder: Path, session: Session, file: Path, *, confirm: bool = True
) -> Path | safety.ForeignBackup | None:
    """A backup checked and, when the clerk confirms, what the app restores on reopening: the file,
    or (a backup of another installation, its keyring beside it) the backup opened with one of its
    operators' passwords or its recovery key. None: refused (said) or not confirmed."""
    target: Path | safety.ForeignBackup = file
    try:
        counts = safety.check_restorable(folder, file, session)[0]
    except BackupOfAnotherFolder:
        dialog = BackupLoginDialog(file, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.foreign is None:
            return None
        target, counts = dialog.foreign, dialog.foreign.counts
    except CundangError as exc:
        QMessageBox.warning(parent, "不能恢复", describe(exc))
        return None
    summary = f"户 {counts.get('households', 0)}，人 {counts.get('members', 0)}"
    taken_over = (
        "\n\n这个备份来自另一个数据文件夹（另一台电脑）：恢复后这里改用备份中的操作员、密码和恢复密钥，"
        "现在的操作员和恢复密钥不再能用（现在的数据连同它的密钥文件另存在“备份”文件夹中）。"
        if isinstance(target, safety.ForeignBackup)
        else ""
    )
    if confirm:
        answer = QMessageBox.question(
            parent,
            "从备份恢复",
            f"用这个备份（{summary}）替换现在的数据？\n{file}\n\n现在的数据会先另存一份到“备份”文件夹。{taken_over}",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return None
    return target


class BackupLoginDialog(QDialog):
    """A backup of another installation: one of its operators' name and password, or its recovery
    key, checked against the keyring copy beside it (a wrong one is said, nothing changes)."""

    def __init__(self, file: Path, parent=None) -> None:
        super().__init__(parent)
        self.file = file
        self.foreign: safety.ForeignBackup | None = None
        self.setWindowTitle("打开另一台电脑的备份")
        self.ring = None
        self.name = QLineEdit()
        self.name.setObjectName("backup-name")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setObjectName("backup-password")
        self.recovery = QLineEdit()
        self.recovery.setObjectName("backup-recovery")
        self.recovery.setPlaceholderText("XXXX-XXXX-XXXX-XXXX-XXXX-XXXX（不知道密码时填）")
        self.error = ErrorLabel()
        form = QFormLayout()
        form.addRow(A.label("name"), self.name)
        form.addRow(A.label("password"), self.password)
        form.addRow(A.label("recovery_key"), self.recovery)
        intro = QLabel(
            f"备份“{file.name}”来自另一个数据文件夹（另一台电脑）。请输入那里的一位操作员的用户名和密码，"
            "或那里的恢复密钥。恢复后，这里就用那里的操作员和密码。"
        )
        intro.setWordWrap(True)
        self.buttons = ok_cancel(self, intro, form, self.error, on_ok=self.try_open)
        self.setMinimumWidth(460)
        try:
            self.ring = safety.backup_keyring(file)
        except CundangError as exc:
            self.error.set_error(describe(exc))
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
            return
        if len(self.ring.names) == 1:
            self.name.setText(self.ring.names[0])
            self.password.setFocus()

    def try_open(self) -> None:
        assert self.ring is not None  # the OK button is off without it
        try:
            if self.recovery.text().strip():
                self.foreign = safety.open_foreign_backup(self.file, self.ring, recovery_key=self.recovery.text())
            else:
                login = Login(self.name.text(), self.password.text())
                self.foreign = safety.open_foreign_backup(self.file, self.ring, login=login)
        except CundangError as exc:
            self.password.clear()
            self.error.set_error(describe(exc))
            return
        self.accept()
