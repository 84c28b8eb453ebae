"""Refusals of the daily record, with their own slugs so a client can branch on them
(docs/api.md, Errors)."""
from flask_babel import lazy_gettext as _l

from ..errors import BookingError


class DayClosed(BookingError):
    """An entry is changed only on its own day; after it the record stands as it was."""
    status, slug, title = 409, "day-closed", _l("这一天已经结束，记录不能再修改")


class NotPresent(BookingError):
    """Meals, naps and nappies are logged for children in the centre now (arrived today and not
    gone home); notes, moods and photos for children who came today."""
    status, slug, title = 409, "not-present", _l("孩子现在不在园，不能记录")
