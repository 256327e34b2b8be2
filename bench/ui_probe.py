"""Measures the register window on a data folder; prints one JSON object. Run by ``python -m bench``.

python -m bench.ui_probe DATA_FOLDER
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _first_page_shown(window) -> None:
    """Ask the table for what it shows, as painting would."""
    model = window.households.model
    for row in range(min(model.rowCount(), 30)):
        for column in range(model.columnCount()):
            model.index(row, column).data()


def main(argv: list[str]) -> int:
    folder = Path(argv[0])
    from PySide6.QtWidgets import QApplication

    from bench.encrypted import env_login
    from models.store import Store, unlock
    from ui import look
    from ui.events import AppEvents
    from ui.main_window import MainWindow

    app = QApplication([])
    look.apply(app)
    session = unlock(folder, env_login(folder))  # the login dialog comes before the list is timed
    start = time.perf_counter()
    store = Store.open(folder, session=session)
    window = MainWindow(store, AppEvents())
    window.show()
    _first_page_shown(window)
    app.processEvents()
    list_open = time.perf_counter() - start

    screen = window.households
    village_id = window.header.village_id
    # Keystroke by keystroke, queries a clerk types: names, pinyin, initials, ID and household numbers.
    sample = store.db.execute(
        """SELECT m.name, m.name_pinyin, m.name_initials, m.id_number, h.household_no FROM members m
           JOIN households h ON h.id = m.household_id WHERE m.village_id = ? ORDER BY m.id LIMIT 40 OFFSET 100""",
        [village_id],
    ).fetchall()
    words = []
    for name, full, initials, id_number, household_no in sample[::4]:
        words += [name, full[:6], initials, id_number[-8:], household_no[-4:]]
    keystrokes = [w[:i] for w in words for i in range(1, len(w) + 1)]
    times = []
    for text in keystrokes:
        t0 = time.perf_counter()
        screen.search.setText(text)
        screen.apply_filter()
        _first_page_shown(window)
        times.append(time.perf_counter() - t0)
    county = []
    for text in keystrokes[::3]:
        t0 = time.perf_counter()
        ids = store.register.ids(replace(screen.model.filter, village_id=None, text=text))
        store.register.rows(ids[:30])
        county.append(time.perf_counter() - t0)
    times.sort()
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "list_open_ms": round(list_open * 1000),
                "search_ms_p50": round(statistics.median(times) * 1000, 1),
                "search_ms_p95": round(times[int(len(times) * 0.95) - 1] * 1000, 1),
                "search_keystrokes": len(times),
                "search_county_ms_p50": round(statistics.median(county) * 1000, 1),
                "ui_rss_mb": round(rss_kb / 1024),
            }
        )
    )
    window.close()
    window.deleteLater()
    app.processEvents()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
