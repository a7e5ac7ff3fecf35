from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.concurrency import EditConflict, save_versioned
from core.errors import Refused
from core.history import restore_deleted
from core.pagination import is_searched, paginate
from core.sorting import sort, sort_list
from core.storage import STORAGE_FAILURE_MESSAGE, is_storage_failure, log_storage_failure
from villages.access import dinas_required, official_required, village_for_official
from villages.models import Village
from villages.roles import scope_of

from . import services
from .access import (
    designation_for_official,
    legality_for_official,
    photo_for_official,
    producer_for_official,
    product_for_official,
)
from .filters import ProducerFilter, ProductFilter
from .forms import (
    ApproveForm,
    AssessmentForm,
    LegalityDocumentForm,
    NewProducerForm,
    PhotoForm,
    ProducerForm,
    ProductForm,
    ProposeForm,
    ReasonForm,
)
from .models import (
    AssessmentCriterion,
    Designation,
    DesignationRound,
    LegalityDocument,
    Producer,
    Product,
    ProductPhoto,
)

# Each list's sortable columns: the `?sort=` key and the fields it orders by (core.sorting).
PRODUCT_COLUMNS = {
    "name": ["name"],
    "village": ["village__name", "village__district__name"],
    "category": ["category__name"],
    "producers": ["producer_count"],
    "status": ["status"],
}
PRODUCER_COLUMNS = {
    "name": ["business_name"],
    "owner": ["owner_name"],
    "kind": ["kind"],
    "village": ["village__name", "village__district__name"],
    "nib": ["nib"],
    "products": ["product_count"],
}
PROPOSAL_COLUMNS = {
    "village": ["village__name"],
    "product": ["product__name"],
    "proposed": ["proposed_at"],
}
ASSESSMENT_DUE_COLUMNS = {
    "product": ["name"],
    "village": ["village__name", "village__district__name"],
    "assessed": ["last_assessed_on"],
}
DELETED_COLUMNS = {"product": ["name"], "village": ["village_name"], "deleted": ["history_date"]}


