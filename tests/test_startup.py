"""Start-up refuses to run on a missing secret (docs/operations.md; issue #12 item 1)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from itsdangerous import URLSafeSerializer

from booking import create_app
from booking.config import Config, ConfigError
from booking.rosters.exports import staff_from_feed_token

ROOT = Path(__file__).resolve().parent.parent


def _env(**extra):
    env = {k: v for k, v in os.environ.items()
           if k not in ("SECRET_KEY", "TUOWEI_DEV", "TUOWEI_FIELD_KEY")}
    env.update(extra)
    return env


def test_create_app_refuses_without_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("TUOWEI_DEV", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app(Config)


def test_flask_command_exits_non_zero_naming_secret_key():
    proc = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "routes"], cwd=ROOT,
                          env=_env(), capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0
    assert "SECRET_KEY" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_dev_mode_uses_a_random_key_kept_in_instance(monkeypatch, tmp_path):
    import booking.config as config

    monkeypatch.setattr(config, "INSTANCE", tmp_path)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("TUOWEI_DEV", "1")
    first = Config().SECRET_KEY
    assert first and len(first) >= 40 and first != "dev-only-change-me"
    assert Config().SECRET_KEY == first  # kept: sessions survive a restart
    assert (tmp_path / "dev-secret-key").stat().st_mode & 0o077 == 0
    (tmp_path / "dev-secret-key").unlink()
    assert Config().SECRET_KEY != first  # another checkout, another key


def test_environment_secret_wins(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment-0123456789")
    monkeypatch.setenv("TUOWEI_DEV", "1")
    assert Config().SECRET_KEY == "from-the-environment-0123456789"


def test_field_key_unset_is_logged_in_production(monkeypatch, caplog):
    monkeypatch.setenv("SECRET_KEY", "a-production-secret-0123456789")
    monkeypatch.delenv("TUOWEI_DEV", raising=False)
    monkeypatch.delenv("TUOWEI_FIELD_KEY", raising=False)
    with caplog.at_level("WARNING"):
        create_app(Config, SQLALCHEMY_DATABASE_URI="sqlite://")
    assert "TUOWEI_FIELD_KEY" in caplog.text


def test_a_feed_address_signed_with_the_old_built_in_key_is_refused(app, db):
    from booking.rosters.exports import feed_token
    from booking.rosters.models import StaffMember
    from tests import factories as f

    c = f.centre()
    staff = StaffMember(centre_id=c.id, name="李娜", role="childcare_worker")
    db.session.add(staff)
    db.session.commit()
    assert staff_from_feed_token(feed_token(staff)) is staff
    forged = URLSafeSerializer("dev-only-change-me", salt="roster-feed").dumps(
        [staff.id, c.id])
    assert staff_from_feed_token(forged) is None
