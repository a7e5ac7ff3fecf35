import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()

# As django.utils.html.json_script: nothing in the data can close the <script> element.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def json_ld(data: dict) -> SafeString:
    """A schema.org JSON-LD block (not executed, so the CSP's script-src does not concern it)."""
    text = json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


@register.inclusion_tag("catalogue/partials/_stars.html")
def stars(count: int | None, small: bool = False) -> dict:
    count = count or 0
    return {
        "count": count,
        "filled": range(count),
        "empty": range(5 - count),
        "label": _("%(n)s dari 5 bintang") % {"n": count},
        "small": small,
    }
