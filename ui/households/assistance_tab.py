"""The household form's 帮扶 tab: pairing history, this household's plans, visits and procedure steps."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget

from models import access, codes, fields
from models.domain import ProcedureStep
from models.errors import CundangError
from models.money import format_fen
from models.rules.ledgers import loan_overdue
from models.rules.procedures import current_round, expected_step, round_year
from models.rules.settings import notice_floor
from models.rules.values import to_text
from models.services.assistance import add_step
from models.store import Store
from models.wording import describe
from ui.events import AppEvents
from ui.households.event_dialogs import date_edit
from ui.households.loan_dialog import LoanDialog
from ui.tables import fill, make_table
from ui.widgets import ErrorLabel, gate

_P, _C, _V, _S, _B = (fields.record(t) for t in ("pairings", "cadres", "visits", "procedure_steps", "benefits"))
_L = fields.record("loans")


class AssistanceTab(QWidget):
    def __init__(self, store: Store, events: AppEvents) -> None:
        super().__init__()
        self.store, self.events = store, events
        self.household_id: int | None = None
        self.pairings = make_table(
            (_P.header("cadre_id"), *_C.headers("unit", "phone"), *_P.headers("start_date", "end_date", "end_reason")),
            "form-pairings",
        )
        self.plans = QLabel()
        self.plans.setObjectName("form-plans")
        self.plans.setWordWrap(True)
        self.visits = make_table(_V.headers("visit_date", "cadre_id", "found", "done", "next_step"), "form-visits")
        self.steps = make_table(
            (*_S.headers("procedure", "year", "step", "start_date"), _S["end_date"].short, _S.header("note")),
            "form-steps",
        )
        self.benefits = make_table(
            _B.headers("benefit_date", "programme", "amount_fen", "source", "note"), "form-benefits"
        )
        self.loans = make_table(
            _L.headers("bank", "amount_fen", "loan_date", "due_date", "term_months", "status"), "form-loans"
        )
        self.loan_button = QPushButton("登记小额信贷…")
        self.loan_button.clicked.connect(self._on_loan)
        self.procedure = QComboBox()
        for key, label in codes.PROCEDURE.items:
            self.procedure.addItem(label, key)
        self.next_step = QLabel()
        self.step_year = QSpinBox()  # the round's year: set by its first step, kept by the rest
        self.step_year.setRange(2013, dt.date.today().year + 1)
        self.step_year.setValue(dt.date.today().year)
        self.step_year.setToolTip("这一轮程序所属的年度（识别年度或脱贫年度）：由第一步确定，之后各步沿用")
        self.step_start = date_edit()
        self.step_end = date_edit()
        self.step_note = QLineEdit()
        self.step_button = QPushButton("登记下一步")
        self.stop_button = QPushButton("终止本轮")
        self.stop_button.setToolTip("评议未通过、公示有异议等：结束本轮程序（说明必填），以后可重新开始")
        self.error = ErrorLabel()
        step_row = QHBoxLayout()
        for w in (
            self.procedure,
            self.next_step,
            QLabel(_S.label("year")),
            self.step_year,
            QLabel("日期"),
            self.step_start,
            QLabel("公示截止"),
            self.step_end,
            self.step_note,
            self.step_button,
            self.stop_button,
        ):
            step_row.addWidget(w)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("结对帮扶（历史全部保留）"))
        layout.addWidget(self.pairings, 1)
        layout.addWidget(self.plans)
        layout.addWidget(QLabel("走访记录"))
        layout.addWidget(self.visits, 1)
        layout.addWidget(QLabel("享受的帮扶政策（扶贫专项台账）"))
        layout.addWidget(self.benefits, 1)
        loans_row = QHBoxLayout()
        loans_row.addWidget(QLabel(f"{_L.title}（逾期的标红）"))
        loans_row.addStretch(1)
        loans_row.addWidget(self.loan_button)
        layout.addLayout(loans_row)
        layout.addWidget(self.loans, 1)
        layout.addWidget(QLabel("识别、退出、返贫与清退程序"))
        layout.addWidget(self.steps, 1)
        layout.addLayout(step_row)
        layout.addWidget(self.error)
        self.procedure.currentIndexChanged.connect(lambda _: self._refresh_next())
        self.step_button.clicked.connect(self._on_step)
        self.stop_button.clicked.connect(lambda: self._on_step(stop=True))
        gate(self.loan_button, store, access.TABLE_ACTIONS["loans"])
        self.may_step = gate(self.step_button, store, access.TABLE_ACTIONS["procedure_steps"])  # a 审核's
        gate(self.stop_button, store, access.TABLE_ACTIONS["procedure_steps"])

    def load(self, household_id: int | None) -> None:
        self.household_id = household_id
        self.setEnabled(household_id is not None)
        if household_id is None:
            return
        village_id = self.store.households.get(household_id).village_id
        assert village_id is not None  # a stored household belongs to a village
        cadres = {c.id: c for c in self.store.assistance.cadres(village_id)}
        pairings = self.store.assistance.pairings(household_id)
        fill(
            self.pairings,
            [
                (
                    cadres[p.cadre_id].name,
                    cadres[p.cadre_id].unit,
                    cadres[p.cadre_id].phone,
                    p.start_date,
                    p.end_date or "至今",
                    p.end_reason,
                )
                for p in pairings
            ],
        )
        years = self.store.assistance.plan_years(household_id)
        if years:
            plan = self.store.assistance.plan(household_id, years[-1])
            assert plan is not None and plan.id is not None  # one of the years it has plans for
            measures = self.store.assistance.measures(plan.id)
            items = "；".join(
                f"{codes.MEASURE_CATEGORY.label(m.category)}：{m.content}（{codes.MEASURE_STATUS.label(m.status)}）"
                for m in measures
            )
            self.plans.setText(
                f"一户一策（{years[-1]} 年，目标 {plan.target_exit_year or '—'} 年脱贫）：{items or '无措施'}。"
                f"  历年计划：{'、'.join(str(y) for y in years)}，在“一户一策”中查看和修改。"
            )
        else:
            self.plans.setText("一户一策：还没有计划。")
        visits = self.store.assistance.visits(household_id=household_id)
        fill(
            self.visits,
            [
                (v.visit_date, cadres[v.cadre_id].name if v.cadre_id in cadres else "", v.found, v.done, v.next_step)
                for v in visits
            ],
        )
        fill(
            self.benefits,
            [
                (
                    b.benefit_date,
                    codes.PROGRAMME.label(b.programme),
                    format_fen(b.amount_fen),
                    codes.FUND_SOURCE.label(b.source) if b.source in codes.FUND_SOURCE else b.source,
                    b.note,
                )
                for b in self.store.ledgers.household_benefits(household_id)
            ],
        )
        status = self.store.households.get(household_id).status
        self.procedure.blockSignals(True)  # the procedure that can come next for this household
        following = {"": "identify", "removed": "identify", "exited": "return"}.get(status, "exit")
        self.procedure.setCurrentIndex(self.procedure.findData(following))
        self.procedure.blockSignals(False)
        steps = self.store.assistance.steps(household_id)
        fill(
            self.steps,
            [
                (
                    codes.PROCEDURE.label(s.procedure),
                    s.year or "",
                    codes.step_label(s.procedure, s.step),
                    s.start_date,
                    s.end_date or "",
                    s.note,
                )
                for s in steps
            ],
        )
        self._fill_loans(household_id)
        self._refresh_next()

    def _fill_loans(self, household_id: int) -> None:
        loans = self.store.ledgers.loans(household_id)
        today = dt.date.today()
        fill(
            self.loans,
            [
                tuple(
                    to_text(_L[n], getattr(x, n))
                    for n in ("bank", "amount_fen", "loan_date", "due_date", "term_months", "status")
                )
                for x in loans
            ],
            warn=[loan_overdue(x.status, x.due_date, today) for x in loans],
        )

    def _on_loan(self) -> None:
        assert self.household_id is not None  # the tab is enabled only for a saved household
        dialog = LoanDialog(self.store, self.household_id, self)
        if dialog.exec():
            self._fill_loans(self.household_id)
            self.events.emit_changes(dialog.changes, self)

    def _refresh_next(self) -> None:
        if self.household_id is None:
            return
        procedure = self.procedure.currentData()
        done = current_round(
            procedure,
            self.store.assistance.steps(self.household_id),
            self.store.households.file(self.household_id).status_events,
        )
        config = self.store.config()
        step = expected_step(procedure, done, config)
        self.next_step.setText(f"下一步：{codes.PROCEDURE_STEPS[procedure].label(step)}" if step else "程序已完成")
        self.step_button.setEnabled(bool(step) and self.may_step)
        self.stop_button.setEnabled(bool(done) and self.may_step)
        year = round_year(done)
        self.step_year.setEnabled(year is None)  # a round under way keeps its year
        if year is not None:
            self.step_year.setValue(year)
        self.step_end.setEnabled(step in codes.NOTICE_STEPS)
        if step in codes.NOTICE_STEPS:
            self.step_end.setMaximumDate(self.step_start.maximumDate().addDays(60))
            village_id = self.store.households.get(self.household_id).village_id
            assert village_id is not None  # a stored household belongs to a village
            printed = self.store.ledgers.latest_notice(village_id, procedure)
            if printed:  # the notice printed for the board gives the period
                self.step_start.setDate(QDate.fromString(printed[0], "yyyy-MM-dd"))
                self.step_end.setDate(QDate.fromString(printed[1], "yyyy-MM-dd"))
                self.next_step.setText(self.next_step.text() + f"（已打印的公示：{printed[0]} 至 {printed[1]}）")
            else:
                self.step_end.setDate(self.step_start.date().addDays(notice_floor(config) - 1))

    def _on_step(self, stop: bool = False) -> None:
        assert self.household_id is not None  # the tab is enabled only for a saved household
        procedure = self.procedure.currentData()
        done = current_round(
            procedure,
            self.store.assistance.steps(self.household_id),
            self.store.households.file(self.household_id).status_events,
        )
        step = "stop" if stop else expected_step(procedure, done, self.store.config())
        try:
            changes = add_step(
                self.store,
                ProcedureStep(
                    household_id=self.household_id,
                    procedure=procedure,
                    step=step,
                    start_date=self.step_start.date().toString("yyyy-MM-dd"),
                    end_date=self.step_end.date().toString("yyyy-MM-dd") if step in codes.NOTICE_STEPS else None,
                    note=self.step_note.text().strip(),
                    year=self.step_year.value(),
                ),
            )
        except CundangError as exc:  # order, dates, a notice too short
            self.error.set_error(f"未登记：{describe(exc)}")
            return
        self.error.set_error("")
        self.step_note.clear()
        self.load(self.household_id)
        self.events.emit_changes(changes, self)
