"""{% load links %}: absolute links to the portal's public address (core.links)."""

from django import template

from core.links import public_url as _public_url

register = template.Library()


@register.simple_tag
def public_url(path: str) -> str:
    """{% public_url request.path %}: the page's address as the public knows it (canonical, og:url)."""
    return _public_url(path)
