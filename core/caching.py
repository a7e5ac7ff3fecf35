"""Server-side caches: the public pages for anonymous visitors, and the officials' figures.

Every cached page is stored with the "public version" it was computed under, every set of figures
with the "figures version". Any write to what they show bumps the version (ovop_portal.signals), so the
next visit computes afresh; the old entries are overwritten or expire. The version is read with the
entry in one round trip (MGET), the entry being keyed without it: an entry of another version is a
miss (_versioned_read, _entry). With REDIS_URL set, every app server shares the cache and so the
versions.

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
import gzip
import hashlib
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, get_resolver
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers

from .errors import CacheUnavailable
from .links import is_localised_path, page_language

VERSION_KEY = "public-pages:version"
FIGURES_VERSION_KEY = "figures:version"

# Request headers that change what a cached page looks like (page_shape). The Vary header names
# them, so that a browser or proxy cache keys its copies the same way the portal does.
SHAPE_HEADERS = ("HX-Request", "HX-Boosted", "HX-History-Restore-Request")
# A cached page is kept compressed and sent so to a visitor who accepts gzip (cache_public_page).
VARY_HEADERS = (*SHAPE_HEADERS, "Accept-Encoding")

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


def _versioned_read(key: str, entry_key: str | None = None) -> tuple[int | None, object]:
    """The current version of `key`, and the value stored at `entry_key` if one is named, in ONE round
    trip (MGET): the version is None when it cannot be trusted, and then nothing may be read from the
    cache or stored in it (the value comes back as None). Entries hold the version they were computed
    under (_entry); whoever reads one compares it with the version read here."""
    _note_recoveries()
    keys = [key] if entry_key is None else [key, entry_key]
    for _attempt in range(2):
        if key in _unconfirmed and not _bump(key):
            return None, None
        try:
            found = _strict("get_many")(keys)
            version = found.get(key)
            if version is None:
                _strict("add")(key, time.time_ns(), timeout=None)
                version = _strict("get")(key)
                found = {}  # a version from the clock: no entry can hold it yet
        except CacheUnavailable:
            return None, None
        # The read itself may have been the probe that found Redis back: bump, then read again.
        if not _note_recoveries():
            return version, found.get(entry_key) if entry_key is not None else None
    return None, None


def _version(key: str) -> int | None:
    """The current version, or None when it cannot be trusted: then nothing may be read from the cache
    or stored in it."""
    return _versioned_read(key)[0]


def _entry(version: int, stored: object) -> object:
    """What an entry (version, value) holds if it was computed under `version`, else None: entries are
    keyed without the version (one key to read with the version, in the same MGET), so an entry of an
    older version is simply a miss, and the next store overwrites it. A slow render of an older version
    may overwrite a newer entry: that costs one more render, never a stale page."""
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == version:
        return stored[1]
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


def figures_version() -> int | None:
    """The officials' figures' current version (None when it cannot be trusted): officials.summary
    stamps its rows with it."""
    return _version(FIGURES_VERSION_KEY)


def invalidate_public_pages(using: str | None = None) -> None:
    _invalidate(VERSION_KEY, using)


def invalidate_figures(using: str | None = None) -> None:
    _invalidate(FIGURES_VERSION_KEY, using)


def cached_figures(name: str, variant: str, compute: Callable[[], dict]) -> dict:
    """The officials' figures `name` for `variant` (the area and scope they cover), computed once per
    day and data version: any write to what they count bumps the version (ovop_portal.signals)."""
    if settings.OVOP_FIGURES_CACHE_SECONDS <= 0:  # kept for no time: neither read nor pickled and stored
        return compute()
    parts = f"{name}|{variant}|{settings.OVOP_AREA_CODE}|{translation.get_language()}|{timezone.localdate()}"
    key = f"figures:{hashlib.sha256(parts.encode()).hexdigest()}"
    version, stored = _versioned_read(FIGURES_VERSION_KEY, key)
    if version is None:
        return compute()
    figures = _entry(version, stored)
    if figures is None:
        figures = compute()
        cache.set(key, (version, figures), settings.OVOP_FIGURES_CACHE_SECONDS)
    return figures


def _key(request: HttpRequest, localised: bool = True) -> str:
    # Everything a public page's bytes depend on besides the data: the language (on the public pages
    # the one of the address; kept in the key besides the address so that no page is ever served in
    # the other language), the scheme and host (canonical and shared links), the shape the htmx
    # headers ask for, and the address. No public view or template reads any other request header.
    # The data's version is in the entry, not the key (_entry).
    variant = "|".join(
        [
            page_language(request, localised),  # as ChosenLanguageMiddleware will
            request.scheme,
            request.get_host(),
            page_shape(request),
            request.get_full_path(),
        ]
    )
    return f"public-page:{hashlib.sha256(variant.encode()).hexdigest()}"


# What a plain HttpResponse carries. A view's response with anything more (a decorator's mark for a
# later middleware, such as csp_override or xframe_options_exempt) is not cached: the entry keeps only
# the headers and the bytes, and a hit must be answered exactly as the view answered.
_PLAIN_RESPONSE = frozenset(vars(HttpResponse()))


def _storable(response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.cookies
        and not response.streaming
        and not response.has_header("Content-Encoding")
        and vars(response).keys() <= _PLAIN_RESPONSE
    )


def _accepts_gzip(request: HttpRequest) -> bool:
    """Whether Accept-Encoding allows gzip: named, or through "*", and not with q=0 (RFC 9110 12.5.3)."""
    qualities = {}
    for coding in request.headers.get("Accept-Encoding", "").split(","):
        name, _, parameters = coding.partition(";")
        quality = parameters.strip().lower().removeprefix("q=").strip() or "1"
        qualities[name.strip().lower()] = quality.strip("0.") != ""  # q=0, 0.0, 0.000: refused
    return qualities.get("gzip", qualities.get("*", False))


def cache_public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a public view's pages as cached for anonymous visitors: PublicPageCacheMiddleware serves
    and stores them. The view itself only tells the middleware whether its response may be kept."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        patch_vary_headers(response, VARY_HEADERS)
        slot = getattr(request, "public_page_cache", None)
        if slot is not None:
            slot.reached, slot.storable = True, _storable(response)
        return response

    wrapper.public_page_cache = True
    return wrapper


def _cached_page(urlconf: str, path_info: str) -> bool | None:
    """None when the address is not a page of a cache_public_page view; else whether it is one of
    i18n_patterns (its language is the one of the address). Remembered for the last few thousand
    addresses of a usual length (a long made-up one is resolved each time, never kept)."""
    if len(path_info) > _REMEMBERED_PATH_LENGTH:
        return _resolve_cached_page(urlconf, path_info)
    return _remembered_cached_page(urlconf, path_info)


_REMEMBERED_PATH_LENGTH = 200


def _resolve_cached_page(urlconf: str, path_info: str) -> bool | None:
    """_cached_page, resolved under the language of the address, as the request will be."""
    language = translation.get_language_from_path(path_info) or settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            match = get_resolver(urlconf).resolve(path_info)
        except Resolver404:
            return None
        if not getattr(match.func, "public_page_cache", False):
            return None
        return is_localised_path(path_info, urlconf)


_remembered_cached_page = functools.lru_cache(maxsize=4096)(_resolve_cached_page)


class _Slot:
    """What the view of a request the page cache may store answered (cache_public_page): whether it
    was reached, and whether its response may be kept."""

    __slots__ = ("reached", "storable")

    def __init__(self) -> None:
        self.reached = self.storable = False


class PublicPageCacheMiddleware:
    """Serve anonymous visitors' GETs of cache_public_page views from the cache, before the rest of the
    stack: a hit is one Redis round trip (the version and the page in one MGET) and pays none of the
    session, language, CSRF, authentication, two-factor, message, history, clickjacking and CSP
    middleware that run below it. So the entry holds the page as the whole stack below answered it
    (headers and gzipped bytes), and a hit answers the same; issue 19 measured that stack, the URL
    resolver, a second round trip, the unpickling and the size as what a hit cost beyond the trivial
    view. Compressing is safe from BREACH here: a cached page holds no secret (only anonymous
    visitors' pages are kept, and one that sets a cookie, a CSRF token's included, never is).

    Anonymous means no session cookie: without one the visitor cannot be signed in nor carry a message
    in the session (and none in the message cookie either). A visitor who has a session but is not
    signed in is served afresh, as are signed-in officials. Place it after SecurityMiddleware (which
    still adds its headers to a hit) and before SessionMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        localised = self._candidate(request)
        if localised is None:
            return self.get_response(request)
        key = _key(request, localised)
        version, stored = _versioned_read(VERSION_KEY, key)
        page = _entry(version, stored) if version is not None else None
        if page is not None:
            return self._hit(request, page)
        request.public_page_cache = slot = _Slot()
        response = self.get_response(request)
        if slot.storable and version is not None and _storable(response):
            headers = tuple((name, value) for name, value in response.items() if name != "Content-Length")
            page = (headers, gzip.compress(response.content, compresslevel=6, mtime=0))
            cache.set(key, (version, page), settings.OVOP_PUBLIC_CACHE_SECONDS)
        if slot.reached:  # not when a decorator above the cache answered first (a redirect)
            response.headers["X-Cache"] = "miss"
        return response

    @staticmethod
    def _candidate(request: HttpRequest) -> bool | None:
        """For an anonymous GET of a cached view's page, whether its address is localised; else None."""
        if (
            request.method not in ("GET", "HEAD")
            or settings.OVOP_PUBLIC_CACHE_SECONDS <= 0  # kept for no time: neither read nor stored
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or "messages" in request.COOKIES
        ):
            return None
        return _cached_page(getattr(request, "urlconf", None) or settings.ROOT_URLCONF, request.path_info)

    @staticmethod
    def _hit(request: HttpRequest, page: tuple) -> HttpResponse:
        headers, compressed = page
        if _accepts_gzip(request):
            response = HttpResponse(compressed, headers=headers)
            response.headers["Content-Encoding"] = "gzip"
        else:
            response = HttpResponse(gzip.decompress(compressed), headers=headers)
        response.headers["Content-Length"] = str(len(response.content))
        response.headers["X-Cache"] = "hit"
        return response
