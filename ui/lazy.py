"""Screens that load their village only when first shown, so opening the window stays fast."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QShowEvent

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    _Screen = QWidget  # what the mixin is mixed into, for the type checker
else:
    _Screen = object  # at run time the screen's own Qt class comes after the mixin


class LazyVillage(_Screen):
    """Mixin for a QWidget screen: ``set_village`` is remembered and applied (``load_village``)
    when the screen is visible, at once or on its next show."""

    _pending: tuple[int | None] | None = None

    def set_village(self, village_id: int | None) -> None:
        self._pending = (village_id,)
        if self.isVisible():
            self._apply_pending()

    def _apply_pending(self) -> None:
        if self._pending is not None:
            (village_id,) = self._pending
            self._pending = None
            self.load_village(village_id)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._apply_pending()

    def load_village(self, village_id: int | None) -> None:
        raise NotImplementedError
