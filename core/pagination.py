"""The search text and the page a list page asks for, read the same way on every list."""

from collections.abc import Callable, Iterable

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Count, Window
from django.http import HttpRequest

PAGE_SIZE = 30
SEARCH_MAX_LENGTH = 100
# The name of the window count a page's rows carry (`paginate(..., single_query=True)`).
TOTAL = "page_total_count"


def search_query(request: HttpRequest) -> str:
    """The `?q=` search text, at most 100 characters (a NUL never gets here: it is refused with 400 by
    ovop_portal.middleware.RefuseNulCharactersMiddleware)."""
    return request.GET.get("q", "")[:SEARCH_MAX_LENGTH]


def is_searched(filterset) -> bool:
    """Whether a list's filters (a django-filter FilterSet) search it (their `q`): the search's condition
    is what costs, and a window count runs it once for the page and the total (paginate's
    `single_query`)."""
    form = filterset.form
    return bool(form.is_valid() and form.cleaned_data.get("q"))


def paginate(
    request: HttpRequest,
    queryset,
    per_page: int = PAGE_SIZE,
    parameter: str = "page",
    *,
    single_query: bool | None = None,
    rows: Callable[[list], Iterable] | None = None,
) -> Page:
    """The requested page; a missing, malformed or out-of-range number gives the nearest page.

    `parameter` names the page in the query string (a page with two paginated tables gives each its
    own). The page carries `links`, what templates/includes/pagination.html draws: the first and last
    pages, the current one with two neighbours each side, and None where pages are left out; each
    number with the query-string change that opens it. Its `object_list` is a list: the rows are read
    here, in the view, never by the template.

    A plain page runs two queries: COUNT, then the page. Where the condition is what costs (a search,
    a scan of the whole country), `single_query` runs it once: one query reads the page's primary keys
    and the total (a window count over the keys alone, so no display column is computed for rows
    off the page), a second loads the page's rows by key, with the queryset's annotations and
    related rows. `rows(pks)` loads them another way: `queryset` may then only filter and order
    (lean: no aggregates, no joins for display), and the display columns are computed for the page
    alone; it implies `single_query` unless told `single_query=False`: then the page's keys are read
    alone (an index on the order gives them at once) and the total by a COUNT, left out when the
    first page is not full. A window count sorts every row of the list to count it: over a whole
    country's products that was 0.3 s, against 20 ms for the COUNT, so a list that is not searched
    counts apart. An empty list costs the first query only; a page past the end one COUNT more."""
    if single_query is None:
        single_query = rows is not None
    if not (single_query or rows):
        paginator = Paginator(queryset, per_page)
        page = paginator.get_page(request.GET.get(parameter))
        page.object_list = list(page.object_list)
    else:
        page = _page_and_total(request.GET.get(parameter), queryset, per_page, rows, windowed=single_query)
    paginator = page.paginator
    page.numbered = [
        None if number == Paginator.ELLIPSIS else number
        for number in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]
    page.links = [None if number is None else (number, {parameter: number}) for number in page.numbered]
    page.previous_query = {parameter: page.previous_page_number()} if page.has_previous() else None
    page.next_query = {parameter: page.next_page_number()} if page.has_next() else None
    return page


def detach(page: Page) -> Page:
    """The page without what it was read from: its rows and total are read, its paginator keeps no
    queryset, so it can be kept in a cache (pickling a queryset would read every row of it)."""
    paginator = page.paginator
    paginator.__dict__["count"] = paginator.count  # a cached_property: read now, kept as it is
    paginator.object_list = []
    return page


MAX_PAGE_NUMBER = 10**7


def _page_and_total(requested, queryset, per_page: int, rows, *, windowed: bool) -> Page:
    try:
        number = max(int(requested), 1) if requested not in (None, "") else 1
    except (TypeError, ValueError):
        number = 1
    # A page beyond any list (the offset must fit the databases' integers): the last page, below.
    number = min(number, MAX_PAGE_NUMBER)
    # The annotations the order reads are selected too: an ordering by a constant annotation (a search's
    # relevance when nothing is searched) is otherwise written as a constant, which PostgreSQL refuses.
    ordered_by = [
        name
        for term in queryset.query.order_by
        if (name := getattr(getattr(term, "expression", None), "name", str(term).lstrip("-")))
        in queryset.query.annotations
    ]
    if windowed:
        counted = queryset.annotate(**{TOTAL: Window(Count("*"))}).values_list("pk", TOTAL, *ordered_by)
    else:
        counted = queryset.values_list("pk", *ordered_by)
    if rows is None:

        def rows(pks: list):
            return queryset.order_by().filter(pk__in=pks)

    def read(number: int) -> list:
        start = (number - 1) * per_page
        return list(counted[start : start + per_page])

    found = read(number)
    if found and windowed:
        total = found[0][1]
    elif found:  # the total, unless the first page holds every row
        total = len(found) if number == 1 and len(found) < per_page else queryset.count()
    elif number == 1:
        total = 0
    else:  # past the end: the last page, as Paginator.get_page gives
        total = queryset.count()
        number = max((total + per_page - 1) // per_page, 1)
        found = read(number) if total else []
    pks = [row[0] for row in found]
    loaded = {row.pk: row for row in rows(pks)} if pks else {}
    found = [loaded[pk] for pk in pks if pk in loaded]
    paginator = Paginator([], per_page)
    paginator.__dict__["count"] = total  # Paginator.count is a cached_property: known already
    try:
        number = paginator.validate_number(number)
    except (EmptyPage, PageNotAnInteger):
        number = 1
    return Page(found, number, paginator)
