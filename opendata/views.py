"""The open data: the API's five lists, their CSV downloads and the page that describes them
(/data-terbuka/). What each dataset holds is defined once, in serializers.py."""

import functools
import typing
from collections.abc import Iterator
from dataclasses import dataclass

import django_filters
from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import serializers as drf
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.caching import cache_public_page
from core.links import public_url
from core.spreadsheets import PhoneNumber, stream_csv
from products.models import Product

from . import selectors
from .api import BROWSER_CACHE_SECONDS, PublicListView
from .serializers import (
    AssistanceSerializer,
    DesignationSerializer,
    ProducerSerializer,
    ProductSerializer,
    VillageSerializer,
    WhatsAppField,
)


class ProductFilter(django_filters.FilterSet):
    village = django_filters.CharFilter(field_name="village_id", help_text=_("Kode Kemendagri desa."))
    kecamatan = django_filters.CharFilter(
        field_name="village__district_id", help_text=_("Kode Kemendagri kecamatan.")
    )
    category = django_filters.CharFilter(field_name="category__slug", help_text=_("Slug kategori."))

    class Meta:
        model = Product
        fields = ["village", "kecamatan", "category"]


class DesignationFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="year", help_text=_("Tahun penetapan."))


@extend_schema(summary="Villages (desa/kelurahan) of the served area", tags=["villages"])
class VillageList(PublicListView):
    serializer_class = VillageSerializer

    def get_queryset(self) -> QuerySet:
        return selectors.villages()


@extend_schema(summary="Published products", tags=["products"])
class ProductList(PublicListView):
    serializer_class = ProductSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ProductFilter

    def get_queryset(self) -> QuerySet:
        return selectors.products()


@extend_schema(summary="Producers who consented to publication", tags=["producers"])
class ProducerList(PublicListView):
    serializer_class = ProducerSerializer

    def get_queryset(self) -> QuerySet:
        return selectors.producers()


@extend_schema(summary="Approved flagship designations by year", tags=["designations"])
class DesignationList(PublicListView):
    serializer_class = DesignationSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = DesignationFilter

    def get_queryset(self) -> QuerySet:
        return selectors.designations()


@extend_schema(summary="Public assistance summaries of published products", tags=["assistance"])
class AssistanceList(PublicListView):
    serializer_class = AssistanceSerializer

    def get_queryset(self) -> QuerySet:
        return selectors.assistance()


@extend_schema(exclude=True)
class ApiRoot(APIView):
    """/api/v1/: where each dataset's list and CSV are, and the schema."""

    def get(self, request: Request) -> Response:
        links = {dataset.name: public_url(reverse(f"opendata:{dataset.name}")) for dataset in DATASETS}
        links["csv"] = {
            dataset.name: public_url(reverse("opendata:csv", args=[dataset.name])) for dataset in DATASETS
        }
        links["openapi"] = public_url(reverse("opendata:schema_json"))
        return Response(links)


@dataclass(frozen=True)
class Dataset:
    name: str  # the API's resource and the CSV's file name
    title: Promise
    description: Promise
    view: type[PublicListView]

    @property
    def serializer(self) -> type[drf.Serializer]:
        return self.view.serializer_class


DATASETS = [
    Dataset(
        "villages",
        _("Desa dan kelurahan"),
        _("Semua desa/kelurahan wilayah ini dengan kecamatan, titik tengah dan produk unggulannya."),
        VillageList,
    ),
    Dataset(
        "products",
        _("Produk"),
        _("Produk yang terbit di katalog: kategori, desa, harga, status unggulan dan bintang."),
        ProductList,
    ),
    Dataset(
        "producers",
        _("Produsen (UMKM)"),
        _("Hanya produsen yang menyetujui publikasi kontaknya dan punya produk yang terbit."),
        ProducerList,
    ),
    Dataset(
        "designations",
        _("Penetapan produk unggulan"),
        _("Produk unggulan yang ditetapkan dan masih berlaku, menurut tahun penetapan."),
        DesignationList,
    ),
    Dataset(
        "assistance",
        _("Ringkasan pendampingan"),
        _("Jenis dan tahun pendampingan pemerintah kabupaten per produk, seperti di halaman produk."),
        AssistanceList,
    ),
]
DATASETS_BY_NAME = {dataset.name: dataset for dataset in DATASETS}


def csv_columns(serializer_class: type[drf.Serializer]) -> list[str]:
    return list(serializer_class().fields)


def csv_rows(dataset: Dataset, queryset: QuerySet) -> Iterator[list]:
    """The rows as the API gives them, column by column; yes/no as true/false, as in the JSON."""
    serializer = dataset.serializer()
    phones = {name for name, field in serializer.fields.items() if isinstance(field, WhatsAppField)}
    for record in queryset.iterator(chunk_size=500):
        data = serializer.to_representation(record)
        row = []
        for name, value in data.items():
            if isinstance(value, bool):
                value = "true" if value else "false"
            elif name in phones and value:
                value = PhoneNumber(value)
            row.append(value)
        yield row


@extend_schema(exclude=True)
class DatasetCsv(APIView):
    """A whole dataset as CSV (UTF-8 with BOM, for Excel), sent while it is read: the same columns as
    the API; rate-limited like it."""

    def get(self, request: Request, name: str) -> StreamingHttpResponse:
        dataset = DATASETS_BY_NAME.get(name)
        if dataset is None:
            raise Http404
        queryset = dataset.view().get_queryset()
        response = stream_csv(
            csv_columns(dataset.serializer),
            csv_rows(dataset, queryset),
            f"ovop-{dataset.name}-{timezone.localdate():%Y-%m-%d}.csv",
        )
        patch_cache_control(response, public=True, max_age=BROWSER_CACHE_SECONDS)
        return response


FIELD_TYPES = [
    (drf.BooleanField, "boolean"),
    (drf.IntegerField, "integer"),
    (drf.DecimalField, "number"),
]


def _field_type(serializer: drf.Serializer, field: drf.Field) -> str:
    """The JSON type of a field, as the schema gives it; a computed field's from its method's hint."""
    if isinstance(field, drf.SerializerMethodField):
        hint = typing.get_type_hints(getattr(serializer, field.method_name)).get("return")
        return "integer" if int in (typing.get_args(hint) or (hint,)) else "string"
    return next((label for kind, label in FIELD_TYPES if isinstance(field, kind)), "string")


def data_dictionary() -> list[dict]:
    """Each dataset's fields with their type and meaning, read from the serializers (one source)."""
    return [
        {
            "dataset": dataset,
            "api_url": reverse(f"opendata:{dataset.name}"),
            "csv_url": reverse("opendata:csv", args=[dataset.name]),
            "fields": [
                {
                    "name": name,
                    "type": _field_type(serializer, field),
                    "description": field.help_text,
                }
                for name, field in serializer.fields.items()
            ],
        }
        for dataset in DATASETS
        for serializer in [dataset.serializer()]
    ]


@functools.cache
def region_licence() -> str:
    """The MIT notice of the region data (data/wilayah/LICENSE), which must travel with it."""
    return (settings.BASE_DIR / "data" / "wilayah" / "LICENSE").read_text(encoding="utf-8").strip()


@require_safe
@cache_public_page
def index(request: HttpRequest) -> HttpResponse:
    context = {
        "datasets": data_dictionary(),
        "api_base": public_url(reverse("opendata:api_root")),
        "schema_json": public_url(reverse("opendata:schema_json")),
        "schema_yaml": public_url(reverse("opendata:schema_yaml")),
        "region_licence": region_licence(),
    }
    return render(request, "opendata/index.html", context)
