"""The container image and the compose stack, read as files (no Docker daemon in the suite):
what docs/operations.md, "Running the stack", promises is what they say."""
import re
import shlex
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def _instructions(text: str) -> list[tuple[str, str, int]]:
    """(INSTRUCTION, arguments, stage index) per Dockerfile instruction, continuation lines
    joined and comments dropped."""
    out, stage, pending = [], -1, ""
    for line in text.splitlines():
        if not pending and line.lstrip().startswith("#"):
            continue
        pending += line.rstrip()
        if pending.endswith("\\"):
            pending = pending[:-1] + " "
            continue
        if pending.strip():
            word, _sep, rest = pending.strip().partition(" ")
            if word.upper() == "FROM":
                stage += 1
            out.append((word.upper(), rest.strip(), stage))
        pending = ""
    return out


@pytest.fixture(scope="module")
def dockerfile():
    return _instructions((ROOT / "Dockerfile").read_text())


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def _final(dockerfile):
    last = max(stage for _i, _a, stage in dockerfile)
    return [(i, a) for i, a, stage in dockerfile if stage == last]


def test_instruction_parser_sees_stages_and_continuations():
    parsed = _instructions("FROM a AS b\nRUN x \\\n  && y\n# c\nFROM d\nUSER e\n")
    assert parsed == [("FROM", "a AS b", 0), ("RUN", "x    && y", 0), ("FROM", "d", 1),
                      ("USER", "e", 1)]


def test_multi_stage_on_python_311_slim(dockerfile):
    bases = [a.split()[0] for i, a, _s in dockerfile if i == "FROM"]
    assert len(bases) >= 2
    assert all(b == "python:3.11-slim" for b in bases)


def test_runs_as_a_non_root_user(dockerfile):
    users = [a for i, a in _final(dockerfile) if i == "USER"]
    assert users, "the runtime stage sets no USER: it would run as root"
    assert users[-1].split(":")[0] not in ("root", "0")


def test_no_dev_dependencies_installed(dockerfile):
    installs = [a for i, a, _s in dockerfile if i == "RUN" and "pip install" in a]
    assert installs
    for args in installs:
        extras = re.findall(r"\[([^\]]*)\]", args)
        assert all("dev" not in e.split(",") for e in extras), args
        assert "requirements-dev" not in args and "pytest" not in args


def test_translations_are_compiled_in_the_build(dockerfile):
    build = [a for i, a, s in dockerfile if i == "RUN" and s < max(x[2] for x in dockerfile)]
    assert any("pybabel" in a and "compile" in a for a in build)
    # .mo files are not in git: the image must not expect them from the context.
    assert "*.mo" in (ROOT / ".dockerignore").read_text()


def test_gunicorn_runs_with_the_config_file(dockerfile):
    cmd = [a for i, a in _final(dockerfile) if i == "CMD"][-1]
    words = yaml.safe_load(cmd) if cmd.startswith("[") else shlex.split(cmd)
    assert words[0] == "gunicorn"
    assert words[words.index("--config") + 1] == "deploy/gunicorn.conf.py"
    conf = (ROOT / "deploy" / "gunicorn.conf.py").read_text()
    assert "PROMETHEUS_MULTIPROC_DIR" in conf
    assert "def child_exit(" in conf and "mark_process_dead" in conf


def test_dockerignore_keeps_secrets_and_local_state_out():
    ignored = (ROOT / ".dockerignore").read_text().split()
    for entry in (".git", ".venv", "instance", ".env"):
        assert entry in ignored


def _replicas(service) -> int:
    return (service.get("deploy") or {}).get("replicas", 1)


def _web_services(compose):
    return {name: s for name, s in compose["services"].items()
            if "gunicorn" in " ".join(s.get("command") or [])}


def test_at_least_two_web_replicas(compose):
    web = _web_services(compose)
    assert sum(_replicas(s) for s in web.values()) >= 2


def test_exactly_one_scheduler(compose):
    schedulers = [s for s in compose["services"].values()
                  if "scheduler" in (s.get("command") or [])]
    assert len(schedulers) == 1 and _replicas(schedulers[0]) == 1


def test_only_the_proxy_publishes_a_port(compose):
    published = {name for name, s in compose["services"].items() if s.get("ports")}
    assert published == {"proxy"}
    proxy = compose["services"]["proxy"]
    assert "nginx" in proxy["image"]
    assert any(v.startswith("./deploy/nginx.conf:") for v in proxy["volumes"])
    for name in _web_services(compose):
        assert name in proxy["depends_on"]


def test_nginx_forwards_client_and_request_id():
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "X-Request-ID"):
        assert re.search(rf"proxy_set_header\s+{header}\s", conf), header
    assert re.search(r"server\s+web:8000", conf)


def test_the_app_trusts_exactly_the_one_proxy(compose):
    for s in _web_services(compose).values():
        assert str(s["environment"]["TUOWEI_PROXIES"]) == "1"


def test_named_volumes_for_database_and_uploads(compose):
    named = set(compose.get("volumes") or {})
    db = compose["services"]["db"]
    assert any(v.split(":")[0] in named and v.split(":")[1] == "/var/lib/postgresql/data"
               for v in db["volumes"])
    for s in _web_services(compose).values():
        mounts = {v.split(":")[1]: v.split(":")[0] for v in s["volumes"]}
        upload_dir = s["environment"]["TUOWEI_UPLOAD_DIR"]
        assert mounts.get(upload_dir) in named


def test_app_services_get_database_redis_and_secret(compose):
    for name, s in compose["services"].items():
        if name in ("db", "redis", "proxy"):
            continue
        env = s["environment"]
        assert env["DATABASE_URL"].startswith("postgresql+psycopg://") and "@db:" in env["DATABASE_URL"]
        assert env["REDIS_URL"].startswith("redis://redis:")
        # From the operator's environment, never a value written here.
        assert env["SECRET_KEY"].startswith("${SECRET_KEY")


def test_migrations_run_once_before_the_web_servers(compose):
    migrate = compose["services"]["migrate"]
    assert migrate["command"][-2:] == ["db", "upgrade"]
    assert _replicas(migrate) == 1
    for name, s in compose["services"].items():
        if name in _web_services(compose) or "scheduler" in (s.get("command") or []):
            assert s["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_web_healthcheck_asks_readyz(compose, dockerfile):
    for s in _web_services(compose).values():
        assert "/readyz" in " ".join(s["healthcheck"]["test"])
    assert any(i == "HEALTHCHECK" and "/readyz" in a for i, a in _final(dockerfile))
