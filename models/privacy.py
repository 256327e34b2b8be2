"""Masking what a reader does not need: ID numbers, phones and bank accounts (个人信息保护法)."""

from __future__ import annotations

from models import idnumber


def mask_phone(phone: str) -> str:
    """138****5678: the first 3 and last 4 digits (a landline keeps its last 4)."""
    s = phone.strip()
    if len(s) <= 4:
        return "*" * len(s)
    return (s[:3] if len(s) >= 11 else "") + "*" * (len(s) - (7 if len(s) >= 11 else 4)) + s[-4:]


def mask_account(account: str) -> str:
    """Only the last 4 digits of a bank account."""
    s = account.strip()
    return "*" * max(len(s) - 4, 0) + s[-4:] if len(s) > 4 else "*" * len(s)


def mask_id(number: str) -> str:
    """First 6 and last 4 characters (as the notices print them)."""
    return idnumber.mask(number) if number else ""


MASKS = {"id_number": mask_id, "head_id_number": mask_id, "phone": mask_phone, "bank_account": mask_account}


def masked(column: str, value: str | None) -> str:
    """``value`` of ``column`` as a reader without the 查看完整号码 permission sees it."""
    if not value:
        return value or ""
    mask = MASKS.get(column)
    return mask(value) if mask else value
