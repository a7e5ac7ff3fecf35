"""The search text and the page a list page asks for, read the same way on every list."""

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 30
SEARCH_MAX_LENGTH = 100


def search_query(request: HttpRequest) -> str:
    """The `?q=` search text, at most 100 characters (a NUL never gets here: it is refused with 400 by
    ovop_portal.middleware.RefuseNulCharactersMiddleware)."""
    return request.GET.get("q", "")[:SEARCH_MAX_LENGTH]


def paginate(request: HttpRequest, queryset, per_page: int = PAGE_SIZE) -> Page:
    """The requested page; a missing, malformed or out-of-range number gives the nearest page."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
