"""The one place the application reads the time.

Everything is aware and UTC inside; pages show Asia/Shanghai. Tests move the clock with
`clock.set(...)` / `clock.advance(...)` instead of sleeping.
"""
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Asia/Shanghai")
_frozen: datetime | None = None
_offset = timedelta(0)


def now() -> datetime:
    if _frozen is not None:
        return _frozen
    return datetime.now(timezone.utc) + _offset


def today() -> date:
    """Today's date where the centres are (China has one time zone)."""
    return local_date(now())


def local_date(moment: datetime | None) -> date | None:
    """The calendar day in Beijing of an aware instant (None stays None, for optional
    columns such as `enrolled_at`)."""
    return None if moment is None else moment.astimezone(LOCAL).date()


def start_of_day(day: date) -> datetime:
    """Midnight in Beijing that begins `day`, as an aware UTC instant."""
    return datetime.combine(day, time(), LOCAL).astimezone(timezone.utc)


def end_of_day(day: date) -> datetime:
    """The instant `day` ends in Beijing (the next day's midnight), aware UTC."""
    return start_of_day(day + timedelta(days=1))


def set(moment: datetime | None) -> None:  # noqa: A001 - reads well as clock.set()
    """Freeze the clock at `moment` (aware), or unfreeze with None."""
    global _frozen, _offset
    if moment is not None and moment.tzinfo is None:
        raise ValueError("clock.set needs an aware datetime")
    _frozen = moment.astimezone(timezone.utc) if moment else None
    _offset = timedelta(0)


def advance(delta: timedelta) -> None:
    """Move the clock forward (frozen or running)."""
    global _frozen, _offset
    if _frozen is not None:
        _frozen = _frozen + delta
    else:
        _offset += delta


def reset() -> None:
    set(None)
