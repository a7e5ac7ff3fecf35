"""The portal's error pages: branded, in the visitor's language, and never showing what went wrong inside.

400, 403 and 404 (and a refused CSRF check) render in the portal's full layout, which reads the
database (the service area's name, the signed-in user). When that fails, most often because the
database is down, the same page renders in the plain layout instead: `500.html`, which needs no
database, no request and no context processor. 500 and 503 always use the plain layout, since the
database may be the very thing that failed.
"""

import logging
import sys

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 60
FULL_LAYOUT = "base.html"
PLAIN_LAYOUT = "500.html"

# Should even the plain layout fail (a broken deployment: a template or the static manifest missing).
LAST_RESORT = (
    '<!doctype html><html lang="id"><meta charset="utf-8"><title>OVOP</title>'
    "<h1>Portal OVOP</h1><p>Halaman ini tidak dapat ditampilkan. Silakan coba lagi nanti.</p>"
    '<p lang="en">This page cannot be shown. Please try again later.</p><p><a href="/">Beranda · Home</a></p>'
)


def _language(request: HttpRequest) -> str:
    # As ChosenLanguageMiddleware decides, for the errors raised before it runs (a NUL in the address).
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _plain(template: str, context: dict | None = None) -> str:
    """The page without a request: no context processor, so no query."""
    try:
        return loader.render_to_string(template, {"layout": PLAIN_LAYOUT, **(context or {})})
    except Exception:
        logger.exception("Error page %s could not be rendered", template)
        return LAST_RESORT


def _page(request: HttpRequest, template: str, status: int, context: dict | None = None) -> HttpResponse:
    with translation.override(_language(request)):
        try:
            body = loader.render_to_string(template, {"layout": FULL_LAYOUT, **(context or {})}, request)
        except Exception:
            # The database down, or a Host header the full layout's links refuse: the plain page.
            logger.warning("Error page %s rendered without the portal's layout", template, exc_info=True)
            body = _plain(template, context)
        response = HttpResponse(body, status=status)
        response.headers["Content-Language"] = translation.get_language()
    patch_vary_headers(response, ("Cookie",))
    return response


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _page(request, "400.html", 400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _page(request, "403.html", 403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _page(request, "404.html", 404)


def _same_site_referer(request: HttpRequest) -> str | None:
    referer = request.META.get("HTTP_REFERER", "")
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    if referer and url_has_allowed_host_and_scheme(referer, {host}, require_https=request.is_secure()):
        return referer
    return None


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form sent with an old or missing token, most often a form left open past
    the session or from before a sign-in elsewhere. The visitor only needs to reload it; the reason
    is for the log, not the page."""
    logger.warning("CSRF check failed: %s", reason)
    return _page(request, "403_csrf.html", 403, {"form_url": _same_site_referer(request)})


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 handler: a database that cannot be reached or cannot write (OperationalError,
    InterfaceError: refused or lost connections, a full disk) is a 503 with a friendly page and a
    Retry-After; any other failure, other database errors included (an IntegrityError is a bug or a
    race, not an outage), the 500 page. Neither renders with context processors."""
    error = sys.exc_info()[1]
    with translation.override(_language(request)):
        if isinstance(error, (OperationalError, InterfaceError)):
            logger.error("Database unavailable: %s", error)
            response = HttpResponse(_plain("503.html"), status=503)
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        else:
            response = HttpResponse(_plain("500.html"), status=500)
        response.headers["Content-Language"] = translation.get_language()
    return response
