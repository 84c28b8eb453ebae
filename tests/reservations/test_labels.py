"""One set of words for reservation and waitlist statuses (issue 13): every status has its
label and symbol in reservations/labels.py or waitlists/labels.py, and the family's page and
the regulator's closure report name a status alike."""
from booking.regulator import filing
from booking.reservations import labels
from booking.reservations import services as reservations
from booking.reservations.models import STATUSES
from booking.waitlists import labels as waitlist_labels
from booking.waitlists.models import STATUSES as ENTRY_STATUSES
from tests import factories as f


def test_every_status_has_its_words_and_symbol(app):
    assert set(labels.STATUS_LABELS) == set(labels.STATUS_SYMBOLS) == set(STATUSES)
    assert set(waitlist_labels.STATUS_LABELS) == set(waitlist_labels.STATUS_SYMBOLS) \
        == set(ENTRY_STATUSES)
    words = {code: str(label) for code, label in labels.STATUS_LABELS.items()}
    assert words == {"held": "保留中", "enrolled": "已入托", "expired": "已过期",
                     "cancelled": "已取消", "withdrawn": "已离园"}


def login(client, u):
    resp = client.post("/login", data={"login": u.email, "password": f.PASSWORD})
    assert resp.status_code == 302


def test_the_closure_report_and_the_family_use_the_same_words(client, db):
    d = f.district()
    c = f.centre(d)
    s = f.slot(c, capacity=2)
    regulator = f.user("regulator", district_id=d.id)
    parent = f.user()
    held, enrolled = f.child(parent, name="甲宝"), f.child(parent, name="乙宝")
    reservations.place_hold(slot_id=s.id, child_id=held.id, parent=parent)
    r = reservations.place_hold(slot_id=s.id, child_id=enrolled.id, parent=parent)
    r.status = "enrolled"
    db.session.commit()
    filing.decide(c.filing.id, regulator, "close", "消防隐患")

    login(client, regulator)
    report = client.get(f"/regulator/filings/{c.filing.id}").get_data(as_text=True)
    assert "<td>甲宝</td><td>保留中</td>" in report and "<td>乙宝</td><td>已入托</td>" in report
    client.post("/logout")
    login(client, parent)
    mine = client.get("/reservations").get_data(as_text=True)
    assert "已取消" in mine and "已离园" in mine and "已退托" not in mine
    assert "Left care" in client.get("/reservations?lang=en").get_data(as_text=True)
