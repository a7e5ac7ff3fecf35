"""Django's {# #} comments end at the line's end: one left open on a line and closed on another
shows its text on the page (it did on four officials' pages). Longer notes use {% comment %}."""

import re
from pathlib import Path

from django.conf import settings


def test_no_template_opens_a_one_line_comment_it_closes_on_another_line():
    open_comment = re.compile(r"\{#(?!.*#\})")
    wrong = [
        f"{path.relative_to(settings.BASE_DIR)}:{number}"
        for path in sorted((Path(settings.BASE_DIR) / "templates").rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if open_comment.search(line)
    ]
    assert not wrong, "use {% comment %} for notes over several lines:\n" + "\n".join(wrong)
