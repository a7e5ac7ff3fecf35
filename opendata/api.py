"""The list view every dataset of the API shares: a page of rows from the server-side cache, keyed by
core.caching's public version (so a data change shows at once), with an ETag and Cache-Control for
browsers and proxies, and the rate limit's answer in the visitor's language."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import gettext as _
from rest_framework import exceptions, generics
from rest_framework.request import Request
from rest_framework.response import Response

from core.caching import public_version

# Seconds a browser or proxy may reuse an answer without asking again; after that the ETag makes the
# question cheap (304). Short, so that a change reaches a reuser within a minute.
BROWSER_CACHE_SECONDS = 60


class PublicListView(generics.ListAPIView):
    """A read-only list of one open dataset."""

    def throttled(self, request: Request, wait: float | None) -> None:
        seconds = int(wait or 0) + 1
        raise exceptions.Throttled(
            wait=seconds,
            detail=_("Terlalu banyak permintaan. Coba lagi dalam %(seconds)d detik.") % {"seconds": seconds},
        )

    def _cache_key(self, request: Request, version: int) -> str:
        variant = "|".join(
            [translation.get_language(), request.scheme, request.get_host(), request.get_full_path()]
        )
        return f"opendata:{version}:{hashlib.sha256(variant.encode()).hexdigest()}"

    def list(self, request: Request, *args, **kwargs) -> Response:
        version = public_version()
        key = self._cache_key(request, version) if version is not None else None
        data = cache.get(key) if key else None
        hit = data is not None
        if not hit:
            data = super().list(request, *args, **kwargs).data
            if key:
                cache.set(key, data, settings.OVOP_PUBLIC_CACHE_SECONDS)
        response = Response(data)
        response.headers["X-Cache"] = "hit" if hit else "miss"
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code != 200 or request.method not in ("GET", "HEAD"):
            return response
        response.render()
        etag = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
        response.headers["ETag"] = etag
        patch_cache_control(response, public=True, max_age=BROWSER_CACHE_SECONDS)
        return get_conditional_response(request, etag=etag, response=response)
