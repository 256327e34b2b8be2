"""The Store: one open data folder, its repositories and its audited writer."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

from sqlite_utils import Database

from models import config as config_module
from models.storage.assistance import AssistanceRepo
from models.storage.audit import AuditedWriter
from models.storage.database import database_path, open_database
from models.storage.exit_data import ExitDataRepo
from models.storage.households import HouseholdRepo
from models.storage.ledgers import LedgerRepo
from models.storage.register import RegisterRepo
from models.storage.stats import StatsRepo
from models.storage.villages import VillageRepo


def default_actor() -> str:
    """Who is writing: CUNDANG_USER, else the operating-system user."""
    try:
        return os.environ.get("CUNDANG_USER") or getpass.getuser()
    except Exception:  # getuser fails when no user name is set at all
        return "unknown"


class Store:
    def __init__(self, db: Database, folder: Path, *, actor: str | None = None) -> None:
        self.db = db
        self.folder = Path(folder)
        self.writer = AuditedWriter(db, actor or default_actor())
        self.villages = VillageRepo(db)
        self.households = HouseholdRepo(db)
        self.stats = StatsRepo(db)
        self.register = RegisterRepo(db)
        self.assistance = AssistanceRepo(db)
        self.exit_data = ExitDataRepo(db)
        self.ledgers = LedgerRepo(db)

    @classmethod
    def open(cls, folder: Path | str, *, actor: str | None = None) -> Store:
        return cls(open_database(folder), Path(folder), actor=actor)

    def config(self) -> config_module.Config:
        """The settings in force: stored values over the visible defaults."""
        return config_module.from_settings(self.assistance.settings())

    @property
    def path(self) -> Path:
        return database_path(self.folder)

    def is_own_file(self, path: Path | str) -> bool:
        """Whether ``path`` is this store's database or one of its side files. Reading one of them
        as a workbook would close a descriptor of it and drop this process's SQLite locks."""
        try:
            return Path(path).resolve() in {
                self.path.resolve(),
                *(self.path.with_name(self.path.name + s).resolve() for s in ("-wal", "-shm")),
            }
        except OSError:
            return False

    def close(self) -> None:
        self.db.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
