"""扶贫专项台账: each benefit a household or member received, with totals by programme and year."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from models import codes
from models.domain import Benefit
from models.errors import CundangError
from models.money import format_fen, parse_yuan, to_decimal
from models.services.ledgers import add_benefit
from models.store import Store
from ui.events import AppEvents
from ui.households.event_dialogs import date_edit
from ui.ledgers.common import export, period, year_box
from ui.messages import describe
from ui.print_actions import print_ledger
from ui.tables import fill, make_table
from ui.widgets import CodeCombo, ErrorLabel

HEADERS = ("日期", "户编号", "户主", "享受人", "项目", "金额(元)", "资金来源", "备注")


class ProgrammesTab(QWidget):
    def __init__(self, store: Store, events: AppEvents) -> None:
        super().__init__()
        self.store, self.events = store, events
        self.village_id: int | None = None
        self.year = year_box()
        self.programme_filter = CodeCombo(codes.PROGRAMME, empty_label="全部项目")
        self.table = make_table(HEADERS, "benefit-table")
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
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.totals)
        layout.addLayout(entry)
        layout.addWidget(self.error)
        layout.addWidget(self.notice)
        self.year.currentIndexChanged.connect(lambda _: self.refresh())
        self.programme_filter.currentIndexChanged.connect(lambda _: self.refresh())
        self.add_button.clicked.connect(self._on_add)
        self.household.currentIndexChanged.connect(lambda _: self._fill_members())
        self.print_button.clicked.connect(lambda: self.print_pdf())
        self.export_button.clicked.connect(
            lambda: self.notice.setText(
                export(
                    self,
                    "扶贫专项台账",
                    HEADERS,
                    [(*r[:5], to_decimal(r[5]), *r[6:]) for r in self._rows()],
                    footer=self.totals_for_export(),
                )
            )
        )

    def print_pdf(self, path: str | None = None) -> str:
        """The ledger of the year shown, as a PDF (the whole year when all years are shown)."""
        return print_ledger(self, "programmes", period(self.year)[2], path)

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

    def _benefits(self) -> list[Benefit]:
        if self.village_id is None:
            return []
        start, end, _ = period(self.year)
        chosen = self.programme_filter.key()
        return [
            b for b in self.store.ledgers.benefits(self.village_id, start, end) if not chosen or b.programme == chosen
        ]

    def _rows(self) -> list[tuple]:
        """Every household, removed ones too: a benefit stays in the ledger after a removal."""
        heads = self.store.register.household_labels(self.village_id) if self.village_id else {}
        benefits = self._benefits()
        names = self.store.households.member_names([b.member_id for b in benefits if b.member_id])
        return [
            (
                b.benefit_date,
                *heads.get(b.household_id, ("", "")),
                names.get(b.member_id, "全户"),
                codes.PROGRAMME.label(b.programme),
                b.amount_fen,
                codes.FUND_SOURCE.label(b.source) if b.source in codes.FUND_SOURCE else b.source,
                b.note,
            )
            for b in benefits
        ]

    def totals_for_export(self) -> list[tuple]:
        by_programme: dict[str, int] = {}
        for b in self._benefits():
            by_programme[b.programme] = by_programme.get(b.programme, 0) + b.amount_fen
        return [
            ("合计", "", "", "", "", to_decimal(sum(by_programme.values()))),
            *(("", "", "", "", codes.PROGRAMME.label(k), to_decimal(v)) for k, v in by_programme.items()),
        ]

    def refresh(self) -> None:
        rows = self._rows()
        fill(self.table, [(*r[:5], format_fen(r[5]), *r[6:]) for r in rows])
        by_programme: dict[str, int] = {}
        by_year: dict[str, int] = {}
        for b in self._benefits():
            by_programme[b.programme] = by_programme.get(b.programme, 0) + b.amount_fen
            by_year[b.benefit_date[:4]] = by_year.get(b.benefit_date[:4], 0) + b.amount_fen
        self.totals.setText(
            f"合计 {format_fen(sum(by_programme.values()))} 元。按项目："
            + "，".join(f"{codes.PROGRAMME.label(k)} {format_fen(v)}" for k, v in by_programme.items())
            + "。按年度："
            + "，".join(f"{y} 年 {format_fen(v)}" for y, v in sorted(by_year.items()))
            + "。"
        )

    def _on_add(self) -> None:
        if not self.amount.text().strip():
            self.error.set_error("未登记：金额必须填写。")
            return
        try:
            add_benefit(
                self.store,
                Benefit(
                    household_id=self.household.currentData(),
                    member_id=self.member.currentData(),
                    programme=self.programme.key(),
                    benefit_date=self.day.date().toString("yyyy-MM-dd"),
                    amount_fen=parse_yuan(self.amount.text(), allow_negative=True),
                    source=self.source.key(),
                    note=self.note.text().strip(),
                ),
                self.village_id,
            )
        except CundangError as exc:
            self.error.set_error(f"未登记：{describe(exc)}")
            return
        self.error.set_error("")
        self.amount.clear()
        self.note.clear()
        self.refresh()
