"""扶贫专项台账: each benefit a household or member received, with totals by programme and year."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from models import access, codes, fields
from models.domain import Benefit
from models.errors import CundangError, Problem, ValidationFailed
from models.rules.values import parse_input
from models.services.ledger_tables import BENEFIT_FIELDS, Ledger, benefits_of
from models.services.ledgers import add_benefit
from models.store import Store
from models.wording import describe
from ui.events import AppEvents
from ui.households.event_dialogs import date_edit
from ui.ledgers.common import export, period, show, year_box
from ui.print_actions import print_ledger
from ui.tables import make_table
from ui.widgets import CodeCombo, ErrorLabel, gate

_B = fields.record("benefits")


class ProgrammesTab(QWidget):
    def __init__(self, store: Store, events: AppEvents) -> None:
        super().__init__()
        self.store, self.events = store, events
        self.village_id: int | None = None
        self.year = year_box()
        self.programme_filter = CodeCombo(codes.PROGRAMME, empty_label="全部项目")
        self.table = make_table([f.header for f in BENEFIT_FIELDS], "benefit-table")
        self.totals = QLabel()
        self.totals.setObjectName("benefit-totals")
        self.totals.setWordWrap(True)
        self.household = QComboBox()
        self.member = QComboBox()
        self.member.setObjectName("benefit-member")
        self.programme = CodeCombo(codes.PROGRAMME, optional=False)
        self.day = date_edit()
        self.amount = QLineEdit()
        self.amount.setPlaceholderText("金额（元）")
        self.source = CodeCombo(codes.FUND_SOURCE)
        self.note = QLineEdit()
        self.note.setPlaceholderText("备注")
        # 雨露计划: the student's school, grade and term (shown for that programme only)
        self.school, self.grade = QLineEdit(), QLineEdit()
        self.school.setPlaceholderText(_B.label("school"))
        self.grade.setPlaceholderText(_B["grade"].placeholder)
        self.term = CodeCombo(codes.TERM, empty_label=_B.label("term"))
        self.add_button = QPushButton("登记")
        self.print_button = QPushButton("打印 PDF…")
        self.export_button = QPushButton("导出所列到 Excel…")
        self.error = ErrorLabel()
        self.notice = QLabel()
        top = QHBoxLayout()
        top.addWidget(self.year)
        top.addWidget(self.programme_filter)
        top.addStretch(1)
        top.addWidget(self.print_button)
        top.addWidget(self.export_button)
        entry = QHBoxLayout()
        for w in (
            self.household,
            self.member,
            self.programme,
            self.day,
            self.amount,
            self.source,
            self.note,
            self.add_button,
        ):
            entry.addWidget(w)
        self.study = QWidget()
        study = QHBoxLayout(self.study)
        study.setContentsMargins(0, 0, 0, 0)
        parts: tuple[QWidget, ...] = (
            QLabel(f"{codes.PROGRAMME.label(codes.YULU)}："),
            self.school,
            self.grade,
            self.term,
        )
        for part in parts:
            study.addWidget(part)
        study.addStretch(1)
        self.study.setVisible(False)
        self.programme.currentIndexChanged.connect(lambda _: self.study.setVisible(self.programme.key() == codes.YULU))
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.totals)
        layout.addLayout(entry)
        layout.addWidget(self.study)
        layout.addWidget(self.error)
        layout.addWidget(self.notice)
        self.year.currentIndexChanged.connect(lambda _: self.refresh())
        self.programme_filter.currentIndexChanged.connect(lambda _: self.refresh())
        self.add_button.clicked.connect(self._on_add)
        gate(self.add_button, store, access.TABLE_ACTIONS["benefits"])
        self.household.currentIndexChanged.connect(lambda _: self._fill_members())
        self.print_button.clicked.connect(lambda: self.print_pdf())
        self.export_button.clicked.connect(lambda: self.notice.setText(self.export()))

    def print_pdf(self, path: str | None = None) -> str:
        """The ledger of the year shown, as a PDF (the whole year when all years are shown)."""
        return print_ledger(self, "programmes", period(self.year).year, path)

    def set_village(self, village_id: int | None) -> None:
        self.village_id = village_id
        self.household.clear()
        if village_id is not None:
            for hid, number, head, _status, *_ in self.store.register.pairing_rows(village_id):
                self.household.addItem(f"{number[-4:]} {head}", hid)
        self.refresh()

    def _fill_members(self) -> None:
        self.member.clear()
        self.member.addItem("全户", None)
        hid = self.household.currentData()
        for m in self.store.households.members(hid) if hid else []:
            if m.is_current:
                self.member.addItem(m.name, m.id)

    def book(self) -> Ledger | None:
        """The benefits of the period shown, of the programme chosen (removed households' too)."""
        if self.village_id is None:
            return None
        return benefits_of(self.store, self.village_id, period(self.year), self.programme_filter.key())

    def export(self, path: str | None = None) -> str:
        book = self.book()
        return export(self, book, path) if book else ""

    def refresh(self) -> None:
        book = self.book()
        if book is None:
            return
        show(self.table, book.tables[0])
        self.totals.setText("".join(book.summary))

    def _on_add(self) -> None:
        problems: list[Problem] = []
        amount = parse_input(_B["amount_fen"], self.amount.text(), ("benefits", "amount_fen"), problems)
        yulu = self.programme.key() == codes.YULU
        try:
            if problems:
                raise ValidationFailed(problems)
            changes = add_benefit(
                self.store,
                Benefit(
                    household_id=self.household.currentData(),
                    member_id=self.member.currentData(),
                    programme=self.programme.key(),
                    benefit_date=self.day.date().toString("yyyy-MM-dd"),
                    amount_fen=amount or 0,
                    source=self.source.key(),
                    note=self.note.text(),
                    school=self.school.text() if yulu else "",
                    grade=self.grade.text() if yulu else "",
                    term=self.term.key() if yulu else "",
                ),
                self.village_id or 0,
            )
        except CundangError as exc:
            self.error.set_error(f"未登记：{describe(exc)}")
            return
        self.error.set_error("")
        self.amount.clear()
        self.note.clear()
        self.events.emit_changes(changes, self)
