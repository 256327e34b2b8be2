"""Operators: the first 管理员 of a folder, adding, roles, passwords and disabling, audited."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from models import access
from models.errors import (
    LastAdministrator,
    NoOperatorsYet,
    NoRoles,
    OperatorExists,
    Required,
    UnknownOperator,
)
from models.storage.audit import utc_now
from models.storage.database import has_data
from models.storage.folder_lock import OpenLock
from models.storage.keyring import Keyring, check_new_password
from models.store import Login, Session, Store

UNENCRYPTED_SETTING = "storage_unencrypted"  # who chose to keep the folder unencrypted


@dataclass(frozen=True)
class OperatorRow:
    name: str
    roles: frozenset[str]
    disabled: bool
    password_set_at: str

    @property
    def role_labels(self) -> str:
        return access.Operator(self.name, self.roles).role_labels


def _name(name: str) -> str:
    clean = unicodedata.normalize("NFC", name.strip())
    if not clean:
        raise Required(field="操作员")
    return clean


def has_operators(folder: Path) -> bool:
    ring = Keyring.load(Path(folder))
    return ring is not None and bool(ring.names)


def first_operator(
    folder: Path | str, name: str, password: str, roles: set[str], *, encrypted: bool = True
) -> tuple[Store, str]:
    """Make ``name`` the folder's first operator (a 管理员, with ``roles`` too) and open the store
    as them; returns it and the recovery key, to be printed once. A new folder is encrypted
    unless ``encrypted`` is False; a folder that already holds plain data is converted first
    (storage.encrypt, after a verified backup)."""
    folder = Path(folder)
    name = _name(name)
    check_new_password(password)
    if has_operators(folder):
        raise OperatorExists(name=name)
    roles = set(roles) | {"admin"}
    old = Keyring.load(folder)
    ring, key = Keyring.create(folder, encrypted=encrypted)
    kept = old.open_key() if old is not None else None
    if kept is not None:
        key = kept  # the secrets a demo folder sealed stay readable
    ring.add(name, password, key)
    ring.first_roles = frozenset(roles)
    recovery = ring.set_recovery(key)
    # Two processes making one new folder (two imports at once): the one that takes the folder's
    # OpenLock first makes the keyring, the file and the operator row before letting go; the other
    # then finds the operator, hears OperatorExists and logs in (desktop.cli.common.command_store).
    # Deciding outside the lock once let the second, back from Argon2, take the first's new
    # encrypted file for plain data to convert, and call it not a database.
    folder.mkdir(parents=True, exist_ok=True)
    with OpenLock(folder):  # re-entrant: the open_database below passes
        if has_operators(folder):
            raise OperatorExists(name=name)
        if encrypted and has_data(folder):  # plain data (no keyring has a name, so no key)
            from models.storage.encrypt import encrypt_folder

            encrypt_folder(folder, key)
        ring.save()
        session = Session(access.Operator(name, frozenset(roles)), key, encrypted)
        store = Store.open(folder, session=session)
        try:
            with store.operation():
                store.writer.insert(
                    "operators", {"name": name, "roles": access.store_roles(roles), "password_set_at": utc_now()}
                )
                if not encrypted:  # the 管理员's explicit choice, kept in the audit trail
                    store.writer.insert(
                        "settings", {"key": UNENCRYPTED_SETTING, "value": json.dumps(name, ensure_ascii=False)}
                    )
            store._load_operator()
        except BaseException:
            store.close()
            raise
    return store, recovery


def list_operators(store: Store) -> list[OperatorRow]:
    return [
        OperatorRow(r[0], access.parse_roles(r[1]), bool(r[2]), r[3])
        for r in store.db.execute("SELECT name, roles, disabled, password_set_at FROM operators ORDER BY name")
    ]


def _row(store: Store, name: str) -> tuple[int, frozenset[str], bool]:
    found = store.db.execute("SELECT id, roles, disabled FROM operators WHERE name = ?", [_name(name)]).fetchone()
    if found is None:
        raise UnknownOperator(name=name)
    return int(found[0]), access.parse_roles(found[1]), bool(found[2])


def _keyring(store: Store) -> Keyring:
    ring = Keyring.load(store.folder)
    if ring is None or not ring.names or store.operator is None:
        raise NoOperatorsYet(path=store.folder)
    return ring


def _needs_key(store: Store) -> bytes:
    assert store.session.key is not None
    return store.session.key


def add_operator(store: Store, name: str, password: str, roles: set[str]) -> None:
    """A new operator with their first password (a 管理员's action)."""
    store.require("operators")
    ring = _keyring(store)
    name = _name(name)
    if not roles:
        raise NoRoles()
    check_new_password(password)
    if ring.has(name) or store.db.execute("SELECT 1 FROM operators WHERE name = ?", [name]).fetchone():
        raise OperatorExists(name=name)
    with store.operation():
        store.writer.insert(
            "operators", {"name": name, "roles": access.store_roles(roles), "password_set_at": utc_now()}
        )
        ring.add(name, password, _needs_key(store))
        ring.save()  # inside the transaction: a keyring that cannot be written writes no operator


def change_password(store: Store, old: str, new: str) -> None:
    """The logged-in operator's own password (the old one asked again)."""
    ring = _keyring(store)
    assert store.operator is not None
    name = store.operator.name
    ring.unlock(name, old)
    check_new_password(new)
    row_id = _row(store, name)[0]
    with store.operation():
        store.writer.update("operators", row_id, {"password_set_at": utc_now()})
        ring.add(name, new, _needs_key(store))
        ring.save()


def reset_password(store: Store, name: str, new: str) -> None:
    """A 管理员 sets another operator's password (one who forgot theirs, or is locked out)."""
    store.require("operators")
    _keyring(store)
    row_id, _roles, disabled = _row(store, name)
    check_new_password(new)
    ring = _keyring(store)
    with store.operation():
        store.writer.update("operators", row_id, {"password_set_at": utc_now()})
        ring.add(_name(name), new, _needs_key(store))
        if disabled:
            ring.disable(_name(name))
        ring.save()


def recover(folder: Path | str, recovery_key: str, name: str, new: str) -> Store:
    """The recovery key, kept in the office safe, opens the folder and sets a 管理员's password."""
    folder = Path(folder)
    ring = Keyring.load(folder)
    if ring is None or not ring.names:
        raise UnknownOperator(name=name)
    key = ring.unlock_recovery(recovery_key)
    check_new_password(new)
    name = _name(name)
    store = Store.open(folder, session=Session(access.Operator("恢复密钥", frozenset({"admin"})), key, ring.encrypted))
    try:
        row_id, roles, disabled = _row(store, name)
        if "admin" not in roles or disabled:
            raise UnknownOperator(name=name)
        with store.operation():
            store.writer.update("operators", row_id, {"password_set_at": utc_now()})
            ring.add(name, new, key)
            ring.save()
    finally:
        store.close()
    return Store.open(folder, login=Login(name, new))


def _enabled_admins(store: Store) -> list[str]:
    return [o.name for o in list_operators(store) if "admin" in o.roles and not o.disabled]


def set_roles(store: Store, name: str, roles: set[str]) -> None:
    store.require("operators")
    _keyring(store)
    if not roles:
        raise NoRoles()
    row_id, old, _disabled = _row(store, name)
    if "admin" in old and "admin" not in roles and _enabled_admins(store) == [_name(name)]:
        raise LastAdministrator(name=name)
    with store.operation():
        store.writer.update("operators", row_id, {"roles": access.store_roles(roles)})


def disable_operator(store: Store, name: str) -> None:
    """The operator can no longer log in: their wrapped key is forgotten (the record stays)."""
    store.require("operators")
    _keyring(store)
    row_id, roles, disabled = _row(store, name)
    if disabled:
        return
    if "admin" in roles and _enabled_admins(store) == [_name(name)]:
        raise LastAdministrator(name=name)
    ring = _keyring(store)
    with store.operation():
        store.writer.update("operators", row_id, {"disabled": 1})
        ring.disable(_name(name))
        ring.save()
