"""{% load links %}: absolute links to the portal's public address (core.links)."""

from django import template

from core.links import language_alternates as _language_alternates
from core.links import public_url as _public_url

register = template.Library()


@register.simple_tag
def public_url(path: str) -> str:
    """{% public_url request.path %}: the page's address as the public knows it (canonical, og:url)."""
    return _public_url(path)


@register.simple_tag
def language_alternates(path: str) -> list[tuple[str, str]]:
    """{% language_alternates request.path as alternates %}: the page's address in each language
    (hreflang), none on pages with one address for all languages."""
    return _language_alternates(path)
