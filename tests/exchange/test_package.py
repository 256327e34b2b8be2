"""The village package: read back, every sheet counted and checksummed, text stays text."""

import dataclasses

import openpyxl

from models.exchange.package import MANIFEST, ROW_HASH, SHEETS, checksum, export_village, row_hash
from models.services import households as svc
from tests.conftest import family, new_household


def _read(path):
    wb = openpyxl.load_workbook(path)
    manifest = {r[0]: r[1] for r in wb[MANIFEST].iter_rows(values_only=True) if r and r[0]}
    # The last column is the hidden row hash, which the checksum leaves out.
    sheets = [
        (
            s.name,
            [str(c.value) for c in wb[s.name][1]][:-1],
            [["" if v is None else v for v in row][:-1] for row in wb[s.name].iter_rows(min_row=2, values_only=True)],
        )
        for s in SHEETS
    ]
    return wb, manifest, sheets


def test_demo_village_package_reads_back(demo_store, tmp_path):
    [village] = demo_store.villages.all()
    path = tmp_path / "上报包.xlsx"
    facts = export_village(demo_store, village.id, path)
    wb, manifest, sheets = _read(path)
    assert wb.sheetnames[0] == MANIFEST and manifest["村代码"] == village.code
    assert manifest["校验值(SHA-256)"] == checksum(sheets, manifest) == facts["校验值(SHA-256)"]
    for name, headers, rows in sheets:
        assert manifest[name] == len(rows) and headers[0] == "UUID"
        assert wb[name].cell(1, len(headers) + 1).value == ROW_HASH
        assert all(wb[name].cell(r + 2, len(headers) + 1).value == row_hash(row) for r, row in enumerate(rows[:5]))
    members = wb["家庭成员"]
    id_col = [c.value for c in members[1]].index("证件号码") + 1
    assert all(members.cell(r, id_col).data_type == "s" for r in range(2, 20))
    assert members.data_validations.dataValidation  # dropdowns on coded columns
    households = dict((s[0], s) for s in sheets)["贫困户"]
    assert len(households[2]) == demo_store.db.execute("SELECT count(*) FROM households").fetchone()[0]


def test_a_formula_looking_name_stays_text(store, village, tmp_path):
    members = family()
    members[1] = dataclasses.replace(members[1], name='=HYPERLINK("http://x")')
    svc.register_household(store, new_household(store, village), members)
    export_village(store, village.id, tmp_path / "p.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "p.xlsx")["家庭成员"]
    cell = ws.cell(3, [c.value for c in ws[1]].index("姓名") + 1)
    assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s"
