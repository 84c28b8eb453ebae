"""Once an examination is signed, the institution's lists and the appointment no longer name
the child (docs/exams.md, "Who sees what"): only open appointments, and a no-show on its own
day, are the institution's to see."""
from booking.exams import results
from tests.exams.results.conftest import draft, login
from tests.concurrency.helpers import token_for


def _session_page(client, w):
    return client.get(f"/institution/sessions/{w.session.id}").get_data(as_text=True)


def test_the_session_names_an_open_appointment_and_not_a_signed_one(client, world):
    w = world
    login(client, w.clerk)
    assert w.kid.name in _session_page(client, w)
    headers = {"Authorization": f"Bearer {token_for(w.clerk)}"}
    listed = client.get(f"/api/v1/exam-sessions/{w.session.id}/appointments", headers=headers)
    assert [a["child_name"] for a in listed.get_json()] == [w.kid.name]
    assert client.get(f"/api/v1/exam-appointments/{w.appointment.id}",
                      headers=headers).status_code == 200

    results.save_draft(w.appointment.id, w.nurse, **draft())
    results.sign(w.appointment.id, w.doctor)

    page = _session_page(client, w)
    assert w.kid.name not in page
    assert "已结束的预约" in page
    listed = client.get(f"/api/v1/exam-sessions/{w.session.id}/appointments", headers=headers)
    assert listed.get_json() == []
    assert client.get(f"/api/v1/exam-appointments/{w.appointment.id}",
                      headers=headers).status_code == 404
    # The family still sees its own appointment.
    family = {"Authorization": f"Bearer {token_for(w.parent)}"}
    assert client.get(f"/api/v1/exam-appointments/{w.appointment.id}",
                      headers=family).status_code == 200
