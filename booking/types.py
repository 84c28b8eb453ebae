"""Column types shared by every area."""
from datetime import timezone

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """An instant: aware in Python, stored as naive UTC on both databases.

    SQLite has no time zones and drops offsets, so we store UTC everywhere and
    put the zone back on the way out; comparisons in SQL then agree on both.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


def enum_check(column: str, values) -> str:
    """SQL for a CHECK that `column` is one of `values` (portable, unlike native ENUMs)."""
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"
