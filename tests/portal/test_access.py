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

from assistance.models import Delivery, Exploration, ExplorationCandidate, MentoringVisit, Programme
from core.images import validate_photo
from products import services
from products.models import LegalityDocument
from tests.factories import (
    BUMIJAYA,
    LegalityDocumentFactory,
    ProducerFactory,
    ProductFactory,
)
from tests.portal.test_private_files import pdf_bytes

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

OFFICIAL_READ = ("302 200 200 200 200", "302 405 405 405 405")  # lists that take no POST
AREA_A_READ = ("302 200 404 200 200", "302 405 405 405 405")  # a read-only page of kecamatan A


def _exploration(w: dict) -> Exploration:
    """An exploration of Bumijaya (kecamatan A) with one candidate product, made when a URL needs it."""
    exploration, created = Exploration.objects.get_or_create(
        village_id=BUMIJAYA,
        explored_on=datetime.date(2026, 4, 3),
        defaults={"explored_by": w["visit"].officer, "raw_materials": "Tanah liat"},
    )
    if created:
        ExplorationCandidate.objects.create(
            exploration=exploration, name="Celengan gerabah", category=w["product"].category
        )
    return exploration


def _job(w: dict) -> dict:
    """A finished export of officer A with its file: only its owner sees it (anyone else: 404)."""
    from jobs.models import Job

    job, created = Job.objects.get_or_create(
        owner=w["visit"].officer,
        title="Ekspor produsen",
        defaults={
            "kind": "export",
            "status": "done",
            "task_path": "officials.spreadsheets.export_task",
            "params": {"what": "produsen", "fmt": "csv", "query": ""},
        },
    )
    if created:
        job.file.save("ekspor.csv", ContentFile(b"a\n"))
    return {"pk": job.pk}


def _public_producer(w: dict) -> dict:
    """The world's producer, consenting to publication: the maker of a public product, it has a page."""
    w["producer"].contact_consent = True
    w["producer"].save()
    return {"slug": w["producer"].public_slug}


