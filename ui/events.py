"""App-wide change notifications: screens refresh themselves from what an operation changed."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from models.changes import Changes
from ui.emit import emit

__all__ = ["AppEvents", "Changes"]


class AppEvents(QObject):
    # (models.changes.Changes, initiator object or None)
    data_changed = Signal(object, object)

    def emit_changes(self, changes: Changes, initiator: object = None) -> None:
        """Tell every screen what changed (nothing is told when nothing changed)."""
        if changes:
            emit(self.data_changed, changes, initiator)
