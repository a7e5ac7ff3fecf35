"""Every URL of the project, for every persona, on GET and on POST.

The URL patterns are enumerated from the project's resolver, so a new page is included automatically,
and a URL without an entry in EXPECTED fails `test_every_url_has_an_expectation`. The objects all
belong to kecamatan A (Ciruas): the officer of kecamatan B must get 404 on them, as if they did not
exist. POSTs are sent empty (a form answers 200 with its errors, an action redirects or refuses).

Expectations read "anonymous officer_a officer_b dinas admin" for GET, then the same for POST.
"""

import datetime
import io

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from PIL import Image

from assistance.models import Delivery, MentoringVisit, Programme
from core.images import validate_photo
from products import services
from products.models import LegalityDocument
from tests.factories import (
    BUMIJAYA,
    LegalityDocumentFactory,
    ProducerFactory,
    ProductFactory,
)

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "officer_a", "officer_b", "dinas", "admin"]

# --- what each kind of page answers ------------------------------------------------------------------
PUBLIC = ("200 200 200 200 200", "405 405 405 405 405")  # public pages take no POST
PUBLIC_ANY = ("200 200 200 200 200", "200 200 200 200 200")  # sitemaps: GET and POST alike
OFFICIAL = ("302 200 200 200 200", "302 200 200 200 200")  # lists and forms of one's own area
AREA_A = ("302 200 404 200 200", "302 200 404 200 200")  # an object of kecamatan A and its forms
# POST-only actions on an object of kecamatan A: GET is refused before the object is looked up
AREA_A_ACTION = ("302 405 405 405 405", "302 302 404 302 302")
AREA_A_DELETE = ("302 200 404 200 200", "302 302 404 302 302")  # confirm page, then the deletion
DINAS_ONLY = ("302 403 403 200 200", "302 403 403 200 200")
DINAS_AREA_A = ("302 403 403 200 200", "302 403 403 200 200")
ADMIN_SITE = ("302 302 302 302 200", "302 302 302 302 200")

