"""Bounds every typed date and number shares, for forms and the API alike, and where a
`next` link may lead.

A date such as 9999-12-31 parses, but a day added to it overflows, and the databases and the
Beijing-day arithmetic cannot take it; `sNaN`, `Infinity` or `1e999999` parse as decimals
but cannot be compared or turned into fen. Both are refused here with a message a person can
act on, so no page or API answer fails with a 500 on them.
"""
import decimal
from datetime import date, datetime
from typing import Annotated
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from pydantic import AfterValidator, AwareDatetime
from wtforms import DateField as _DateField
from wtforms import DecimalField as _DecimalField

# No child, staff member or session of this service lives outside these years.
MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2100, 12, 31)
# No amount, height or temperature typed here needs more than 12 digits before the point.
MAX_DECIMAL_DIGITS = 12


def date_out_of_range_message():
    return _l("日期应在 %(min)s 到 %(max)s 之间", min=MIN_DATE.isoformat(), max=MAX_DATE.isoformat())


def in_range(day: date | None) -> bool:
    return day is None or MIN_DATE <= day <= MAX_DATE


def parse_day(text: str | None) -> date | None:
    """A YYYY-MM-DD text within the service's years, or None (missing, malformed, out of range)."""
    try:
        day = date.fromisoformat((text or "").strip())
    except ValueError:
        return None
    return day if in_range(day) else None


def _check_day(day: date) -> date:
    if not in_range(day):
        raise ValueError(str(date_out_of_range_message()))
    return day


# The API's date: what pydantic parses, within MIN_DATE..MAX_DATE (else a 422 naming the field).
Day = Annotated[date, AfterValidator(_check_day)]


def _check_instant(moment: datetime) -> datetime:
    # Checked on the instant's own calendar: converting 9999-12-31T23:00-12:00 to UTC overflows.
    if not in_range(moment.date()):
        raise ValueError(str(date_out_of_range_message()))
    return moment


# The API's instant (with its offset), on a day within MIN_DATE..MAX_DATE.
Instant = Annotated[AwareDatetime, AfterValidator(_check_instant)]


class DateField(_DateField):
    """wtforms' DateField, refusing days outside MIN_DATE..MAX_DATE (or a field's tighter
    `earliest`..`latest`, with its `range_message`) as an invalid value."""

    def __init__(self, label=None, validators=None, *, earliest=None, latest=None,
                 range_message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.earliest, self.latest = earliest or MIN_DATE, latest or MAX_DATE
        self.range_message = range_message

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not self.earliest <= self.data <= self.latest:
            self.data = None
            raise ValueError(self.range_message or date_out_of_range_message())


def finite(value: decimal.Decimal | None) -> bool:
    """A decimal a person could mean: not NaN or infinite, and not absurdly large."""
    if value is None:
        return True
    return value.is_finite() and value.adjusted() < MAX_DECIMAL_DIGITS


class DecimalField(_DecimalField):
    """wtforms' DecimalField, refusing NaN, sNaN, Infinity and huge exponents (which cannot
    be compared, rounded or stored) as an invalid value, with the field's own message."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if isinstance(self.data, decimal.Decimal) and not finite(self.data):
            self.data = None
            raise ValueError(self.invalid_value_message or _l("请填写数字"))

    def _value(self):
        try:
            return super()._value()
        except decimal.InvalidOperation:  # a value set in code that cannot be rounded
            return ""


def safe_next(target: str | None, default: str) -> str:
    """`target` when it is a path on this site, else `default`.

    Refused: other hosts (`//evil`, `https://evil`), backslashes browsers read as slashes, and
    any control character or space (a newline would break the Location header; browsers drop
    tabs and newlines, so `/\\n/evil` would become `//evil`).
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(c) < 0x21 or ord(c) == 0x7F for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
