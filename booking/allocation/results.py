"""What a drawn round publishes (docs/allocation.md, "Transparency"): no names; each
application's number, tier, lottery number and outcome, each slot's cut-off, the seed and the
SHA-256 of the inputs; and for a family, a sentence per choice that says why."""
import json

from flask_babel import gettext as _
from sqlalchemy import select

from ..errors import Conflict
from ..extensions import db
from ..slots.models import Slot
from ..waitlists.labels import TIER_LABELS
from . import draw
from .models import Application, ApplicationChild, ApplicationChoice, Round, RoundStatus
from .rounds import tiers_of


def publication(rnd: Round) -> dict:
    """The downloadable file. :raises Conflict: not drawn yet."""
    if rnd.status != RoundStatus.DRAWN or not rnd.publication:
        raise Conflict(_("派位结果在派位后公布"))
    return json.loads(rnd.publication)


def results(rnd: Round) -> dict:
    """The results as the API serves them: the publication's, with each offer's reservation."""
    doc = publication(rnd)
    held = dict(db.session.execute(
        select(ApplicationChild.application_id, ApplicationChild.reservation_id)
        .where(ApplicationChild.round_id == rnd.id, ApplicationChild.reservation_id.is_not(None))
        .order_by(ApplicationChild.child_id.desc())).all())  # the lowest child id wins
    items = [{**item, "reservation_id": held.get(item["application_id"])}
             for item in doc["results"]["items"]]
    return {"round_id": rnd.id, "seed": doc["seed"], "seed_sha256": doc["seed_sha256"],
            "inputs_sha256": doc["inputs_sha256"], "algorithm": doc["algorithm"],
            "items": items, "cutoffs": doc["results"]["cutoffs"]}


def tier_name(rnd: Round, priority: int) -> str:
    tiers = tiers_of(rnd)
    code = tiers[priority - 1] if 0 < priority <= len(tiers) else "everyone"
    return str(TIER_LABELS.get(code, code))


def _applicants(doc) -> list:
    return [draw.Applicant(a["application_id"], a["priority"], a["size"], tuple(a["choices"]))
            for a in doc["inputs"]["applications"]]


def explanations(rnd: Round, app: Application) -> list[dict]:
    """For each of the application's choices: the slot, its centre and a sentence that says
    why it came out as it did."""
    doc = publication(rnd)
    applicants = _applicants(doc)
    assignment = {i["application_id"]: ((i["slot_id"], i["choice_rank"]) if i["slot_id"]
                                        else None) for i in doc["results"]["items"]}
    if app.id not in assignment:
        return []
    seats = {s["slot_id"]: s["seats"] for s in doc["inputs"]["seats"]}
    why = draw.explain(doc["seed"], applicants, assignment, app.id, seats)
    slots = {s.id: s for s in db.session.scalars(
        select(Slot).where(Slot.id.in_([w["slot_id"] for w in why])))}
    mine = tier_name(rnd, app.priority)
    out = []
    for w in why:
        slot = slots.get(w["slot_id"])
        n = w["choice_rank"]
        if w["outcome"] == "offered":
            text = _("第 %(n)s 志愿：录取", n=n)
        elif w["outcome"] == "not_reached":
            text = _("第 %(n)s 志愿：已被更靠前的志愿录取，不再参与", n=n)
        elif w["outcome"] == "full":
            p, lot = w["cutoff"]
            text = _("第 %(n)s 志愿：已满，录取到 %(tier)s、摇号号码 %(lot).4f 为止；您的类别：%(mine)s，"
                     "摇号号码 %(yours).4f", n=n, tier=tier_name(rnd, p), lot=lot, mine=mine,
                     yours=app.lottery or 0)
        elif w["outcome"] == "too_few_seats":
            text = _("第 %(n)s 志愿：轮到您时只剩 %(k)s 个托位，不够 %(size)s 个孩子一起入托",
                     n=n, k=w.get("seats_left", 0), size=app.size)
        else:
            text = _("第 %(n)s 志愿：托位在派位时已无空位", n=n)
        out.append({"choice_rank": n, "slot_id": w["slot_id"], "slot": slot,
                    "outcome": w["outcome"], "text": text})
    return out


def per_slot_tier(rnd: Round) -> dict[int, dict[str, int]]:
    """For the regulator: how many applications name each slot, by tier."""
    counts: dict[int, dict[str, int]] = {}
    for slot_id, tier, n in db.session.execute(
            select(ApplicationChoice.slot_id, Application.tier, db.func.count())
            .join(Application, Application.id == ApplicationChoice.application_id)
            .where(Application.round_id == rnd.id, Application.status != "withdrawn")
            .group_by(ApplicationChoice.slot_id, Application.tier)):
        counts.setdefault(slot_id, {})[tier] = n
    return counts
