"""Building and running the window: settings, the store, the main window and the event loop."""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

from PySide6.QtCore import QEvent, QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop import paths
from models.access import Operator
from models.changes import EVERYTHING
from models.demo import demo_folder, is_demo_folder
from models.demo.build import build_demo
from models.errors import CundangError, DataFolderNotWritable, FolderInUse
from models.services.operators import has_operators
from models.services.safety import ForeignBackup, restore_folder
from models.storage.database import has_data
from models.storage.folder_lock import FolderLock
from models.store import Session, Store, unlock
from models.wording import describe
from ui import look
from ui.events import AppEvents
from ui.first_start import FirstStartDialog
from ui.folder_in_use import ask_read_only
from ui.login import FirstOperatorDialog, LoginDialog, RecoveryKeyDialog
from ui.main_window import MainWindow
from ui.settings_dialogs import switch_encryption


def build_app(
    argv: list[str],
    data_dir: Path,
    *,
    demo_if_empty: bool = False,
    settings: QSettings | None = None,
    read_only: bool = False,
    session: Session | None = None,
) -> tuple[QApplication, MainWindow]:
    """The application and its main window, without entering the event loop (tests use this)."""
    app = QApplication.instance() or QApplication(argv)
    assert isinstance(app, QApplication)  # the program and its tests make only QApplications
    app.setApplicationName("村档")
    app.setOrganizationName("Cundang")
    look.apply(app)
    if demo_if_empty and not has_data(data_dir):  # the demo in its own folder, never in the data folder
        data_dir = demo_folder(data_dir)
        if not has_data(data_dir) and not read_only:
            build_demo(data_dir)
    store = Store.open(data_dir, read_only=read_only, session=session)
    if (
        settings is not None and not read_only and not is_demo_folder(data_dir)
    ):  # the next start opens real data, never the demo
        settings.setValue("data/last_folder", str(data_dir))
    window = MainWindow(store, AppEvents(), settings)
    return app, window


def _install_excepthook() -> None:
    """An unexpected error in a slot is shown to the clerk in words, not lost."""

    def hook(kind, error, tb) -> None:
        traceback.print_exception(kind, error, tb)
        QMessageBox.critical(
            QApplication.activeWindow(), "村档出错了", f"{describe(error)}\n\n请记下当时的操作，告诉技术人员。"
        )

    sys.excepthook = hook


def run(explicit_dir: str | None, *, demo_if_empty: bool = False) -> int:
    """Open the window: the folder given, else $CUNDANG_DATA, else the last one used, else the default.
    The 文件 menu may close it to open another folder, or the same one after a restore."""
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)  # the program makes only QApplications
    look.apply(app)
    _install_excepthook()
    settings = QSettings("Cundang", "Cundang")
    remembered = settings.value("data/last_folder")
    data_dir = paths.data_folder(explicit_dir, remembered=str(remembered) if remembered else None)
    restore: Path | ForeignBackup | None = None
    lock: FolderLock | None = None
    carried: Session | None = None  # reopening the same folder (a restore, 数据加密): no second login
    while True:
        if demo_if_empty and not has_data(data_dir):
            data_dir = demo_folder(data_dir)
        if lock is not None:
            lock.release()
        lock, read_only = _lock_folder(data_dir)
        if lock is None or read_only is None:
            return 0 if read_only is None else 1
        session = carried if carried is not None and not read_only else _session(data_dir, read_only)
        carried = None
        if session is None:
            lock.release()
            return 0
        if restore is not None and read_only:
            holder = FolderLock(data_dir).holder()
            QMessageBox.warning(None, "没有恢复", describe(FolderInUse(path=data_dir, holder=holder)))
            restore = None
        if restore is not None:
            foreign, file = (restore, restore.file) if isinstance(restore, ForeignBackup) else (None, restore)
            try:
                restore_folder(data_dir, file, session, foreign)
            except CundangError as exc:
                QMessageBox.warning(None, "没有恢复", describe(exc))
            else:
                session = _session_after(data_dir, session, foreign)
                if session is None:
                    lock.release()
                    return 0
        try:
            app, window = build_app(
                sys.argv, data_dir, demo_if_empty=demo_if_empty, settings=settings, read_only=read_only, session=session
            )
        except Exception as exc:
            QMessageBox.critical(None, "村档无法打开数据", describe(exc))
            print(f"错误：{describe(exc)}", file=sys.stderr)
            return 1
        if not read_only and window.store.villages.count() == 0 and not window.store.config().county_folder:
            first = FirstStartDialog(window.store)
            if first.exec() != FirstStartDialog.DialogCode.Accepted:
                window.store.close()
                return 0
            if first.next_folder is not None or first.next_restore is not None:
                # another folder (an existing one, or the demo's), or this one restored from a backup
                carried = _reopening(window.store.session) if first.next_restore is not None else None
                window.store.close()
                window.deleteLater()
                data_dir, restore = first.next_folder or data_dir, first.next_restore
                continue
            window.events.emit_changes(EVERYTHING)
            if window.store.config().county_folder:
                window.show_section("上报")
        window.show()
        window.file_menu.backup_if_due()
        code = app.exec()
        # Tear down in order while Qt is still alive; left to interpreter exit, Qt objects
        # may outlive the application and crash on the way out.
        window.store.close()
        following, switch, session = window.next_start, window.next_encryption, window.store.session
        window.deleteLater()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        if following is None:
            lock.release()
            return code
        if following[0] == data_dir and (following[1] is not None or switch is not None):
            if switch is not None:  # the folder's lock is still held: no window has the file open
                session = switch_encryption(data_dir, session, switch)
            carried = _reopening(session)
        data_dir, restore = following


