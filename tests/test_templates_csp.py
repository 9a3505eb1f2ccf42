"""The CSP forbids inline script and inline style: no template may need them (issue 6, point 9).

Scripts are files from our origin (`<script src>`, htmx through `{% htmx_script %}`) or JSON data
blocks; styles live in static/css/. Markup put together in Python is checked by the XSS sweep.
"""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.I)
DATA_BLOCK = re.compile(r'type="application/(ld\+)?json"', re.I)
INLINE_STYLE = re.compile(r"""\sstyle\s*=\s*["']|<style\b""", re.I)
EVENT_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.I)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.I)


def _templates() -> list[Path]:
    found = sorted(TEMPLATES.rglob("*.html"))
    assert len(found) > 20
    return found


def test_no_template_has_inline_script():
    offenders = [
        f"{path.relative_to(TEMPLATES)}: {tag}"
        for path in _templates()
        for tag in SCRIPT_TAG.findall(path.read_text())
        if "src=" not in tag and not DATA_BLOCK.search(tag)
    ]
    assert offenders == []


def test_no_template_has_inline_style_event_handlers_or_javascript_urls():
    offenders = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0).strip()}"
        for path in _templates()
        if path.parts[-2] != "email"  # e-mails are not pages under our CSP
        for pattern in (INLINE_STYLE, EVENT_HANDLER, JS_URL)
        for match in pattern.finditer(path.read_text())
    ]
    assert offenders == []


def test_the_checks_catch_what_they_look_for():
    assert SCRIPT_TAG.findall('<p><script>alert(1)</script><script src="/a.js"></script>') == [
        "<script>",
        '<script src="/a.js">',
    ]
    assert INLINE_STYLE.search('<p style="color: red">')
    assert EVENT_HANDLER.search('<button onclick="go()">')
    assert JS_URL.search('<a href="javascript:go()">')
    assert not EVENT_HANDLER.search('<button class="one">')
