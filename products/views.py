from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from villages.access import official_required, village_for_official
from villages.deletion import DeletionRefused
from villages.roles import scope_of
from villages.views import paginate

from . import services
from .access import legality_for_official, photo_for_official, producer_for_official, product_for_official
from .filters import ProducerFilter, ProductFilter
from .forms import LegalityDocumentForm, PhotoForm, ProducerForm, ProductForm
from .models import LegalityDocument, Producer, Product


@official_required
def product_list(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    products = Product.objects.for_scope(scope).for_officials_list().order_by("name", "pk")
    product_filter = ProductFilter(request.GET, queryset=products, scope=scope)
    return render(
        request,
        "products/product_list.html",
        {"filter": product_filter, "page_obj": paginate(request, product_filter.qs)},
    )


@official_required
def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _product_page(request, product_for_official(scope_of(request.user), pk), PhotoForm())


def _product_page(
    request: HttpRequest, product: Product, photo_form: PhotoForm, status: int = 200
) -> HttpResponse:
    context = {
        "product": product,
        "photos": product.photos.all(),
        "producers": product.producers.select_related("village").all(),
        "documents": product.legality_documents.all(),
        "photo_form": photo_form,
    }
    return render(request, "products/product_detail.html", context, status=status)


@official_required
def product_create(request: HttpRequest) -> HttpResponse:
    return _product_form(request, Product())


@official_required
def product_update(request: HttpRequest, pk: int) -> HttpResponse:
    return _product_form(request, product_for_official(scope_of(request.user), pk))


def _product_form(request: HttpRequest, product: Product) -> HttpResponse:
    initial = {"village": request.GET.get("village")} if product.pk is None else None
    form = ProductForm(request.POST or None, instance=product, scope=scope_of(request.user), initial=initial)
    if request.method == "POST" and form.is_valid():
        product = form.save()
        messages.success(request, _("Produk %(name)s tersimpan.") % {"name": product.name})
        return redirect(product)
    return render(request, "products/product_form.html", {"form": form, "product": product})


@official_required
def product_delete(request: HttpRequest, pk: int) -> HttpResponse:
    product = product_for_official(scope_of(request.user), pk)
    if request.method == "POST":
        try:
            services.product_delete(product=product)
        except DeletionRefused as refusal:
            messages.error(request, refusal.message)
            return redirect(product)
        messages.success(request, _("Produk %(name)s dihapus.") % {"name": product.name})
        return redirect("products:product_list")
    return render(
        request, "products/confirm_delete.html", {"object": product, "cancel_url": product.get_absolute_url()}
    )


@official_required
@require_POST
def photo_add(request: HttpRequest, pk: int) -> HttpResponse:
    product = product_for_official(scope_of(request.user), pk)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        services.product_photo_add(
            product=product,
            upload=form.cleaned_data["image"],
            caption=form.cleaned_data["caption"],
            is_cover=form.cleaned_data["is_cover"],
            image=form.validated_image,
        )
        messages.success(request, _("Foto ditambahkan."))
        return redirect(product)
    return _product_page(request, product, form, status=400)


@official_required
@require_POST
def photo_set_cover(request: HttpRequest, pk: int) -> HttpResponse:
    photo = photo_for_official(scope_of(request.user), pk)
    services.product_photo_set_cover(photo=photo)
    messages.success(request, _("Foto sampul diganti."))
    return redirect("products:product_detail", pk=photo.product_id)


@official_required
@require_POST
def photo_delete(request: HttpRequest, pk: int) -> HttpResponse:
    photo = photo_for_official(scope_of(request.user), pk)
    services.product_photo_delete(photo=photo)
    messages.success(request, _("Foto dihapus."))
    return redirect("products:product_detail", pk=photo.product_id)


@official_required
def producer_list(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    producers = Producer.objects.for_scope(scope).for_officials_list().order_by("business_name", "pk")
    producer_filter = ProducerFilter(request.GET, queryset=producers, scope=scope)
    return render(
        request,
        "products/producer_list.html",
        {"filter": producer_filter, "page_obj": paginate(request, producer_filter.qs)},
    )


@official_required
def producer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    producer = producer_for_official(scope_of(request.user), pk)
    context = {
        "producer": producer,
        "products": producer.products.select_related("village", "category").all(),
        "documents": producer.legality_documents.all(),
    }
    return render(request, "products/producer_detail.html", context)


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
        producer = form.save()
        messages.success(request, _("Produsen %(name)s tersimpan.") % {"name": producer.business_name})
        return redirect(producer)
    return render(request, "products/producer_form.html", {"form": form, "producer": producer})


@official_required
def producer_delete(request: HttpRequest, pk: int) -> HttpResponse:
    producer = producer_for_official(scope_of(request.user), pk)
    if request.method == "POST":
        try:
            services.producer_delete(producer=producer)
        except DeletionRefused as refusal:
            messages.error(request, refusal.message)
            return redirect(producer)
        messages.success(request, _("Produsen %(name)s dihapus.") % {"name": producer.business_name})
        return redirect("products:producer_list")
    return render(
        request,
        "products/confirm_delete.html",
        {"object": producer, "cancel_url": producer.get_absolute_url()},
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
        form.save()
        messages.success(request, _("Dokumen legalitas tersimpan."))
        return redirect(holder)
    return render(
        request, "products/legality_form.html", {"form": form, "holder": holder, "document": document}
    )


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


@official_required
def village_registry(request: HttpRequest, code: str) -> HttpResponse:
    """The officials' page of a village: its products, producers and their legality."""
    village = village_for_official(scope_of(request.user), code)
    documents = Prefetch("legality_documents", queryset=LegalityDocument.objects.order_by("expires_on", "pk"))
    context = {
        "village": village,
        "products": village.products.select_related("category").prefetch_related(documents, "producers"),
        "producers": village.producers.prefetch_related(documents),
    }
    return render(request, "products/village_registry.html", context)
