"""The printed recap's signature block (issue 17 item 5): the signing official set on the regency
profile in the admin, shown bottom right with the place and date, and nothing when none is set; the
recap's totals rows and the decrees' dates."""

import datetime
import re

import pytest
from django.contrib.admin.utils import flatten_fieldsets
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.forms import modelform_factory
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from assistance.models import Delivery
from regency.admin import RegencyProfileAdmin
from regency.forms import RegencyProfileForm
from regency.models import RegencyProfile
from tests.factories import (
    BUMIJAYA,
    DECREE_DATE,
    KRAMATWATU_VILLAGE,
    DeliveryFactory,
    DesignationFactory,
    ProductFactory,
    ProgrammeFactory,
)
from villages.models import Village

pytestmark = pytest.mark.django_db

SIGNATORY = {
    "signatory_name": "Ahmad Contoh, S.E.",
    "signatory_title": "Kepala Dinas",
    "signatory_nip": "197001012000011001",
}


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def make_profile(**fields) -> RegencyProfile:
    profile = RegencyProfile(
        regency_name="Kabupaten Serang", agency_name="Dinas Koperasi, Usaha Kecil dan Menengah", **fields
    )
    profile.full_clean(exclude=["logo"])
    profile.save()
    cache.clear()
    return profile


def recap_html(client, dinas, **params) -> str:
    client.force_login(dinas)
    response = client.get(reverse("officials:recap"), {"tahun": "2026", **params})
    assert response.status_code == 200
    return response.content.decode()


def signature_block(html: str) -> str:
    match = re.search(r'<div class="regency-signature .*?</div>\s*</div>', html, re.S)
    return match.group(0) if match else ""


# --- the signature block -----------------------------------------------------------------------------


def test_the_recap_is_signed_by_the_official_set_on_the_profile(client, dinas):
    make_profile(**SIGNATORY)
    html = recap_html(client, dinas)
    block = signature_block(html)
    assert block, "the recap shows a signature block"
    with translation.override("id"):
        today = date_format(timezone.localdate(), "j F Y")
    assert f"Serang, {today}" in block  # the place is the regency without "Kabupaten"
    assert "Kabupaten Serang," not in block
    assert "Kepala Dinas" in block and "Ahmad Contoh, S.E." in block
    assert "NIP. 197001012000011001" in block
    assert "regency-signature-space" in block  # room to sign between the title and the name
    assert html.index("regency-signature") > html.index("Penilaian produk tahun")  # at the bottom


def test_the_place_can_be_set(client, dinas):
    make_profile(**SIGNATORY, signature_place="Ciruas")
    assert "Ciruas, " in signature_block(recap_html(client, dinas))


def test_no_signature_block_without_a_signatory(client, dinas):
    make_profile()
    html = recap_html(client, dinas)
    assert "regency-signature" not in html and "NIP." not in html


def test_no_signature_block_without_any_profile(client, dinas):
    assert "regency-signature" not in recap_html(client, dinas)


# --- NIP validation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "nip", ["19700101200001100", "1970010120000110011", "19700101 200001 1 001", "19700101200001100A", "-"]
)
def test_a_nip_that_is_not_18_digits_is_refused(nip):
    with pytest.raises(ValidationError) as refused:
        make_profile(**{**SIGNATORY, "signatory_nip": nip})
    assert "signatory_nip" in refused.value.message_dict


def test_the_admin_form_offers_and_checks_the_signatory():
    fields = flatten_fieldsets(RegencyProfileAdmin.fieldsets)
    assert {"signatory_name", "signatory_title", "signatory_nip", "signature_place"} <= set(fields)
    AdminForm = modelform_factory(RegencyProfile, form=RegencyProfileForm, fields=fields)
    data = {"regency_name": "Kabupaten Serang", "agency_name": "Dinas", **SIGNATORY}
    bad = AdminForm(data={**data, "signatory_nip": "12345"})
    assert not bad.is_valid() and "signatory_nip" in bad.errors
    good = AdminForm(data=data)
    assert good.is_valid(), good.errors
    profile = good.save()
    assert profile.signatory_nip == "197001012000011001" and profile.has_signatory


def test_a_title_or_nip_without_a_name_is_refused():
    with pytest.raises(ValidationError) as refused:
        make_profile(signatory_title="Kepala Dinas", signatory_nip="197001012000011001")
    assert "signatory_name" in refused.value.message_dict


# --- totals rows and decree dates --------------------------------------------------------------------


