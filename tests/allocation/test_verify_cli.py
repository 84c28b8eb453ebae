"""`python -m booking.allocation verify FILE` on a bare Python: `-S` leaves out site-packages, so
these runs prove the verifier needs nothing but the standard library."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from booking.allocation.draw import Applicant, allocate, publication

ROOT = Path(__file__).resolve().parents[2]


def run(*args):
    done = subprocess.run([sys.executable, "-S", "-m", "booking.allocation", *args], cwd=ROOT,
                          capture_output=True, text=True, encoding="utf-8", timeout=60)
    return done.returncode, done.stdout + done.stderr


@pytest.fixture
def round_file(tmp_path):
    seed = "种子-2027-spring"
    apps = [Applicant(1, 1, 1, (10, 20)), Applicant(2, 1, 2, (10, 20)),
            Applicant(3, 2, 1, (20, 10)), Applicant(4, 3, 1, (10,))]
    seats = {10: 2, 20: 1}
    doc = publication(12, seed, seats, apps, allocate(seed, apps, seats))
    path = tmp_path / "round-12.json"
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def test_a_faithful_file_matches(round_file):
    code, out = run("verify", str(round_file))
    doc = json.loads(round_file.read_text(encoding="utf-8"))
    assert code == 0, out
    assert out.startswith("matches: round 12, 4 applications")
    assert doc["inputs_sha256"] in out


def test_a_tampered_file_does_not_match_and_says_why(round_file, tmp_path):
    doc = json.loads(round_file.read_text(encoding="utf-8"))
    doc["results"]["items"][3]["slot_id"] = 20
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(doc), encoding="utf-8")
    code, out = run("verify", str(tampered))
    assert code == 1, out
    assert "application 4: slot_id is 20, the draw gives None" in out
    assert "matches:" not in out


@pytest.mark.parametrize("content", [b"{not json", b"\xff\xfe\x00", b"[1, 2]", b""])
def test_a_file_that_is_not_a_round_exits_2_without_a_traceback(tmp_path, content):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    code, out = run("verify", str(path))
    assert code == 2, out
    assert "Traceback" not in out and "error:" in out


def test_a_missing_file_exits_2(tmp_path):
    code, out = run("verify", str(tmp_path / "nowhere.json"))
    assert code == 2 and "Traceback" not in out and "cannot read" in out


def test_help():
    code, out = run("--help")
    assert code == 0 and "verify" in out
    code, out = run("verify", "--help")
    assert code == 0 and "FILE" in out
