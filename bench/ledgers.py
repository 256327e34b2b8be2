"""Figure on the project ledger: totals of a village with 200 projects and 5,000 disbursements."""

from __future__ import annotations

import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

from models.domain import Village
from models.rules.ledgers import project_totals, sums
from models.services.villages import create_village
from models.store import Store


def ledger_totals(projects: int = 200, disbursements: int = 5000) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="cundang-bench-ledger-") as tmp, Store.open(Path(tmp)) as store:
        village = create_village(store, Village(code="522327100200", name="测试村"), ["一组"])
        with store.db.atomic():
            rows = store.writer.insert_many(
                "projects",
                [
                    {
                        "village_id": village.id,
                        "name": f"项目{i}",
                        "category": "industry",
                        "year": 2016 + i % 5,
                        "fund_special_fen": 10_000_000,
                        "fund_integrated_fen": 2_000_000,
                        "start_date": "2016-01-01",
                    }
                    for i in range(projects)
                ],
            )
            store.writer.insert_many(
                "disbursements",
                [
                    {"project_id": rows[i % projects]["id"], "pay_date": "2020-01-01", "amount_fen": 10_000 + i}
                    for i in range(disbursements)
                ],
            )
        times = []
        for _ in range(9):
            start = time.perf_counter()
            totals = [
                project_totals(p, paid, people, dt.date.today())
                for p, paid, people in store.ledgers.projects(village.id)
            ]
            sums(totals)
            times.append(time.perf_counter() - start)
    return {"ledger_totals_ms": round(statistics.median(times) * 1000, 1)}
