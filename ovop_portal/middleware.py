from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Indonesian for everyone unless the visitor chose English with the switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a visitor with an
    English browser would never see the portal in Indonesian, its default. The choice made with
    the switch lives in the language cookie (set by Django's set_language view).
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        # The language follows the cookie, not Accept-Language: caches must vary on the cookie.
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
PUBLIC_NAMESPACES = frozenset({"catalogue", "villages", "regency"})
PUBLIC_URL_NAMES = frozenset({"health", "sitemap-index", "django.contrib.sitemaps.views.sitemap"})


def is_public_page(request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return False
    return match.view_name in PUBLIC_URL_NAMES or bool(PUBLIC_NAMESPACES.intersection(match.namespaces))


class PrivateResponsesMiddleware:
    """Officials work on shared office computers: after they sign out, the back button or the browser's
    cache must not show what they saw. Every response to a signed-in person, and every response of a
    page that is not public (whoever asks), is marked `private, no-store`; anonymous public pages keep
    their caching. Public by name (an allow-list), so a page added later is private until listed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or not is_public_page(request):
            # max-age=0, no-cache, no-store, must-revalidate, private (and an Expires in the past).
            add_never_cache_headers(response)
        return response
