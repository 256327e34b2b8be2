"""Typing an ID number in the member table: the old 15-digit form is made 18, and said."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from models import idnumber
from tests.conftest import REGION, person


def test_the_member_table_makes_a_typed_15_digit_id_18_and_says_so(qtbot):
    from ui.households.members_model import COLUMNS, MemberTableModel

    full = idnumber.make(REGION, dt.date(1968, 4, 9), 123, "1")
    model = MemberTableModel([person("王老", "head", "1968-04-09", "1")])
    index = model.index(0, COLUMNS.index("id_number"))
    assert model.setData(index, full[:6] + full[8:17])
    assert model.members[0].id_number == full and (0, "id_number") not in model.errors
    assert "升为 18 位" in model.data(index, role=Qt.ItemDataRole.ToolTipRole)  # the tooltip says what was done
