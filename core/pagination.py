"""The search text and the page a list page asks for, read the same way on every list."""

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 30
SEARCH_MAX_LENGTH = 100


def search_query(request: HttpRequest) -> str:
    """The `?q=` search text, at most 100 characters (a NUL never gets here: it is refused with 400 by
    ovop_portal.middleware.RefuseNulCharactersMiddleware)."""
    return request.GET.get("q", "")[:SEARCH_MAX_LENGTH]


def paginate(request: HttpRequest, queryset, per_page: int = PAGE_SIZE, parameter: str = "page") -> Page:
    """The requested page; a missing, malformed or out-of-range number gives the nearest page.

    `parameter` names the page in the query string (a page with two paginated tables gives each its
    own). The page carries `links`, what templates/includes/pagination.html draws: the first and last
    pages, the current one with two neighbours each side, and None where pages are left out; each
    number with the query-string change that opens it."""
    paginator = Paginator(queryset, per_page)
    page = paginator.get_page(request.GET.get(parameter))
    page.numbered = [
        None if number == Paginator.ELLIPSIS else number
        for number in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]
    page.links = [None if number is None else (number, {parameter: number}) for number in page.numbered]
    page.previous_query = {parameter: page.previous_page_number()} if page.has_previous() else None
    page.next_query = {parameter: page.next_page_number()} if page.has_next() else None
    return page
