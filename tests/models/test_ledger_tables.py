"""One table per ledger, without Qt: its columns, rows, red rows and totals agree with what is
stored, and the CLI shows that same table."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from desktop.cli import main as cli
from models import fields
from models.services.ledger_tables import KINDS, Period, ledger

TODAY = dt.date(2021, 3, 1)


def _sum(store, sql: str, *params) -> int:
    return store.db.execute(sql, params).fetchone()[0] or 0


def test_projects_total_what_is_stored(demo_store):
    [village] = demo_store.villages.all()
    book = ledger(demo_store, village.id, "projects", Period(2020), today=TODAY)
    [table] = book.tables
    assert table.headers[:3] == [fields.spec("projects", n).header for n in ("name", "category", "year")]
    stored = demo_store.db.execute("SELECT id FROM projects WHERE village_id = ? AND year = 2020", [village.id])
    assert sorted(table.keys) == sorted(r[0] for r in stored) and table.keys
    columns = [f.name for f in table.fields]
    total = table.totals[0]
    assert total[0] == "合计"
    budget = sum(row[columns.index("total_fen")] for row in table.rows)
    assert total[columns.index("total_fen")] == budget > 0
    paid = _sum(
        demo_store,
        "SELECT sum(amount_fen) FROM disbursements WHERE project_id IN "
        "(SELECT id FROM projects WHERE village_id = ? AND year = 2020)",
        village.id,
    )
    assert total[columns.index("disbursed_fen")] == paid
    for row, warn in zip(table.rows, table.warn, strict=True):
        assert warn == bool(row[columns.index("warnings")])
    assert table.text(table.totals)[0][columns.index("total_fen")] == f"{budget / 100:.2f}"


def test_team_attendance_is_short_where_days_fall_below_the_minimum(demo_store):
    [village] = demo_store.villages.all()
    book = ledger(demo_store, village.id, "team", Period(2020, 3), today=TODAY)
    attendance, logs, visits = book.tables
    minimum = demo_store.config().min_attendance_days
    columns = [f.name for f in attendance.fields]
    assert attendance.rows
    for row, warn in zip(attendance.rows, attendance.warn, strict=True):
        days, short = row[columns.index("days")], row[columns.index("short")]
        assert short == max(0, minimum - days) and warn == (short > 0)
    assert len(visits.rows) == _sum(
        demo_store,
        "SELECT count(*) FROM visits v JOIN households h ON h.id = v.household_id "
        "WHERE h.village_id = ? AND v.visit_date BETWEEN '2020-03-01' AND '2020-03-31'",
        village.id,
    )
    assert len(logs.rows) == _sum(
        demo_store,
        "SELECT count(*) FROM work_logs WHERE village_id = ? AND log_date BETWEEN '2020-03-01' AND '2020-03-31'",
        village.id,
    )


def test_programmes_total_by_programme(demo_store):
    [village] = demo_store.villages.all()
    [table] = ledger(demo_store, village.id, "programmes", Period(2020), today=TODAY).tables
    stored = _sum(
        demo_store,
        "SELECT sum(b.amount_fen) FROM benefits b JOIN households h ON h.id = b.household_id "
        "WHERE h.village_id = ? AND b.benefit_date LIKE '2020-%'",
        village.id,
    )
    assert table.totals[0][-1] == stored > 0
    assert sum(t[-1] for t in table.totals[1:]) == stored  # the programmes add up to the total


def test_inspections_are_red_when_overdue(demo_store):
    [village] = demo_store.villages.all()
    [table] = ledger(demo_store, village.id, "inspections", Period(), today=TODAY).tables
    columns = [f.name for f in table.fields]
    assert len(table.rows) == _sum(
        demo_store,
        "SELECT count(*) FROM problems WHERE inspection_id IN (SELECT id FROM inspections WHERE village_id = ?)",
        village.id,
    )
    for row, warn in zip(table.rows, table.warn, strict=True):
        assert warn == (row[columns.index("state")] == "overdue")


@pytest.mark.parametrize("kind", KINDS)
def test_the_cli_shows_the_same_table(demo_store, capsys, kind):
    [village] = demo_store.villages.all()
    book = ledger(demo_store, village.id, kind, Period(2020))
    demo_store.close()
    assert cli(["--data", str(demo_store.folder), "ledger", kind, "--year", "2020", "--json"]) == 0
    [shown] = json.loads(capsys.readouterr().out)["villages"]
    assert shown["title"] == book.title and shown["summary"] == book.summary
    assert [t["headers"] for t in shown["tables"]] == [t.headers for t in book.tables]
    assert [t["rows"] for t in shown["tables"]] == [t.text() for t in book.tables]
    assert [t["totals"] for t in shown["tables"]] == [t.text(t.totals) for t in book.tables]
