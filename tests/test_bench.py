"""Every benchmark of bench/ runs once at tiny size, so it cannot rot. These assert the
benchmarks' own correctness checks (the rush holds exactly the capacity, the sweep releases
every lapsed hold ...), never timings: speed is measured by `make bench`, not by the suite.

SQLite always; PostgreSQL when the suite runs on it (TEST_DATABASE_URL), in databases of
the benchmarks' own (tuowei_bench_*), created and dropped on the same server.
"""
import pytest
from sqlalchemy.engine import make_url

from bench import common, rush, sweep, world
from bench import round as allocation_round
from bench.__main__ import main
from tests.conftest import _PG_URL, IS_PG

KINDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.skipif(
    not IS_PG, reason="needs PostgreSQL (set TEST_DATABASE_URL)"))]


@pytest.fixture(autouse=True)
def bench_server(monkeypatch, tmp_path):
    if IS_PG:
        admin = make_url(_PG_URL).set(drivername="postgresql", database="postgres")
        monkeypatch.setattr(common, "PG_ADMIN", admin.render_as_string(hide_password=False))
    monkeypatch.setenv("TMPDIR", str(tmp_path))


def assert_checks(section):
    assert section.checks, f"{section.title} checked nothing"
    failed = [d for d, ok in section.checks if not ok]
    assert not failed, failed


@pytest.mark.parametrize("kind", KINDS)
def test_rush_holds_exactly_the_places_and_refuses_the_rest(kind):
    section = rush.run(kind, quick=False, tiny=True, runs=1)
    assert_checks(section)
    assert any("held" in d for d, _ in section.checks)
    assert section.fig("reserve requests/s", "").values


@pytest.mark.parametrize("kind", KINDS)
def test_search_coverage_and_memory_run_on_a_generated_world(kind):
    sections = world.run(kind, quick=False, tiny=True, runs=1)
    assert [s.title.split()[0].rstrip(":") for s in sections] == ["Search", "Coverage", "Memory"]
    for s in sections[:2]:
        assert_checks(s)
    assert sections[2].figures[0].values[0] > 0


@pytest.mark.parametrize("kind", KINDS)
def test_one_sweep_releases_every_lapsed_hold_and_offers_the_places_on(kind):
    section = sweep.run(kind, quick=False, tiny=True, runs=1)
    assert_checks(section)


@pytest.mark.parametrize("kind", KINDS)
def test_a_drawn_round_keeps_every_seat_count_and_verifies(kind):
    section = allocation_round.run(kind, quick=False, tiny=True, runs=1)
    assert_checks(section)
    assert any("verify" in d for d, _ in section.checks)
    assert section.fig("draw_round (whole draw, committed)", "").values[0] > 0


def test_make_bench_writes_the_results_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # main() moves to the repository root; this moves back after
    out = tmp_path / "RESULTS.md"
    assert main(["--tiny", "--only", "sweep", "--db", "sqlite", "--runs", "1", "--out", str(out)]) == 0
    text = out.read_text()
    assert "| machine |" in text and "Lapse sweep" in text
    assert "| figure | min | median | max |" in text


@pytest.mark.parametrize("kind", KINDS)
def test_browsing_during_a_rush_never_oversells_and_answers_every_page(kind):
    from bench import browse
    section = browse.run(kind, quick=False, tiny=True, runs=1)
    assert_checks(section)
    assert any("busy" in d for d, _ in section.checks)


@pytest.mark.parametrize("kind", KINDS)
def test_the_profile_answers_each_kind_of_request_as_it_says(kind, capsys):
    """bench/profile.py: the granted reserves are all 201 and the refusals all 409 slot-full
    (it profiles the paths it names), and every row sums its shares."""
    from bench import profile
    assert profile.main(["--db", kind, "--requests", "20"]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| ")][1:]
    statuses = {r.split(" | ")[0][2:]: r for r in rows}
    assert "[201]" in statuses["reserve, granted (201) [201]"]
    assert "reserve, refused slot-full (409) [409]" in statuses
    assert "ping [200]" in statuses and "centre page, cached (200) [200]" in statuses
    for row in rows:
        shares = [int(c.strip().rstrip(" %")) for c in row.strip(" |").split(" | ")[2:]]
        assert 95 <= sum(shares) <= 105
