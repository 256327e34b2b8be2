"""Building and running the window: settings, the store, the main window and the event loop."""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

from PySide6.QtCore import QEvent, QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop import paths
from models.changes import EVERYTHING
from models.demo import demo_folder, is_demo_folder
from models.demo.build import build_demo
from models.errors import CundangError
from models.services.safety import restore_folder
from models.storage.database import has_data
from models.store import Store
from models.wording import describe
from ui import look
from ui.events import AppEvents
from ui.first_start import FirstStartDialog
from ui.main_window import MainWindow


def build_app(
    argv: list[str], data_dir: Path, *, demo_if_empty: bool = False, settings: QSettings | None = None
) -> tuple[QApplication, MainWindow]:
    """The application and its main window, without entering the event loop (tests use this)."""
    app = QApplication.instance() or QApplication(argv)
    assert isinstance(app, QApplication)  # the program and its tests make only QApplications
    app.setApplicationName("村档")
    app.setOrganizationName("Cundang")
    look.apply(app)
    if demo_if_empty and not has_data(data_dir):  # the demo in its own folder, never in the data folder
        data_dir = demo_folder(data_dir)
        if not has_data(data_dir):
            build_demo(data_dir)
    store = Store.open(data_dir)
    if settings is not None and not is_demo_folder(data_dir):  # the next start opens real data, never the demo
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
    restore: Path | None = None
    while True:
        if restore is not None:
            try:
                restore_folder(data_dir, restore)
            except CundangError as exc:
                QMessageBox.warning(None, "没有恢复", describe(exc))
        try:
            app, window = build_app(sys.argv, data_dir, demo_if_empty=demo_if_empty, settings=settings)
        except Exception as exc:
            QMessageBox.critical(None, "村档无法打开数据", describe(exc))
            print(f"错误：{describe(exc)}", file=sys.stderr)
            return 1
        if window.store.villages.count() == 0 and not window.store.config().county_folder:
            first = FirstStartDialog(window.store)
            if first.exec() != FirstStartDialog.DialogCode.Accepted:
                window.store.close()
                return 0
            if first.next_folder is not None:  # another folder (an existing one, or the demo's)
                window.store.close()
                window.deleteLater()
                data_dir, restore = first.next_folder, None
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
        following = window.next_start
        window.deleteLater()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        if following is None:
            return code
        data_dir, restore = following
