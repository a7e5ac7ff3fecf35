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
    """The requested page; a missing, malformed or out-of-range number gives the nearest page.

    The page carries `numbered`, what templates/includes/pagination.html links to: the first and last
    pages, the current one with two neighbours each side, and None where pages are left out."""
    paginator = Paginator(queryset, per_page)
    page = paginator.get_page(request.GET.get("page"))
    page.numbered = [
        None if number == Paginator.ELLIPSIS else number
        for number in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]
    return page
