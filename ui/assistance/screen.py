"""The 帮扶 section: tabs for the team and cadres, pairing, and visits."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget

from models.store import Store
from ui.assistance.pairing_tab import PairingTab
from ui.assistance.team_tab import TeamTab
from ui.assistance.visits_tab import VisitsTab
from ui.events import AppEvents, Changes
from ui.lazy import LazyVillage


class AssistanceScreen(LazyVillage, QTabWidget):
    def __init__(self, store: Store, events: AppEvents) -> None:
        super().__init__()
        self.team = TeamTab(store, events)
        self.pairing = PairingTab(store, events)
        self.visits = VisitsTab(store, events)
        self.addTab(self.team, "干部与工作队")
        self.addTab(self.pairing, "结对帮扶")
        self.addTab(self.visits, "走访记录")
        events.data_changed.connect(self._on_data_changed)
        self.village_id: int | None = None

    def load_village(self, village_id: int | None) -> None:
        self.village_id = village_id
        for tab in (self.team, self.pairing, self.visits):
            tab.set_village(village_id)

    def _on_data_changed(self, changes: Changes, initiator: object) -> None:
        """Cadres, pairings and visits are shown on all three tabs (names, loads, choices); the
        register's households too. Reloaded now if shown, else when next shown."""
        if changes.touches("cadres", "pairings", "visits", "households", "village", "settings"):
            self.set_village(self.village_id)
