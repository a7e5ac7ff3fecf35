from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers


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
