"""Settings that differ by province or year: poverty lines, required roles, exit criteria, notice days."""

from __future__ import annotations

import dataclasses
import datetime as dt

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from models import codes, fields
from models import config as config_module
from models.changes import Changes
from models.domain import PovertyLine
from models.errors import CundangError
from models.fields import views
from models.money import format_fen, parse_yuan
from models.rules.settings import DAY_RANGES, POLICY_FLOORS, notice_floor
from models.services.assistance import delete_poverty_line, save_config, save_poverty_line
from models.store import Store
from models.wording import describe
from printing.fonts import load_ttf
from ui.tables import fill, key_of, make_table
from ui.widgets import ErrorLabel

_L = fields.record("poverty_lines")
_R = views.REPORTED_LINES
_S = views.CONFIG


class PovertyLineDialog(QDialog):
    """扶贫标准 by year and province: what the exit check compares 人均纯收入 with."""

    def __init__(self, store: Store, province: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.read_at = store.last_change()  # a save refuses what changed after this
        self.store = store
        self.setWindowTitle("扶贫标准（元/人·年）")
        self.changes = Changes()
        self.table = make_table(_L.headers("year", "province", "line_fen", "source"), "poverty-lines")
        self.year = QSpinBox()
        self.year.setRange(2010, dt.date.today().year + 1)
        self.year.setValue(dt.date.today().year)
        self.province = QLineEdit(province)
        self.amount = QLineEdit()
        self.amount.setPlaceholderText("元")
        self.source = QLineEdit()
        self.source.setPlaceholderText(_L["source"].placeholder)
        self.save_button = QPushButton("保存这一条")
        self.delete_button = QPushButton("删除选中")
        self.error = ErrorLabel()
        form = QHBoxLayout()
        for w in (self.year, self.province, self.amount, self.source, self.save_button):
            form.addWidget(w)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        reference = QLabel(
            "本程序不内置任何扶贫标准，请按本省文件填写。供参考：国家扶贫标准为 2010 年不变价 2300 元；"
            "四川省自贡市大安区 2016 年按 3100 元标准补差（大安区委决定）。"
        )
        reference.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(reference)
        layout.addWidget(self.table)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.delete_button)
        self.reported = self._reported_table()  # a county's folder: the lines its villages used
        if self.reported is not None:
            layout.addWidget(self.reported)
        layout.addWidget(close)
        self.save_button.clicked.connect(self._on_save)
        self.delete_button.clicked.connect(self._on_delete)
        self.resize(760, 620 if self.reported is not None else 420)
        self.refresh()

    def _reported_table(self) -> QGroupBox | None:
        """The line each village's package carried, beside the county's own (read only): the
        county's exit check uses its own line, and the village's only where it has none."""
        if not self.store.assistance.reported_lines():
            return None
        box = QGroupBox(f"{_R.title}（县里没有某年标准时，退出核查用村上报的）")
        self.reported_lines = make_table(_R.headers(*_R), "reported-lines")
        QVBoxLayout(box).addWidget(self.reported_lines)
        return box

    def refresh(self) -> None:
        if self.reported is not None:
            fill(
                self.reported_lines,
                [
                    (code, name, year, province, format_fen(fen), "无" if own is None else format_fen(own))
                    for code, name, year, province, fen, _, own in self.store.assistance.reported_lines()
                ],
            )
        lines = self.store.assistance.poverty_lines()
        fill(
            self.table,
            [(x.year, x.province, format_fen(x.line_fen), x.source) for x in lines],
            keys=[x.id for x in lines],
        )

    def _on_save(self) -> None:
        try:
            line = PovertyLine(
                year=self.year.value(),
                province=self.province.text(),
                line_fen=parse_yuan(self.amount.text()),
                source=self.source.text(),
            )
            self.changes |= save_poverty_line(self.store, line, read_at=self.read_at)
        except CundangError as exc:
            self.error.set_error(describe(exc))
            return
        self.read_at = self.store.last_change()  # the dialog stays open for the next line
        self.error.set_error("")
        self.refresh()

    def _on_delete(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            line_id = key_of(self.table, row)
            assert isinstance(line_id, int)  # each row is keyed by its line's id
            self.changes |= delete_poverty_line(self.store, line_id)
            self.refresh()


class ConfigDialog(QDialog):
    """帮扶力量 required, exit criteria, notice days, village exit thresholds."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.read_at = store.last_change()  # a save refuses what changed after this
        self.store = store
        self.changes = Changes()
        self.setWindowTitle("设置")
        config = store.config()
        self.roles = self._checks(
            f"{_S.label('required_roles')}（默认“六个一”）", codes.VILLAGE_REQUIREMENT.items, config.required_roles
        )
        self.criteria = self._checks(
            f"{_S.label('exit_criteria')}（收入和两不愁三保障必须核查）",
            codes.EXIT_CRITERION.items,
            [*codes.EXIT_ALWAYS, *config.exit_criteria],
        )
        for key in codes.EXIT_ALWAYS:  # the policy decides these: shown, never switched off
            self.criteria[1][key].setEnabled(False)
            self.criteria[1][key].setToolTip("政策规定必须核查，不能去掉")
        self.change_steps = {
            name: self._checks(_S.label(name), codes.CHANGE_STEPS.items, getattr(config, name))
            for name in ("return_steps", "remove_steps")
        }
        for _, checks in self.change_steps.values():
            for key in ("review", "notice"):  # §3: decided by 评议 and 公示, always
                checks[key].setChecked(True)
                checks[key].setEnabled(False)
                checks[key].setToolTip("政策规定必须有，不能去掉")
        village = fields.record("villages")
        self.facts = self._checks(
            _S.label("village_requirements"),
            [(k, village.label(k)) for k in config_module.VILLAGE_FACTS],
            config.village_requirements,
        )
        self.notice_days = QSpinBox()
        self.notice_days.setRange(POLICY_FLOORS["notice_days"], DAY_RANGES["notice_days"][1])
        self.notice_days.setValue(notice_floor(config))
        self.notice_days.setSuffix(" 天")
        self.notice_days.setToolTip(f"政策规定公示不少于 {POLICY_FLOORS['notice_days']} 天，可以更长")
        self.funds_notice_days = QSpinBox()
        self.funds_notice_days.setRange(POLICY_FLOORS["funds_notice_days"], DAY_RANGES["funds_notice_days"][1])
        self.funds_notice_days.setValue(notice_floor(config, funds=True))
        self.funds_notice_days.setSuffix(" 天")
        self.incidence = QSpinBox()
        self.incidence.setRange(1, 1000)
        self.incidence.setValue(config.incidence_max_permille)
        self.incidence.setSuffix(" ‰")
        self.attendance = QSpinBox()
        self.attendance.setRange(0, 31)
        self.attendance.setValue(config.min_attendance_days)
        self.attendance.setSuffix(" 天")
        self.collective = QLineEdit(format_fen(config.collective_income_min_fen))
        self.collective.setPlaceholderText("元；不填则不作要求")
        self.loan_max = QLineEdit(format_fen(config.loan_max_fen))
        self.loan_max.setPlaceholderText("元")
        self.loan_months = QSpinBox()
        self.loan_months.setRange(1, 120)
        self.loan_months.setValue(config.loan_max_months)
        self.loan_months.setSuffix(" 月")
        self.local_hotline = QLineEdit(config.local_hotline)
        self.local_hotline.setPlaceholderText("印在公示和明白卡上，与 12317 并列")
        self.pdf_font = QLineEdit(config.pdf_font)
        self.pdf_font.setPlaceholderText("留空则自动查找系统中文字体")
        self.idle_lock = QSpinBox()
        self.idle_lock.setRange(*DAY_RANGES["idle_lock_minutes"])
        self.idle_lock.setValue(config.idle_lock_minutes)
        self.idle_lock.setSuffix(" 分钟")
        self.enforce = QCheckBox(_S.label("enforce_procedures"))
        self.enforce.setChecked(config.enforce_procedures)
        self.error = ErrorLabel()
        form = QFormLayout()
        for name, widget in (
            ("notice_days", self.notice_days),
            ("funds_notice_days", self.funds_notice_days),
            ("incidence_max_permille", self.incidence),
            ("collective_income_min_fen", self.collective),
            ("min_attendance_days", self.attendance),
            ("loan_max_fen", self.loan_max),
            ("loan_max_months", self.loan_months),
            ("local_hotline", self.local_hotline),
            ("pdf_font", self.pdf_font),
            ("idle_lock_minutes", self.idle_lock),
        ):
            form.addRow(_S.label(name), widget)
        self.incidence.setToolTip("西部省份常为 30‰")
        self.attendance.setToolTip("按本省规定")
        form.addRow("", self.enforce)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        # Two columns, so the dialog fits a 1366×768 screen with its buttons above the taskbar.
        left, right = QVBoxLayout(), QVBoxLayout()
        for box in (self.roles[0], self.criteria[0], *(b for b, _ in self.change_steps.values())):
            left.addWidget(box)
        left.addStretch(1)
        right.addWidget(self.facts[0])
        right.addLayout(form)
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    @staticmethod
    def _checks(title: str, items, chosen: list[str]) -> tuple[QGroupBox, dict[str, QCheckBox]]:
        box = QGroupBox(title)
        grid = QGridLayout(box)
        checks = {}
        for i, (key, label) in enumerate(items):
            check = QCheckBox(label)
            check.setChecked(key in chosen)
            checks[key] = check
            grid.addWidget(check, i // 4, i % 4)
        return box, checks

    def save(self) -> None:
        config = dataclasses.replace(
            self.store.config(),
            required_roles=[k for k, c in self.roles[1].items() if c.isChecked()],
            exit_criteria=[k for k, c in self.criteria[1].items() if c.isChecked()],
            notice_days=self.notice_days.value(),
            funds_notice_days=self.funds_notice_days.value(),
            enforce_procedures=self.enforce.isChecked(),
            incidence_max_permille=self.incidence.value(),
            village_requirements=[k for k, c in self.facts[1].items() if c.isChecked()],
            return_steps=[k for k, c in self.change_steps["return_steps"][1].items() if c.isChecked()],
            remove_steps=[k for k, c in self.change_steps["remove_steps"][1].items() if c.isChecked()],
            min_attendance_days=self.attendance.value(),
            idle_lock_minutes=self.idle_lock.value(),
        )
        try:
            text = self.collective.text().strip()
            config.collective_income_min_fen = parse_yuan(text) if text else None
            config.loan_max_fen = parse_yuan(self.loan_max.text().strip() or "0")
            config.loan_max_months = self.loan_months.value()
            config.local_hotline = self.local_hotline.text().strip()
            config.pdf_font = self.pdf_font.text().strip()
            if config.pdf_font:
                load_ttf(config.pdf_font)  # refuse a file that cannot be embedded, now rather than at printing
            self.changes = save_config(self.store, config, read_at=self.read_at)
        except CundangError as exc:  # FontUnusable is one: a damaged font file says so
            self.error.set_error(describe(exc))
            return
        self.accept()
