"""The app served the way production serves it: gunicorn, 4 sync workers, on a free
loopback port, against one benchmark database."""
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(url: str, workers: int = 4, timeout: float = 180, args=(), env=None):
    """Yields (base_url, master_pid). Rate limiting is off: every request of a load test
    comes from one address and would be refused by the per-address limits. `args` are more
    gunicorn options (a worker class, threads), `env` more environment (browse.py)."""
    port = free_port()
    env = dict(os.environ, DATABASE_URL=url, TUOWEI_RATELIMIT="0", FLASK_APP="wsgi",
               SECRET_KEY="bench", PYTHONUNBUFFERED="1", **(env or {}))
    cmd = [str(BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}",
           "--backlog", "4096", "--timeout", "120", "--log-level", "warning", *args, "wsgi:app"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + timeout
        while True:
            try:
                urllib.request.urlopen(base + "/api/v1/ping", timeout=2).read()
                break
            except Exception:
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError("gunicorn did not start")
                time.sleep(0.2)
        # Every worker answers before the clock starts (each imports the app lazily).
        for _ in range(workers * 4):
            urllib.request.urlopen(base + "/api/v1/ping", timeout=5).read()
        yield base, proc.pid
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
        except Exception:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def worker_pids(master_pid: int) -> list[int]:
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == master_pid:
                    out.append(int(d.name))
            except Exception:
                pass
    return out


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")
