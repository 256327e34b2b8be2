"""The folder's keyring: the data key wrapped by each operator's password and by the recovery key.

The database (when encrypted), its backups and the secrets kept in its settings are encrypted by
one random 32-byte data key. This file (``cundang.keys``, JSON) holds that key wrapped once per
operator: Argon2id (64 MiB, 3 passes) turns the password and a random salt into 64 bytes; the
first half, hashed, verifies the password; the second wraps the data key with AES-256-GCM. So a
password change or a new operator rewraps 32 bytes and never re-encrypts the data. The recovery
key, printed once at the first start, wraps it the same way.

Failed logins are counted here (the database cannot be read before a login); five lock the
account for ten minutes. An attacker who copies the file is held by Argon2's cost, not by the
counter: that is what the cost is for.

A keyring goes with one database file. When the file is swapped for another (encrypted, made
plain, or a backup of another installation taking the folder over with its own keyring), the
keyring first notes what is coming (``mark_pending``: the new file's first bytes and the keyring
that goes with it); stopped between the rename and the keyring's rewrite, the next ``load``
finds which of the two the file on disk goes with.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from models.access import MIN_PASSWORD
from models.errors import (
    AccountLocked,
    KeyringDamaged,
    OperatorDisabled,
    PasswordsDiffer,
    PasswordTooShort,
    SealBroken,
    WrongPassword,
    WrongRecoveryKey,
)
from models.files import atomic_file
from models.storage.sql import KEY_BYTES

KEYRING_NAME = "cundang.keys"
FORMAT = 1
MAX_FAILURES = 5
LOCK_MINUTES = 10
KDF = {"time_cost": 3, "memory_cost": 65536, "parallelism": 2}  # 0.16 s here; OWASP asks for less
RECOVERY_GROUPS = 6  # XXXX-XXXX-XXXX-XXXX-XXXX-XXXX: 24 of 30 letters and digits, 117 bits
PENDING = "pending"  # a database file being swapped in: its first bytes, and the keyring it goes with
HEAD_BYTES = 100  # an SQLCipher file's random salt, or a plain file's header with its counters


def keyring_path(folder: Path) -> Path:
    return Path(folder) / KEYRING_NAME


def _text(value: str) -> bytes:
    return unicodedata.normalize("NFC", value).encode("utf-8")


def _derive(secret: bytes, salt: bytes, params: dict[str, int]) -> tuple[bytes, bytes]:
    """(verifier, wrapping key) from a password or recovery key."""
    out = hash_secret_raw(secret, salt, hash_len=64, type=Type.ID, **params)
    return hashlib.sha256(out[:32]).digest(), out[32:]


def _wrap(secret: bytes, data_key: bytes, label: str) -> dict[str, Any]:
    salt, nonce = os.urandom(16), os.urandom(12)
    verifier, kek = _derive(secret, salt, KDF)
    wrapped = AESGCM(kek).encrypt(nonce, data_key, b"cundang-data-key:" + label.encode())
    return {"kdf": dict(KDF), "salt": salt.hex(), "verifier": verifier.hex(), "wrapped": (nonce + wrapped).hex()}


def _unwrap(secret: bytes, entry: dict[str, Any], label: str) -> bytes | None:
    """The data key, or None when ``secret`` is not the one this entry was wrapped with."""
    verifier, kek = _derive(secret, bytes.fromhex(entry["salt"]), entry["kdf"])
    if not hmac.compare_digest(verifier, bytes.fromhex(entry["verifier"])):
        return None
    blob = bytes.fromhex(entry["wrapped"])
    try:
        return AESGCM(kek).decrypt(blob[:12], blob[12:], b"cundang-data-key:" + label.encode())
    except InvalidTag:
        return None


def check_new_password(password: str, again: str | None = None) -> None:
    """A new password: long enough, and typed the same twice (when typed twice)."""
    if len(unicodedata.normalize("NFC", password)) < MIN_PASSWORD:
        raise PasswordTooShort(minimum=MIN_PASSWORD)
    if again is not None and password != again:
        raise PasswordsDiffer()


def new_recovery_key() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ234567"  # no I, O, 0, 1, 8, 9: nothing to misread
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(RECOVERY_GROUPS))


def _recovery_text(key: str) -> bytes:
    """A recovery key as typed: spaces, dashes and case don't matter."""
    return "".join(c for c in key.upper() if c.isalnum()).encode()


