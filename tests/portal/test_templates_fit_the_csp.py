"""The Content-Security-Policy (style-src and script-src 'self') drops inline style attributes, inline
scripts and inline event handlers, so a page that relied on one would silently lose it (the printed
recap's room to sign did). Styles live in static/css, behaviour in static/js. E-mail templates are the
exception: mail clients need inline styles and no CSP applies there."""

import re
from pathlib import Path

from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Sent as e-mail (their inline styles are for mail clients); the digest's partial is shared with the
# preferences page, where its classes carry the look.
E_MAIL = {"reminders/email", "reminders/partials/_digest.html"}
INLINE = [
    (re.compile(r"\sstyle=\""), "inline style attribute"),
    (re.compile(r"<script(?![^>]*\ssrc=)[^>]*>"), "inline script"),
    (re.compile(r"\son[a-z]+=\""), "inline event handler"),
]


def test_no_page_template_relies_on_what_the_csp_drops():
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        if name.startswith("admin/") or any(name.startswith(prefix) for prefix in E_MAIL):
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            found += [f"{name}:{number}: {what}" for pattern, what in INLINE if pattern.search(line)]
    assert not found, "\n".join(found)
