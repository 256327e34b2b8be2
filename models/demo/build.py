"""Making the demo all or nothing: it is built in a hidden folder beside the data, then moved in
whole; an interrupted build leaves only that folder, which the next build clears."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from models.demo.generator import DemoSummary, generate
from models.errors import DataFolderNotEmpty
from models.storage.database import DB_NAME, database_path
from models.store import Store

BUILDING = ".演示数据生成中"  # inside the data folder while the demo is built
# Anything ever written to the file but the upgrade reports a new file's migrations leave.
_WRITTEN = "SELECT count(*) FROM audit_log WHERE table_name <> 'upgrade_reports'"


def build_demo(folder: Path, *, seed: int = 1, households: int = 300, villages: int = 1) -> DemoSummary:
    """The demo in ``folder``, or nothing there at all. A folder whose data file has ever been
    written to (a village, a county's poverty line) is refused: the demo replaces no one's data."""
    folder = Path(folder)
    with Store.open(folder) as existing:  # also says, first, when the folder cannot be written
        if existing.db.execute(_WRITTEN).fetchone()[0]:
            raise DataFolderNotEmpty(path=folder)
    building = folder / BUILDING
    shutil.rmtree(building, ignore_errors=True)  # what an interrupted build left
    building.mkdir(parents=True)
    with Store.open(building, actor="演示数据生成") as store:
        summary = generate(store, seed=seed, households=households, villages=villages)
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for side in ("-wal", "-shm"):  # the empty file this folder may hold goes; nothing was in it
        Path(str(database_path(folder)) + side).unlink(missing_ok=True)
    os.replace(building / DB_NAME, database_path(folder))
    shutil.rmtree(building, ignore_errors=True)
    return summary
