"""The public centre page's cache (docs/design.md, "The centre page cache").

What a centre's public page and `GET /api/v1/centres/{id}` show (the disclosure, the places
left in each slot) is computed once and kept, per worker process, under the key
(centre.version, its slots' count, the sum of their versions, the largest slot id), read in
one statement. Every booking bumps its slot's version and every other change the page shows
bumps the centre's (versions.py), so a repeat read is that one statement while nothing
changed. Time alone changes the page too: a hold lapses at its expires_at, an enrolment ends
and grants, health certificates and policy versions begin or end at Beijing midnight; so an
entry is used only until `valid_until`, the earliest of those instants (and at most MAX_AGE,
a bound on any writer the hooks might miss). Only public data is kept: what a signed-in
parent sees of their own children is computed per request (views.py).

In memory, per process, not Redis: the hit costs one version check either way, and a
round trip to Redis would cost as much as the database's; each gunicorn worker fills its
own copy at the cost of one miss per centre.
"""
import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import DBAPIError

from ..clock import end_of_day, local_date
from ..clock import now as clock_now
from ..extensions import db
from ..reservations.models import Reservation, held_at
from ..slots.models import Slot
from .models import Centre

MAX_AGE = timedelta(minutes=10)
DEFAULT_SIZE = 1000
KEY = (select(Centre.version, func.count(Slot.id), func.coalesce(func.sum(Slot.version), 0),
              func.max(Slot.id))
       .select_from(Centre).outerjoin(Slot, Slot.centre_id == Centre.id)
       .where(Centre.id == bindparam("centre_id")).group_by(Centre.id, Centre.version))


@dataclass(frozen=True)
class Page:
    """One centre's public data: `detail` is the API's answer (as_of left out: it is the
    moment of each read), `avail` the places left by slot id."""
    detail: dict
    avail: dict
    valid_until: datetime
    head: bytes   # the API's JSON body before the as_of value
    tail: bytes   # and after it

    def body(self, now) -> bytes:
        return self.head + current_app.json.dumps(now.isoformat()).encode() + self.tail


class PageCache:
    """A bounded LRU of Pages by centre id, shared by a worker's threads."""

    def __init__(self, size: int):
        self.size = size
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self):
        return len(self._entries)

    def get(self, centre_id, key, now) -> Page | None:
        with self._lock:
            entry = self._entries.get(centre_id)
            if entry is None or entry[0] != key or now >= entry[1].valid_until:
                return None
            self._entries.move_to_end(centre_id)
            return entry[1]

    def put(self, centre_id, key, page: Page) -> None:
        with self._lock:
            self._entries[centre_id] = (key, page)
            self._entries.move_to_end(centre_id)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def cache() -> PageCache:
    box = current_app.extensions.get("tw_pagecache")
    if box is None:
        box = current_app.extensions["tw_pagecache"] = PageCache(
            current_app.config.get("TUOWEI_PAGECACHE_SIZE", DEFAULT_SIZE))
    return box


def public_page(centre_id: int, build) -> Page | None:
    """The centre's Page, from the cache while its key holds, else built by `build(centre_id,
    now)` (→ (detail, avail), or None: not public). The key is read before the data, so a
    Page is never older than its key (a change committed between them only costs a miss)."""
    now = clock_now()
    try:
        row = _check(centre_id)
    except DBAPIError as exc:  # a connection the server dropped: invalidated, so once more
        if not exc.connection_invalidated:
            raise
        row = _check(centre_id)
    if row is None:
        return None
    key, store = tuple(row), cache()
    page = store.get(centre_id, key, now)
    if page is not None:
        return page
    built = build(centre_id, now)
    if built is None:
        return None
    detail, avail = built
    page = _page(detail, avail, _valid_until(centre_id, now))
    store.put(centre_id, key, page)
    return page


def _check(centre_id: int):
    # Outside the session, in autocommit: one round trip, no BEGIN before it nor ROLLBACK
    # when the request ends (a profile of the hit on PostgreSQL: those and the pool's ping
    # were two thirds of its time).
    with check_engine().connect() as conn:
        return conn.execute(KEY, {"centre_id": centre_id}).first()


def check_engine():
    """The app's engine in autocommit: no BEGIN before the check nor ROLLBACK after it.
    Its pool pings only connections that sat idle (booking/pool.py), and it is disposed with
    the app, so the check leaves no connection behind."""
    engine = current_app.extensions.get("tw_pagecache_engine")
    if engine is None:
        engine = db.engine.execution_options(isolation_level="AUTOCOMMIT")
        current_app.extensions["tw_pagecache_engine"] = engine
    return engine


def _page(detail: dict, avail: dict, valid_until: datetime) -> Page:
    mark = uuid.uuid4().hex  # stands for as_of; no stored text can hold it
    body = current_app.json.response({**detail, "disclosure": {
        **detail["disclosure"], "as_of": mark}}).get_data()
    head, _sep, tail = body.partition(f'"{mark}"'.encode())
    return Page(detail, avail, valid_until, head, tail)


def _valid_until(centre_id: int, now: datetime) -> datetime:
    """The first instant the page changes by time alone: a counted hold lapsing, or Beijing
    midnight (enrolments end, grants, certificates and policy versions change by the day)."""
    lapse = db.session.scalar(
        select(func.min(Reservation.expires_at)).join(Slot, Slot.id == Reservation.slot_id)
        .where(Slot.centre_id == centre_id, held_at(now)))
    return min(t for t in (end_of_day(local_date(now)), lapse, now + MAX_AGE) if t is not None)
