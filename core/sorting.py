"""Sorting a list page by one of its columns: `?sort=name` ascending, `?sort=-name` descending.

Only the keys a page lists are accepted; any other value leaves the page's default order (never an
error). The page's default order is the one of the queryset it passes in. A sorted order ends with a
tiebreaker (the primary key), so rows with equal values keep one order across pages.

The header cells come from templates/includes/sort_header.html, included with the column:
`{% include "includes/sort_header.html" with column=sorting.columns.name label=_("Nama") %}`."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import HttpRequest

SORT_PARAMETER = "sort"


@dataclass(frozen=True)
class Column:
    """One sortable column's header: its aria-sort value and the query its link sets."""

    direction: str  # "ascending", "descending", or "" when the list is not sorted by it
    query: dict  # e.g. {"sort": "-name", "page": None}: merged into the current query string


@dataclass(frozen=True)
class Sorting:
    key: str = ""  # the public key in effect, or "" for the page's default order
    descending: bool = False
    columns: dict[str, Column] = field(default_factory=dict)

    @property
    def value(self) -> str:
        """The `?sort=` value in effect ("" for the default order)."""
        return f"-{self.key}" if self.descending and self.key else self.key


def requested_sorting(
    request: HttpRequest,
    columns: Mapping[str, Sequence[str]],
    parameter: str = SORT_PARAMETER,
    page_parameter: str = "page",
) -> Sorting:
    """The order the request asks for if the page lists it, otherwise the default order; with every
    column's header (a link sorts ascending first, then toggles; it goes back to the first page of
    its own table: `page_parameter`, core.pagination's `parameter`)."""
    value = request.GET.get(parameter, "")
    key = value.removeprefix("-")
    if key not in columns:
        key, descending = "", False
    else:
        descending = value.startswith("-")
    headers = {}
    for name in columns:
        current = name == key
        direction = ("descending" if descending else "ascending") if current else ""
        toggled = f"-{name}" if current and not descending else name
        headers[name] = Column(direction=direction, query={parameter: toggled, page_parameter: None})
    return Sorting(key=key, descending=descending, columns=headers)


def sort(
    request: HttpRequest,
    queryset: QuerySet,
    columns: Mapping[str, Sequence[str]],
    tiebreaker: str = "pk",
    parameter: str = SORT_PARAMETER,
    page_parameter: str = "page",
) -> tuple[QuerySet, Sorting]:
    """The queryset in the requested order (`columns` maps each public key to its `order_by` fields)
    and the order in effect. Sorting changes the ORDER BY only: the page runs no extra query."""
    sorting = requested_sorting(request, columns, parameter, page_parameter)
    if not sorting.key:
        return queryset, sorting
    fields = [*columns[sorting.key], tiebreaker]
    if sorting.descending:
        fields = [_reverse(name) for name in fields]
    return queryset.order_by(*fields), sorting


def sort_list(
    request: HttpRequest,
    rows: list,
    columns: Mapping[str, Sequence[str]],
    parameter: str = SORT_PARAMETER,
) -> tuple[list, Sorting]:
    """The same for rows already read (objects or dicts), for a page that builds its rows in Python:
    each column names attributes or keys; an empty value (None) sorts last either way."""
    sorting = requested_sorting(request, columns, parameter)
    if not sorting.key:
        return list(rows), sorting

    def value(row, name):
        return row.get(name) if isinstance(row, dict) else getattr(row, name, None)

    ordered = list(rows)
    for name in reversed(columns[sorting.key]):  # stable sorts, the last column first
        present = [row for row in ordered if value(row, name) is not None]
        missing = [row for row in ordered if value(row, name) is None]
        present.sort(key=lambda row: _comparable(value(row, name)), reverse=sorting.descending)
        ordered = present + missing
    return ordered, sorting


def _comparable(value):
    return value.casefold() if isinstance(value, str) else value


def _reverse(name: str) -> str:
    return name[1:] if name.startswith("-") else f"-{name}"
