"""App-wide change notifications: screens refresh themselves when data they show changes."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal


@dataclass(frozen=True)
class Changes:
    """What an operation changed, so each screen can decide whether to refresh."""

    village: bool = False
    households: bool = False
    ledgers: bool = False


class AppEvents(QObject):
    # (Changes, initiator object or None)
    data_changed = Signal(object, object)

    def emit_changes(self, changes: Changes, initiator: object = None) -> None:
        self.data_changed.emit(changes, initiator)
