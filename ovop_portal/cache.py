"""Server-side caches: the public pages for anonymous visitors, and the officials' figures.

Every cached page is stored under the current "public version", every set of figures under the
"figures version". Any write to what they show bumps the version (ovop_portal.signals), so the next
visit computes afresh; the old entries simply expire. With REDIS_URL set, every app server shares the
cache and so the versions.
"""

import functools
import hashlib
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers

VERSION_KEY = "public-pages:version"
FIGURES_VERSION_KEY = "figures:version"


def _version(key: str) -> int:
    version = cache.get(key)
    if version is None:
        # Start from the clock, so that a lost key never brings back a version whose data is stale.
        cache.add(key, time.time_ns(), timeout=None)
        version = cache.get(key, 0)
    return version


def _bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # no version yet: whatever is cached belongs to no reachable version
        _version(key)


def public_version() -> int:
    return _version(VERSION_KEY)


def invalidate_public_pages() -> None:
    _bump(VERSION_KEY)


def invalidate_figures() -> None:
    _bump(FIGURES_VERSION_KEY)


def cached_figures(name: str, variant: str, compute: Callable[[], dict]) -> dict:
    """The officials' figures `name` for `variant` (the area and scope they cover), computed once per
    day and data version: any write to what they count bumps the version (ovop_portal.signals)."""
    parts = f"{name}|{variant}|{settings.OVOP_AREA_CODE}|{translation.get_language()}|{timezone.localdate()}"
    key = f"figures:{_version(FIGURES_VERSION_KEY)}:{hashlib.sha256(parts.encode()).hexdigest()}"
    figures = cache.get(key)
    if figures is None:
        figures = compute()
        cache.set(key, figures, settings.OVOP_FIGURES_CACHE_SECONDS)
    return figures


def _key(request: HttpRequest) -> str:
    variant = "|".join(
        [
            translation.get_language(),
            request.get_host(),
            "htmx" if request.headers.get("HX-Request") else "page",
            request.get_full_path(),
        ]
    )
    return f"public-page:{public_version()}:{hashlib.sha256(variant.encode()).hexdigest()}"


def cache_public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve anonymous GETs from the cache. Signed-in officials, pages carrying a message, and
    responses that set a cookie or are not a plain 200 are never cached."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        cacheable = (
            request.method in ("GET", "HEAD")
            and not request.user.is_authenticated
            and "messages" not in request.COOKIES
        )
        if not cacheable:
            return view(request, *args, **kwargs)
        key = _key(request)
        response = cache.get(key)
        if response is None:
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.cookies and not response.streaming:
                cache.set(key, response, settings.OVOP_PUBLIC_CACHE_SECONDS)
            response.headers["X-Cache"] = "miss"
        else:
            response.headers["X-Cache"] = "hit"
        patch_vary_headers(response, ("HX-Request",))
        return response

    return wrapper
