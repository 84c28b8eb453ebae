"""Prometheus metrics and GET /metrics (docs/operations.md, "Metrics")."""
from datetime import timedelta

import pytest
from prometheus_client import REGISTRY

from booking import clock
from booking.audit.services import notify
from booking.errors import SlotFull
from booking.extensions import db
from booking.jobs import _in_context
from booking.observability import metrics
from booking.places import sweeps
from booking.reservations import services as reservations
from booking.waitlists import services as waitlists
from tests import factories as f

TOKEN = "s3cret-metrics-token"


def value(name, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def family():
    parent = f.user()
    return parent, f.child(parent)


def test_a_hold_granted_increments_the_counter(db):
    s = f.slot(capacity=1)
    parent, kid = family()
    before = value("tuowei_holds_granted_total")
    reservations.place_hold(slot_id=s.id, child_id=kid.id, parent=parent)
    assert value("tuowei_holds_granted_total") == before + 1


def test_a_refused_hold_counts_by_its_reason_and_not_as_granted(db):
    s = f.slot(capacity=1)
    parent, kid = family()
    reservations.place_hold(slot_id=s.id, child_id=kid.id, parent=parent)
    other, kid2 = family()
    granted = value("tuowei_holds_granted_total")
    full = value("tuowei_holds_refused_total", reason="slot-full")
    with pytest.raises(SlotFull):
        reservations.place_hold(slot_id=s.id, child_id=kid2.id, parent=other)
    assert value("tuowei_holds_refused_total", reason="slot-full") == full + 1
    assert value("tuowei_holds_granted_total") == granted


def test_lapses_swept_and_offers_made_are_counted(db):
    s = f.slot(capacity=1)
    holder, kid = family()
    reservations.place_hold(slot_id=s.id, child_id=kid.id, parent=holder)
    waiter, kid2 = family()
    waitlists.join(slot_id=s.id, child_id=kid2.id, parent=waiter)
    lapsed, offered = value("tuowei_lapses_swept_total"), value("tuowei_offers_made_total")
    clock.advance(timedelta(hours=48))
    assert sweeps.release_lapsed() == 1
    assert value("tuowei_lapses_swept_total") == lapsed + 1
    assert value("tuowei_offers_made_total") == offered + 1
    sweeps.release_lapsed()  # nothing left: nothing counted
    assert value("tuowei_lapses_swept_total") == lapsed + 1


def test_job_runs_count_successes_failures_and_durations(app):
    def fine_job():
        return 0

    def broken_job():
        raise RuntimeError("boom")

    ok = value("tuowei_job_runs_total", job="fine_job", outcome="ok")
    failed = value("tuowei_job_runs_total", job="broken_job", outcome="failed")
    runs = value("tuowei_job_duration_seconds_count", job="fine_job")
    _in_context(app, fine_job)()
    _in_context(app, broken_job)()  # logged, not raised: the next run catches up
    assert value("tuowei_job_runs_total", job="fine_job", outcome="ok") == ok + 1
    assert value("tuowei_job_runs_total", job="broken_job", outcome="failed") == failed + 1
    assert value("tuowei_job_runs_total", job="broken_job", outcome="ok") == 0
    assert value("tuowei_job_duration_seconds_count", job="fine_job") == runs + 1


def test_metrics_is_404_without_a_configured_token(client, app):
    app.config["METRICS_TOKEN"] = None
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer anything"}).status_code == 404


@pytest.mark.parametrize("header", [None, "Bearer wrong", f"Basic {TOKEN}", "Bearer",
                                    f"Bearer {TOKEN}x"])
def test_metrics_is_401_without_the_right_token(client, app, header):
    app.config["METRICS_TOKEN"] = TOKEN
    resp = client.get("/metrics", headers={"Authorization": header} if header else {})
    assert resp.status_code == 401
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")
    assert b"tuowei_" not in resp.data


def scrape(client):
    resp = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert resp.status_code == 200
    assert resp.content_type.startswith("text/plain")
    return resp.get_data(as_text=True)


def test_metrics_with_the_token_shows_the_counters_and_the_backlog(client, app):
    app.config["METRICS_TOKEN"] = TOKEN
    parent = f.user()
    body = scrape(client)
    assert "tuowei_holds_granted_total" in body
    assert "tuowei_notification_backlog 0.0" in body
    notify(parent.id, "hold_lapsing", reservation_id=1)
    notify(parent.id, "day_summary")  # stays in the app: never emailed, not a backlog
    db.session.commit()
    assert "tuowei_notification_backlog 1.0" in scrape(client)


def test_request_histogram_labels_use_the_endpoint_not_the_path(client, app):
    app.config["METRICS_TOKEN"] = TOKEN
    endpoint = "public.healthz"
    assert app.url_map.bind("").match("/healthz")[0] == endpoint
    before = value("tuowei_http_request_duration_seconds_count", endpoint=endpoint,
                   method="GET")
    count = value("tuowei_http_requests_total", endpoint=endpoint, method="GET", status="200")
    client.get("/healthz")
    assert value("tuowei_http_request_duration_seconds_count", endpoint=endpoint,
                 method="GET") == before + 1
    assert value("tuowei_http_requests_total", endpoint=endpoint, method="GET",
                 status="200") == count + 1
    body = scrape(client)
    assert 'endpoint="/healthz"' not in body and f'endpoint="{endpoint}"' in body


def test_paths_of_no_route_share_one_series(client):
    before = value("tuowei_http_requests_total", endpoint=metrics.UNMATCHED, method="GET",
                   status="404")
    client.get("/no/such/page/12345")
    client.get("/no/such/page/67890")
    assert value("tuowei_http_requests_total", endpoint=metrics.UNMATCHED, method="GET",
                 status="404") == before + 2


def test_multiprocess_mode_adds_up_the_workers_files(tmp_path, monkeypatch, app):
    # A worker's samples live in files; the exposition reads the directory, not this process.
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    body = metrics.exposition().decode()
    assert "tuowei_notification_backlog" in body
    assert "tuowei_holds_granted_total" not in body  # no worker wrote any file here


def test_the_dashboard_and_the_docs_name_only_metrics_that_exist():
    import json
    import re
    from pathlib import Path
    root = Path(__file__).resolve().parents[2]
    known = {m._name for m in (metrics.REQUESTS, metrics.LATENCY, metrics.HOLDS_GRANTED,
                               metrics.HOLDS_REFUSED, metrics.OFFERS_MADE, metrics.LAPSES_SWEPT,
                               metrics.JOB_RUNS, metrics.JOB_DURATION)}
    known.add("tuowei_notification_backlog")
    board = json.loads((root / "deploy" / "grafana-dashboard.json").read_text())
    exprs = " ".join(t["expr"] for p in board["panels"] for t in p["targets"])
    docs = (root / "docs" / "operations.md").read_text()
    docs = docs[docs.index("## Metrics"):]  # the section, not database names elsewhere
    docs = docs[:docs.index("\n## ", 1)]
    for text in (exprs, docs):
        named = set(re.findall(r"tuowei_[a-z_]+", text))
        base = {re.sub(r"_(total|bucket|count|sum)$", "", n) for n in named}
        assert named and base <= {re.sub(r"_total$", "", k) for k in known}, base
