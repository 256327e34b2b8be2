"""Figures on the county exchange: exporting a 1,500-household village's package, and the county
importing 100 packages (100,000 households) — a dry run, then the import — against the time the
reader alone (python-calamine) takes to read the same files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

_EXPORT = """
import json, sys, time
from models.store import Store
from models.exchange.package import export_village
store = Store.open(sys.argv[1])
[village] = store.villages.all()
start = time.perf_counter()
export_village(store, village.id, sys.argv[2])
print(json.dumps({"export_village_s": round(time.perf_counter() - start, 2)}))
"""


def export_village_figure(households: int = 1500) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="cundang-bench-export-") as tmp:
        data = Path(tmp) / "village"
        subprocess.run(
            [sys.executable, "-m", "desktop", "--data", str(data), "demo", "--households", str(households)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        times = []
        for _ in range(3):
            done = subprocess.run(
                [sys.executable, "-c", _EXPORT, str(data), str(Path(tmp) / "p.xlsx")],
                check=True,
                stdout=subprocess.PIPE,
                text=True,
            )
            times.append(json.loads(done.stdout.strip().splitlines()[-1])["export_village_s"])
    return {"export_village_s": sorted(times)[1]}


def _verified_once() -> None:
    """A pool initializer: the county was verified once before its packages are made (setup, not
    a figure), so its exports don't each verify all of it again (export_village_s is measured on a
    village of its own, with the check)."""
    from models.exchange import anchors

    anchors.refuse_unacknowledged = lambda store: []


def _export_one(args: tuple[str, int, str]) -> str:
    from models.exchange.package import export_village
    from models.store import Store

    folder, village_id, out = args
    with Store.open(folder) as store:
        export_village(store, village_id, out)
    return out


def packages(county: Path, out: Path) -> list[str]:
    """Every village of the county as a package (kept in ``out`` for reuse)."""
    from models.store import Store

    with Store.open(county) as store:
        villages = [(v.id, v.code) for v in store.villages.all()]
    wanted = [(str(county), vid, str(out / f"{code}.xlsx")) for vid, code in villages]
    todo = [w for w in wanted if not Path(w[2]).exists()]
    out.mkdir(parents=True, exist_ok=True)
    if not todo:
        return [w[2] for w in wanted]
    from models.exchange.anchors import refuse_unacknowledged

    with Store.open(county) as store:
        refuse_unacknowledged(store)  # the whole county's trail, once
    with ProcessPoolExecutor(2, initializer=_verified_once) as pool:
        list(pool.map(_export_one, todo))
    return [w[2] for w in wanted]


def raw_read(files: list[str]) -> float:
    """The chosen reader alone: every cell of every sheet, in one process."""
    import python_calamine

    start = time.perf_counter()
    cells = 0
    for f in files:
        wb = python_calamine.CalamineWorkbook.from_path(f)
        for name in wb.sheet_names:
            cells += sum(len(r) for r in wb.get_sheet_by_name(name).to_python(skip_empty_area=False))
    return time.perf_counter() - start


def import_county(county: Path, work: Path, *, encrypted: bool = False) -> dict[str, float]:
    """The county's packages imported into a new county folder, made first by its 管理员 (县级 too):
    unencrypted (the 管理员's choice) for the plain figure, encrypted for import_county_s_encrypted."""
    from bench.encrypted import ENV

    files = packages(county, work / "packages")
    target = work / "imported"
    if target.exists():
        import shutil

        shutil.rmtree(target)
    env = {**os.environ, **ENV}
    made = subprocess.run(
        [sys.executable, "-m", "desktop", "--data", str(target), "init", "--role", "县级"]
        + ([] if encrypted else ["--unencrypted"]),
        capture_output=True,
        text=True,
        env=env,
    )
    if made.returncode != 0:
        raise RuntimeError(f"init failed: {made.stderr[-2000:]}")
    read_s = raw_read(files)
    timings = {}
    for label, extra in (("dry", ["--dry-run"]), ("import", [])):
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "desktop", "--data", str(target), "import", *extra, *files],
            capture_output=True,
            text=True,
            env=env,
        )
        timings[label] = time.perf_counter() - start
        if done.returncode != 0:
            raise RuntimeError(f"import {label} failed: {done.stdout[-2000:]} {done.stderr[-2000:]}")
    return {
        **readers(files[:10]),
        "import_county_s": round(timings["dry"] + timings["import"], 1),
        "import_dry_run_s": round(timings["dry"], 1),
        "import_write_s": round(timings["import"], 1),
        "raw_read_s": round(read_s, 1),
        "import_vs_raw_read": round(timings["import"] / read_s, 2),
        "import_packages": len(files),
    }


def readers(files: list[str]) -> dict[str, float]:
    """The reader choice, measured: python-calamine and openpyxl's read-only mode over the same
    packages, every cell of every sheet."""
    import openpyxl

    start = time.perf_counter()
    for f in files:
        wb = openpyxl.load_workbook(f, read_only=True)
        for ws in wb.worksheets:
            for _ in ws.iter_rows(values_only=True):
                pass
        wb.close()
    openpyxl_s = time.perf_counter() - start
    calamine_s = raw_read(files)
    return {
        "reader_openpyxl_s": round(openpyxl_s, 1),
        "reader_calamine_s": round(calamine_s, 1),
        "reader_packages": len(files),
    }


if __name__ == "__main__":  # python -m bench.exchange COUNTY WORKDIR
    print(json.dumps(import_county(Path(sys.argv[1]), Path(sys.argv[2]))))
