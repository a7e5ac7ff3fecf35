"""Officials' pages that compose every app (the public pages are in catalogue/views.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assistance.access import candidate_for_official
from assistance.selectors import (
    candidate_product_draft,
    producer_assistance,
    product_assistance,
    village_assistance,
)
from assistance.services import candidate_link
from assistance.situations import village_situation_context
from core.caching import cached_figures
from core.pagination import is_searched, paginate
from core.sorting import sort
from core.storage import STORAGE_FAILURE_MESSAGE, is_storage_failure, log_storage_failure
from products import selectors as registry
from products.access import producer_for_official, product_for_official
from products.filters import VillageStatusFilter
from products.forms import PhotoForm
from products.models import (
    Product,
    VillageStatus,
)
from products.selectors import status_counts, with_ovop_status
from products.selectors_market import producer_market, product_market
from products.services import product_photo_add
from products.views import product_form_page
from villages.access import official_required, village_for_official
from villages.models import District, Village, summary_level
from villages.roles import scope_of

from . import summary
from .selectors import home_figures, todo_lists

# The village list's sortable columns: the `?sort=` key and the fields it orders by (core.sorting).
VILLAGE_COLUMNS = {
    "name": ["name"],
    "code": ["code"],
    "district": ["district__name", "name"],
    "status": ["ovop_status", "district__name", "name"],
}


def _product_page(
    request: HttpRequest, product: Product, photo_form: PhotoForm, status: int = 200
) -> HttpResponse:
    """The officials' product page, the one composer for its first view and every re-render with errors:
    the registry (products.selectors) and assistance (assistance.selectors) parts."""
    registry_part = registry.product_registry(product)
    # Read here rather than in the template (the same one query): whether the product may be proposed
    # as its village's flagship follows from its designations, by products.services.designation_propose's
    # rule: not while it has a proposal awaiting a decision, nor once it is a flagship.
    designations = list(registry_part["designations"])
    registry_part["designations"] = designations
    context = {
        **registry_part,
        **product_assistance(product),
        **product_market(product),
        "photo_form": photo_form,
        "scope": scope_of(request.user),
        "can_propose": not any(d.holds_its_product for d in designations),
    }
    return render(request, "officials/product_detail.html", context, status=status)


@official_required
def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The officials' product page: the registry, designations and assessments, and assistance."""
    return _product_page(request, product_for_official(scope_of(request.user), pk), PhotoForm())


@official_required
@require_POST
def photo_add(request: HttpRequest, pk: int) -> HttpResponse:
    """The product page's upload form; a refused or failed upload shows the whole page again."""
    product = product_for_official(scope_of(request.user), pk)
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        return _product_page(request, product, form, status=400)
    try:
        product_photo_add(
            product=product,
            upload=form.cleaned_data["image"],
            caption=form.cleaned_data["caption"],
            is_cover=form.cleaned_data["is_cover"],
            image=form.validated_image,
        )
    except OSError as error:
        if not is_storage_failure(error):
            raise
        log_storage_failure(error, "a product photo")
        form.add_error(None, STORAGE_FAILURE_MESSAGE)
        # The official's input was fine: the page answers normally, with the message.
        return _product_page(request, product, form)
    messages.success(request, _("Foto ditambahkan."))
    return redirect(product)


@official_required
def producer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The officials' producer page: the registry (products) and the mentoring visits (assistance)."""
    scope = scope_of(request.user)
    producer = producer_for_official(scope, pk)
    context = {
        **registry.producer_registry(producer),
        **producer_assistance(producer),
        **producer_market(producer),
        "scope": scope,
    }
    return render(request, "officials/producer_detail.html", context)


@official_required
def village_registry(request: HttpRequest, code: str) -> HttpResponse:
    """The officials' village page: products, producers, designation history and assistance."""
    scope = scope_of(request.user)
    village = village_for_official(scope, code)
    context = {
        **registry.village_registry(village),
        **village_assistance(village),
        "can_decide": scope.is_dinas,
    }
    context.update(village_situation_context(village))
    return render(request, "officials/village_registry.html", context)


