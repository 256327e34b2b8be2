"""The 上报 section: the village's package out, county imports in, the county's view, and
bootstrapping a village from the national system's export."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from models.store import Store
from ui.events import AppEvents
from ui.exchange.county_tab import CountyTab
from ui.exchange.export_tab import ExportTab
from ui.exchange.import_tab import ImportTab
from ui.exchange.national_tab import NationalTab


class ExchangeScreen(QWidget):
    def __init__(self, store: Store, events: AppEvents) -> None:
        super().__init__()
        self.export_tab = ExportTab(store)
        self.import_tab = ImportTab(store, events)
        self.county_tab = CountyTab(store, events)
        self.national_tab = NationalTab(store, events)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.export_tab, "本村上报包")
        self.tabs.addTab(self.import_tab, "导入上报包（县级）")
        self.tabs.addTab(self.county_tab, "全县概况")
        self.tabs.addTab(self.national_tab, "从国家系统导入")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def set_village(self, village_id: int | None) -> None:
        self.export_tab.set_village(village_id)