EXPECTED: dict[str, tuple[tuple[str, str], object]] = {
    # public
    "home": (PUBLIC, None),
    "villages:district_list": (PUBLIC, None),
    "villages:district_detail": (PUBLIC, lambda w: {"code": "36.04.09"}),
    "villages:village_list": (PUBLIC, None),
    "villages:village_detail": (PUBLIC, lambda w: {"code": BUMIJAYA}),
    "catalogue:list": (PUBLIC, None),
    "catalogue:product": (PUBLIC, lambda w: {"slug": w["product"].slug}),
    "catalogue:label": (PUBLIC, lambda w: {"slug": w["product"].slug}),
    "catalogue:qr": (PUBLIC, lambda w: {"slug": w["product"].slug, "kind": "svg"}),
    "catalogue:category": (PUBLIC, lambda w: {"slug": "kerajinan"}),
    "catalogue:map": (PUBLIC, None),
    "choose_language": (("302 302 302 302 302", "405 405 405 405 405"), lambda w: {"code": "en"}),
    "robots": (PUBLIC, None),
    "health": (PUBLIC, None),
    "sitemap-index": (PUBLIC_ANY, None),
    "django.contrib.sitemaps.views.sitemap": (PUBLIC_ANY, lambda w: {"section": "produk"}),
    # sign-in
    "login": (("200 200 200 200 200", "200 200 200 200 200"), None),
    "logout": (("405 405 405 405 405", "302 302 302 302 302"), None),
    "password_change": (OFFICIAL, None),
    "password_change_done": (("302 200 200 200 200", "302 405 405 405 405"), None),
    "password_reset": (("200 200 200 200 200", "200 200 200 200 200"), None),
    "password_reset_done": (PUBLIC, None),
    "password_reset_confirm": (PUBLIC_ANY, lambda w: {"uidb64": "MQ", "token": "salah-token"}),
    "password_reset_complete": (PUBLIC, None),
    # officials: overview
    "officials:home": (OFFICIAL, None),
    "officials:dashboard": (OFFICIAL, None),
    "officials:completeness": (OFFICIAL, None),
    "officials:recap": (OFFICIAL, None),
    # registry
    "products:product_list": (OFFICIAL, None),
    "products:product_create": (OFFICIAL, None),
    "products:product_detail": (AREA_A, lambda w: {"pk": w["product"].pk}),
    "products:product_update": (AREA_A, lambda w: {"pk": w["product"].pk}),
    "products:product_delete": (AREA_A_DELETE, lambda w: {"pk": w["spare_product"].pk}),
    # an empty upload: the product page again with the form's error, as 400
    "products:photo_add": (
        ("302 405 405 405 405", "302 400 404 400 400"),
        lambda w: {"pk": w["product"].pk},
    ),
    "products:photo_set_cover": (AREA_A_ACTION, lambda w: {"pk": w["photo"].pk}),
    "products:photo_delete": (AREA_A_ACTION, lambda w: {"pk": w["photo"].pk}),
    "products:legality_add_to_product": (AREA_A, lambda w: {"pk": w["product"].pk}),
    "products:assessment_create": (AREA_A, lambda w: {"pk": w["product"].pk}),
    "products:producer_list": (OFFICIAL, None),
    "products:producer_create": (OFFICIAL, None),
    "products:producer_detail": (AREA_A, lambda w: {"pk": w["producer"].pk}),
    "products:producer_update": (AREA_A, lambda w: {"pk": w["producer"].pk}),
    "products:producer_delete": (AREA_A_DELETE, lambda w: {"pk": w["spare_producer"].pk}),
    "products:legality_add_to_producer": (AREA_A, lambda w: {"pk": w["producer"].pk}),
    "products:legality_update": (AREA_A, lambda w: {"pk": w["document"].pk}),
    "products:legality_delete": (AREA_A_DELETE, lambda w: {"pk": w["document"].pk}),
    # a private scan: read only, and only by the officials of its holder's area
    "products:legality_scan": (
        ("302 200 404 200 200", "302 405 405 405 405"),
        lambda w: {"pk": w["scanned_document"].pk},
    ),
    "products:private_file": (
        ("302 200 404 200 200", "302 405 405 405 405"),
        lambda w: {"name": w["scanned_document"].scan.name},
    ),
    "products:village_list": (OFFICIAL, None),
    "products:village_registry": (AREA_A, lambda w: {"code": BUMIJAYA}),
    # designation and assessment
    "products:designation_propose": (AREA_A, lambda w: {"code": BUMIJAYA}),
    "products:designation_list": (OFFICIAL, None),
    "products:designation_approve": (DINAS_AREA_A, lambda w: {"pk": w["proposal"].pk}),
    "products:designation_reject": (DINAS_AREA_A, lambda w: {"pk": w["proposal"].pk}),
    "products:designation_end": (DINAS_AREA_A, lambda w: {"pk": w["flagship"].pk}),
    "products:assessment_due": (OFFICIAL, None),
    # assistance
    "assistance:programme_list": (OFFICIAL, None),
    "assistance:programme_create": (DINAS_ONLY, None),
    "assistance:programme_detail": (OFFICIAL, lambda w: {"pk": w["programme"].pk}),
    "assistance:programme_update": (DINAS_ONLY, lambda w: {"pk": w["programme"].pk}),
    "assistance:delivery_create": (DINAS_ONLY, lambda w: {"pk": w["programme"].pk}),
    "assistance:delivery_update": (DINAS_AREA_A, lambda w: {"pk": w["delivery"].pk}),
    "assistance:visit_create_for_product": (AREA_A, lambda w: {"pk": w["product"].pk}),
    "assistance:visit_create_for_producer": (AREA_A, lambda w: {"pk": w["producer"].pk}),
    "assistance:visit_update": (AREA_A, lambda w: {"pk": w["visit"].pk}),
    "products:deleted_product_list": (OFFICIAL, None),
    "products:product_restore": (AREA_A_ACTION, lambda w: {"pk": w["deleted_product"]}),
    "assistance:outcome_create": (AREA_A, lambda w: {"pk": w["product"].pk}),
    "assistance:product_timeline": (AREA_A, lambda w: {"pk": w["product"].pk}),
    "assistance:village_timeline": (AREA_A, lambda w: {"code": BUMIJAYA}),
    "assistance:overdue": (OFFICIAL, None),
    # spreadsheets (an officer's export holds their own area only; the import checks every row's area)
    "spreadsheets:import": (OFFICIAL, None),
    # nothing uploaded yet in this session: back to the upload form
    "spreadsheets:import_preview": (("302 302 302 302 302", "302 302 302 302 302"), None),
    "spreadsheets:import_template": (OFFICIAL, lambda w: {"kind": "produsen", "fmt": "xlsx"}),
    "spreadsheets:export": (OFFICIAL, lambda w: {"what": "registri", "fmt": "csv"}),
    # Django admin: every admin URL is staff-only; the index and a model's list stand for them all
    "admin:*": (ADMIN_SITE, None),
}


def project_urls() -> list[str]:
    """The names of every URL pattern of the project ("admin:*" for the whole admin site)."""
    names = []

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    names.append("admin:*")
                    continue
                inner = (
                    f"{namespace}:{pattern.namespace}"
                    if pattern.namespace and namespace
                    else (pattern.namespace or namespace)
                )
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                if pattern.callback.__module__ == "django.views.static":
                    continue  # /media/ served by runserver in development only (DEBUG)
                names.append(f"{namespace}:{pattern.name}" if namespace else str(pattern.name))

    walk(get_resolver().url_patterns)
    return names


