from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .models import District, Village

PAGE_SIZE = 30
SEARCH_MAX_LENGTH = 100


def search_query(request: HttpRequest) -> str:
    """The `?q=` search text, at most 100 characters (a NUL never gets here: it is refused with 400 by
    ovop_portal.middleware.RefuseNulCharactersMiddleware)."""
    return request.GET.get("q", "")[:SEARCH_MAX_LENGTH]


def paginate(request: HttpRequest, queryset, per_page: int = PAGE_SIZE) -> Page:
    """The requested page; a missing, malformed or out-of-range number gives the nearest page."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


@require_safe
def district_list(request: HttpRequest) -> HttpResponse:
    query = search_query(request)
    districts = District.objects.in_service_area().search(query).with_village_counts().order_by("name")
    return render(
        request,
        "villages/district_list.html",
        {"page_obj": paginate(request, districts), "query": query},
    )


@require_safe
def village_list(request: HttpRequest) -> HttpResponse:
    query = search_query(request)
    villages = Village.objects.in_service_area().search(query).for_list().order_by("name", "code")
    return render(
        request,
        "villages/village_list.html",
        {"page_obj": paginate(request, villages), "query": query},
    )
