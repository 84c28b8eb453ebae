"""The checkers of measure.py on small static pages: each passes a clean page and names the
fault on a page that has it, so a green test_measured.py means something."""
import pytest

from .measure import axe_serious, chinese_interface_text, overflow

pytestmark = pytest.mark.e2e

HEAD = ('<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<title>Test page</title></head><body>')


@pytest.fixture(scope="module")
def page(browser):
    ctx = browser.new_context(viewport={"width": 360, "height": 640}, locale="en-GB")
    page = ctx.new_page()
    yield page
    ctx.close()


def show(page, body):
    page.set_content(HEAD + body + "</body></html>")


def test_overflow_passes_a_page_that_fits(page):
    show(page, '<main><p>Short text that wraps within the screen, however long it gets in '
               'the end of the day.</p><div style="overflow-x:auto"><table style="width:900px">'
               '<tr><td>wide, but in its own scroller</td></tr></table></div></main>')
    assert overflow(page) == []


def test_overflow_names_the_wide_element(page):
    show(page, '<main><div class="card"><table class="data" style="width:900px"><tr><td>x</td>'
               '</tr></table></div></main>')
    found = overflow(page)
    assert found and "table.data" in found[0], found
    assert not any(f.startswith("main [") for f in found), "the outermost offender only"


def test_overflow_of_an_unbroken_word(page):
    show(page, '<p id="long">' + "x" * 200 + "</p>")
    assert overflow(page), "a 200-character word is wider than 360 px"


def test_axe_passes_a_labelled_form(page):
    show(page, '<main><h1>Form</h1><form><label for="n">Name</label><input id="n">'
               '<button type="submit">Send</button></form></main>')
    assert axe_serious(page) == []


def test_axe_reports_a_missing_label_and_poor_contrast(page):
    show(page, '<main><h1>Form</h1><form><input id="n"><button type="submit"></button>'
               '<p style="color:#bbb;background:#fff">faint text</p></form></main>')
    found = " | ".join(axe_serious(page))
    assert "label" in found, found          # input without a label: critical
    assert "button-name" in found, found    # button without text: critical
    assert "color-contrast" in found, found  # serious


def test_axe_ignores_minor_issues(page):
    # A missing landmark ("region") is moderate: not counted.
    show(page, '<h1>Title</h1><p>Text outside any landmark.</p>')
    assert axe_serious(page) == []


def test_chinese_text_passes_english_and_user_data(page):
    show(page, '<header><form><button lang="zh-Hans" aria-label="切换到中文">中文</button></form>'
               '</header><main><h1>My children</h1><p>Child: <span translate="no">张小明</span></p>'
               '<table><tr><td translate="no"><a href="/c/1">雁塔区托育中心</a></td></tr></table>'
               '<select aria-label="Centre"><option translate="no">长延堡</option></select></main>')
    assert chinese_interface_text(page) == []


def test_chinese_text_reports_untranslated_interface(page):
    show(page, '<main><h1>My children</h1><p class="hint">请选择孩子</p>'
               '<input placeholder="搜索"><button aria-label="关闭">×</button>'
               '<input type="submit" value="提交"></main>')
    found = chinese_interface_text(page)
    text = " | ".join(found)
    assert "p.hint" in text and "请选择孩子" in text, found
    assert "[placeholder]" in text and "[aria-label]" in text and "[value]" in text, found


def test_chinese_punctuation_alone_is_not_chinese_text(page):
    show(page, '<p>Fee: ¥880 / month · 2026–12（full day）</p>')
    assert chinese_interface_text(page) == []
