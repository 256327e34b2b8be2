"""结对帮扶: pair many households with a cadre at once, reassign, and see each household's history."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from models import access, codes, fields
from models.errors import CundangError
from models.fields import views
from models.services.assistance import correct_pairing, pair
from models.store import Store
from models.wording import describe
from ui.events import AppEvents
from ui.households.event_dialogs import date_edit
from ui.tables import fill, key_of, make_table, selected_keys
from ui.widgets import ErrorLabel, gate

_H, _P = fields.record("households"), fields.record("pairings")
HOUSEHOLD_HEADERS = (
    _H.header("household_no"),
    views.HEAD.header,
    _H.header("status"),
    views.HELPER.header,
    _P["start_date"].short,
)
HISTORY_HEADERS = (
    _P.header("cadre_id"),
    fields.record("cadres").header("unit"),
    *_P.headers("start_date", "end_date", "end_reason"),
)


class PairingTab(QWidget):
    def __init__(self, store: Store, events: AppEvents) -> None:
        super().__init__()
        self.store, self.events = store, events
        self.village_id: int | None = None
        self.only_unpaired = QCheckBox("只看无帮扶责任人的未脱贫户")
        self.households = make_table(HOUSEHOLD_HEADERS, "pairing-households")
        self.cadre = QComboBox()
        self.cadre.setObjectName("pairing-cadre")
        self.start = date_edit()
        self.pair_button = QPushButton("把选中的户结对给该干部")
        self.notice = QLabel()
        self.error = ErrorLabel()
        self.history = make_table(HISTORY_HEADERS, "pairing-history")
        self.correct_button = QPushButton("更正所选结对的帮扶责任人为上面所选干部（录错时用）")
        top = QHBoxLayout()
        top.addWidget(self.only_unpaired)
        top.addStretch(1)
        top.addWidget(QLabel("帮扶责任人"))
        top.addWidget(self.cadre)
        top.addWidget(QLabel("开始日期"))
        top.addWidget(self.start)
        top.addWidget(self.pair_button)
        history_box = QWidget()
        hl = QVBoxLayout(history_box)
        hl.setContentsMargins(0, 0, 0, 0)
        hl.addWidget(QLabel("选中户的结对历史（不脱贫不脱钩，历史全部保留）"))
        hl.addWidget(self.history)
        hl.addWidget(self.correct_button)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.households)
        split.addWidget(history_box)
        split.setSizes([420, 200])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addWidget(self.notice)
        layout.addWidget(self.error)
        self.only_unpaired.toggled.connect(lambda _: self.refresh())
        self.pair_button.clicked.connect(self._on_pair)
        self.households.itemSelectionChanged.connect(self._show_history)
        self.correct_button.clicked.connect(self._on_correct)
        for button in (self.pair_button, self.correct_button):
            gate(button, store, access.TABLE_ACTIONS["pairings"])

    def set_village(self, village_id: int | None) -> None:
        self.village_id = village_id
        self.refresh()

    def refresh(self) -> None:
        chosen = self.cadre.currentData()
        self.cadre.clear()
        if self.village_id is None:
            fill(self.households, [])
            return
        loads = self.store.assistance.loads(self.village_id)
        for c in self.store.assistance.cadres(self.village_id):
            assert c.id is not None  # read from the database
            if c.is_current:
                self.cadre.addItem(f"{c.name}（{c.unit}，现结对 {loads.get(c.id, 0)} 户）", c.id)
        self.cadre.setCurrentIndex(max(self.cadre.findData(chosen), 0))  # the next batch goes to the same cadre
        rows = self.store.register.pairing_rows(self.village_id, only_unpaired=self.only_unpaired.isChecked())
        fill(
            self.households,
            [(r[1], r[2], codes.status_label(r[3]), r[4], r[5]) for r in rows],
            keys=[r[0] for r in rows],
            warn=[not r[4] and r[3] in ("not_exited", "returned") for r in rows],
        )
        self._show_history()

    def _show_history(self) -> None:
        row = self.households.currentRow()
        if row < 0:
            fill(self.history, [])
            return
        household_id = key_of(self.households, row)
        # A row is there only when a village is shown; each is keyed by its household's id.
        assert self.village_id is not None and isinstance(household_id, int)
        cadres = {c.id: c for c in self.store.assistance.cadres(self.village_id)}
        history = self.store.assistance.pairings(household_id)
        fill(
            self.history,
            [
                (cadres[p.cadre_id].name, cadres[p.cadre_id].unit, p.start_date, p.end_date or "至今", p.end_reason)
                for p in history
            ],
            keys=[p.id for p in history],
        )

    def _on_pair(self) -> None:
        ids = [k for k in selected_keys(self.households) if isinstance(k, int)]
        cadre_id = self.cadre.currentData()
        if not ids or cadre_id is None:
            self.error.set_error("请先选中要结对的户和帮扶责任人。")
            return
        try:
            changes = pair(self.store, cadre_id, ids, self.start.date().toString("yyyy-MM-dd"))
        except CundangError as exc:  # an overlap with history, a cadre who left, a bad date
            self.error.set_error(f"没有结对（全部未改动）：{describe(exc)}")
            return
        self.error.set_error("")
        self.notice.setText(f"已结对 {changes.count} 户。")
        current = self.households.currentRow()
        self.events.emit_changes(changes, self)
        self.households.selectRow(current)

    def _on_correct(self) -> None:
        row = self.history.currentRow()
        cadre_id = self.cadre.currentData()
        if row < 0 or cadre_id is None:
            self.error.set_error("请先在结对历史中选中要更正的一条。")
            return
        pairing_id = key_of(self.history, row)
        assert isinstance(pairing_id, int)  # each row is keyed by its pairing's id
        try:
            changes = correct_pairing(self.store, pairing_id, cadre_id)
        except CundangError as exc:  # a cadre who had left by then
            self.error.set_error(f"未更正：{describe(exc)}")
            return
        self.error.set_error("")
        self.notice.setText("已更正（原记录保留在变更记录中）。")
        current = self.households.currentRow()
        self.events.emit_changes(changes, self)
        self.households.selectRow(current)
