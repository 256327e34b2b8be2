"""CLI command ``verify``: the audit trail's chain, and every record against its entries."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from desktop.cli.common import EXIT_ERROR, EXIT_OK, open_store, require_data


def verify(folder: Path, args: argparse.Namespace) -> int:
    """``verify [--json]``: one line per finding (those a 管理员 acknowledged are marked); exit 1
    while any finding is not acknowledged."""
    from models.storage import chain

    if not require_data(folder):
        return EXIT_ERROR
    with open_store(folder) as store:
        found = chain.verify(store.db, store.file)
        acknowledged = {a.key: a for a in chain.acknowledged(store.db)}
        length, head = chain.head(store.db)
    new = [f for f in found if f.key not in acknowledged]
    if args.json:
        print(
            json.dumps(
                {
                    "length": length,
                    "head": head,
                    "findings": [
                        {
                            "kind": f.kind,
                            "table": f.table,
                            "record_id": f.record_id,
                            "record_uuid": f.record_uuid,
                            "field": f.field,
                            "entry": f.entry,
                            "sentence": f.sentence,
                            "acknowledged": f.key in acknowledged,
                        }
                        for f in found
                    ],
                },
                ensure_ascii=False,
                indent=1,
            )
        )
        return EXIT_ERROR if new else EXIT_OK
    for f in found:
        known = acknowledged.get(f.key)
        print(f.sentence + (f"（{known.actor} 已确认）" if known else ""))
    if not found:
        print(f"变更记录核验：完好。共 {length} 条变更记录，链条完整，每条记录都与变更记录一致。")
    elif new:
        print(f"变更记录核验：发现 {len(new)} 处问题，请管理员核实。")
    else:
        print(f"变更记录核验：{len(found)} 处问题都已由管理员确认。")
    return EXIT_ERROR if new else EXIT_OK
