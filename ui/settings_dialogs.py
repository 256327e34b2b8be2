"""Settings that differ by province or year: poverty lines, required roles, exit criteria, notice
days; and the folder's encryption (数据加密), a 管理员's choice."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from models import codes, fields
from models import config as config_module
from models.changes import Changes
from models.demo import is_demo_folder
from models.domain import PovertyLine
from models.errors import CundangError
from models.fields import views
from models.money import format_fen, parse_yuan
from models.rules.settings import DAY_RANGES, POLICY_FLOORS, notice_floor
from models.services.assistance import delete_poverty_line, save_config, save_poverty_line
from models.services.encryption import chosen_unencrypted_by, set_encrypted
from models.store import Session, Store
from models.wording import describe
from printing.fonts import load_ttf
from ui.tables import fill, key_of, make_table
from ui.widgets import ErrorLabel, gate

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
        right.addWidget(self._encryption_box())
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    # --- 数据加密 -------------------------------------------------------------

    def _encryption_box(self) -> QGroupBox:
        """The folder's encryption as it stands, and the 管理员's button to change it: the window
        closes and opens again (the data file is replaced), see ``switch_encryption``."""
        box = QGroupBox("数据加密")
        store = self.store
        self.encryption_state = QLabel()
        self.encryption_state.setObjectName("encryption-state")
        self.encryption_state.setWordWrap(True)
        self.encryption_button = QPushButton("取消加密…" if store.session.encrypted else "加密数据文件夹")
        self.encryption_button.setObjectName("encryption-button")
        self.encryption_button.setAutoDefault(False)
        if store.session.encrypted:
            text = "已加密：数据文件和“备份”文件夹中的备份都已加密，只有操作员的密码或恢复密钥能打开。"
        elif store.operator is None:
            text = (
                "演示文件夹没有操作员，不加密（演示数据不是真实的个人信息）。"
                if is_demo_folder(store.folder)
                else "这个数据文件夹还没有操作员，不加密。建立第一位管理员后才能加密。"
            )
        else:
            who = chosen_unencrypted_by(store)
            text = (
                f"未加密（{f'管理员“{who}”的选择，' if who else ''}已记入变更记录）："
                "拿到这台电脑或数据文件夹的人，能读出全部个人信息。"
            )
        self.encryption_state.setText(text)
        if store.operator is None:  # a demo's folder: nothing to change (services.encryption refuses)
            self.encryption_button.setEnabled(False)
            self.encryption_button.setToolTip("没有操作员的数据文件夹不加密")
        else:
            gate(self.encryption_button, store, "settings")  # as set_encrypted requires
        self.encryption_button.clicked.connect(self._on_encryption)
        layout = QVBoxLayout(box)
        layout.addWidget(self.encryption_state)
        layout.addWidget(self.encryption_button, 0, Qt.AlignmentFlag.AlignLeft)
        return box

    def _on_encryption(self) -> None:
        on = not self.store.session.encrypted
        if on:
            title = "加密数据文件夹"
            text = (
                "加密后，数据文件和“备份”文件夹中的备份只有输入操作员的密码（或恢复密钥）才能打开；"
                "忘记所有密码又丢了恢复密钥，数据就再也打不开。\n\n"
                "会先做一个校验过的备份，再加密，未加密的文件会被覆盖删除。以前备份到 U 盘的未加密备份不会改变，请自行删除。"
                "\n\n窗口会关闭并重新打开（这个对话框中没有保存的修改不会保存）。现在加密？"
            )
        else:
            title = "取消加密"
            text = (
                "取消加密后，任何人拿到这台电脑、硬盘或复制走数据文件夹，都能读出全部贫困户的姓名、证件号码、"
                "电话和银行账号，这违反个人信息保护的要求。只有确有必要时才这样做。\n\n"
                "会先做一个校验过的备份；以前的加密备份保持加密，照样可以恢复。"
                "这个选择会以您的名字记入变更记录，窗口标题会显示“未加密”。\n\n"
                "窗口会关闭并重新打开（这个对话框中没有保存的修改不会保存）。确定取消加密？"
            )
        answer = QMessageBox.question(
            self,
            title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        parent = self.parentWidget()
        window = parent.window() if parent is not None else None
        if window is None or not hasattr(window, "next_start"):  # only the main window can be reopened
            self.error.set_error("请从主窗口的“设置”中更改数据加密。")
            return
        window.next_encryption = on  # type: ignore[attr-defined]
        window.next_start = (self.store.folder, None)
        self.reject()
        window.close()

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


def switch_encryption(folder: Path, session: Session, on: bool) -> Session:
    """Between two windows (desktop.app.run, after the 管理员 chose in 设置): the folder encrypted
    or made plain, said in a message; the session the next window opens with (the same key, the
    new state), or the old one when nothing changed (the message says why)."""
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        store = Store.open(folder, session=session)
        changed = set_encrypted(store, on, confirmed=True)
        new = changed.session
        changed.close()
    except CundangError as exc:
        QApplication.restoreOverrideCursor()
        QMessageBox.warning(None, "没有更改数据加密", describe(exc))
        return session
    QApplication.restoreOverrideCursor()
    if on:
        QMessageBox.information(None, "数据加密", "数据文件夹已加密（数据文件和“备份”中的备份）。")
    else:
        QMessageBox.information(None, "数据加密", "已取消加密，并以您的名字记入变更记录。窗口标题会显示“未加密”。")
    return new