def test_every_url_has_an_expectation():
    missing = [name for name in project_urls() if name not in EXPECTED]
    assert not missing, f"add these URLs to EXPECTED in {__file__}: {missing}"
    stale = [name for name in EXPECTED if name not in project_urls()]
    assert not stale, f"these expectations name no URL any more: {stale}"


@pytest.fixture
def world(officer_a, dinas):
    """Objects of kecamatan A (Ciruas), one of each kind a URL can point at."""
    producer = ProducerFactory(business_name="Sentra Gerabah")
    product = ProductFactory(name="Gerabah Bumijaya")
    product.producers.add(producer)
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (150, 90, 40)).save(buffer, format="JPEG")
    upload = SimpleUploadedFile("p.jpg", buffer.getvalue(), content_type="image/jpeg")
    photo = services.product_photo_add(
        product=product, upload=upload, caption="", image=validate_photo(upload)
    )
    document = LegalityDocumentFactory(product=product, kind=LegalityDocument.Kind.SPP_IRT, number="P-1")
    scanned_document = LegalityDocumentFactory(
        producer=producer, kind=LegalityDocument.Kind.NIB, number="N-1"
    )
    scan = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(scan, "PNG")
    scanned_document.scan.save("nib.png", ContentFile(scan.getvalue()))
    flagship_product = ProductFactory(name="Emping Citerep", village_id="36.04.09.2002")
    flagship = services.designation_approve(
        designation=services.designation_propose(product=flagship_product, proposed_by=officer_a, year=2025),
        decided_by=dinas,
        decree_number="SK-1",
        decree_date=datetime.date(2025, 1, 2),
        expected_current_id=None,
    )
    proposal = services.designation_propose(product=product, proposed_by=officer_a, year=2026)
    programme = Programme.objects.create(
        name="Kemasan",
        kind="kemasan",
        fiscal_year=2026,
        budget=50_000_000,
        funding_source="apbd_kab",
        agency="Disperindag",
        status="running",
    )
    delivery = Delivery.objects.create(
        programme=programme,
        village_id=BUMIJAYA,
        delivered_on=datetime.date(2026, 4, 1),
        value=1_000_000,
        description="Kemasan",
        officer=dinas,
        product=product,
    )
    deleted = ProductFactory(name="Sudah dihapus")
    deleted_pk = deleted.pk
    services.product_delete(product=deleted)
    visit = MentoringVisit.objects.create(
        product=product, visited_on=datetime.date(2026, 4, 2), officer=officer_a, findings="Kemasan"
    )
    return {
        "product": product,
        "producer": producer,
        "visit": visit,
        "deleted_product": deleted_pk,
        "photo": photo,
        "document": document,
        "scanned_document": scanned_document,
        "spare_product": ProductFactory(name="Untuk dihapus"),
        "spare_producer": ProducerFactory(business_name="Untuk dihapus"),
        "proposal": proposal,
        "flagship": flagship,
        "programme": programme,
        "delivery": delivery,
        "visits": MentoringVisit.objects.count(),
    }


def urls_for(name: str, world: dict) -> list[str]:
    if name == "admin:*":
        return [reverse("admin:index"), reverse("admin:products_product_changelist")]
    kwargs = EXPECTED[name][1]
    return [reverse(name, kwargs=kwargs(world) if kwargs else None)]


@pytest.mark.parametrize("name", list(EXPECTED))
def test_each_url_answers_each_persona_as_expected(
    name, world, client_class, officer_a, officer_b, dinas, admin_user
):
    """Each persona in turn, each inside a savepoint rolled back afterwards, so that one persona's
    POST (a deletion, say) leaves the same objects for the next."""
    (get_expected, post_expected), _kwargs = EXPECTED[name]
    users = {
        "anonymous": None,
        "officer_a": officer_a,
        "officer_b": officer_b,
        "dinas": dinas,
        "admin": admin_user,
    }
    got = {"GET": [], "POST": []}
    for persona in PERSONAS:
        client = client_class()
        if users[persona]:
            client.force_login(users[persona])
        with transaction.atomic():
            for url in urls_for(name, world):
                got["GET"].append(f"{persona}:{client.get(url).status_code}")
            for url in urls_for(name, world):
                got["POST"].append(f"{persona}:{client.post(url, {}).status_code}")
            transaction.set_rollback(True)
        cache.clear()
    urls = len(urls_for(name, world))
    expected = {
        method: [f"{p}:{code}" for p, code in zip(PERSONAS, codes.split(), strict=True) for _ in range(urls)]
        for method, codes in (("GET", get_expected), ("POST", post_expected))
    }
    assert got == expected
