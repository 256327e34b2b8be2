"""One sample page of each document, from a fresh demo village: ``python -m desktop.samples [FOLDER]``.

Writes docs/samples/<document>.pdf (the first page; pypdf, a dev tool) and, when poppler's
pdftoppm is installed, a PNG of it to look at.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from desktop.paths import resource_root
from models.demo.generator import generate
from models.store import Store


def render(folder: Path) -> list[Path]:
    from pypdf import PdfReader, PdfWriter

    from printing.binder import render_binder
    from printing.card import render_cards
    from printing.fonts import find_font
    from printing.household_file import render_households
    from printing.ledgers import render_ledger
    from printing.notices import render_notice

    folder.mkdir(parents=True, exist_ok=True)
    out = []
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "demo", actor="演示") as store:
        generate(store, seed=1, households=40)
        [village] = store.villages.all()
        village_id = village.id
        assert village_id is not None  # read from the database
        ids = store.households.ids(village_id)
        font = find_font()

        def notice(kind: str, path: Path) -> int:
            return render_notice(
                store, village_id, kind, 2020 if kind != "identify" else 2014, path, font, start="2020-12-01"
            )

        jobs: dict[str, Callable[[Path], object]] = {
            "户档案": lambda p: render_households(store, ids[:1], p, font),
            "明白卡": lambda p: render_cards(store, ids[:1], p, font, 2020),
            **{f"公示-{k}": functools.partial(notice, k) for k in ("identify", "exit", "pairing", "funds")},
            **{
                f"台账-{k}": functools.partial(render_ledger, store, village_id, k, 2020, font=font)
                for k in ("projects", "team", "programmes", "inspections")
            },
            "迎检资料": lambda p: render_binder(store, village_id, 2020, p, font),
        }
        for name, job in jobs.items():
            full = Path(tmp) / f"{name}.pdf"
            job(full)
            writer = PdfWriter()
            writer.add_page(PdfReader(full).pages[0])
            target = folder / f"{name}.pdf"
            with open(target, "wb") as fh:
                writer.write(fh)
            out.append(target)
            if shutil.which("pdftoppm"):
                subprocess.run(
                    ["pdftoppm", "-r", "60", "-png", "-singlefile", str(target), str(folder / name)], check=True
                )
    return out


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else resource_root() / "docs" / "samples"
    for path in render(folder):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
