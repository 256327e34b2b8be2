"""干部与工作队: the village's cadres, their roles and loads, and which required forces are missing."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from models import access, codes, fields
from models.domain import Cadre
from models.errors import CundangError
from models.fields import views
from models.rules.assistance import missing_requirements
from models.services.assistance import cadre_leaves
from models.store import Store
from models.wording import describe
from ui.assistance.cadre_dialog import CadreDialog
from ui.events import AppEvents
from ui.households.event_dialogs import date_edit
from ui.tables import fill, key_of, make_table
from ui.widgets import ErrorLabel, gate

_C = fields.record("cadres")
HEADERS = (*_C.headers("name", "roles", "unit", "position", "phone"), _C["on_team"].short, *views.CADRE_LIST.headers())


class TeamTab(QWidget):
    def __init__(self, store: Store, events: AppEvents) -> None:
        super().__init__()
        self.store, self.events = store, events
        self.village_id: int | None = None
        self.missing = QLabel()
        self.missing.setObjectName("missing-roles")
        self.missing.setWordWrap(True)
        self.table = make_table(HEADERS, "cadre-table")
        self.add_button = QPushButton("添加干部…")
        self.edit_button = QPushButton("修改…")
        self.leave_date = date_edit()
        self.leave_button = QPushButton("登记离开（结束其结对）")
        self.error = ErrorLabel()
        buttons = QHBoxLayout()
        for w in (self.add_button, self.edit_button):
            buttons.addWidget(w)
        buttons.addStretch(1)
        buttons.addWidget(QLabel("离开日期"))
        buttons.addWidget(self.leave_date)
        buttons.addWidget(self.leave_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.missing)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(lambda: self._edit(Cadre(village_id=self.village_id)))
        self.edit_button.clicked.connect(self._on_edit)
        self.table.doubleClicked.connect(lambda _: self._on_edit())
        self.leave_button.clicked.connect(self._on_leave)
        for button in (self.add_button, self.leave_button):  # 修改… shows a cadre; its dialog's 保存 is gated
            gate(button, store, access.TABLE_ACTIONS["cadres"])

    def set_village(self, village_id: int | None) -> None:
        self.village_id = village_id
        self.refresh()

    def refresh(self) -> None:
        if self.village_id is None:
            fill(self.table, [])
            return
        cadres = self.store.assistance.cadres(self.village_id)
        loads = self.store.assistance.loads(self.village_id)
        fill(
            self.table,
            [
                (
                    c.name,
                    "、".join(codes.CADRE_ROLE.label(r) for r in c.role_keys),
                    c.unit,
                    c.position,
                    c.phone,
                    "是" if c.on_team else "",
                    loads.get(c.id, 0) if c.id is not None else 0,
                    f"{c.left_date} 离开" if c.left_date else "在岗",
                )
                for c in cadres
            ],
            keys=[c.id for c in cadres],
        )
        missing = missing_requirements(self.store.config().required_roles, cadres)
        unpaired = len(self.store.assistance.unpaired(self.village_id))
        text = (
            "缺少的帮扶力量：" + "、".join(codes.VILLAGE_REQUIREMENT.label(k) for k in missing)
            if missing
            else "帮扶力量齐全。"
        )
        text += f"　无帮扶责任人的未脱贫户：{unpaired} 户。"
        self.missing.setText(text)
        self.missing.setStyleSheet("color: #c0392b;" if missing or unpaired else "")

    def _on_edit(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            cadre_id = key_of(self.table, row)
            assert isinstance(cadre_id, int)  # each row is keyed by its cadre's id
            self._edit(self.store.assistance.cadre(cadre_id))

    def _edit(self, cadre: Cadre) -> None:
        if self.village_id is None:
            return
        dialog = CadreDialog(self.store, cadre, self)
        if dialog.exec():
            self.events.emit_changes(dialog.changes, self)

    def _on_leave(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        cadre_id = key_of(self.table, row)
        assert isinstance(cadre_id, int)  # each row is keyed by its cadre's id
        try:
            changes = cadre_leaves(self.store, cadre_id, self.leave_date.date().toString("yyyy-MM-dd"))
        except CundangError as exc:  # the date, or a cadre already gone
            self.error.set_error(describe(exc))
            return
        self.error.set_error("")
        self.events.emit_changes(changes, self)
