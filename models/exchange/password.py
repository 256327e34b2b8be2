"""The package password a folder keeps: the county sets it, the village types it once, and it
is kept sealed with the folder's data key under one settings key, written through the audited
writer. Exports are encrypted and signed with it; the county's import opens and checks them."""

from __future__ import annotations

import json

from models.changes import Changes
from models.storage.keyring import check_new_password
from models.store import Store

PASSWORD_KEY = "package_password"  # settings: the sealed password (JSON text)
_LABEL = "package_password"  # what the seal is bound to: a token sealed for another use won't open here


def has_password(store: Store) -> bool:
    """Whether the folder keeps a package password (without opening it)."""
    return bool(store.assistance.settings().get(PASSWORD_KEY))


def stored_password(store: Store) -> str | None:
    """The folder's package password (None: none is set); SealBroken when the sealed value
    cannot be opened with this folder's key."""
    stored = store.assistance.settings().get(PASSWORD_KEY)
    if not stored:
        return None
    token = json.loads(stored)
    return store.unseal(token, _LABEL) if token else None


def set_password(store: Store, password: str, again: str) -> Changes:
    """Keep a new package password (typed twice; as long as an operator's must be), sealed.
    Spaces around it are dropped, as a password file's are."""
    password, again = password.strip(), again.strip()
    check_new_password(password, again)
    value = json.dumps(store.seal(password, _LABEL))
    with store.operation() as op:
        existing = store.assistance.setting_id(PASSWORD_KEY)
        if existing is None:
            store.writer.insert("settings", {"key": PASSWORD_KEY, "value": value})
        else:
            store.writer.update("settings", existing, {"value": value})
    return op.changes()
