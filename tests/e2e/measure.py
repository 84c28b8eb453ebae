"""Checks that need no eyes, run on a loaded Playwright page (issue 17, "Measured").

Each returns a list of readable findings; an empty list means the page passes.

- overflow(page): the page scrolls sideways (scrollWidth > innerWidth + 1); the findings name
  the outermost elements that stick out, ignoring those inside a horizontal scroller on purpose.
- axe_serious(page): axe-core's violations of impact serious or critical (axe-playwright-python
  ships axe-core; it is injected into the page, nothing is fetched).
- chinese_interface_text(page): in English mode, interface text still in Chinese. User data
  (names of children, people, centres, districts, cities; text people typed) is marked
  `translate="no"` in the templates, the standard HTML attribute, and its subtree is skipped;
  so is anything marked `lang="zh…"` on purpose (the language switch's 中文). The document's
  title is not read: it often holds a name beside its words and cannot mark it; the page's
  h1, which says the same, is read.
"""
from __future__ import annotations

# A short CSS path for an element: up to three ancestors, each tag#id.class.
_SELECTOR_JS = """
const selectorOf = el => {
  const part = e => {
    let s = e.tagName.toLowerCase();
    if (e.id) return s + '#' + e.id;
    const cls = (typeof e.className === 'string' ? e.className : '').trim().split(/\\s+/)
      .filter(Boolean).slice(0, 2);
    return s + cls.map(c => '.' + c).join('');
  };
  const parts = [];
  for (let e = el; e && e !== document.body && parts.length < 4; e = e.parentElement) {
    parts.unshift(part(e));
    if (e.id) break;
  }
  return parts.join(' > ');
};
"""

_OVERFLOW_JS = "() => {" + _SELECTOR_JS + """
  const vw = window.innerWidth;
  const sw = document.scrollingElement.scrollWidth;
  if (sw <= vw + 1) return {sw, vw, offenders: []};
  const scroller = el => { for (let p = el.parentElement; p; p = p.parentElement) {
      const s = getComputedStyle(p).overflowX;
      if (s === 'auto' || s === 'scroll' || s === 'hidden' || s === 'clip') return true; }
    return false; };
  const sticksOut = el => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && (r.right > vw + 1 || r.left < -1);
  };
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (!sticksOut(el) || scroller(el) || el.closest('.visually-hidden, .skip')) continue;
    // the outermost offender: its parent stays inside the screen
    if (el.parentElement && el.parentElement !== document.body && sticksOut(el.parentElement))
      continue;
    const r = el.getBoundingClientRect();
    out.push(`${selectorOf(el)} [${Math.round(r.left)}..${Math.round(r.right)}]`);
    if (out.length >= 10) break;
  }
  return {sw, vw, offenders: out};
}"""

_CJK_JS = "() => {" + _SELECTOR_JS + """
  const cjk = /[\\u3000-\\u303f\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\uff00-\\uffef]/;
  const han = /[\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff]/;
  const skipped = el => el.closest('[translate="no"], [lang^="zh"], script, style, noscript, template');
  const out = [], seen = new Set();
  const add = (el, text, where) => {
    text = text.replace(/\\s+/g, ' ').trim();
    if (!han.test(text)) return;
    const key = selectorOf(el) + where + text;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(`${selectorOf(el)}${where}: "${text.slice(0, 60)}"`);
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || !cjk.test(n.nodeValue) || skipped(el)) continue;
    add(el, n.nodeValue, '');
  }
  // Text a person reads or hears that is not a text node.
  const attrs = ['aria-label', 'placeholder', 'title', 'alt', 'aria-description'];
  for (const el of document.body.querySelectorAll('*')) {
    if (skipped(el)) continue;
    for (const a of attrs) {
      const v = el.getAttribute(a);
      if (v && han.test(v)) add(el, v, `[${a}]`);
    }
    if (el.tagName === 'INPUT' && ['submit', 'button', 'reset'].includes(el.type) && han.test(el.value))
      add(el, el.value, '[value]');
  }
  return out;
}"""

SERIOUS = ("serious", "critical")


def overflow(page) -> list[str]:
    """The elements that make the page wider than the screen; [] when it fits."""
    result = page.evaluate(_OVERFLOW_JS)
    if not result["offenders"] and result["sw"] > result["vw"] + 1:
        return [f"scrollWidth {result['sw']} > {result['vw']} (no single element found)"]
    return result["offenders"]


_axe = None


def axe_serious(page) -> list[str]:
    """axe-core violations of impact serious or critical: "rule: help (targets)"."""
    global _axe
    if _axe is None:
        from axe_playwright_python.sync_playwright import Axe
        _axe = Axe()
    results = _axe.run(page)
    out = []
    for v in results.response["violations"]:
        if v.get("impact") not in SERIOUS:
            continue
        targets = [" ".join(map(str, n["target"])) for n in v["nodes"]][:3]
        more = f" +{len(v['nodes']) - 3}" if len(v["nodes"]) > 3 else ""
        out.append(f"{v['id']} ({v['impact']}): {v['help']} [{', '.join(targets)}{more}]")
    return out


def chinese_interface_text(page) -> list[str]:
    """Text nodes and spoken attributes with Chinese characters outside user data."""
    return page.evaluate(_CJK_JS)