@login_required
def officials_home(request: HttpRequest) -> HttpResponse:
    """The officials' landing page: what needs doing in their area, each figure a link to its list."""
    scope = scope_of(request.user)
    context = {"scope": scope}
    if scope.is_official:
        context.update(home_figures(scope))
        # The welcome names the officer's kecamatan (the Dinas: the regency, from regency_profile).
        if not scope.is_dinas:
            context["district_names"] = list(
                District.objects.filter(code__in=scope.district_codes)
                .order_by("name")
                .values_list("name", flat=True)
            )
    return render(request, "officials/home.html", context)


@official_required
def todo(request: HttpRequest) -> HttpResponse:
    """One to-do list per official, in their area (the Dinas: the whole regency): follow-ups due or
    overdue, flagships due a visit, legality documents expired or expiring, assessments due; each
    item links to where it is done.

    Like the dashboard's figures, the lists are kept per area and day until a write to what they list
    (products, producers, documents, designations, visits, assessments: any of the data apps' tables)
    bumps the figures version (core.caching.cached_figures): an official returning to the list between
    two writes is not served the same 15 queries and 250 rows again."""
    scope = scope_of(request.user)
    today = timezone.localdate()
    variant, state = summary.figures_variant(scope)
    lists = cached_figures("todo", variant, lambda: todo_lists(scope, today, state))
    context = {**lists, "scope": scope}
    return render(request, "officials/todo.html", context)


@official_required
def candidate_register(request: HttpRequest, pk: int) -> HttpResponse:
    """A candidate product found by a potential exploration becomes a registered product in one step:
    the products app's own form page (checks, first photo, template), pre-filled from the candidate
    and its exploration; the candidate is linked to the product in the same transaction."""
    candidate = candidate_for_official(scope_of(request.user), pk)
    if candidate.product_id:
        messages.info(request, _("Calon produk ini sudah terdaftar sebagai produk."))
        return redirect(candidate.product)

    def link(product: Product) -> None:
        candidate_link(candidate=candidate, product=product)
        messages.success(
            request, _("Calon produk %(name)s kini terdaftar sebagai produk.") % {"name": candidate.name}
        )

    draft = candidate_product_draft(candidate)
    return product_form_page(request, Product(), initial=draft, after_save=link)


@official_required
def village_list(request: HttpRequest) -> HttpResponse:
    """The villages an official works on, with their OVOP status and counts per status: counted live in
    a regency and for a kecamatan officer, summed from the village summaries for a Dinas of a province
    or the country (grouping the country's villages by a status computed for each took 0.2-0.3 s)."""
    scope = scope_of(request.user)
    # Filtered and ordered lean; the page's rows are then read with their kecamatan and status (a
    # country's 83,762 villages each had their status computed to sort them: 0.15 s).
    villages = with_ovop_status(Village.objects.for_scope(scope))
    ordered, sorting = sort(request, villages.order_by("district__name", "name"), VILLAGE_COLUMNS, "code")
    village_filter = VillageStatusFilter(request.GET, queryset=ordered, scope=scope)
    level = summary_level(scope)  # kecamatan in a regency; regencies or provinces above it
    state = None
    if summary.uses_summary(scope):
        state = summary.current_state()
        counts = summary.area_sums(level, state)
    else:
        counts = status_counts(villages, level=level)
    context = {
        "filter": village_filter,
        "sorting": sorting,
        "page_obj": paginate(
            request,
            village_filter.qs,
            single_query=is_searched(village_filter),
            rows=lambda codes: with_ovop_status(Village.objects.filter(pk__in=codes)).select_related(
                "district"
            ),
        ),
        "totals": counts["total"],
        "per_district": counts["districts"],
        "by_district": level == "district",
        "statuses": VillageStatus.choices,
        "summary_state": state,
    }
    return render(request, "officials/village_list.html", context)
