"""Loads seeds/births.yaml (demo births per subdistrict and year; docs/planning.md).

Idempotent: a figure is found by district, subdistrict and year and only added when
missing, so running it again adds nothing and never undoes a regulator's correction.
Seeding is not a person's act, so it is not audited (like the rest of `flask seed`)."""
from pathlib import Path

import yaml
from sqlalchemy import select

from ..centres.models import District
from ..extensions import db
from ..transactions import command
from .models import SubdistrictBirths

SEED = Path(__file__).resolve().parent.parent.parent / "seeds" / "births.yaml"


@command
def load_births(echo=print, path=SEED) -> int:
    """Seed the births of `path`; returns how many figures were new."""
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    codes = {d.code: d.id for d in db.session.scalars(select(District))}
    added = 0
    for entry in data.get("births") or []:
        district_id = codes.get(str(entry["district"]))
        if district_id is None:
            continue
        for year, births in (entry.get("births") or {}).items():
            row = db.session.scalar(select(SubdistrictBirths).where(
                SubdistrictBirths.district_id == district_id,
                SubdistrictBirths.subdistrict == entry["subdistrict"],
                SubdistrictBirths.year == int(year)))
            if row is None:
                db.session.add(SubdistrictBirths(
                    district_id=district_id, subdistrict=entry["subdistrict"], year=int(year),
                    births=int(births)))
                added += 1
    db.session.commit()
    echo(f"seed: births: {len(data.get('births') or [])} subdistricts ({added} new figures)")
    return added
