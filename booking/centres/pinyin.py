"""Pinyin keys for search: `yanta` and `ytq` find 雁塔区 (docs/search.md).

Names are stored beside their pinyin (`yantaqu`) and initials (`ytq`), lower-case ASCII
letters and digits only, filled whenever the name is set (models.py) and by migration 0022
for rows older than it, so that a pinyin search is one plain LIKE on both databases.
"""
import re

from pypinyin import Style, lazy_pinyin, load_phrases_dict

# pypinyin reads a polyphone by its phrase dictionary; place names it does not know are read
# with the character's most common reading. The ones the seeds need, read as locals say them.
load_phrases_dict({"长延堡": [["cháng"], ["yán"], ["bǎo"]]})

_KEEP = re.compile(r"[^a-z0-9]")
PINYIN_MAX = 480
INITIALS_MAX = 120


def normalise(text: str) -> str:
    """What a typed query is compared as: lower case, letters and digits only
    (`Yan Ta`, `yan'ta` and `yanta` are one query)."""
    return _KEEP.sub("", (text or "").lower())


def keys(name: str | None) -> tuple[str | None, str | None]:
    """(full pinyin, initials) of a name; Latin letters and digits in it are kept as they are."""
    if not name:
        return None, None
    full = normalise("".join(lazy_pinyin(name)))[:PINYIN_MAX]
    # Each Chinese character's first letter; Latin letters and digits as they are.
    initials = normalise("".join(lazy_pinyin(name, style=Style.FIRST_LETTER)))[:INITIALS_MAX]
    return full or None, initials or None


def is_pinyin_query(q: str) -> bool:
    """Worth comparing with the pinyin keys: some ASCII letter, nothing but ASCII."""
    return q.isascii() and any(c.isalpha() for c in q) and bool(normalise(q))