@pytest.fixture
def small_year():
    """2026: one flagship in Bumijaya; packaging to Bumijaya twice and to Kramatwatu once, capital to
    Bumijaya once: four deliveries, two villages, Rp25.000.000."""
    DesignationFactory(approved=True, product=ProductFactory(name="Gerabah Bumijaya"))
    bumijaya = Village.objects.get(code=BUMIJAYA)
    kramatwatu = Village.objects.get(code=KRAMATWATU_VILLAGE)
    packaging = ProgrammeFactory(name="Kemasan", kind="kemasan")
    capital = ProgrammeFactory(name="Modal", kind="permodalan", budget=10_000_000)
    for programme, village, value in [
        (packaging, bumijaya, 10_000_000),
        (packaging, bumijaya, 5_000_000),
        (packaging, kramatwatu, 7_000_000),
        (capital, bumijaya, 3_000_000),
    ]:
        DeliveryFactory(programme=programme, village=village, value=value)
    DeliveryFactory(programme=packaging, village=kramatwatu, value=1_000_000, status=Delivery.Status.PLANNED)
    DeliveryFactory(
        programme=capital, village=bumijaya, value=9_000_000, delivered_on=datetime.date(2025, 4, 1)
    )


def cells(row_html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row_html, re.S)
    ]


def test_the_recap_totals_rows(client, dinas, small_year):
    client.force_login(dinas)
    response = client.get(reverse("officials:recap"), {"tahun": "2026"})
    context, html = response.context, response.content.decode()
    by_kind = {row["programme__kind"]: row for row in context["by_kind"]}
    assert (by_kind["kemasan"]["count"], by_kind["kemasan"]["villages"], by_kind["kemasan"]["total"]) == (
        3,
        2,
        22_000_000,
    )
    assert (by_kind["permodalan"]["count"], by_kind["permodalan"]["villages"]) == (1, 1)
    assert [row["programme__kind"] for row in context["by_kind"]] == [
        "kemasan",
        "permodalan",
    ]  # largest first
    assert (context["assistance_count"], context["assistance_villages"], context["assistance_total"]) == (
        4,
        2,  # Bumijaya counted once though it had both kinds
        25_000_000,
    )
    footers = re.findall(r'<tfoot class="recap-totals">(.*?)</tfoot>', html, re.S)
    assert len(footers) == 2  # the coverage table and the assistance table
    coverage_total = context["coverage"]["total"]
    assert cells(footers[0])[:6] == [
        "Jumlah",
        str(coverage_total["all"]),
        "1",
        str(coverage_total["proposed"]),
        str(coverage_total["has_products"]),
        str(coverage_total["none"]),
    ]
    assert coverage_total["all"] == sum(row["all"] for row in context["coverage"]["areas"])
    assistance = cells(footers[1])
    assert assistance[:3] == ["Jumlah", "4", "2"]
    assert "25.000.000" in assistance[3]


def test_the_recap_shows_each_decrees_number_and_date(
    client, dinas, small_year, django_assert_max_num_queries
):
    client.force_login(dinas)
    html = client.get(reverse("officials:recap"), {"tahun": "2026"}).content.decode()
    with translation.override("id"):
        decree_date = date_format(DECREE_DATE, "j F Y")
    assert "Tanggal SK" in html
    row = re.search(r"<tr><td>[^<]*</td><td>[^<]*</td><td>Gerabah Bumijaya.*?</tr>", html, re.S).group(0)
    assert "SK-1" in row and decree_date in row


def test_the_decree_dates_cost_no_query_per_row(client, dinas, small_year, django_assert_num_queries):
    """The recap's queries do not grow with the number of designations listed."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(dinas)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("officials:recap"), {"tahun": "2026"})
    for name in ["Anyaman Kramatwatu"]:
        DesignationFactory(
            approved=True,
            product=ProductFactory(name=name, village=Village.objects.get(code=KRAMATWATU_VILLAGE)),
        )
    with CaptureQueriesContext(connection) as two:
        html = client.get(reverse("officials:recap"), {"tahun": "2026"}).content.decode()
    assert "Anyaman Kramatwatu" in html
    assert len(two.captured_queries) == len(one.captured_queries)


# --- demo --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "place"), [("36.04", "Serang"), ("19.05", "Muntok")])
def test_the_demo_sets_an_illustrative_signatory(settings, code, place):
    from seeding.demo.identity import demo_identity_create

    settings.OVOP_REGENCY_CODE = code
    assert demo_identity_create() == 1
    profile = RegencyProfile.objects.get()
    assert profile.has_signatory and "(contoh)" in profile.signatory_name
    assert profile.signatory_title == "Kepala Dinas"
    assert re.fullmatch(r"[0-9]{18}", profile.signatory_nip)
    assert profile.place == place


# --- the other printed documents ---------------------------------------------------------------------


def test_a_certificate_without_a_round_decree_is_signed_by_the_profiles_official_on_the_decree_date(
    client, dinas
):
    make_profile(**SIGNATORY)
    designation = DesignationFactory(approved=True)
    client.force_login(dinas)
    html = client.get(reverse("products:designation_certificate", args=[designation.pk])).content.decode()
    block = signature_block(html)
    with translation.override("id"):
        decreed = date_format(DECREE_DATE, "j F Y")
    assert f"Serang, {decreed}" in block
    assert "Ahmad Contoh, S.E." in block and "NIP. 197001012000011001" in block
    assert "regency-letterhead" in html
