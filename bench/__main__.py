"""Runs the benchmark and prints one JSON object of named figures.

python -m bench                       # the 100,000-household county (100 villages x 1,000)
python -m bench --villages 5 --households 200   # a quick, smaller run
python -m bench --data DIR            # reuse (or keep) the county in DIR, its packages in DIR-work
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from bench import backup, county, encrypted, exchange, ledgers, printing, verify
from models.storage.database import has_data


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--villages", type=int, default=100)
    parser.add_argument("--households", type=int, default=1000)
    parser.add_argument("--data", type=Path, help="county folder to reuse or keep")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cundang-bench-") as scratch:
        data = args.data or Path(scratch) / "county"
        # What is made from the county (its 100 packages) is kept beside a county kept.
        tmp = data.parent / f"{data.name}-work" if args.data else Path(scratch)
        tmp.mkdir(parents=True, exist_ok=True)
        figures: dict[str, float] = {}
        if not has_data(data):
            figures.update(county.build(data, villages=args.villages, households=args.households))
        figures.update(county.size(data))
        figures.update(county.stats(data))
        figures.update(county.ui(data))
        figures.update(county.exit_check(data))
        # Before the import (its gigabytes of writes still being flushed made it 36 s against
        # 17-20 s on its own), in a process of its own (its pages would count in print_peak_mb).
        figures.update(backup.in_subprocess(data))
        figures.update(ledgers.ledger_totals())
        figures.update(printing.print_village())
        figures.update(exchange.export_village_figure())
        figures.update(exchange.import_county(data, Path(tmp) / "exchange"))
        # The same figures on an encrypted copy of the county, in the same run (issue 15).
        figures.update(encrypted.figures(data, Path(tmp), figures))
        figures.update(verify.verify_county(data))
    print(json.dumps(figures, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
