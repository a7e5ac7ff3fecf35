"""Server-side caches: the public pages for anonymous visitors, and the officials' figures.

Every cached page is stored under the current "public version", every set of figures under the
"figures version". Any write to what they show bumps the version (ovop_portal.signals), so the next
visit computes afresh; the old entries simply expire. With REDIS_URL set, every app server shares the
cache and so the versions.

Two rules keep an old page from coming back:
- The version is bumped again when the writing transaction commits. A visitor reading between the
  write and the commit still sees the old rows and caches them under the version of that moment; only
  a bump after the commit makes that entry unreachable.
- A bump that Redis did not confirm (down, hung, or skipped by the breaker) is not forgotten. Redis
  that keeps its data may come back holding the version from before the write, with the old pages
  under it. Until the bump is confirmed, this process neither serves nor stores cached pages or
  figures, and it retries the bump on every request (a dictionary lookup while the breaker is open).
  The flag is per process: another app server that saw no failure would not know of it, so any process
  whose breaker saw Redis fail and return also bumps both versions (ovop_portal.cache_backends.CircuitBreaker
  .recoveries). Keeping the version in the database instead would close that last gap, at the cost of
  one query on every cached page; the page cache exists to save exactly those.
"""

import functools
import hashlib
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers

from .errors import CacheUnavailable

VERSION_KEY = "public-pages:version"
FIGURES_VERSION_KEY = "figures:version"

# Request headers that change what a cached page looks like (page_shape). The Vary header names
# them, so that a browser or proxy cache keys its copies the same way the portal does.
SHAPE_HEADERS = ("HX-Request", "HX-Boosted", "HX-History-Restore-Request")

# Version keys whose last bump Redis did not confirm, in this process.
_unconfirmed: set[str] = set()
_recoveries_seen: dict[
    int, int
] = {}  # per breaker (ovop_portal.cache_backends): how many recoveries were handled
_recoveries_lock = threading.Lock()


def page_shape(request: HttpRequest) -> str:
    """What a page answers to this request, from the htmx headers: "fragment" (the catalogue's
    results alone, for the search box and filters), "htmx-page" (a whole page that also carries
    out-of-band parts: a boosted link or a history restore), or "page". The views and templates choose
    their output from this and the cache keys follow it: two requests with the same shape get the
    same bytes, two with different shapes never share an entry."""
    if not request.headers.get("HX-Request"):
        return "page"
    if request.headers.get("HX-Boosted") or request.headers.get("HX-History-Restore-Request"):
        return "htmx-page"
    return "fragment"


def _strict(operation: str) -> Callable:
    """The cache operation that raises CacheUnavailable rather than pretend (ovop_portal.cache_backends); the
    local-memory cache of development and tests cannot fail, and has only the plain one."""
    return getattr(cache, f"strict_{operation}", None) or getattr(cache, operation)


def _note_recoveries() -> bool:
    """True (and both versions marked for a bump) when this process's breaker saw Redis come back
    since the last look: a Redis restored from its saved data may hold versions older than writes
    made meanwhile, by this process or by another."""
    breaker = getattr(cache, "breaker", None)
    if breaker is None or _recoveries_seen.get(id(breaker), 0) == breaker.recoveries:
        return False
    with _recoveries_lock:
        if _recoveries_seen.get(id(breaker), 0) == breaker.recoveries:
            return False
        _recoveries_seen[id(breaker)] = breaker.recoveries
        _unconfirmed.update((VERSION_KEY, FIGURES_VERSION_KEY))
    return True


def _bump(key: str) -> bool:
    """Move to a new version; False (and the key marked unconfirmed) when Redis did not confirm it."""
    try:
        try:
            _strict("incr")(key)
        except ValueError:
            # No version yet, or it was lost: start from the clock, which is past every version
            # used before, so no entry cached under an older one becomes reachable again.
            _strict("set")(key, time.time_ns(), timeout=None)
    except CacheUnavailable:
        _unconfirmed.add(key)
        return False
    _unconfirmed.discard(key)
    return True


def _version(key: str) -> int | None:
    """The current version, or None when it cannot be trusted: then nothing may be read from the cache
    or stored in it."""
    _note_recoveries()
    for _attempt in range(2):
        if key in _unconfirmed and not _bump(key):
            return None
        try:
            version = _strict("get")(key)
            if version is None:
                _strict("add")(key, time.time_ns(), timeout=None)
                version = _strict("get")(key)
        except CacheUnavailable:
            return None
        # The read itself may have been the probe that found Redis back: bump, then read again.
        if not _note_recoveries():
            return version
    return None


def _invalidate(key: str, using: str | None) -> None:
    # At once, for code reading in the writing transaction itself (and tests, which never commit)...
    _bump(key)
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        return  # autocommit: the write is already visible to everyone
    # ...and again on commit, once per transaction whatever the number of writes in it.
    callback = _COMMIT_BUMPS[key]
    if not any(func is callback for _sids, func, _robust in connection.run_on_commit):
        transaction.on_commit(callback, using=using, robust=True)


_COMMIT_BUMPS: dict[str, Callable[[], None]] = {
    VERSION_KEY: lambda: _bump(VERSION_KEY),
    FIGURES_VERSION_KEY: lambda: _bump(FIGURES_VERSION_KEY),
}


def public_version() -> int | None:
    return _version(VERSION_KEY)


def invalidate_public_pages(using: str | None = None) -> None:
    _invalidate(VERSION_KEY, using)


def invalidate_figures(using: str | None = None) -> None:
    _invalidate(FIGURES_VERSION_KEY, using)


def cached_figures(name: str, variant: str, compute: Callable[[], dict]) -> dict:
    """The officials' figures `name` for `variant` (the area and scope they cover), computed once per
    day and data version: any write to what they count bumps the version (ovop_portal.signals)."""
    parts = f"{name}|{variant}|{settings.OVOP_AREA_CODE}|{translation.get_language()}|{timezone.localdate()}"
    version = _version(FIGURES_VERSION_KEY)
    if version is None:
        return compute()
    key = f"figures:{version}:{hashlib.sha256(parts.encode()).hexdigest()}"
    figures = cache.get(key)
    if figures is None:
        figures = compute()
        cache.set(key, figures, settings.OVOP_FIGURES_CACHE_SECONDS)
    return figures


def _key(request: HttpRequest, version: int) -> str:
    # Everything a public page's bytes depend on besides the data: the language (on the public pages
    # the one of the address, ChosenLanguageMiddleware; kept in the key besides the address so that
    # no page is ever served in the other language), the scheme and host (canonical and shared
    # links), the shape the htmx headers ask for, and the address. No public view or template reads
    # any other request header.
    variant = "|".join(
        [
            translation.get_language(),
            request.scheme,
            request.get_host(),
            page_shape(request),
            request.get_full_path(),
        ]
    )
    return f"public-page:{version}:{hashlib.sha256(variant.encode()).hexdigest()}"


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
        version = public_version() if cacheable else None
        if version is None:
            response = view(request, *args, **kwargs)
            if cacheable:
                response.headers["X-Cache"] = "miss"
                patch_vary_headers(response, SHAPE_HEADERS)
            return response
        key = _key(request, version)
        response = cache.get(key)
        if response is None:
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.cookies and not response.streaming:
                cache.set(key, response, settings.OVOP_PUBLIC_CACHE_SECONDS)
            response.headers["X-Cache"] = "miss"
        else:
            response.headers["X-Cache"] = "hit"
        patch_vary_headers(response, SHAPE_HEADERS)
        return response

    return wrapper
