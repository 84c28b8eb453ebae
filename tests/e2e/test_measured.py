"""Issue 17, "Measured": every page a role's journeys reach, at 360 px in Chinese and in
English, and the role's home at 1280 px too:

- nothing wider than the screen (measure.overflow);
- no axe-core violation of impact serious or critical (measure.axe_serious);
- in English, no interface text in Chinese (measure.chinese_interface_text; user data is
  marked translate="no" in the templates and skipped).

The pages: the role's home, the links of its tab bar and header menu, and the links on the
home (same origin, GET, no downloads or feeds), one per URL shape (/children/3 and
/children/4 are one page), at most $TUOWEI_MEASURE_MAX (20) per role. English is asked for
with ?lang=en on each visit, so no account's saved language changes for the other tests.

Screenshots of each home at both widths, in both languages, and each role's findings go to
tests/e2e/output/ (kept by CI as artefacts). A finding that cannot be fixed yet is listed in
measured_known.txt with its reason; a listed finding that no longer occurs fails the test, so
the list stays honest.
"""
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .helpers import log_in
from .measure import axe_serious, chinese_interface_text, overflow
from .test_homes import ROLES

pytestmark = pytest.mark.e2e

OUTPUT = Path(__file__).parent / "output"
KNOWN = Path(__file__).parent / "measured_known.txt"
MAX_PAGES = int(os.environ.get("TUOWEI_MEASURE_MAX", "20"))
PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 800}
# Not pages: files, feeds and the API.
_SKIP = re.compile(r"(^/api/|^/static/|/logout|\.(csv|xlsx|ics|pdf|json|png|svg|zip)$|"
                   r"/export|/download|/feed)", re.I)

_LINKS_JS = """() => {
  const sel = 'nav.tabbar a[href], header nav a[href], main a[href]';
  return [...document.querySelectorAll(sel)]
    .filter(a => !a.hasAttribute('download') && a.origin === location.origin)
    .map(a => a.pathname + a.search);
}"""


def shape(path: str) -> str:
    """The page's URL with ids folded: /children/12/daily -> /children/N/daily."""
    return re.sub(r"/\d+(?=/|$|\?)", "/N", path)


def pages_of(page) -> list[str]:
    """The signed-in role's pages: home first, then its links, one per shape, capped."""
    page.goto("/home")
    found, shapes = ["/home"], {"/home"}
    for href in page.evaluate(_LINKS_JS):
        key = shape(href)
        if key in shapes or _SKIP.search(urlsplit(href).path) or href.startswith("/lang/"):
            continue
        shapes.add(key)
        found.append(href)
        if len(found) >= MAX_PAGES:
            break
    return found


def with_lang(path: str, lang: str) -> str:
    if lang != "en":
        return path
    return path + ("&" if "?" in path else "?") + "lang=en"


def measure_page(page, role, path, lang, width) -> list[str]:
    label = f"{role} {lang} {width} {shape(path)}"
    response = page.goto(with_lang(path, lang))
    if response is None or response.status >= 400:
        return [f"{label} http: {response.status if response else 'no response'}"]
    found = [f"{label} overflow: {x}" for x in overflow(page)]
    found += [f"{label} axe: {x}" for x in axe_serious(page)]
    if lang == "en":
        found += [f"{label} chinese: {x}" for x in chinese_interface_text(page)]
    return found


def known_for(role) -> dict[str, str]:
    """measured_known.txt: `finding start  # reason`, one a line, for this role."""
    out = {}
    if KNOWN.exists():
        for line in KNOWN.read_text(encoding="utf-8").splitlines():
            entry, _, reason = line.partition("  # ")
            entry = entry.strip()
            if entry and not entry.startswith("#") and entry.split(" ", 1)[0] == role:
                out[entry] = reason.strip()
    return out


def _pattern(entry: str) -> re.Pattern:
    """A known entry matches the findings that start with it; `*` stands for any text."""
    return re.compile(".*".join(map(re.escape, entry.split("*"))))


@pytest.mark.parametrize("role", list(ROLES))
def test_pages_measure_up(browser, server, role):
    if server.data_source != "seed":
        pytest.skip("the measured pages need the `flask seed` accounts")
    OUTPUT.mkdir(exist_ok=True)
    login, password = ROLES[role][:2]
    findings, visited = [], []
    for lang in ("zh", "en"):
        # Signed in in Chinese (log_in reads the Chinese labels); ?lang=en asks for English.
        ctx = browser.new_context(base_url=server.base_url, viewport=PHONE, locale="zh-CN")
        ctx.set_default_timeout(15_000)
        try:
            page = ctx.new_page()
            log_in(page, login, password)
            paths = pages_of(page)
            visited = paths
            for path in paths:
                findings += measure_page(page, role, path, lang, 360)
            page.goto(with_lang("/home", lang))
            page.screenshot(path=str(OUTPUT / f"home-{role}-360-{lang}.png"), full_page=True)
            page.set_viewport_size(DESKTOP)
            findings += measure_page(page, role, "/home", lang, 1280)
            page.screenshot(path=str(OUTPUT / f"home-{role}-1280-{lang}.png"), full_page=True)
        finally:
            ctx.close()

    known = {k: _pattern(k) for k in known_for(role)}
    unexpected = [f for f in findings if not any(p.match(f) for p in known.values())]
    stale = [k for k, p in known.items() if not any(p.match(f) for f in findings)]
    (OUTPUT / f"measured-{role}.txt").write_text(
        "pages:\n" + "".join(f"  {p}\n" for p in visited)
        + "findings:\n" + "".join(f"  {f}\n" for f in findings), encoding="utf-8")
    problems = []
    if unexpected:
        problems.append(f"{len(unexpected)} finding(s) on {role}'s pages:\n  "
                        + "\n  ".join(unexpected))
    if stale:
        problems.append("listed in measured_known.txt but no longer found (remove them):\n  "
                        + "\n  ".join(stale))
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)