EXPECTED: dict[str, tuple[tuple[str, str], object]] = {
    # public
    "catalogue:home": (PUBLIC, None),
    "villages:district_list": (PUBLIC, None),
    "catalogue:district_detail": (PUBLIC, lambda w: {"code": "36.04.09"}),
    "villages:village_list": (PUBLIC, None),
    "catalogue:village_detail": (PUBLIC, lambda w: {"code": BUMIJAYA}),
    "catalogue:list": (PUBLIC, None),
    "catalogue:product": (PUBLIC, lambda w: {"slug": w["product"].slug}),
    "catalogue:label": (PUBLIC, lambda w: {"slug": w["product"].slug}),
    "catalogue:qr": (PUBLIC, lambda w: {"slug": w["product"].slug, "kind": "svg"}),
    "catalogue:category": (PUBLIC, lambda w: {"slug": "kerajinan"}),
    "catalogue:producer": (PUBLIC, _public_producer),
    "catalogue:map": (PUBLIC, None),
    # without a bbox the map's points answer 400 (a JSON error) to everyone; POST is refused
    "catalogue:map_points": (("400 400 400 400 400", "405 405 405 405 405"), None),
    "catalogue:choose_language": (("302 302 302 302 302", "405 405 405 405 405"), lambda w: {"code": "en"}),
    "catalogue:robots": (PUBLIC, None),
    "regency:about": (PUBLIC, None),
    "regency:privacy": (PUBLIC, None),
    # open data: the page, the read-only API, its schema and the CSV downloads (GET only)
    "opendata:index": (PUBLIC, None),
    "opendata:api_root": (PUBLIC, None),
    "opendata:villages": (PUBLIC, None),
    "opendata:products": (PUBLIC, None),
    "opendata:producers": (PUBLIC, None),
    "opendata:designations": (PUBLIC, None),
    "opendata:assistance": (PUBLIC, None),
    "opendata:csv": (PUBLIC, lambda w: {"name": "products"}),
    "opendata:schema_json": (PUBLIC, None),
    "opendata:schema_yaml": (PUBLIC, None),
    "health": (PUBLIC, None),
    "ready": (PUBLIC, None),
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
    "reminders:preferences": (OFFICIAL, None),
    "jobs:list": (OFFICIAL_READ, None),
    "jobs:detail": (("302 200 404 404 404", "302 405 405 405 405"), _job),
    "jobs:retry": (("302 405 405 405 405", "302 302 404 404 404"), _job),
    "jobs:download": (("302 200 404 404 404", "302 405 405 405 405"), _job),
    # two-factor sign-in
    "accounts:security": (OFFICIAL_READ, None),
    "accounts:verify": (("302 302 302 302 302", "302 302 302 302 302"), None),
    "accounts:enrol": (OFFICIAL, None),
    "accounts:recovery_codes": (("302 302 302 302 302", "302 405 405 405 405"), None),
    "accounts:recovery_regenerate": (("302 405 405 405 405", "302 302 302 302 302"), None),
    "accounts:disable": (("302 405 405 405 405", "302 302 302 302 302"), None),
    # officials: overview
    "officials:home": (OFFICIAL, None),
    "officials:dashboard": (OFFICIAL, None),
    "officials:completeness": (OFFICIAL, None),
    "officials:recap": (OFFICIAL, None),
    "officials:todo": (OFFICIAL, None),
    # registry
    "products:product_list": (OFFICIAL, None),
    "products:district_picker": (OFFICIAL_READ, None),
    "products:village_picker": (OFFICIAL_READ, None),
    "products:product_picker": (OFFICIAL_READ, None),
    "products:producer_picker": (OFFICIAL_READ, None),
    "products:product_create": (OFFICIAL, None),
    "officials:product_detail": (AREA_A, lambda w: {"pk": w["product"].pk}),
    "products:product_update": (AREA_A, lambda w: {"pk": w["product"].pk}),
    "products:product_delete": (AREA_A_DELETE, lambda w: {"pk": w["spare_product"].pk}),
    # an empty upload: the product page again with the form's error, as 400
    "officials:photo_add": (
        ("302 405 405 405 405", "302 400 404 400 400"),
        lambda w: {"pk": w["product"].pk},
    ),
    "products:photo_set_cover": (AREA_A_ACTION, lambda w: {"pk": w["photo"].pk}),
    "products:photo_delete": (AREA_A_ACTION, lambda w: {"pk": w["photo"].pk}),
    "products:legality_add_to_product": (AREA_A, lambda w: {"pk": w["product"].pk}),
    "products:assessment_create": (AREA_A, lambda w: {"pk": w["product"].pk}),
    "products:variant_edit": (AREA_A, lambda w: {"pk": w["product"].pk}),
    "products:market_edit": (AREA_A, lambda w: {"pk": w["product"].pk}),
    "products:producer_list": (OFFICIAL, None),
    "products:producer_create": (OFFICIAL, None),
    "officials:producer_detail": (AREA_A, lambda w: {"pk": w["producer"].pk}),
    "products:producer_update": (AREA_A, lambda w: {"pk": w["producer"].pk}),
    "products:producer_delete": (AREA_A_DELETE, lambda w: {"pk": w["spare_producer"].pk}),
    "products:legality_add_to_producer": (AREA_A, lambda w: {"pk": w["producer"].pk}),
    "products:shop_link_edit": (AREA_A, lambda w: {"pk": w["producer"].pk}),
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
    "officials:village_list": (OFFICIAL, None),
    "officials:village_registry": (AREA_A, lambda w: {"code": BUMIJAYA}),
    # village situations (issue 15): empty POSTs redirect to the village page with the reason refused
    "officials:situations": (OFFICIAL, None),
    "officials:help_flag_raise": (AREA_A_ACTION, lambda w: {"code": BUMIJAYA}),
    "officials:help_flag_clear": (AREA_A_ACTION, lambda w: {"code": BUMIJAYA}),
    # designation and assessment
    "products:designation_propose": (AREA_A, lambda w: {"code": BUMIJAYA}),
    "products:designation_list": (OFFICIAL, None),
    "products:designation_approve": (DINAS_AREA_A, lambda w: {"pk": w["proposal"].pk}),
    "products:designation_reject": (DINAS_AREA_A, lambda w: {"pk": w["proposal"].pk}),
    "products:designation_end": (DINAS_AREA_A, lambda w: {"pk": w["flagship"].pk}),
    "products:assessment_due": (OFFICIAL, None),
    # yearly rounds and their decrees (an open round of this year, a decided one with a scanned decree)
    "products:round_list": (OFFICIAL_READ, None),
    "products:round_open": (DINAS_ONLY, None),
    "products:round_detail": (OFFICIAL_READ, lambda w: {"pk": w["open_round"].pk}),
    "products:round_propose": (OFFICIAL, lambda w: {"pk": w["open_round"].pk}),
    # GET is refused before the round is looked up; the Dinas's POST closes it
    "products:round_close": (
        ("302 403 403 405 405", "302 403 403 302 302"),
        lambda w: {"pk": w["open_round"].pk},
    ),
    "products:round_decide": (DINAS_ONLY, lambda w: {"pk": w["open_round"].pk}),
    # the attachment (lampiran) lists the whole regency's designations: the Dinas's alone
    "products:round_attachment": (
        ("302 403 403 200 200", "302 403 403 405 405"),
        lambda w: {"pk": w["decided_round"].pk},
    ),
    # the signed decree: for the Dinas, and for an officer whose area it designates in
    "products:round_decree_scan": (
        ("302 200 404 200 200", "302 405 405 405 405"),
        lambda w: {"pk": w["decided_round"].pk},
    ),
    "products:designation_certificate": (
        ("302 200 404 200 200", "302 405 405 405 405"),
        lambda w: {"pk": w["flagship"].pk},
    ),
    # the public verification page a certificate's QR code leads to
    "catalogue:verify": (PUBLIC, lambda w: {"code": w["flagship"].verification_code}),
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
    # closing or rescheduling a visit's follow-up: a form; an empty POST answers it with its errors
    "assistance:visit_follow_up_close": (AREA_A, lambda w: {"pk": w["visit"].pk}),
    "assistance:visit_follow_up_reschedule": (AREA_A, lambda w: {"pk": w["visit"].pk}),
    "products:deleted_product_list": (OFFICIAL, None),
    "products:product_restore": (AREA_A_ACTION, lambda w: {"pk": w["deleted_product"]}),
    "assistance:outcome_create": (AREA_A, lambda w: {"pk": w["product"].pk}),
    "assistance:product_timeline": (AREA_A, lambda w: {"pk": w["product"].pk}),
    "assistance:village_timeline": (AREA_A, lambda w: {"code": BUMIJAYA}),
    "assistance:overdue": (OFFICIAL, None),
    # potential exploration and success stories (issue 15, items 2 and 4)
    "assistance:exploration_villages": (OFFICIAL_READ, None),
    "assistance:exploration_create": (AREA_A, lambda w: {"code": BUMIJAYA}),
    "assistance:exploration_detail": (AREA_A_READ, lambda w: {"pk": _exploration(w).pk}),
    "assistance:exploration_update": (AREA_A, lambda w: {"pk": _exploration(w).pk}),
    # the product form, pre-filled from the candidate (an empty POST: the form with its errors)
    "officials:candidate_register": (AREA_A, lambda w: {"pk": _exploration(w).candidates.get().pk}),
    "assistance:story_list": (OFFICIAL_READ, None),
    "assistance:story_edit": (AREA_A, lambda w: {"pk": w["flagship"].product_id}),
    # spreadsheets (an officer's export holds their own area only; the import checks every row's area)
    "officials:import": (OFFICIAL, None),
    # nothing uploaded yet in this session: back to the upload form
    "officials:import_preview": (("302 302 302 302 302", "302 302 302 302 302"), None),
    "officials:import_template": (OFFICIAL, lambda w: {"kind": "produsen", "fmt": "xlsx"}),
    "officials:export": (OFFICIAL, lambda w: {"what": "registri", "fmt": "csv"}),
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
    # Citerep's flagship, recorded from its (scanned) decree: a decided round of its own.
    decree = services.round_record_historical(
        year=2025,
        products=[ProductFactory(name="Emping Citerep", village_id="36.04.09.2002")],
        number="SK-1",
        decree_date=datetime.date(2025, 1, 2),
        signed_by_name="Bupati",
        signed_by_title="Bupati Serang",
        recorded_by=dinas,
        scan=SimpleUploadedFile("sk.pdf", pdf_bytes(), content_type="application/pdf"),
    )
    flagship = decree.designations.get()
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
    open_round = services.round_open(year=2026, opened_by=dinas)
    services.designation_propose(
        product=ProductFactory(name="Opak Citerep", village_id="36.04.09.2002"),
        proposed_by=officer_a,
        round=open_round,
    )
    return {
        "open_round": open_round,
        "decided_round": decree.round,
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
