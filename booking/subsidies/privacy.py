"""Subsidy claim lines in a family's export (docs/privacy.md). Deleting the account keeps them:
they are records of public money paid for the child's place, kept like the fee ledger, and
they name the child only by its id (the child row itself is anonymised)."""
from sqlalchemy import select

from ..children.holders import Holder, register
from ..extensions import db
from .models import SubsidyClaimLine


def export_lines(child_ids, _user) -> list[dict]:
    return [{"child_id": line.child_id, "centre_id": line.centre_id, "month": line.month,
             "days_enrolled": line.days_enrolled, "days_attended": line.days_attended,
             "open_days": line.open_days, "operating_fen": line.operating_fen,
             "sibling_reduction_fen": line.sibling_reduction_fen,
             "sibling_reward_fen": line.sibling_reward_fen}
            for line in db.session.scalars(select(SubsidyClaimLine).where(
                SubsidyClaimLine.child_id.in_(child_ids)).order_by(SubsidyClaimLine.id))]


register(Holder("subsidy_claims", ("subsidy_claim_line",), export_lines))
