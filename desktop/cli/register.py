"""CLI commands of the register: ``demo`` and ``stats``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from desktop.cli.common import EXIT_ERROR, EXIT_OK, open_store, require_data


def demo(folder: Path, args: argparse.Namespace) -> int:
    from models.demo.build import build_demo

    summary = build_demo(folder, seed=args.seed, households=args.households, villages=args.villages)
    print(
        f"已生成演示数据：{summary.villages} 个村，{summary.households} 户，{summary.members} 人。数据文件夹：{folder}"
    )
    return EXIT_OK


def stats(folder: Path, args: argparse.Namespace) -> int:
    from models import codes

    if not require_data(folder):
        return EXIT_ERROR
    with open_store(folder) as store:
        stats = store.stats.villages()
    if args.json:
        print(json.dumps({"villages": [s.as_json() for s in stats]}, ensure_ascii=False, indent=1))
        return EXIT_OK
    for s in stats:
        print(f"{s.name}（{s.code}）")
        print(
            f"  建档立卡户 {s.registered} 户（另有已清退 {s.households - s.registered} 户），现有人口 {s.members} 人；"
            f"未脱贫（含返贫） {s.poor} 户，已脱贫 {s.exited} 户"
        )
        print("  按脱贫状态：" + "，".join(f"{codes.status_label(k)} {n}" for k, n in s.by_status.items()))
        print("  按村民小组：" + "，".join(f"{k} {n}" for k, n in s.by_group.items()))
    return EXIT_OK
