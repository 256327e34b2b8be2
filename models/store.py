"""The Store: one open data folder, its repositories and its audited writer."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from models import config as config_module
from models.changes import Changes
from models.errors import Problem
from models.storage.assistance import AssistanceRepo
from models.storage.audit import AuditedWriter, default_actor, last_change
from models.storage.base import transaction
from models.storage.database import database_path, open_database, open_read_only
from models.storage.exit_data import ExitDataRepo
from models.storage.households import HouseholdRepo
from models.storage.ledgers import LedgerRepo
from models.storage.register import RegisterRepo
from models.storage.stats import StatsRepo
from models.storage.villages import VillageRepo


@dataclass
class Operation:
    """One operation in progress: its tables (known when it ends) and the warnings to tell."""

    tables: frozenset[str] = frozenset()
    warnings: list[Problem] = field(default_factory=list)

    def changes(self, id: int | None = None, count: int = 0) -> Changes:
        return Changes(self.tables, id, count, tuple(self.warnings))


class Store:
    def __init__(self, db: Database, folder: Path, *, actor: str | None = None, upgraded: tuple[str, ...] = ()) -> None:
        self.db = db
        self.upgraded = upgraded  # migrations this opening applied to an existing file
        self.read_only = False
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
    def open(cls, folder: Path | str, *, actor: str | None = None, read_only: bool = False) -> Store:
        """The folder's store. ``read_only``: for a folder another window has open; every write
        is refused with ReadOnlyStore (the connection is query-only) and nothing is upgraded."""
        if read_only:
            store = cls(open_read_only(folder), Path(folder), actor=actor)
            store.read_only = True
            return store
        applied: list[str] = []
        db = open_database(folder, applied)
        return cls(db, Path(folder), actor=actor, upgraded=tuple(applied))

    def upgrade_reports(self) -> list[dict]:
        """What the migrations this opening applied report having done (to tell the clerk)."""
        if not self.upgraded:
            return []
        marks = ", ".join("?" * len(self.upgraded))
        return [
            json.loads(r[0])
            for r in self.db.execute(
                f"SELECT report FROM upgrade_reports WHERE migration IN ({marks}) ORDER BY id", list(self.upgraded)
            )
        ]

    @contextmanager
    def operation(self) -> Iterator[Operation]:
        """One transaction through the audited writer that records which tables it wrote; an
        operation inside another adds its tables to the outer one. A failure writes nothing."""
        op = Operation()
        outer, self.writer.touched = self.writer.touched, set()
        try:
            with transaction(self.db):
                yield op
        except BaseException:
            self.writer.touched = outer
            raise
        op.tables = frozenset(self.writer.touched)
        self.writer.touched = outer | self.writer.touched

    def last_change(self) -> int:
        """The audit trail's newest entry (a form notes it when it reads; see services.conflicts)."""
        return last_change(self.db)

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
