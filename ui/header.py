"""The window's header: which village is shown (a county folder holds many) and its counts."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from models.store import Store
from ui.emit import emit
from ui.events import AppEvents, Changes


class Header(QWidget):
    """The village chooser (a county holds many) and its counts."""

    village_changed = Signal(object)  # village id or None

    def __init__(self, store: Store, events: AppEvents) -> None:
        super().__init__()
        self.store = store
        self.village_box = QComboBox()
        self.village_box.setMinimumContentsLength(18)
        # A county's villages arrive by import after the window opens: grow to the longest name.
        self.village_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.counts = QLabel()
        self.counts.setObjectName("header-counts")
        layout = QHBoxLayout(self)
        layout.addWidget(QLabel("当前村："))
        layout.addWidget(self.village_box)
        layout.addSpacing(16)
        layout.addWidget(self.counts, 1)
        self._fill_villages()
        self.village_box.currentIndexChanged.connect(self._on_village_chosen)
        events.data_changed.connect(self._on_data_changed)
        self._refresh_counts()

    def _fill_villages(self) -> None:
        self.village_box.clear()
        for v in self.store.villages.all():
            demo = "（演示数据）" if v.is_demo else ""
            self.village_box.addItem(f"{v.township}{v.name}（{v.code}）{demo}", v.id)

    @property
    def village_id(self) -> int | None:
        return self.village_box.currentData()

    def _on_village_chosen(self) -> None:
        self._refresh_counts()
        emit(self.village_changed, self.village_id)

    def _refresh_counts(self) -> None:
        if self.village_id is None:
            self.counts.setText("还没有村。")
            return
        stats = self.store.stats.villages(self.village_id)[0]
        overdue = self.store.ledgers.overdue_findings(self.village_id, dt.date.today().isoformat())
        warning = f" · <span style='color:#c0392b'>督查问题逾期未整改 {overdue} 个</span>" if overdue else ""
        loans = self.store.ledgers.overdue_loans(self.village_id, dt.date.today().isoformat())
        warning += f" · <span style='color:#c0392b'>小额信贷逾期 {loans} 笔</span>" if loans else ""
        self.counts.setText(
            f"建档立卡户 {stats.registered} 户 · 人口 {stats.members} 人 · "
            f"未脱贫 {stats.poor} 户 · 已脱贫 {stats.exited} 户{warning}"
        )

    def _on_data_changed(self, changes: Changes, initiator: object) -> None:
        if changes.touches("village"):
            current = self.village_id
            self.village_box.blockSignals(True)
            self._fill_villages()
            self.village_box.setCurrentIndex(max(self.village_box.findData(current), 0))
            self.village_box.blockSignals(False)
            if self.village_id != current:
                emit(self.village_changed, self.village_id)
        if changes.touches("village", "households", "inspections", "benefits"):
            self._refresh_counts()