def _reopening(session: Session) -> Session:
    """The session a reopened folder is opened with: the same operator and key, their roles read
    again from the operators table (a restored file may hold other roles)."""
    if session.operator is None:
        return session
    return Session(Operator(session.operator.name, frozenset()), session.key, session.encrypted)


def _session_after(folder: Path, session: Session, foreign: ForeignBackup | None) -> Session | None:
    """After a restore: the same session, or (another installation's backup took the folder over
    with its keyring) the session of the operator who opened the backup, or a login."""
    if foreign is None:
        return session
    if foreign.login is not None:
        try:
            return unlock(folder, foreign.login)
        except CundangError:
            pass  # said by the login dialog's own attempt
    return _session(folder, False)


def _session(folder: Path, read_only: bool) -> Session | None:
    """Who opens the folder: a login when it has operators; its first 管理员 when it has none
    (a demo folder has none and needs no login); None when the clerk quits instead."""
    try:
        if has_operators(folder):
            login = LoginDialog(folder)
            return login.session if login.exec() == LoginDialog.DialogCode.Accepted else None
        if is_demo_folder(folder) or read_only:
            return unlock(folder, None)
        first = FirstOperatorDialog(folder)
        if first.exec() != FirstOperatorDialog.DialogCode.Accepted:
            if first.wants_restore:
                restored = _restore_first(folder)
                return restored if restored is not None else _session(folder, read_only)
            return None
        RecoveryKeyDialog(first.recovery_key).exec()
        return first.session
    except CundangError as exc:  # a damaged keyring
        QMessageBox.critical(None, "村档无法打开数据", describe(exc))
        return None


def _restore_first(folder: Path) -> Session | None:
    """A folder without operators restored from a backup before anything else (the new laptop's
    case): the session of the backup's operator who opened it, or a login; None when nothing was
    restored, or the backup brought no operators (the first 管理员 is then asked for again)."""
    from PySide6.QtWidgets import QFileDialog

    from ui.file_menu import prepare_restore

    chosen = QFileDialog.getOpenFileName(None, "从备份恢复", str(Path.home()), "村档备份 (*.db)")[0]
    if not chosen:
        return None
    try:
        session = unlock(folder, None)
        target = prepare_restore(None, folder, session, Path(chosen))
        if target is None:
            return None
        foreign = target if isinstance(target, ForeignBackup) else None
        restore_folder(folder, Path(chosen), session, foreign)
    except CundangError as exc:
        QMessageBox.warning(None, "不能恢复", describe(exc))
        return None
    return _session_after(folder, session, foreign) if has_operators(folder) else None


def _lock_folder(folder: Path) -> tuple[FolderLock | None, bool | None]:
    """The folder's window lock, and whether the window is read-only. When another window holds
    the folder, the clerk chooses read-only or to quit; (None, None) is a quit, (None, False) a
    folder that cannot even hold the lock (said already)."""
    lock = FolderLock(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if lock.acquire():
            return lock, False
    except OSError as exc:
        message = describe(DataFolderNotWritable(path=folder, detail=exc.strerror or str(exc)))
        QMessageBox.critical(None, "村档无法打开数据", message)
        print(f"错误：{message}", file=sys.stderr)
        return None, False
    if ask_read_only(folder, lock.holder()):
        return lock, True  # not held: only the window that holds it writes
    return None, None
