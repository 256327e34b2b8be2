"""The Store: one open data folder, its repositories and its audited writer."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from models import access
from models import config as config_module
from models.changes import Changes
from models.errors import KeyringDamaged, LoginRequired, OperatorDisabled, Problem
from models.storage.assistance import AssistanceRepo
from models.storage.audit import AuditedWriter, default_actor, last_change
from models.storage.base import transaction
from models.storage.database import database_path, open_database, open_read_only
from models.storage.exit_data import ExitDataRepo
from models.storage.guarded import GuardedWriter
from models.storage.households import HouseholdRepo
from models.storage.keyring import Keyring, keyring_path, seal, unseal
from models.storage.ledgers import LedgerRepo
from models.storage.register import RegisterRepo
from models.storage.stats import StatsRepo
from models.storage.villages import VillageRepo


@dataclass(frozen=True)
class Login:
    """Who asks to open a folder: an operator's name and password."""

    name: str
    password: str = field(repr=False)


@dataclass(frozen=True)
class Session:
    """An opened folder's operator (None: the folder has none yet, a demo's) and its data key
    (None: a folder with no keyring); ``encrypted``: the database file is encrypted with it.
    Kept by the store so that a worker can open its own connection without asking again."""

    operator: access.Operator | None = None
    key: bytes | None = field(default=None, repr=False)
    encrypted: bool = False

    @property
    def db_key(self) -> bytes | None:
        return self.key if self.encrypted else None


def unlock(folder: Path | str, login: Login | None) -> Session:
    """The session a login opens (Argon2 once); LoginRequired when the folder has operators and
    no login is given, WrongPassword / AccountLocked / OperatorDisabled as the keyring says."""
    folder = Path(folder)
    ring = Keyring.load(folder)
    if ring is None or not ring.names:
        key = ring.open_key() if ring else None
        path = database_path(folder)
        if key is None and path.exists() and path.stat().st_size > 0:
            from models.storage.sql import is_plain_sqlite

            # Whole 4 KiB pages of no known header: an SQLCipher file whose keyring is gone (other
            # files go on to be refused as not a database, as before).
            if path.stat().st_size % 4096 == 0 and not is_plain_sqlite(path):
                raise KeyringDamaged(path=keyring_path(folder))
        return Session(None, key, bool(ring and ring.encrypted and key))
    if login is None:
        raise LoginRequired(path=folder)
    key = ring.unlock(login.name, login.password)
    return Session(access.Operator(login.name.strip(), frozenset()), key, ring.encrypted)


@dataclass
class Operation:
    """One operation in progress: its tables (known when it ends) and the warnings to tell."""

    tables: frozenset[str] = frozenset()
    warnings: list[Problem] = field(default_factory=list)

    def changes(self, id: int | None = None, count: int = 0) -> Changes:
        return Changes(self.tables, id, count, tuple(self.warnings))


