"""Password-protected village packages: OOXML agile encryption (what Excel and WPS write for
文件 → 加密, and open natively), done in memory, and the key of the manifest's signature.

Neither direction ever puts a plaintext workbook on disk: the export encrypts the workbook's
bytes before its atomic write, and the import decrypts into memory for the reader's scan."""

from __future__ import annotations

import functools
import hashlib
import io
from typing import IO, Any

from models.errors import FileRefused

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an encrypted OOXML file is an OLE2 container
# The most SHA-512 rounds a package's password may ask of the reader: Excel and this program
# write 100,000; the format allows ten million (some 20 s of Python), which a crafted file
# would use to stall every worker.
MAX_SPIN = 500_000

# The signature's key: PBKDF2-HMAC-SHA256 over the password. PBKDF2, not HKDF: a password is
# typed by people and guessable, so its key is stretched (HKDF only spreads a key that is random
# already). The salt is a fixed context string: it keeps this key apart from the encryption's
# (which has its own random salt and SHA-512 rounds), and it makes the key one per password, so a
# county checking hundreds of packages derives it once per process, not once per file. A
# per-package salt would buy little: the encrypted file already lets whoever holds it test
# guesses at a similar cost.
MAC_CONTEXT = b"cundang/village-package/manifest-hmac-sha256/v1"
MAC_ROUNDS = 600_000


def _msoffcrypto() -> Any:
    """msoffcrypto, imported where a file is encrypted or decrypted (it and the cryptography
    library under it): an import worker reading plain packages runs in a tight memory limit."""
    import msoffcrypto.exceptions
    import msoffcrypto.format.ooxml

    return msoffcrypto


def encrypt(workbook: bytes, password: str) -> bytes:
    """The workbook's bytes encrypted with ``password`` (agile encryption: AES-256, SHA-512)."""
    out = io.BytesIO()
    _msoffcrypto().format.ooxml.OOXMLFile(io.BytesIO(workbook)).encrypt(password, out)
    return out.getvalue()


def is_encrypted(f: IO[bytes]) -> bool:
    """Whether an open file is an encrypted OOXML workbook (an OLE2 container holding the
    EncryptionInfo and EncryptedPackage streams); the file is left at its start."""
    f.seek(0)
    head = f.read(len(OLE_MAGIC))
    f.seek(0)
    if head != OLE_MAGIC:
        return False
    import olefile

    try:
        ole = olefile.OleFileIO(f)
        try:
            return bool(ole.exists("EncryptionInfo") and ole.exists("EncryptedPackage"))
        finally:
            f.seek(0)
    except Exception:  # olefile's errors of a damaged container: not an encrypted workbook
        f.seek(0)
        return False


def decrypt(f: IO[bytes], password: str | None, path: str) -> io.BytesIO:
    """The plaintext workbook of an encrypted file, in memory. FileRefused: ``needs_password``
    when none is given, ``wrong_password``, ``integrity`` when the encrypted content was
    changed after it was written, ``damaged`` for a container that cannot be read."""
    if not password:
        raise FileRefused(path=path, reason="needs_password", detail="")
    crypto = _msoffcrypto()
    invalid_key = crypto.exceptions.InvalidKeyError
    try:
        office = crypto.format.ooxml.OOXMLFile(f)
        if office.type != "agile" and office.type != "standard":
            raise FileRefused(path=path, reason="damaged", detail=f"加密方式 {office.type}")
        if office.type == "agile" and office.info["spinValue"] > MAX_SPIN:
            raise FileRefused(path=path, reason="structure", detail="EncryptionInfo")
        try:
            office.load_key(password=password, verify_password=True)
        except invalid_key:
            raise FileRefused(path=path, reason="wrong_password", detail="") from None
        out = io.BytesIO()
        try:
            office.decrypt(out, verify_integrity=office.type == "agile")
        except invalid_key as exc:
            wrong = "integrity" not in str(exc).lower()
            raise FileRefused(path=path, reason="wrong_password" if wrong else "integrity", detail="") from None
    except FileRefused:
        raise
    except MemoryError:
        raise FileRefused(path=path, reason="out_of_memory", detail="") from None
    except Exception as exc:  # msoffcrypto's, olefile's, struct and XML errors of a damaged container
        raise FileRefused(path=path, reason="damaged", detail=str(exc)[:200]) from None
    out.seek(0)
    return out


@functools.lru_cache(maxsize=4)
def mac_key(password: str) -> bytes:
    """The key of the manifest's HMAC-SHA256 (derived once per password and process)."""
    return hashlib.pbkdf2_hmac("sha256", password.encode(), MAC_CONTEXT, MAC_ROUNDS)