@official_required
def product_list(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    # Filtered and ordered lean (a country holds tens of thousands of products); the display columns
    # (counts, legality flags, places) are read for the page's rows only (core.pagination).
    products = Product.objects.for_scope(scope).annotate(
        producer_count=_related_count(Product.producers.through, "product")
    )
    products, sorting = sort(request, products.order_by("name", "pk"), PRODUCT_COLUMNS)
    product_filter = ProductFilter(request.GET, queryset=products, scope=scope)
    page_obj = paginate(
        request,
        product_filter.qs,
        # One query for the keys and the total only when searched (core.pagination).
        single_query=is_searched(product_filter),
        rows=lambda pks: Product.objects.for_officials_list().filter(pk__in=pks),
    )
    return render(
        request,
        "products/product_list.html",
        {"filter": product_filter, "page_obj": page_obj, "sorting": sorting},
    )


def _related_count(through, column: str) -> Coalesce:
    """How many rows of the many-to-many table `through` name the row (by `column`), as a correlated
    subquery: ordering by it costs a count per row, while a GROUP BY over the whole list would cost
    the list (and it is left out of the query when nothing orders by it)."""
    counted = (
        through.objects.filter(**{column: OuterRef("pk")})
        .order_by()
        .values(column)
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


@official_required
def product_create(request: HttpRequest) -> HttpResponse:
    # A village page links here with ?village=<code>: the form starts in that village.
    initial = {"village": request.GET["village"]} if request.GET.get("village") else None
    return product_form_page(request, Product(), initial=initial)


@official_required
def product_update(request: HttpRequest, pk: int) -> HttpResponse:
    return product_form_page(request, product_for_official(scope_of(request.user), pk))


def product_form_page(
    request: HttpRequest,
    product: Product,
    *,
    initial: dict | None = None,
    after_save: Callable[[Product], None] | None = None,
) -> HttpResponse:
    """Create or edit a product; a new product may come with its first photo. Other pages reuse it:
    `initial` pre-fills a new product, `after_save` runs in the same transaction once the product is
    saved (a Refused there undoes the save and shows on the form)."""
    is_new = product.pk is None
    scope = scope_of(request.user)
    form = ProductForm(request.POST or None, instance=product, scope=scope, initial=initial)
    # A producer not registered yet, typed on this same form (saved with the product, or not at all).
    new_producer_form = NewProducerForm(request.POST or None, instance=Producer(), scope=scope)
    photo_form = (
        PhotoForm(request.POST or None, request.FILES or None, prefix="photo", required=False)
        if is_new
        else None
    )
    forms_valid = [form.is_valid(), new_producer_form.is_valid(), photo_form is None or photo_form.is_valid()]
    if request.method == "POST" and all(forms_valid):
        try:
            with transaction.atomic():
                product = save_versioned(form)
                if new_producer_form.has_changed():
                    services.product_producer_register(product=product, producer=new_producer_form.instance)
                if photo_form and photo_form.validated_image:
                    services.product_photo_add(
                        product=product,
                        upload=photo_form.cleaned_data["image"],
                        caption=photo_form.cleaned_data["caption"],
                        is_cover=True,
                        image=photo_form.validated_image,
                    )
                if after_save is not None:
                    after_save(product)
        except Refused as refusal:
            if is_new:  # rolled back: the form creates it again
                product.pk = None
                product._state.adding = True
            form.add_error(None, refusal.message)
        except OSError as error:
            if not is_storage_failure(error):
                raise
            log_storage_failure(error, "a new product's photo")
            if is_new:  # the row was rolled back with the photo: the form creates it again
                product.pk = None
                product._state.adding = True
            form.add_error(None, STORAGE_FAILURE_MESSAGE)
        except ValidationError as invalid:  # the new producer, checked again in its village
            if is_new:
                product.pk = None
                product._state.adding = True
            new_producer_form.instance.pk = None
            new_producer_form.add_error(None, invalid)
        except EditConflict:
            form.report_conflict()
        else:
            messages.success(request, _("Produk %(name)s tersimpan.") % {"name": product.name})
            return redirect(product)
    context = {
        "form": form,
        "new_producer_form": new_producer_form,
        "photo_form": photo_form,
        "product": product,
    }
    return render(request, "products/product_form.html", context)


DELETED_SHOWN = 100


def _deleted_products(request: HttpRequest):
    """Deletion records of the products of the official's area that are deleted now, newest first."""
    villages = Village.objects.for_scope(scope_of(request.user)).values("pk")
    return (
        Product.history.filter(history_type="-", village_id__in=villages)
        .exclude(id__in=Product.objects.values("pk"))
        .select_related("history_user", "village")
        .order_by("-history_date", "-history_id")
    )


@official_required
def deleted_product_list(request: HttpRequest) -> HttpResponse:
    """Products deleted in the official's area, each restorable with its producers and photos."""
    latest: dict[int, object] = {}
    for record in _deleted_products(request)[:DELETED_SHOWN]:
        latest.setdefault(record.id, record)  # deleted, restored and deleted again: the last time
        record.village_name = record.village.name if record.village else None
    # At most a hundred records, already read: sorted in memory.
    deletions, sorting = sort_list(request, list(latest.values()), DELETED_COLUMNS)
    return render(request, "products/deleted_product_list.html", {"deletions": deletions, "sorting": sorting})


@official_required
@require_POST
def product_restore(request: HttpRequest, pk: int) -> HttpResponse:
    if not _deleted_products(request).filter(id=pk).exists():
        raise Http404
    try:
        restored = restore_deleted(Product, pk, related=[(ProductPhoto, "product_id")])
    except Refused as refusal:
        messages.error(request, refusal.message)
        return redirect("products:deleted_product_list")
    messages.success(request, _("Produk %(name)s dipulihkan.") % {"name": restored.obj.name})
    if restored.files_missing:
        messages.warning(
            request,
            ngettext(
                "%(n)s foto tidak dapat dipulihkan karena berkasnya sudah tidak ada.",
                "%(n)s foto tidak dapat dipulihkan karena berkasnya sudah tidak ada.",
                restored.files_missing,
            )
            % {"n": restored.files_missing},
        )
    return redirect(restored.obj)


@official_required
def product_delete(request: HttpRequest, pk: int) -> HttpResponse:
    product = product_for_official(scope_of(request.user), pk)
    done = _("Produk %(name)s dihapus.") % {"name": product.name}
    return _confirm_delete(
        request, product, lambda: services.product_delete(product=product), done, "product_list"
    )


def _confirm_delete(request: HttpRequest, obj, delete, done_message: str, list_name: str) -> HttpResponse:
    """GET asks for confirmation; POST deletes, or explains what still uses the object."""
    if request.method != "POST":
        return render(
            request, "products/confirm_delete.html", {"object": obj, "cancel_url": obj.get_absolute_url()}
        )
    try:
        delete()
    except Refused as refusal:
        messages.error(request, refusal.message)
        return redirect(obj)
    messages.success(request, done_message)
    return redirect(f"products:{list_name}")


@official_required
@require_POST
def photo_set_cover(request: HttpRequest, pk: int) -> HttpResponse:
    photo = photo_for_official(scope_of(request.user), pk)
    services.product_photo_set_cover(photo=photo)
    messages.success(request, _("Foto sampul diganti."))
    return redirect("officials:product_detail", pk=photo.product_id)


@official_required
@require_POST
def photo_delete(request: HttpRequest, pk: int) -> HttpResponse:
    photo = photo_for_official(scope_of(request.user), pk)
    services.product_photo_delete(photo=photo)
    messages.success(request, _("Foto dihapus."))
    return redirect("officials:product_detail", pk=photo.product_id)


@official_required
def producer_list(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    # As product_list: filtered and ordered lean, displayed for the page's rows only.
    producers = Producer.objects.for_scope(scope).annotate(
        product_count=_related_count(Product.producers.through, "producer")
    )
    producers, sorting = sort(request, producers.order_by("business_name", "pk"), PRODUCER_COLUMNS)
    producer_filter = ProducerFilter(request.GET, queryset=producers, scope=scope)
    page_obj = paginate(
        request,
        producer_filter.qs,
        single_query=is_searched(producer_filter),
        rows=lambda pks: Producer.objects.for_officials_list().filter(pk__in=pks),
    )
    return render(
        request,
        "products/producer_list.html",
        {"filter": producer_filter, "page_obj": page_obj, "sorting": sorting},
    )


@official_required
def producer_create(request: HttpRequest) -> HttpResponse:
    return _producer_form(request, Producer())


@official_required
def producer_update(request: HttpRequest, pk: int) -> HttpResponse:
    return _producer_form(request, producer_for_official(scope_of(request.user), pk))


def _producer_form(request: HttpRequest, producer: Producer) -> HttpResponse:
    initial = {"village": request.GET.get("village")} if producer.pk is None else None
    form = ProducerForm(
        request.POST or None, instance=producer, scope=scope_of(request.user), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            producer = save_versioned(form)
        except EditConflict:
            form.report_conflict()
        else:
            messages.success(request, _("Produsen %(name)s tersimpan.") % {"name": producer.business_name})
            return redirect(producer)
    return render(request, "products/producer_form.html", {"form": form, "producer": producer})


@official_required
def producer_delete(request: HttpRequest, pk: int) -> HttpResponse:
    producer = producer_for_official(scope_of(request.user), pk)
    done = _("Produsen %(name)s dihapus.") % {"name": producer.business_name}
    return _confirm_delete(
        request, producer, lambda: services.producer_delete(producer=producer), done, "producer_list"
    )


@official_required
def legality_add_to_product(request: HttpRequest, pk: int) -> HttpResponse:
    return _legality_form(request, LegalityDocument(), product_for_official(scope_of(request.user), pk))


@official_required
def legality_add_to_producer(request: HttpRequest, pk: int) -> HttpResponse:
    return _legality_form(request, LegalityDocument(), producer_for_official(scope_of(request.user), pk))


@official_required
def legality_update(request: HttpRequest, pk: int) -> HttpResponse:
    document = legality_for_official(scope_of(request.user), pk)
    return _legality_form(request, document, document.holder)


def _legality_form(
    request: HttpRequest, document: LegalityDocument, holder: Product | Producer
) -> HttpResponse:
    form = LegalityDocumentForm(request.POST or None, request.FILES or None, instance=document, holder=holder)
    if request.method == "POST" and form.is_valid():
        try:
            _save_removing_new_scan_on_failure(form)
        except OSError as error:
            if not is_storage_failure(error):
                raise
            log_storage_failure(error, "a legality scan")
            form.add_error(None, STORAGE_FAILURE_MESSAGE)
        else:
            messages.success(request, _("Dokumen legalitas tersimpan."))
            return redirect(holder)
    return render(
        request, "products/legality_form.html", {"form": form, "holder": holder, "document": document}
    )


def _save_removing_new_scan_on_failure(form: LegalityDocumentForm) -> None:
    """Save the document and its history in one transaction. The scan is stored as the row is
    written: if the write then fails, the stored scan belongs to nothing and is removed."""
    scan = form.instance.scan
    name_before = scan.name
    try:
        with transaction.atomic():
            form.save()
    except BaseException:
        if scan and scan.name != name_before:  # stored under its new name before the failure
            scan.storage.delete(scan.name)
        raise


@official_required
def legality_delete(request: HttpRequest, pk: int) -> HttpResponse:
    document = legality_for_official(scope_of(request.user), pk)
    holder = document.holder
    if request.method == "POST":
        services.legality_delete(document=document)
        messages.success(request, _("Dokumen legalitas dihapus."))
        return redirect(holder)
    return render(
        request, "products/confirm_delete.html", {"object": document, "cancel_url": holder.get_absolute_url()}
    )


# --- flagship designation ---------------------------------------------------------------------------


@official_required
def designation_list(request: HttpRequest) -> HttpResponse:
    """Proposals awaiting a decision, oldest first."""
    proposals = (
        Designation.objects.for_scope(scope_of(request.user))
        .for_awaiting_list()
        .order_by("proposed_at", "pk")
    )
    proposals, sorting = sort(request, proposals, PROPOSAL_COLUMNS)
    context = {
        "page_obj": paginate(request, proposals),
        "can_decide": scope_of(request.user).is_dinas,
        "sorting": sorting,
    }
    return render(request, "products/designation_list.html", context)


@official_required
def designation_propose(request: HttpRequest, code: str) -> HttpResponse:
    village = village_for_official(scope_of(request.user), code)
    if request.method != "POST" and not village.products.exists():  # a POST is refused by the form
        messages.info(
            request,
            _(
                "%(village)s belum memiliki produk terdaftar. Daftarkan produknya lebih dulu, "
                "lalu usulkan sebagai produk unggulan."
            )
            % {"village": village.name},
        )
        return redirect("officials:village_registry", code=village.code)
    # While the Dinas has a round open, every proposal joins it, to be decided with the round's decree.
    open_round = DesignationRound.objects.open().first()
    year = open_round.year if open_round else timezone.localdate().year
    initial = {"year": year}
    # The product page's "propose as flagship" button names its product: the form starts with it.
    if request.GET.get("produk", "").isdigit():
        initial["product"] = int(request.GET["produk"])
    form = ProposeForm(request.POST or None, village=village, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.designation_propose(
                product=form.cleaned_data["product"],
                proposed_by=request.user,
                year=form.cleaned_data["year"],
                notes=form.cleaned_data["notes"],
                round=open_round,
            )
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("Usulan produk unggulan terkirim untuk diputuskan Dinas."))
            return redirect("officials:village_registry", code=village.code)
    return render(
        request,
        "products/designation_form.html",
        {"form": form, "village": village, "action": "propose", "round": open_round},
    )


@dinas_required
def designation_approve(request: HttpRequest, pk: int) -> HttpResponse:
    designation = designation_for_official(scope_of(request.user), pk)
    current = (
        Designation.objects.approved()
        .filter(village_id=designation.village_id)
        .select_related("product")
        .first()
    )
    form = ApproveForm(request.POST or None, initial={"expected_current": current.pk if current else None})
    if request.method == "POST" and form.is_valid():
        try:
            services.designation_approve(
                designation=designation,
                decided_by=request.user,
                decree_number=form.cleaned_data["decree_number"],
                decree_date=form.cleaned_data["decree_date"],
                expected_current_id=form.cleaned_data["expected_current"],
            )
        except Refused as refusal:
            messages.error(request, refusal.message)
            return redirect("officials:village_registry", code=designation.village_id)
        messages.success(
            request,
            _("%(product)s ditetapkan sebagai produk unggulan.") % {"product": designation.product.name},
        )
        return redirect("officials:village_registry", code=designation.village_id)
    context = {
        "form": form,
        "designation": designation,
        "current": current,
        "village": designation.village,
        "action": "approve",
    }
    return render(request, "products/designation_form.html", context)


@dinas_required
def designation_reject(request: HttpRequest, pk: int) -> HttpResponse:
    designation = designation_for_official(scope_of(request.user), pk)
    return _reason_step(
        request, designation, "reject", services.designation_reject, "decided_by", _("Usulan ditolak.")
    )


@dinas_required
def designation_end(request: HttpRequest, pk: int) -> HttpResponse:
    designation = designation_for_official(scope_of(request.user), pk)
    return _reason_step(
        request, designation, "end", services.designation_end, "ended_by", _("Penetapan diakhiri.")
    )


def _reason_step(request, designation, action, service, actor_field, done_message) -> HttpResponse:
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service(
                designation=designation, reason=form.cleaned_data["reason"], **{actor_field: request.user}
            )
        except Refused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, done_message)
        return redirect("officials:village_registry", code=designation.village_id)
    context = {"form": form, "designation": designation, "village": designation.village, "action": action}
    return render(request, "products/designation_form.html", context)


# --- assessment -------------------------------------------------------------------------------------------


@official_required
def assessment_create(request: HttpRequest, pk: int) -> HttpResponse:
    product = product_for_official(scope_of(request.user), pk)
    criteria = AssessmentCriterion.objects.filter(is_active=True)
    form = AssessmentForm(
        request.POST or None, criteria=criteria, initial={"assessed_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_record(
                product=product,
                assessor=request.user,
                assessed_on=form.cleaned_data["assessed_on"],
                points=form.points(),
                notes=form.cleaned_data["notes"],
            )
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(
                request, _("Penilaian tersimpan: %(stars)s bintang.") % {"stars": assessment.stars}
            )
            return redirect(product)
    return render(request, "products/assessment_form.html", {"form": form, "product": product})


@official_required
def assessment_due(request: HttpRequest) -> HttpResponse:
    """Published or flagship products whose last assessment is missing or older than 36 months."""
    products = (
        Product.objects.for_scope(scope_of(request.user))
        .due_for_assessment()
        .order_by("last_assessed_on", "name", "pk")
    )
    products, sorting = sort(request, products, ASSESSMENT_DUE_COLUMNS)
    context = {"page_obj": paginate(request, products), "sorting": sorting}
    return render(request, "products/assessment_due.html", context)
