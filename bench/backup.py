"""Figure on keeping the county safe: one verified backup of the county's data file (the copy by
SQLite's online backup API, its integrity check and the record counts, as ``cundang backup``
takes it), into a temporary folder so that the county's own 备份 does not grow."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from models.services.safety import backup_now
from models.store import Store


def backup_county(data: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="cundang-bench-backup-") as tmp, Store.open(data) as store:
        start = time.perf_counter()
        backup_now(store, Path(tmp))  # given a folder: no rotation, nothing written beside the data
        seconds = time.perf_counter() - start
    return {"backup_county_s": round(seconds, 1)}


def in_subprocess(data: Path) -> dict[str, float]:
    import json
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "bench.backup", str(data)], check=True, stdout=subprocess.PIPE, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":  # python -m bench.backup COUNTY
    import json
    import sys

    print(json.dumps(backup_county(Path(sys.argv[1]))))
