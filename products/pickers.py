"""The search endpoints of the officials' pickers (core.widgets.SearchSelect, static/js/picker.js).

Each answers `{"results": [{"value", "label"}], "more": bool}` with at most PICKER_LIMIT rows of the
official's own area, found by name or code; the labels are those of the forms' lists. They live in the
products app, with the forms that use them, rather than in villages: that namespace holds public,
cacheable pages, and these answers are private to the signed-in official.
"""

from django.db.models import Q, QuerySet
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.keys import usable_key
from core.pagination import SEARCH_MAX_LENGTH
from villages.access import official_required
from villages.forms import district_choices, district_labeller, village_choices, village_label
from villages.models import Village
from villages.roles import scope_of

from .forms import producer_label, producers_near, product_label
from .models import Producer, Product

PICKER_LIMIT = 20


class BadParameter(Exception):
    pass


def _search_text(request: HttpRequest) -> str:
    query = request.GET.get("q", "")
    if len(query) > SEARCH_MAX_LENGTH:
        raise BadParameter(_("Teks pencarian terlalu panjang."))
    return query.strip()


def _village_code(request: HttpRequest, name: str) -> str | None:
    """A village code from the query string: None when absent, BadParameter when it cannot be one."""
    code = request.GET.get(name, "").strip()
    if not code:
        return None
    if not usable_key(Village._meta.pk, code):
        raise BadParameter(_("Kode desa/kelurahan tidak dikenal."))
    return code


def _answer(rows: QuerySet, label) -> JsonResponse:
    found = list(rows[: PICKER_LIMIT + 1])
    results = [{"value": str(row.pk), "label": label(row)} for row in found[:PICKER_LIMIT]]
    return JsonResponse({"results": results, "more": len(found) > PICKER_LIMIT})


def _refusal(error: BadParameter) -> JsonResponse:
    return JsonResponse({"results": [], "more": False, "error": str(error)}, status=400)


@official_required
@require_safe
def village_picker(request: HttpRequest) -> JsonResponse:
    try:
        query = _search_text(request)
    except BadParameter as error:
        return _refusal(error)
    villages = village_choices(scope_of(request.user))
    if query:
        villages = villages.filter(
            Q(name__icontains=query) | Q(code__startswith=query) | Q(district__name__icontains=query)
        )
    return _answer(villages, village_label)


@official_required
@require_safe
def district_picker(request: HttpRequest) -> JsonResponse:
    """The kecamatan filters of the officials' lists: a national area has over seven thousand."""
    try:
        query = _search_text(request)
    except BadParameter as error:
        return _refusal(error)
    scope = scope_of(request.user)
    districts = district_choices(scope)
    if query:
        districts = districts.filter(Q(name__icontains=query) | Q(code__startswith=query))
    return _answer(districts, district_labeller(scope))


@official_required
@require_safe
def product_picker(request: HttpRequest) -> JsonResponse:
    """`village=<code>` keeps the products of that village (the delivery form's dependent picker)."""
    try:
        query = _search_text(request)
        village = _village_code(request, "village")
    except BadParameter as error:
        return _refusal(error)
    products = Product.objects.for_scope(scope_of(request.user)).select_related("village")
    if village:
        products = products.filter(village_id=village)
    if query:
        products = products.filter(Q(name__icontains=query) | Q(village__name__icontains=query))
    return _answer(products.order_by("name", "pk"), product_label)


@official_required
@require_safe
def producer_picker(request: HttpRequest) -> JsonResponse:
    """`village=<code>` keeps that village's producers (the delivery form); `near=<code>` only puts
    them, and then their kecamatan's, first (the product form)."""
    try:
        query = _search_text(request)
        village = _village_code(request, "village")
        near = _village_code(request, "near")
    except BadParameter as error:
        return _refusal(error)
    producers = Producer.objects.for_scope(scope_of(request.user)).select_related("village")
    if village:
        producers = producers.filter(village_id=village)
    if query:
        producers = producers.filter(
            Q(business_name__icontains=query) | Q(owner_name__icontains=query) | Q(nib__startswith=query)
        )
    return _answer(producers_near(producers, near), producer_label)
