"""What each area holds about a family, for its export and for deleting an account (PIPL
arts. 45 and 47; docs/privacy.md).

The areas that hold a child's day (daily record, absences, pickup, messages, growth, rounds,
outbreak alerts) import `children`, so `children.privacy` cannot import them back: each
registers a `Holder` here instead, from its own `privacy.py`, and `booking/holdings.py`
imports them all when the app starts. `tests/children/test_holders.py` checks that every
table with a `child_id` is answered for by a holder or by `children.privacy` itself.
"""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Holder:
    key: str  # its part of the export
    tables: tuple[str, ...]  # the tables it answers for
    # (the user's child ids, the user) → the rows of the export, plain JSON values
    export: Callable[[list[int], object], list[dict]]
    # (the ids of the children anonymised, the user, now) → what it erased, for the audit;
    # runs inside the deletion's transaction and may refuse it by raising (Conflict).
    erase: Callable[[list[int], object, datetime], dict] | None = None


_HOLDERS: dict[str, Holder] = {}


def register(holder: Holder) -> Holder:
    """Idempotent: the key names the holder (modules may be imported more than once)."""
    _HOLDERS[holder.key] = holder
    return holder


def all_holders() -> list[Holder]:
    return sorted(_HOLDERS.values(), key=lambda h: h.key)


def iso(value):
    return value.isoformat() if value is not None else None
