"""Pinyin search keys for names: full pinyin ("zhangsan") and initials ("zs")."""

from __future__ import annotations

from functools import cache, lru_cache

# Surnames whose reading differs from the character's everyday one.
SURNAME_READINGS = {
    "曾": "zeng",
    "单": "shan",
    "解": "xie",
    "仇": "qiu",
    "朴": "piao",
    "查": "zha",
    "区": "ou",
    "乐": "yue",
    "覃": "qin",
    "尉": "yu",
    "翟": "zhai",
    "缪": "miao",
    "盖": "ge",
    "种": "chong",
    "召": "shao",
    "秘": "bi",
    "员": "yun",
    "长": "chang",
    "折": "she",
    "黑": "he",
    "重": "chong",
}


@cache
def _syllable(char: str) -> str:
    """One character's reading (its most common one); other characters stand for themselves."""
    from pypinyin import lazy_pinyin  # loaded on first use: the CLI's reads never need it

    return lazy_pinyin(char, errors=lambda chars: chars.lower())[0].lower()


@lru_cache(maxsize=65536)
def keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of a name, lower case, without tones, spaces or dots.

    Names are read character by character: they are not phrases, and a per-character cache
    makes a county's 400,000 names cheap."""
    chars = [c for c in name if c.isalnum()]  # 阿依古丽·买买提 -> 阿依古丽买买提
    if not chars:
        return "", ""
    syllables = [_syllable(c) for c in chars]
    if chars[0] in SURNAME_READINGS:
        syllables[0] = SURNAME_READINGS[chars[0]]
    return "".join(syllables), "".join(s[0] for s in syllables)