class Store:
    def __init__(
        self,
        db: Database,
        folder: Path,
        *,
        actor: str | None = None,
        upgraded: tuple[str, ...] = (),
        session: Session | None = None,
    ) -> None:
        self.db = db
        self.upgraded = upgraded  # migrations this opening applied to an existing file
        self.read_only = False
        self.folder = Path(folder)
        self.session = session or Session()
        operator = self.session.operator
        self.writer: AuditedWriter = GuardedWriter(
            db, operator.name if operator else actor or default_actor(), operator
        )
        self.villages = VillageRepo(db)
        self.households = HouseholdRepo(db)
        self.stats = StatsRepo(db)
        self.register = RegisterRepo(db)
        self.assistance = AssistanceRepo(db)
        self.exit_data = ExitDataRepo(db)
        self.ledgers = LedgerRepo(db)

    @classmethod
    def open(
        cls,
        folder: Path | str,
        *,
        actor: str | None = None,
        read_only: bool = False,
        login: Login | None = None,
        session: Session | None = None,
    ) -> Store:
        """The folder's store, opened by ``login`` (or an already unlocked ``session``) when the
        folder has operators; every audit row then names the operator, and every write is held
        to their roles. ``read_only``: for a folder another window has open; every write is
        refused with ReadOnlyStore (the connection is query-only) and nothing is upgraded."""
        session = session or unlock(folder, login)
        if read_only:
            store = cls(open_read_only(folder, key=session.db_key), Path(folder), actor=actor, session=session)
            store.read_only = True
        else:
            applied: list[str] = []
            db = open_database(folder, applied, key=session.db_key)
            store = cls(db, Path(folder), actor=actor, upgraded=tuple(applied), session=session)
        if session.operator is not None and not session.operator.roles:
            try:
                store._load_operator()
            except BaseException:
                store.close()
                raise
        return store

    def _load_operator(self) -> None:
        """The logged-in operator's roles, from the (encrypted, audited) operators table."""
        assert self.session.operator is not None
        name = self.session.operator.name
        row = self.db.execute("SELECT roles, disabled FROM operators WHERE name = ?", [name]).fetchone()
        if row is None and self.db.execute("SELECT count(*) FROM operators").fetchone()[0] == 0 and not self.read_only:
            # The first 管理员 was being made when the program was stopped: the keyring (saved first)
            # holds them, the database not yet. Only a holder of its one key gets here: finish it.
            from models.storage.audit import utc_now

            ring = Keyring.load(self.folder)
            roles = ring.first_roles if ring is not None else frozenset({"admin"})
            self.writer = GuardedWriter(self.db, name, access.Operator(name, roles))
            stored = access.store_roles(set(roles))
            with self.operation():
                self.writer.insert("operators", {"name": name, "roles": stored, "password_set_at": utc_now()})
            row = (stored, 0)
        if row is None or row[1]:
            raise OperatorDisabled(name=name)
        operator = access.Operator(name, access.parse_roles(row[0]))
        self.session = Session(operator, self.session.key, self.session.encrypted)
        self.writer = GuardedWriter(self.db, name, operator)

    @property
    def file(self) -> tuple[Path, bytes | None]:
        """The folder and its database key: for work done on the file in another process
        (chain.verify's records), which opens it read-only for itself."""
        return self.folder, self.session.db_key

    @property
    def operator(self) -> access.Operator | None:
        """Who opened the store (None: the folder has no operators yet)."""
        return self.session.operator

    def may(self, action: str) -> bool:
        """Whether the operator may ``action`` (an access.ACTION key); always, with no operators."""
        return self.operator is None or self.operator.may(action)

    def require(self, *actions: str) -> None:
        """NotAllowed unless the operator may one of ``actions``: the services' check of what
        they do beyond writing records (exporting, importing, seeing full numbers, backups), and
        of a save that would change nothing (refused all the same)."""
        if self.operator is not None and not self.operator.may_any(actions):
            raise access.refuse(self.operator, actions)

    @contextmanager
    def importing(self) -> Iterator[None]:
        """A county import: a 县级 operator's writes of the village records a package brings are
        allowed for its duration (access.IMPORT_GRANTS); NotAllowed for anyone else."""
        self.require("county")
        writer = self.writer
        plain = writer.operator if isinstance(writer, GuardedWriter) else None
        self.grant_import()
        try:
            yield
        finally:
            if isinstance(writer, GuardedWriter):
                writer.operator = plain

    def grant_import(self) -> None:
        """Lend a 县级 operator's writer access.IMPORT_GRANTS (an import worker's, for its life)."""
        self.require("county")
        writer = self.writer
        if isinstance(writer, GuardedWriter) and writer.operator is not None:
            writer.operator = dataclasses.replace(writer.operator, granted=access.IMPORT_GRANTS)

    def seal(self, text: str, label: str = "setting") -> str:
        """A secret (the package password) sealed with the folder's data key, for the settings."""
        return seal(self._sealing_key(), text, label)

    def unseal(self, token: str, label: str = "setting") -> str:
        """SealBroken when ``token`` was not sealed with this folder's key."""
        return unseal(self._sealing_key(), token, label)

    def _sealing_key(self) -> bytes:
        if self.session.key is None:  # a folder with no keyring yet: it gets one, with an open key
            ring = Keyring.load(self.folder)
            if ring is None:
                ring, key = Keyring.create(self.folder, encrypted=False)
                ring.set_open_key(key)
                ring.save()
            opened = ring.open_key()
            if opened is None:
                raise KeyringDamaged(path=ring.path)
            key = opened
            self.session = Session(self.session.operator, key, self.session.encrypted)
        return self.session.key  # type: ignore[return-value]

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
