from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers

from core.links import page_language


class ChosenLanguageMiddleware(LocaleMiddleware):
    """The public pages (ovop_portal.urls' i18n_patterns) speak the language of their address:
    Indonesian at the plain one, English under /en/, whatever the visitor's cookie or browser says, so
    that every address has one language for search engines, shared links and the page cache. The
    other pages (officials, sign-in, admin) are in Indonesian unless the visitor chose English with
    the switch (the language cookie, catalogue.views.choose_language).

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a visitor with an
    English browser would never see the portal in Indonesian, its default.
    """

    def process_request(self, request: HttpRequest) -> None:
        translation.activate(page_language(request))  # core.links: the page cache decides alike
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        # Off the public pages the language follows the cookie, not Accept-Language: caches must vary
        # on the cookie.
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class RefuseNulCharactersMiddleware:
    """No address of the portal holds a NUL character, and PostgreSQL refuses one in any query: a NUL
    in the path or a query parameter would turn a lookup into a 500. Such a request gets 400 at once
    (templates/400.html). Forms refuse NUL themselves (Django's ProhibitNullCharactersValidator)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            raise BadRequest("NUL character in the address")
        return self.get_response(request)


# The pages anyone may see, by URL name or namespace: everything else (officials' pages, exports, the
# admin, sign-in and password pages, private files, unknown addresses) is private.
PUBLIC_NAMESPACES = frozenset({"catalogue", "villages", "regency", "opendata"})
PUBLIC_URL_NAMES = frozenset({"health", "sitemap-index", "django.contrib.sitemaps.views.sitemap"})


def is_public_page(request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return False
    return match.view_name in PUBLIC_URL_NAMES or bool(PUBLIC_NAMESPACES.intersection(match.namespaces))


def _signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


class PrivateResponsesMiddleware:
    """Officials work on shared office computers: after they sign out, the back button or the browser's
    cache must not show what they saw. Every response to a signed-in person, and every response of a
    page that is not public (whoever asks), is marked `private, no-store`; anonymous public pages keep
    their caching. Public by name (an allow-list), so a page added later is private until listed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Who asks is read before the view: the open data API (Django REST framework, without
        # authentication) replaces request.user with an anonymous one.
        signed_in = _signed_in(request)
        response = self.get_response(request)
        if signed_in or _signed_in(request) or not is_public_page(request):
            # max-age=0, no-cache, no-store, must-revalidate, private (and an Expires in the past).
            add_never_cache_headers(response)
        return response
