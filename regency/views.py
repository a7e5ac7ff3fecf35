from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from core.caching import cache_public_page


# The identity itself comes from the context processor (ovop_portal.context_processors), as on every page.
@require_safe
@cache_public_page
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "regency/about.html")


@require_safe
@cache_public_page
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "regency/privacy.html")
