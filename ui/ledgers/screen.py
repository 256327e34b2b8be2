"""The 台账 section: 扶贫项目资金, 驻村帮扶, 扶贫专项, 督查考核, loaded when first shown."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget

from models.changes import LEDGERS
from models.services.ledger_tables import TITLES
from models.store import Store
from ui.events import AppEvents, Changes
from ui.lazy import LazyVillage
from ui.ledgers.inspections_tab import InspectionsTab
from ui.ledgers.programmes_tab import ProgrammesTab
from ui.ledgers.projects_tab import ProjectsTab
from ui.ledgers.team_tab import TeamLedgerTab


class LedgerScreen(LazyVillage, QTabWidget):
    def __init__(self, store: Store, events: AppEvents) -> None:
        super().__init__()
        self.projects = ProjectsTab(store, events)
        self.team = TeamLedgerTab(store, events)
        self.programmes = ProgrammesTab(store, events)
        self.inspections = InspectionsTab(store, events)
        for kind, tab in zip(TITLES, (self.projects, self.team, self.programmes, self.inspections), strict=True):
            self.addTab(tab, TITLES[kind])
        self.village_id: int | None = None
        events.data_changed.connect(self._on_data_changed)

    def load_village(self, village_id: int | None) -> None:
        self.village_id = village_id
        for tab in (self.projects, self.team, self.programmes, self.inspections):
            tab.set_village(village_id)

    def _on_data_changed(self, changes: Changes, initiator: object) -> None:
        """Every ledger shows households, cadres or settings besides its own records: reloaded now
        if shown, else when next shown."""
        if changes.touches("households", "cadres", "village"):
            self.set_village(self.village_id)  # the households and cadres to choose from
        elif changes.touches(*LEDGERS, "settings") and self._pending is None:
            for tab in (self.projects, self.team, self.programmes, self.inspections):
                tab.refresh()
