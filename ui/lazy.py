"""Screens that load their village only when first shown, so opening the window stays fast."""

from __future__ import annotations

from PySide6.QtGui import QShowEvent


class LazyVillage:
    """Mixin for a QWidget screen: ``set_village`` is remembered and applied (``load_village``)
    when the screen is visible, at once or on its next show."""

    _pending: tuple[int | None] | None = None

    def set_village(self, village_id: int | None) -> None:
        self._pending = (village_id,)
        if self.isVisible():  # type: ignore[attr-defined]
            self._apply_pending()

    def _apply_pending(self) -> None:
        if self._pending is not None:
            (village_id,) = self._pending
            self._pending = None
            self.load_village(village_id)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)  # type: ignore[misc]
        self._apply_pending()

    def load_village(self, village_id: int | None) -> None:
        raise NotImplementedError
