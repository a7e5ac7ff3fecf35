"""Absolute links to the portal's public address (settings.OVOP_PUBLIC_URL).

Whatever leaves the page — a QR code on a printed label or certificate, a link in an e-mail, a share
message — points at the portal's one public address, never at the Host header of the request that made
it: an officer printing from an internal address, or a forged Host, must not end up on paper or in mail.
"""

import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
from django.urls import LocalePrefixPattern, Resolver404, URLResolver, get_resolver, reverse, translate_url
from django.utils import translation


def public_url(path: str) -> str:
    """The absolute public URL of a site path such as "/produk/gerabah/"."""
    if not path.startswith("/"):
        raise ValueError(f"a site path starts with '/': {path!r}")
    return settings.OVOP_PUBLIC_URL + path


def language_alternates(path: str) -> list[tuple[str, str]]:
    """[(hreflang, absolute URL)] of the page at `path` in every language, then "x-default" (the
    Indonesian one), for a page with an address per language (the public pages); [] for a page
    with one address for all (officials' pages, whose language follows the visitor's choice).
    `path` is read in the active language, the one of the page being shown."""
    addresses = {code: translate_url(path, code) for code, _name in settings.LANGUAGES}
    if len(set(addresses.values())) < len(addresses):
        return []
    alternates = [(code, public_url(address)) for code, address in addresses.items()]
    return [*alternates, ("x-default", public_url(addresses[settings.LANGUAGE_CODE]))]


def is_localised_path(path_info: str, urlconf: str | None = None) -> bool:
    """Whether `path_info` is one of the pages of i18n_patterns (an address per language), read under
    the active language."""
    path = path_info.removeprefix("/")
    for pattern in get_resolver(urlconf).url_patterns:
        if isinstance(pattern, URLResolver) and isinstance(pattern.pattern, LocalePrefixPattern):
            try:
                pattern.resolve(path)
            except Resolver404:
                continue
            return True
    return False


def page_language(request: HttpRequest, localised: bool | None = None) -> str:
    """The language of the page asked for: a public page (i18n_patterns) speaks the language of its
    address; any other page the visitor's choice (the language cookie), else the default.
    `localised`: whether the address is a public page, when the caller knows it already."""
    language = translation.get_language_from_path(request.path_info)
    if language is not None:
        return language
    if localised is None:
        with translation.override(settings.LANGUAGE_CODE):  # the public pages resolve under it
            localised = is_localised_path(request.path_info, getattr(request, "urlconf", None))
    if not localised:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if chosen in dict(settings.LANGUAGES):
            return chosen
    return settings.LANGUAGE_CODE


# The shapes of keys path_for_each puts in an address as they are: what the address's converter accepts
# and reverse leaves unquoted.
CODE = re.compile(r"[0-9.]+")  # region codes, under <str:code>
SLUG = re.compile(r"[-a-zA-Z0-9_]+")  # under <slug:...>
_KEY = "0ovop-key0"  # a key every shape's address accepts, and found nowhere else in one


def path_for_each(viewname: str, shape: re.Pattern) -> Callable[[str], str]:
    """reverse(viewname, args=[key]) for many keys at the cost of one reverse (a few hundred of them
    took milliseconds on a page's drawing of every village). `shape` (CODE or SLUG): the keys put in as
    they are; any other key is left to reverse (which quotes it or refuses it)."""
    head, tail = reverse(viewname, args=[_KEY]).rsplit(_KEY, 1)

    def path(key: str) -> str:
        if not shape.fullmatch(key):
            return reverse(viewname, args=[key])
        return f"{head}{key}{tail}"

    return path
