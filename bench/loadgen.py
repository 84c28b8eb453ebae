"""A small HTTP/1.1 load generator on asyncio streams (no HTTP library in the hot path).

Each request opens its own connection, as a parent's phone would, and gunicorn's sync
workers close it after the answer. `fire()` sends a list of prepared requests with at
most `concurrency` in flight and returns (status, latency_s) per request, in order.
Its own ceiling is measured on /ping and reported next to wrk's figure for the same path
(README.md, Method), so the reader can see it is not what limits the reserve figure.
"""
import asyncio
import re
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit


def build(method: str, path: str, host: str, token: str | None = None, body: bytes = b"") -> bytes:
    head = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Connection: close",
            "Accept: application/json"]
    if token:
        head.append(f"Authorization: Bearer {token}")
    if body or method == "POST":
        head += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


async def _one(host, port, raw, sem, out, i, keep_body):
    async with sem:
        t0 = time.perf_counter()
        try:
            reader, writer = await asyncio.open_connection(host, port)
            writer.write(raw)
            await writer.drain()
            data = await reader.read()  # the server closes the connection
            writer.close()
            status = int(data[9:12]) if data.startswith(b"HTTP/1.") else 0
        except Exception:
            status, data = -1, b""
        out[i] = (status, time.perf_counter() - t0, data.split(b"\r\n\r\n", 1)[-1] if keep_body else None)


async def _fire(base, requests, concurrency, keep_body):
    u = urlsplit(base)
    sem = asyncio.Semaphore(concurrency)
    out = [None] * len(requests)
    await asyncio.gather(*(_one(u.hostname, u.port, raw, sem, out, i, keep_body)
                           for i, raw in enumerate(requests)))
    return out


def fire(base: str, requests: list[bytes], concurrency: int, keep_body=False):
    """Returns (results, wall_seconds); results[i] = (status, latency_s, body|None)."""
    # A thread of its own: its event loop never meets one the caller may be running
    # (pytest with Playwright's sync API leaves one in the main thread).
    with ThreadPoolExecutor(1) as pool:
        t0 = time.perf_counter()
        results = pool.submit(asyncio.run, _fire(base, requests, concurrency, keep_body)).result()
        return results, time.perf_counter() - t0


def wrk_rps(url: str, seconds=5, connections=32, threads=2) -> float | None:
    """Requests/s that wrk reaches on a GET (None when wrk is not installed)."""
    if not shutil.which("wrk"):
        return None
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", url],
                         capture_output=True, text=True).stdout
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        return None
    return float(m.group(1)) if m else None
