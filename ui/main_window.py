"""The main window: assembles the header, the navigation and the screens; owns no feature."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from models.services.safety import ForeignBackup
from models.store import Store
from ui.account_menu import AccountMenu
from ui.assistance.screen import AssistanceScreen
from ui.events import AppEvents
from ui.exchange.screen import ExchangeScreen
from ui.exit_check_screen import ExitCheckScreen
from ui.file_menu import FileMenu
from ui.header import Header
from ui.households.list_view import HouseholdListScreen
from ui.idle_lock import IdleLock
from ui.ledgers.screen import LedgerScreen
from ui.plans_screen import PlanScreen
from ui.print_screen import PrintScreen
from ui.village_screen import VillageScreen
from ui.waiting import WaitingNotice

SECTIONS = ("村情", "贫困户", "帮扶", "一户一策", "台账", "公示与打印", "上报", "统计")


# Every section's screen: a widget with set_village.
Screen = (
    VillageScreen
    | HouseholdListScreen
    | AssistanceScreen
    | PlanScreen
    | LedgerScreen
    | PrintScreen
    | ExchangeScreen
    | ExitCheckScreen
)


def window_title(store: Store) -> str:
    """村档 — folder — who is logged in (roles); 只读 and 未加密 said where they hold."""
    parts = [f"村档 — {store.folder}"]
    if store.operator is not None:
        parts.append(f"{store.operator.name}（{store.operator.role_labels}）")
    flags = ("（只读）" if store.read_only else "") + ("" if store.session.encrypted else "（未加密）")
    return " — ".join(parts) + flags


class MainWindow(QMainWindow):
    def __init__(self, store: Store, events: AppEvents, settings: QSettings | None = None) -> None:
        super().__init__()
        self.store = store
        self.events = events
        self.settings = settings
        self.setWindowTitle(window_title(store))
        self.header = Header(store, events)
        self.nav = QListWidget()
        self.nav.addItems(SECTIONS)
        self.nav.setFixedWidth(120)
        self.stack = QStackedWidget()
        self.village_screen = VillageScreen(store, events)
        self.households = HouseholdListScreen(store, events)
        self.assistance = AssistanceScreen(store, events)
        self.plans = PlanScreen(store, events)
        self.exit_check = ExitCheckScreen(store, events)
        self.ledgers = LedgerScreen(store, events)
        self.printing = PrintScreen(store, events)
        self.exchange = ExchangeScreen(store, events)
        self.screens: dict[str, Screen] = {
            "村情": self.village_screen,
            "贫困户": self.households,
            "帮扶": self.assistance,
            "一户一策": self.plans,
            "台账": self.ledgers,
            "公示与打印": self.printing,
            "上报": self.exchange,
            "统计": self.exit_check,
        }
        for section in SECTIONS:  # the stack follows the navigation's order
            screen = self.screens[section]
            self.stack.addWidget(screen)
            self.header.village_changed.connect(screen.set_village)
            screen.set_village(self.header.village_id)
        self.households.request_show.connect(lambda: self.show_section("贫困户"))
        # After closing: (folder, backup to restore: a file, or a ForeignBackup of another installation),
        # and whether to encrypt (True) or make plain (False) the folder first (设置 → 数据加密).
        self.next_start: tuple[Path, Path | ForeignBackup | None] | None = None
        self.next_encryption: bool | None = None
        self.file_menu = FileMenu(self, store, settings)
        self.waiting = WaitingNotice(self)
        menu = self.menuBar().addMenu("贫困户(&H)")
        for action in self.households.actions():
            menu.addAction(action)
        self.account = AccountMenu(self, store)
        self.idle_lock = IdleLock(store, self)
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        # A county's folder opens on 上报; a village's on its register (on 村情 before it has one).
        first = "上报" if store.config().county_folder else "贫困户" if self.header.village_id is not None else "村情"
        self.nav.setCurrentRow(SECTIONS.index(first))
        body = QHBoxLayout()
        body.addWidget(self.nav)
        body.addWidget(self.stack, 1)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.header)
        layout.addLayout(body, 1)
        self.setCentralWidget(central)
        self.resize(1200, 760)
        self._restore_geometry()

    def show_section(self, section: str) -> None:
        self.nav.setCurrentRow(SECTIONS.index(section))

    # --- Geometry -------------------------------------------------------------

    def _restore_geometry(self) -> None:
        if self.settings is not None:
            geometry = self.settings.value("window/geometry")
            if isinstance(geometry, QByteArray):
                self.restoreGeometry(geometry)

    def closeEvent(self, event) -> None:
        if self.settings is not None:
            self.settings.setValue("window/geometry", self.saveGeometry())
        self.file_menu.backup_on_close()
        super().closeEvent(event)
