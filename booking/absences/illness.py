"""Who is ill at a centre on a day, by class: the signals the outbreak early warning reads
(docs/absences.md, Illness signals). Reads only.

Two sources: absences for illness standing that day (reported by the family or found by the
staff's follow-up call), and failed morning checks (晨检) that day. A failed check names no
symptom codes, so they are read from the temperature (a fever from 37.5 ℃, as the morning
check itself) and from words in the staff's observations; a check with neither counts as
"other".
"""
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from ..children.models import Child
from ..extensions import db
from ..health.models import FEVER_C, Attendance
from ..reservations.models import Reservation
from ..slots.models import Slot
from .models import Absence

# Words staff write in a morning check's observations → the symptom they name.
KEYWORDS = (
    ("fever", ("发热", "发烧", "高烧", "低烧", "fever")),
    ("cough", ("咳", "cough")),
    ("diarrhoea", ("腹泻", "拉肚子", "稀便", "diarrh")),
    ("vomiting", ("呕吐", "吐了", "vomit")),
    ("rash", ("皮疹", "疹", "手足口", "rash")),
    ("jaundice", ("黄疸", "jaundice")),
)


@dataclass
class IllChild:
    child_id: int
    name: str
    group_id: int | None
    symptoms: set[str] = field(default_factory=set)
    # "absence" (an absence for illness), "morning_check" (a failed check that day)
    sources: set[str] = field(default_factory=set)
    # The first day of this illness as recorded: the absence's first day, or the check's.
    since: date | None = None


def symptoms_in(observations: str | None, temperature_c: float | None) -> set[str]:
    """Symptom codes a failed morning check names (see KEYWORDS); "other" when none."""
    text = (observations or "").lower()
    found = {code for code, words in KEYWORDS if any(w in text for w in words)}
    if temperature_c is not None and temperature_c >= FEVER_C:
        found.add("fever")
    return found or {"other"}


def illness_on(centre_id: int, day: date) -> dict[int | None, list[IllChild]]:
    """Children of `centre_id` ill on `day`, by class (`Group.id`, None for a slot without
    a class): each child once, with every symptom code (models.SYMPTOMS) its illness
    absence and failed morning check name, which sources said so, and since when.
    Children names are for the centre's own staff: show aggregates to anyone else."""
    ill: dict[int, IllChild] = {}

    def child(child_id, name, group_id, since) -> IllChild:
        entry = ill.setdefault(child_id, IllChild(child_id, name, group_id, since=since))
        entry.since = min(entry.since, since) if entry.since else since
        return entry

    absences = db.session.execute(
        select(Absence, Child.name, Slot.group_id)
        .join(Child, Child.id == Absence.child_id)
        .join(Reservation, Reservation.id == Absence.reservation_id)
        .join(Slot, Slot.id == Reservation.slot_id)
        .where(Absence.centre_id == centre_id, Absence.reason == "illness",
               Absence.covering(day))).all()
    for a, name, group_id in absences:
        entry = child(a.child_id, name, group_id, a.starts_on)
        entry.symptoms |= set(a.symptoms)
        entry.sources.add("absence")
    checks = db.session.execute(
        select(Attendance, Reservation.child_id, Child.name, Slot.group_id)
        .join(Reservation, Reservation.id == Attendance.reservation_id)
        .join(Slot, Slot.id == Reservation.slot_id)
        .join(Child, Child.id == Reservation.child_id)
        .where(Slot.centre_id == centre_id, Attendance.on_date == day,
               Attendance.morning_check_passed.is_(False))).all()
    for att, child_id, name, group_id in checks:
        entry = child(child_id, name, group_id, day)
        entry.symptoms |= symptoms_in(att.observations, att.temperature_c)
        entry.sources.add("morning_check")
    by_class: dict[int | None, list[IllChild]] = {}
    for entry in sorted(ill.values(), key=lambda e: e.child_id):
        by_class.setdefault(entry.group_id, []).append(entry)
    return by_class
