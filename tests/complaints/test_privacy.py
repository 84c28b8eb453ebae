"""PIPL: a signed-in complainant's complaints are in their export; deleting the account keeps
the regulator's case but drops the account and the contact (docs/complaints.md)."""
from booking.children import privacy
from booking.complaints.models import Complaint
from tests import factories as f
from tests.complaints.world import BODY, file, world  # noqa: F401


def test_export_holds_my_complaints_and_deletion_detaches_them(db, world):
    parent = world["parent"]
    mine = file(world, anonymous=False, contact="13800001111", user=parent)
    anonymous = file(world, user=parent)  # filed anonymously: tied to no account
    [row] = privacy.export_family(parent)["complaints"]
    assert row["body"] == BODY and row["tracking_code"] == mine.tracking_code
    assert row["contact"] == "13800001111" and row["centre"] == "阳光托育"
    privacy.delete_account(parent, f.PASSWORD)
    db.session.expire_all()
    kept = db.session.get(Complaint, mine.id)
    assert kept.complainant_user_id is None and kept.contact is None and kept.body == BODY
    assert db.session.get(Complaint, anonymous.id).contact is not None
