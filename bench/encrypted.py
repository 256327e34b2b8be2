"""The county's figures again on an encrypted copy of it (issue 15): search, list, exit check
and import must stay within 1.2x of the plain figures measured in the same run."""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

from models.storage.database import DB_NAME

USER, PASSWORD = "基准测试员", "bench-password-1"
ENV = {"CUNDANG_USER": USER, "CUNDANG_PASSWORD": PASSWORD, "CUNDANG_NEW_PASSWORD": PASSWORD}


def env_login(folder: Path):
    """The login a bench step opens a folder with: CUNDANG_USER / CUNDANG_PASSWORD when the
    folder has operators (the encrypted copy), none otherwise."""
    from models.services.operators import has_operators
    from models.store import Login

    if not has_operators(Path(folder)):
        return None
    return Login(os.environ.get("CUNDANG_USER", USER), os.environ.get("CUNDANG_PASSWORD", PASSWORD))


def encrypted_copy(county: Path, work: Path) -> tuple[Path, dict[str, float]]:
    """A copy of the county's file, encrypted by giving it its first 管理员 (which backs it up,
    encrypts it and its backups): the time that takes, and the encrypted file's size."""
    from models.services.operators import first_operator

    target = work / "encrypted"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shutil.copyfile(county / DB_NAME, target / DB_NAME)
    start = time.perf_counter()
    store, _ = first_operator(target, USER, PASSWORD, {"county"})
    store.close()
    seconds = time.perf_counter() - start
    shutil.rmtree(target / "备份", ignore_errors=True)  # its copy is not the bench's to keep
    size = (target / DB_NAME).stat().st_size
    return target, {"encrypt_county_s": round(seconds, 1), "db_mb_encrypted": round(size / 2**20, 1)}


def figures(county: Path, work: Path, plain: dict[str, float]) -> dict[str, float]:
    """The *_encrypted figures and their ratio to the plain ones."""
    from bench import county as county_bench
    from bench import exchange

    folder, out = encrypted_copy(county, work)
    os.environ.update(ENV)  # the steps below run the real command line and the window as this operator
    ui = county_bench.ui(folder)
    out["search_ms_p95_encrypted"] = ui["search_ms_p95"]
    out["list_open_ms_encrypted"] = ui["list_open_ms"]
    out["exit_check_s_encrypted"] = county_bench.exit_check(folder)["exit_check_s"]
    imported = exchange.import_county(county, work / "exchange", encrypted=True)  # the same packages
    out["import_county_s_encrypted"] = imported["import_county_s"]
    for name in ("search_ms_p95", "list_open_ms", "exit_check_s", "import_county_s"):
        if plain.get(name):
            out[f"{name}_encrypted_ratio"] = round(out[f"{name}_encrypted"] / plain[name], 2)
    for key in ENV:
        os.environ.pop(key, None)
    shutil.rmtree(folder, ignore_errors=True)
    return out


if __name__ == "__main__":  # python -m bench.encrypted COUNTY WORK: the encrypted figures alone
    import json

    print(json.dumps(figures(Path(sys.argv[1]), Path(sys.argv[2]), {}), ensure_ascii=False))
