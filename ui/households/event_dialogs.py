"""Dialogs for changes that are events, not edits: 人员变更 and 识别 / 标注脱贫 / 返贫 / 清退."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from models import access, codes, fields
from models.changes import Changes
from models.domain import Member
from models.errors import CundangError
from models.fields import views
from models.services import households as svc
from models.store import Store
from models.wording import describe
from ui.look import DATE_FORMAT
from ui.widgets import CodeCombo, ErrorLabel, gate


def date_edit() -> QDateEdit:
    edit = QDateEdit(QDate.currentDate())
    edit.setDisplayFormat(DATE_FORMAT)
    edit.setCalendarPopup(True)
    edit.setMaximumDate(QDate.currentDate())
    return edit


class _EventDialog(QDialog):
    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.error = ErrorLabel()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._on_ok)
        buttons.rejected.connect(self.reject)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert ok is not None  # asked for just above
        self.ok_button = ok  # gated by each dialog with the action its event needs
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def _on_ok(self) -> None:
        try:
            self.changes = self.apply()
        except CundangError as exc:
            self.error.set_error(describe(exc))
            return
        self.accept()

    def apply(self) -> Changes:
        raise NotImplementedError


class StatusDialog(_EventDialog):
    """识别 / 标注脱贫 / 返贫 / 清退 for one household, with date, year and reason."""

    def __init__(self, store: Store, household_id: int, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(codes.STATUS_EVENT.label(kind), parent)
        self.store, self.household_id, self.kind = store, household_id, kind
        self.date = date_edit()
        self.year = QSpinBox()
        self.year.setRange(2013, dt.date.today().year)
        self.year.setValue(dt.date.today().year)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("必填" if kind in ("return", "remove") else "")
        self.override = QLineEdit()
        self.override.setPlaceholderText("仅当退出核查未通过而确需标注时填写，将记录在案")
        events = fields.record("status_events")
        self.form.addRow(events.header("event_date"), self.date)
        self.form.addRow(events.header("year"), self.year)
        self.form.addRow(events.header("reason"), self.reason)
        if kind == "exit":
            self.form.addRow(events.header("override_reason"), self.override)
        gate(self.ok_button, store, access.row_actions("status_events", {"kind": kind}))

    def apply(self) -> Changes:
        return svc.change_status(
            self.store,
            self.household_id,
            self.kind,
            self.date.date().toString("yyyy-MM-dd"),
            self.year.value(),
            self.reason.text(),
            override_reason=self.override.text(),
        )


class MemberChangeDialog(_EventDialog):
    """人员变更: a member joins (新生儿, 嫁入, 迁入 …) or leaves (死亡, 嫁出, 迁出 …)."""

    def __init__(self, store: Store, household_id: int, parent: QWidget | None = None) -> None:
        super().__init__("人员变更", parent)
        self.store, self.household_id = store, household_id
        self.current = [m for m in store.households.members(household_id) if m.is_current]
        self.kind = CodeCombo(codes.MEMBER_EVENT, optional=False)
        self.date = date_edit()
        self.reason = QLineEdit()
        # joining
        self.name = QLineEdit()
        self.id_type = CodeCombo(codes.ID_TYPE, optional=False)
        self.id_number = QLineEdit()
        self.id_number.setPlaceholderText("出生日期、性别由身份证号自动取得")
        self.id_number.setToolTip("新生儿尚未办证时，证件类型选“其他证件”，号码留空，填写性别和出生日期。")
        self.sex = CodeCombo(codes.SEX)
        self.birth_date = QLineEdit()
        self.birth_date.setPlaceholderText("yyyy-MM-dd（无身份证号时填写）")
        self.relation = CodeCombo(codes.RELATION)
        # leaving
        self.member = QComboBox()
        self.new_head = QComboBox()
        for m in self.current:
            self.member.addItem(f"{m.name}（{codes.RELATION.label(m.relation)}）", m.id)
            if m.relation != codes.HEAD:
                self.new_head.addItem(m.name, m.id)
        events, members = fields.record("member_events"), fields.record("members")
        self.form.addRow(events.header("kind"), self.kind)
        self.form.addRow(events.header("event_date"), self.date)
        self.rows_join = [
            (members.header(name), widget)
            for name, widget in (
                ("name", self.name),
                ("id_type", self.id_type),
                ("id_number", self.id_number),
                ("sex", self.sex),
                ("birth_date", self.birth_date),
                ("relation", self.relation),
            )
        ]
        self.rows_leave = [(views.LEAVING.label, self.member), (views.NEW_HEAD.label, self.new_head)]
        for label, widget in self.rows_join + self.rows_leave:
            self.form.addRow(label, widget)
        self.form.addRow(events.header("reason"), self.reason)
        self.kind.currentIndexChanged.connect(self._refresh)
        self.member.currentIndexChanged.connect(self._refresh)
        self._refresh()
        gate(self.ok_button, store, access.TABLE_ACTIONS["member_events"])

    def joining(self) -> bool:
        return self.kind.key() in codes.MEMBER_JOIN

    def _refresh(self) -> None:
        joining = self.joining()
        leaving_head = not joining and any(
            m.id == self.member.currentData() and m.relation == codes.HEAD for m in self.current
        )
        for _, widget in self.rows_join:
            self.form.setRowVisible(widget, joining)
        self.form.setRowVisible(self.member, not joining)
        self.form.setRowVisible(self.new_head, leaving_head)

    def apply(self) -> Changes:
        day = self.date.date().toString("yyyy-MM-dd")
        if self.joining():
            member = Member(
                name=self.name.text(),
                id_type=self.id_type.key(),
                id_number=self.id_number.text(),
                sex=self.sex.key(),
                birth_date=self.birth_date.text().strip(),
                relation=self.relation.key(),
            )
            return svc.add_member(self.store, self.household_id, member, self.kind.key(), day, self.reason.text())
        return svc.remove_member(
            self.store,
            self.member.currentData(),
            self.kind.key(),
            day,
            self.reason.text(),
            new_head_id=self.new_head.currentData(),
        )
