"""Adding or editing a cadre: facts, roles (several may apply) and team membership."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QGridLayout, QGroupBox, QVBoxLayout, QWidget

from models import access, codes, fields
from models.changes import Changes
from models.domain import Cadre
from models.errors import CundangError, ValidationFailed
from models.services.assistance import save_cadre
from models.store import Store
from models.wording import describe
from ui.field_form import FieldForm
from ui.widgets import ErrorLabel, FieldErrors, gate

CADRE_FIELDS = ("name", "sex", "id_number", "phone", "unit", "unit_type", "position", "on_team")


class CadreDialog(QDialog):
    def __init__(self, store: Store, cadre: Cadre, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.read_at = store.last_change()  # a save refuses what changed after this
        self.store, self.cadre = store, cadre
        self.changes = Changes()
        self.setWindowTitle("帮扶干部" if cadre.id else "添加帮扶干部")
        self.summary = ErrorLabel()
        self.errors = FieldErrors(self.summary)
        self.form = FieldForm("cadres", CADRE_FIELDS, self.errors, columns=1)
        self.form.load(cadre)
        box = QGroupBox(f"{fields.record('cadres').label('roles')}（可多选）")
        grid = QGridLayout(box)
        self.roles = {}
        for i, (key, label) in enumerate(codes.CADRE_ROLE.items):
            check = QCheckBox(label)
            check.setChecked(key in cadre.role_keys)
            self.roles[key] = check
            grid.addWidget(check, i // 3, i % 3)
        roles_error = self.errors.add(("cadres", "roles"), box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        save = buttons.button(QDialogButtonBox.StandardButton.Save)
        assert save is not None  # asked for just above
        self.save_button = save
        gate(save, store, access.TABLE_ACTIONS["cadres"])
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(box)
        layout.addWidget(roles_error)
        layout.addWidget(self.summary)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

    def save(self) -> None:
        problems: list = []
        cadre = self.form.apply(self.cadre, problems)
        cadre.roles = ",".join(k for k, check in self.roles.items() if check.isChecked())
        try:
            if problems:
                raise ValidationFailed(problems)
            self.changes = save_cadre(self.store, cadre, read_at=self.read_at)
        except ValidationFailed as exc:
            self.errors.show(exc.problems)
            return
        except CundangError as exc:
            self.summary.set_error(describe(exc))
            return
        self.cadre_id = self.changes.id
        self.accept()
