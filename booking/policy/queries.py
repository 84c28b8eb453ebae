"""What the policy pages and the API read: each city in scope with its version in force and
the next change, and a city's timeline of versions with what each one changed."""
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from ..auth.models import User
from ..clock import today
from ..extensions import db
from .changes import changes, cities_for
from .models import CityPolicy
from .services import in_force_many, versions


@dataclass
class CityRow:
    city: str
    current: CityPolicy | None
    upcoming: CityPolicy | None


@dataclass
class Entry:
    version: CityPolicy
    state: str                      # past | current | future
    author: User | None
    changed: dict = field(default_factory=dict)   # {field: (old, new)} from the previous


def overview(user, on: date | None = None) -> list[CityRow]:
    on = on or today()
    cities = cities_for(user)
    current = in_force_many(cities, on)
    upcoming: dict[str, CityPolicy] = {}
    for p in db.session.scalars(select(CityPolicy).where(
            CityPolicy.city.in_(cities), CityPolicy.effective_from > on)
            .order_by(CityPolicy.effective_from.desc())):
        upcoming[p.city] = p        # the earliest future version wins
    return [CityRow(c, current.get(c), upcoming.get(c)) for c in cities]


def timeline(city: str, on: date | None = None) -> list[Entry]:
    """The city's versions, newest first."""
    on = on or today()
    rows = versions(city)
    authors = {u.id: u for u in db.session.scalars(select(User).where(
        User.id.in_({v.created_by for v in rows if v.created_by})))}
    current = max((v for v in rows if v.effective_from <= on),
                  key=lambda v: v.effective_from, default=None)
    out, previous = [], None
    for v in rows:
        state = ("current" if v is current else "future" if v.effective_from > on else "past")
        out.append(Entry(v, state, authors.get(v.created_by),
                         changes(previous.values(), v.values()) if previous else {}))
        previous = v
    return out[::-1]
