"""The field table describes every stored field once, in agreement with the schema, and every
label a user sees comes from it."""

import json
from pathlib import Path

import pytest

from models import fields
from models.errors import Problem, Required
from models.exchange import package
from models.fields import RECORDS
from models.fields.records import COMMON
from models.wording import describe_problem

FIXTURES = Path(__file__).resolve().parents[1] / "exchange" / "fixtures"


def schema(store):
    tables = [
        r[0]
        for r in store.db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\'"
        )
    ]
    return {t: {r[1]: (r[2], bool(r[3]), r[4]) for r in store.db.execute(f"PRAGMA table_info([{t}])")} for t in tables}


def test_every_column_of_every_table_is_described(store):
    common = {s.name for s in COMMON}
    for table, columns in schema(store).items():
        assert table in RECORDS, f"{table} has no fields"
        described = {name for name, s in RECORDS[table].items() if s.stored}
        assert set(columns) - common == described, table


def test_the_table_agrees_with_the_schema_on_empty_values(store):
    """A NOT NULL column is never sent None (its empty value is '' or 0, or it is required);
    a nullable one stores None for an empty input."""
    for table, columns in schema(store).items():
        for name, (sql_type, not_null, _default) in columns.items():
            if name in {s.name for s in COMMON}:
                continue
            spec = RECORDS[table][name]
            if spec.kind == "machine":  # written by the program itself, never from an input
                continue
            if spec.kind in ("ref", "group"):
                assert spec.required == not_null or name == "group_id", (table, name)
                continue
            if not_null:
                assert spec.required or spec.empty is not None, (table, name)
            else:
                assert spec.empty is None, (table, name)
            if sql_type == "TEXT":
                assert spec.is_text, (table, name)


@pytest.mark.parametrize("table", sorted(RECORDS))
def test_a_problem_is_always_told_with_the_fields_chinese_label(table):
    for name, spec in RECORDS[table].items():
        text = describe_problem(Problem((table, name), Required()))
        assert text == f"{spec.label}：此项必须填写。", (table, name)


def test_format_1_package_headers_never_change():
    """An older package must still be read: its sheets and headers are as format 1 wrote them."""
    wanted = json.loads((FIXTURES / "format1_headers.json").read_text())
    assert {s.name: s.headers_at(1) for s in package.sheets_at(1)} == wanted


def test_labels_are_recognised_and_others_are_not():
    assert fields.is_label("证件号码") and fields.is_label("金额(元)") and fields.is_label("工资性")
    assert fields.is_label("2020年人均纯收入(元)")  # a label of the notices, for its year
    assert not fields.is_label("id_number") and not fields.is_label("类型")


def test_views_reuse_the_records_labels():
    """A view shows a record's field under the record's own label (one label, one place)."""
    for view in fields.VIEWS.values():
        for name, spec in view.items():
            for record in RECORDS.values():
                if name in record and record[name] is not spec and record[name].label == spec.label:
                    assert record[name].kind == spec.kind or spec.kind == "text", (view.table, name)