@dataclass
class Keyring:
    """The keyring of one data folder, as read from its file (``save`` writes it back)."""

    path: Path
    data: dict[str, Any] = field(default_factory=dict)
    kept: bool = True  # False: a copy read beside a backup, never written back (see ``read``)

    # --- The file ---------------------------------------------------------

    @classmethod
    def load(cls, folder: Path) -> Keyring | None:
        """The folder's keyring, or None when it has none (a demo folder, or one from before)."""
        path = keyring_path(folder)
        try:
            text = path.read_text(encoding="utf-8")
        except (FileNotFoundError, NotADirectoryError):  # no keyring (or no folder: said by the opener)
            return None
        except OSError as exc:
            raise KeyringDamaged(path=path) from exc
        try:
            data = json.loads(text)
            if not isinstance(data, dict) or not isinstance(data.get("operators"), dict):
                raise ValueError("not a keyring")
        except ValueError as exc:
            raise KeyringDamaged(path=path) from exc
        ring = cls(path, data)
        if PENDING in data:
            ring._settle(Path(folder))
        return ring

    @classmethod
    def read(cls, path: Path) -> Keyring | None:
        """The keyring copy beside a backup (``cundang-….keys``, taken with it to a USB stick), or
        None when there is none. Read only: a wrong password is not counted into the copy (the
        stick may be read-only, and whoever holds the copy is held by Argon2's cost anyway)."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, NotADirectoryError):
            return None
        except (OSError, ValueError) as exc:
            raise KeyringDamaged(path=path) from exc
        if not isinstance(data, dict) or not isinstance(data.get("operators"), dict):
            raise KeyringDamaged(path=path)
        data.pop(PENDING, None)
        return cls(path, data, kept=False)

    def _settle(self, folder: Path) -> None:
        """A swap stopped between renaming the new database file in and rewriting the keyring:
        the file on disk says which keyring holds (its first bytes were noted before the rename)."""
        from models.storage.database import database_path

        pending = self.data.pop(PENDING)
        if isinstance(pending, dict) and file_head(database_path(folder)) == pending.get("head"):
            self.data = dict(pending["keyring"])
        with contextlib.suppress(OSError):  # a folder that cannot be written: settled again next time
            self.save()

    @classmethod
    def create(cls, folder: Path, *, encrypted: bool) -> tuple[Keyring, bytes]:
        """A new keyring with a new data key (not yet saved: add the first operator, then save)."""
        ring = cls(keyring_path(folder), {"format": FORMAT, "encrypted": encrypted, "operators": {}})
        return ring, secrets.token_bytes(KEY_BYTES)

    def save(self) -> None:
        if not self.kept:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_file(self.path) as tmp:
            Path(tmp).write_text(json.dumps(self.data, ensure_ascii=False, indent=1), encoding="utf-8")

    # --- What it says -------------------------------------------------------

    @property
    def encrypted(self) -> bool:
        """Whether the database is an SQLCipher file (a 管理员 may choose a plain one)."""
        return bool(self.data.get("encrypted"))

    @encrypted.setter
    def encrypted(self, value: bool) -> None:
        self.data["encrypted"] = bool(value)

    @property
    def first_roles(self) -> frozenset[str]:
        """The roles the folder's first 管理员 was made with: written with the keyring, so a first
        operator whose database row a stopped program never wrote is finished as intended."""
        return frozenset(str(r) for r in self.data.get("first_roles", ())) | {"admin"}

    @first_roles.setter
    def first_roles(self, roles: frozenset[str]) -> None:
        self.data["first_roles"] = sorted(roles)

    def same_keys(self, other: Keyring | None) -> bool:
        """Whether ``other`` is this keyring or a copy of it, older or newer (the same data key):
        the recovery key is made once, with the data key, so its wrapping names the keyring."""
        mine = (self.data.get("recovery") or {}).get("salt")
        return other is not None and mine is not None and mine == (other.data.get("recovery") or {}).get("salt")

    def for_folder(self, folder: Path) -> Keyring:
        """This keyring (a copy beside a backup of another installation) as the folder's own."""
        data = json.loads(json.dumps(self.data))
        data.pop(PENDING, None)
        return Keyring(keyring_path(folder), data)

    @property
    def names(self) -> list[str]:
        return sorted(self.data["operators"])

    def has(self, name: str) -> bool:
        return unicodedata.normalize("NFC", name.strip()) in self.data["operators"]

    # --- Operators --------------------------------------------------------

    def add(self, name: str, password: str, data_key: bytes) -> None:
        """Wrap the data key for ``name`` (a new operator, or a new password of one)."""
        check_new_password(password)
        name = unicodedata.normalize("NFC", name.strip())
        self.data["operators"][name] = {**_wrap(_text(password), data_key, name), "failures": 0, "locked_until": ""}

    def remove(self, name: str) -> None:
        """A disabled operator's password no longer opens anything."""
        self.data["operators"].pop(unicodedata.normalize("NFC", name.strip()), None)

    def unlock(self, name: str, password: str, now: dt.datetime | None = None) -> bytes:
        """The data key for ``name``'s password; counts a failure (and saves) when it is wrong."""
        now = now or dt.datetime.now(dt.UTC)
        name = unicodedata.normalize("NFC", name.strip())
        entry = self.data["operators"].get(name)
        if entry is None:
            if name in self.data.get("disabled", []):
                raise OperatorDisabled(name=name)
            raise WrongPassword(left=MAX_FAILURES)
        locked = entry.get("locked_until") or ""
        if locked:
            until = dt.datetime.fromisoformat(locked)
            # A clock set back by more than the lock (the laptops' clocks are often wrong) ends it.
            if until - dt.timedelta(minutes=LOCK_MINUTES) <= now < until:
                raise AccountLocked(name=name, minutes=max(1, -(-int((until - now).total_seconds()) // 60)))
        key = _unwrap(_text(password), entry, name)
        if key is None:
            entry["failures"] = int(entry.get("failures", 0)) + 1
            left = MAX_FAILURES - entry["failures"]
            if left <= 0:
                entry["failures"] = 0
                entry["locked_until"] = (now + dt.timedelta(minutes=LOCK_MINUTES)).isoformat(timespec="seconds")
                self.save()
                raise AccountLocked(name=name, minutes=LOCK_MINUTES)
            self.save()
            raise WrongPassword(left=left)
        if entry.get("failures") or locked:
            entry["failures"], entry["locked_until"] = 0, ""
            self.save()
        return key

    def disable(self, name: str) -> None:
        """Forget ``name``'s wrapped key and remember that the name was disabled (for the words)."""
        self.remove(name)
        disabled = set(self.data.get("disabled", []))
        disabled.add(unicodedata.normalize("NFC", name.strip()))
        self.data["disabled"] = sorted(disabled)

    def enable(self, name: str) -> None:
        self.data["disabled"] = [n for n in self.data.get("disabled", []) if n != name]

    # --- Recovery ---------------------------------------------------------

    def set_recovery(self, data_key: bytes) -> str:
        """A new recovery key (the old one stops working); returned once, to be printed."""
        key = new_recovery_key()
        self.data["recovery"] = _wrap(_recovery_text(key), data_key, "recovery")
        return key

    def unlock_recovery(self, key: str) -> bytes:
        entry = self.data.get("recovery")
        found = _unwrap(_recovery_text(key), entry, "recovery") if entry else None
        if found is None:
            raise WrongRecoveryKey()
        return found

    # --- Folders without operators -----------------------------------------

    def open_key(self) -> bytes | None:
        """The data key of a folder with no operators yet (a demo's), kept unwrapped."""
        value = self.data.get("open_key")
        return base64.b64decode(value) if value else None

    def set_open_key(self, data_key: bytes | None) -> None:
        if data_key is None:
            self.data.pop("open_key", None)
        else:
            self.data["open_key"] = base64.b64encode(data_key).decode()


def file_head(path: Path) -> str:
    """The first bytes of a file, in hex ('' when there is none). Only read when no connection of
    this process has the file open (closing a descriptor drops the process's SQLite locks on it)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(HEAD_BYTES).hex()
    except OSError:
        return ""


def mark_pending(folder: Path, new_file: Path, after: Keyring) -> None:
    """Before ``new_file`` is renamed over the folder's database: the folder's keyring notes the
    file coming and ``after``, the keyring that goes with it (written once the rename is done)."""
    current = Keyring.load(folder)
    data = dict(current.data) if current is not None else {"format": FORMAT, "operators": {}}
    data[PENDING] = {"head": file_head(new_file), "keyring": after.data}
    Keyring(keyring_path(folder), data).save()


def seal(data_key: bytes, text: str, label: str) -> str:
    """``text`` encrypted and authenticated with the data key, for a settings value."""
    nonce = os.urandom(12)
    return (
        "sealed1:" + base64.b64encode(nonce + AESGCM(data_key).encrypt(nonce, text.encode(), label.encode())).decode()
    )


def unseal(data_key: bytes, token: str, label: str) -> str:
    try:
        if not token.startswith("sealed1:"):
            raise ValueError(token[:8])
        blob = base64.b64decode(token[8:])
        return AESGCM(data_key).decrypt(blob[:12], blob[12:], label.encode()).decode()
    except (ValueError, InvalidTag) as exc:
        raise SealBroken() from exc
