"""Two-factor sign-in (TOTP and recovery codes, django-otp). Placeholder until the flow lands."""

from django.http import HttpRequest, HttpResponse


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)
