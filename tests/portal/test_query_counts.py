"""Every page asks the database the same number of times, however much data it shows (issue 9).

Each URL of the project that a persona can open (the access test's table, so a new page is measured
automatically) is rendered on the access test's small world with one row of every kind added by
`grow` (so that a section shown only when it has rows is already there), then again after `grow` has
added many more rows of every kind: products, producers, documents, photos, designations,
assessments, deliveries, visits and outcomes, both on the very objects the pages show and across the
kecamatan. The counts must be equal: a query per row (an N+1) fails the test.
"""

import datetime
import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from assistance import services as assistance_services
from assistance.models import MentoringVisit, OutcomeRecord, Programme
from core.images import validate_photo
from products import services
from products.models import AssessmentCriterion, LegalityDocument
from tests.factories import CIRUAS, KRAMATWATU_VILLAGE, LegalityDocumentFactory, ProducerFactory
from tests.factories import ProductFactory as Products
from tests.portal.test_access import EXPECTED, PERSONAS, urls_for, world  # noqa: F401 (fixture)
from villages.models import Village

pytestmark = pytest.mark.django_db

# How many more of everything the larger data has: enough that a per-row query shows many times over.
MORE = 5


def pages_for(persona: str) -> list[str]:
    """The URL names whose GET answers 200 to the persona (the admin site for the admin only)."""
    index = PERSONAS.index(persona)
    names = [name for name, ((get, _post), _kw) in EXPECTED.items() if get.split()[index] == "200"]
    return [name for name in names if persona == "admin" or name != "admin:*"]


def photo_upload(colour: tuple[int, int, int]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), colour).save(buffer, format="JPEG")
    return SimpleUploadedFile("foto.jpg", buffer.getvalue(), content_type="image/jpeg")


def grow(objects: dict, officer, dinas, numbers: range) -> None:
    """A row of every kind for each number, on the world's own product, producer, village and programme
    and across the area."""
    product, producer, programme = objects["product"], objects["producer"], objects["programme"]
    criteria = {criterion.pk: 1 for criterion in AssessmentCriterion.objects.filter(is_active=True)}
    ciruas_villages = list(Village.objects.filter(district_id=CIRUAS, products__isnull=True).order_by("code"))
    assert len(ciruas_villages) >= 2 * len(numbers)
    free = iter(ciruas_villages)
    second, _ = Programme.objects.get_or_create(
        name="Pelatihan",
        fiscal_year=2025,
        defaults={
            "kind": "pelatihan",
            "budget": 90_000_000,
            "funding_source": "apbd_kab",
            "agency": "Disperindag",
            "status": "running",
        },
    )
    for n in numbers:
        # the world's own objects get more of everything they show
        upload = photo_upload((40 * n % 255, 90, 120))
        services.product_photo_add(
            product=product, upload=upload, caption=f"Foto {n}", image=validate_photo(upload)
        )
        extra_producer = ProducerFactory(business_name=f"Perajin {n}")
        product.producers.add(extra_producer)
        LegalityDocumentFactory(product=product, kind=LegalityDocument.Kind.HALAL, number=f"H-{n}")
        LegalityDocumentFactory(
            producer=producer, product=None, kind=LegalityDocument.Kind.NIB, number=f"N-{n}"
        )
        services.assessment_record(
            product=product, assessor=dinas, assessed_on=datetime.date(2025, 1, 1 + n), points=criteria
        )
        for target in (programme, second):
            assistance_services.delivery_record(
                programme=target,
                village=product.village,
                delivered_on=datetime.date(2025, 5, 1 + n),
                value=100_000,
                description=f"Penyaluran {n}",
                officer=dinas,
                product=product,
            )
        assistance_services.visit_record(
            visit=MentoringVisit(
                product=product,
                visited_on=datetime.date(2026, 2, 1 + n),
                officer=officer,
                findings=f"Temuan {n}",
            ),
            photos=[],
        )
        assistance_services.outcome_record(
            outcome=OutcomeRecord(
                product=product,
                year=2024 + n // 4,
                quarter=n % 4 + 1,
                production_volume=100 + n,
                volume_unit="buah",
                turnover=1_000_000,
                workers=3,
                markets_reached=1,
                new_legality_documents=0,
                recorded_by=officer,
            )
        )
        # and the area gets more villages with flagships, products, producers and proposals
        village = next(free)
        flagship = Products(name=f"Unggulan {n}", village=village)
        flagship.producers.add(ProducerFactory(business_name=f"Kelompok {n}", village=village))
        LegalityDocumentFactory(product=flagship, kind=LegalityDocument.Kind.SPP_IRT, number=f"S-{n}")
        services.designation_approve(
            designation=services.designation_propose(product=flagship, proposed_by=officer, year=2025),
            decided_by=dinas,
            decree_number=f"SK-{n}",
            decree_date=datetime.date(2025, 3, 1),
            expected_current_id=None,
        )
        services.assessment_record(
            product=flagship, assessor=dinas, assessed_on=datetime.date(2025, 2, 1), points=criteria
        )
        candidate = Products(name=f"Usulan {n}", village=next(free))
        services.designation_propose(product=candidate, proposed_by=officer, year=2026)
        Products(name=f"Produk lain {n}", village_id=KRAMATWATU_VILLAGE)


COUNTS_ONCE_FULL = {"catalogue:list", "catalogue:category"}


def count_queries(client, url: str) -> int:
    client.get(url)  # warm the per-process caches (content types, translations) outside the count
    cache.clear()  # and render afresh, not from the public-page cache
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


@pytest.mark.parametrize("persona", ["officer_a", "dinas", "anonymous", "admin"])
def test_no_page_asks_more_queries_when_the_data_grows(
    persona,
    world,  # noqa: F811 (the access test's fixture)
    client_class,
    officer_a,
    dinas,
    admin_user,  # noqa: F811 (fixture)
):
    client = client_class()
    user = {"officer_a": officer_a, "dinas": dinas, "admin": admin_user}.get(persona)
    if user:
        client.force_login(user)
    pages = {url: name for name in pages_for(persona) for url in urls_for(name, world)}
    assert len(pages) > 10 or persona == "admin"

    grow(world, officer_a, dinas, range(1))
    small = {url: count_queries(client, url) for url in pages}
    grow(world, officer_a, dinas, range(1, 1 + MORE))
    large = {url: count_queries(client, url) for url in pages}

    grew = {
        f"{pages[url]} {url}": (small[url], large[url])
        for url in pages
        if large[url] != small[url]
        # A list whose first page is not full knows its total without a COUNT (core.pagination); the
        # catalogue's page of 12 fills as the data grows here, and counts once: one query more, once.
        and not (pages[url] in COUNTS_ONCE_FULL and large[url] == small[url] + 1)
    }
    assert not grew, f"queries (small data, larger data) of the pages that changed: {grew}"
