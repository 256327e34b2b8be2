"""Building and running the window: settings, the store, the main window and the event loop."""
from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from models.demo.generator import generate
from models.store import Store
from ui import look
from ui.events import AppEvents
from ui.main_window import MainWindow
from ui.messages import describe


def build_app(argv: list[str], data_dir: Path, *, demo_if_empty: bool = False,
              settings: QSettings | None = None) -> tuple[QApplication, MainWindow]:
    """The application and its main window, without entering the event loop (tests use this)."""
    app = QApplication.instance() or QApplication(argv)
    app.setApplicationName("村档")
    app.setOrganizationName("Cundang")
    look.apply(app)
    store = Store.open(data_dir)
    if demo_if_empty and store.villages.count() == 0:
        generate(store, seed=1)
    if settings is not None:
        settings.setValue("data/last_folder", str(data_dir))
    window = MainWindow(store, AppEvents(), settings)
    return app, window


def run(data_dir: Path, *, demo_if_empty: bool = False) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    look.apply(app)
    settings = QSettings("Cundang", "Cundang")
    try:
        app, window = build_app(sys.argv, data_dir, demo_if_empty=demo_if_empty, settings=settings)
    except Exception as exc:
        QMessageBox.critical(None, "村档无法打开数据", describe(exc))
        print(f"错误：{describe(exc)}", file=sys.stderr)
        return 1
    window.show()
    return app.exec()
