"""Server-side cache of the public pages for anonymous visitors.

Every cached page is stored under the current "public version". Any write to what the public pages
show bumps the version (ovop_portal.signals), so the next visit renders afresh; the old entries
simply expire. With REDIS_URL set, every app server shares the cache and so the version.
"""

import functools
import hashlib
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

VERSION_KEY = "public-pages:version"


def public_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        # Start from the clock, so that a lost key never brings back a version whose pages are stale.
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY, 0)
    return version


def invalidate_public_pages() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet: whatever is cached belongs to no reachable version
        public_version()


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
