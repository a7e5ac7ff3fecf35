"""The programme's walk (issue 15, "Done when"): from a village without a product to a verified certificate.

A kecamatan officer of Ciruas records the potential explored in Desa Pulo, registers the candidate
product found there and proposes it in the round the Dinas opened; the Dinas decides the round with
its decree, prints the decree's attachment and the certificate; an anonymous visitor follows the
certificate's verification address and sees the designation valid. Each person in their own browser
context, logged in through the real login page.
"""

import re

import pytest
import segno
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import override
from playwright.sync_api import expect

from assistance.models import Exploration, ExplorationCandidate
from products.models import Decree, Designation, Product
from products.services import round_open

pytestmark = pytest.mark.browser

PULO = "36.04.09.2003"  # Desa Pulo, Kecamatan Ciruas: no product yet
PASSWORD = "pw-test-12345"  # tests.factories.UserFactory's
CANDIDATE = "Keripik Talas Pulo"
DECREE_NUMBER = "100.3.3.2/Kep.77-Huk/2026"
SIGNER_NAME = "Ratu Rachmatuzakiyah"
SIGNER_TITLE = "Bupati Serang"
# Kept after the run, to be looked at by a person (the pytest tmp_path is removed).
CERTIFICATE_SCREENSHOT = "/tmp/certificate.png"  # noqa: S108
VERIFICATION_SCREENSHOT = "/tmp/verify.png"  # noqa: S108


def indonesian_date(day) -> str:
    """A date as the portal's pages print it with "j F Y" in Indonesian (e.g. 2 Maret 2026)."""
    with override("id"):
        return date_format(day, "j F Y")


def log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    expect(page.locator("h1")).to_have_text("Masuk petugas")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page).to_have_url(re.compile(r"/petugas/$"))


def officer_records_the_exploration_of_pulo(page) -> None:
    row = exploration_list_row_of_pulo(page)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Belum pernah digali")

    row.get_by_role("link", name="Pulo", exact=True).click()  # the officials' page of the village
    expect(page.locator("h1")).to_contain_text("Pulo")
    expect(page.locator("h1")).to_contain_text("Ciruas")
    expect(page.locator("main")).to_contain_text("Potensi desa ini belum pernah digali.")
    page.get_by_role("link", name="Catat penggalian potensi").click()

    expect(page.locator("h1")).to_have_text("Catat penggalian potensi")
    page.get_by_label("Bahan baku dan sumber daya lokal").fill("Talas dari kebun warga, minyak kelapa")
    page.get_by_label("Keterampilan warga").fill("Ibu-ibu PKK terbiasa membuat keripik untuk hajatan")
    page.get_by_label("Langkah berikutnya", exact=True).fill("Pelatihan pengemasan bersama PKK")
    first_candidate = (
        page.locator("fieldset").filter(has_text="Calon produk").locator(".border.rounded").first
    )
    first_candidate.get_by_label("Nama calon produk").fill(CANDIDATE)
    first_candidate.get_by_label("Kategori").select_option(label="Makanan olahan")
    first_candidate.get_by_label("Catatan").fill("Renyah, tanpa pengawet")
    page.get_by_role("button", name="Simpan").click()

    expect(page.locator("h1")).to_have_text("Penggalian potensi · Pulo")
    expect(page.locator(".alert-success")).to_contain_text("Penggalian potensi Desa Pulo tersimpan.")
    expect(page.locator("main dl")).to_contain_text("Talas dari kebun warga")
    candidates = page.locator("section[aria-labelledby=candidates-heading] li")
    expect(candidates).to_have_count(1)
    expect(candidates).to_contain_text(CANDIDATE)
    expect(candidates).to_contain_text("Makanan olahan")


def officer_registers_the_candidate_as_a_product(page) -> None:
    candidate = page.locator("section[aria-labelledby=candidates-heading] li").filter(has_text=CANDIDATE)
    candidate.get_by_role("link", name="Daftarkan sebagai produk").click()

    expect(page.locator("h1")).to_have_text("Daftarkan produk")
    # Pre-filled from the candidate and its exploration.
    expect(page.get_by_label("Nama produk")).to_have_value(CANDIDATE)
    expect(page.locator("#id_village")).to_have_value(PULO)
    expect(page.locator("#id_category option:checked")).to_have_text("Makanan olahan")
    expect(page.locator("#id_raw_materials")).to_have_value("Talas dari kebun warga, minyak kelapa")
    expect(page.locator("#id_story")).to_contain_text("Renyah, tanpa pengawet")
    page.locator("#id_status").select_option("published")
    page.locator("#id_price_min").fill("15000")
    page.locator("#id_price_unit").fill("per bungkus 250 g")
    page.get_by_role("button", name="Simpan").click()

    expect(page.locator("h1")).to_have_text(CANDIDATE)
    expect(page.locator("main")).to_contain_text(f"Calon produk {CANDIDATE} kini terdaftar sebagai produk.")
    expect(page.locator("main")).to_contain_text("Makanan olahan")


def officer_proposes_the_product_in_the_open_round(page, round) -> None:
    expect(page.locator("h1")).to_contain_text("Pulo")
    page.get_by_role("link", name="Usulkan produk unggulan").click()

    expect(page.locator("h1")).to_have_text("Usulkan produk unggulan")
    expect(page.locator("main .alert-info")).to_contain_text(
        f"Putaran {round.name} sedang dibuka: usulan ini masuk putaran itu (tahun {round.year})"
    )
    page.get_by_label("Produk yang diusulkan").select_option(label=CANDIDATE)
    expect(page.get_by_label("Tahun penetapan")).to_have_value(str(round.year))
    page.get_by_label("Catatan usulan").fill("Hasil penggalian potensi; sudah dijual di pasar Ciruas.")
    page.get_by_role("button", name="Kirim usulan").click()

    expect(page.locator("h1")).to_contain_text("Pulo")
    expect(page.locator("main")).to_contain_text("Usulan produk unggulan terkirim untuk diputuskan Dinas.")
    flagship = page.locator("section[aria-labelledby=flagship-heading]")
    expect(flagship).to_contain_text("Usulan menunggu keputusan")
    expect(flagship).to_contain_text(CANDIDATE)
    expect(flagship).to_contain_text("Belum ada produk unggulan yang ditetapkan.")

    # The round's page lists the proposal for the officer, who may not decide it.
    page.locator("nav[aria-label='Menu petugas']").get_by_role("link", name="Putaran penetapan & SK").click()
    expect(page.locator("main .alert-info")).to_contain_text(f"Putaran {round.name} sedang dibuka")
    page.locator("tbody").get_by_role("link", name=round.name).click()
    expect(page.locator("h1")).to_contain_text(round.name)
    expect(page.locator("main table")).to_contain_text(CANDIDATE)
    expect(page.locator("main")).to_contain_text("1 usulan menunggu keputusan")
    expect(page.get_by_role("link", name="Putuskan dan catat SK")).to_have_count(0)


def exploration_list_row_of_pulo(page):
    page.locator("nav[aria-label='Menu petugas']").get_by_role("link", name="Penggalian potensi desa").click()
    expect(page.locator("h1")).to_have_text("Desa tanpa produk & penggalian potensi")
    page.get_by_label("Cari").fill("Pulo")
    page.get_by_role("button", name="Terapkan").click()
    expect(page).to_have_url(re.compile(r"[?&]q=Pulo"))
    return page.locator("tbody tr").filter(has_text=PULO)


def dinas_decides_the_round(page, round, today) -> None:
    page.locator("nav[aria-label='Menu petugas']").get_by_role("link", name="Putaran penetapan & SK").click()
    expect(page.locator("h1")).to_have_text("Putaran penetapan produk unggulan")
    page.locator("tbody").get_by_role("link", name=round.name).click()

    expect(page.locator("h1")).to_contain_text(round.name)
    expect(page.locator("main")).to_contain_text("1 usulan menunggu keputusan")
    ciruas = page.locator("section").filter(has=page.get_by_role("heading", name=re.compile(r"Kec\. Ciruas")))
    expect(ciruas.locator("tbody tr")).to_have_count(1)
    expect(ciruas.locator("tbody tr")).to_contain_text("Pulo")
    expect(ciruas.locator("tbody tr")).to_contain_text(CANDIDATE)
    page.get_by_role("link", name="Putuskan dan catat SK").click()

    expect(page.locator("h1")).to_have_text(f"Putuskan {round.name} dan catat SK")
    decision = page.get_by_role("group", name=f"Keputusan untuk {CANDIDATE}")
    decision.get_by_label("Tetapkan").check()
    page.get_by_label("Nomor SK Bupati").fill(DECREE_NUMBER)
    page.get_by_label("Tanggal SK").fill(today.isoformat())
    page.get_by_label("Nama penanda tangan").fill(SIGNER_NAME)
    page.get_by_label("Jabatan penanda tangan").fill(SIGNER_TITLE)
    page.get_by_role("button", name="Putuskan dan catat SK").click()

    expect(page.locator("h1")).to_contain_text(round.name)
    expect(page.locator("main")).to_contain_text(
        f"Putaran {round.name} diputuskan: 1 produk ditetapkan dengan SK {DECREE_NUMBER}."
    )
    expect(page.get_by_role("heading", name=f"SK {DECREE_NUMBER}")).to_be_visible()
    expect(page.locator("main")).to_contain_text(f"{indonesian_date(today)} · {SIGNER_TITLE}")


def dinas_prints_the_decree_attachment(page, round, today) -> None:
    page.get_by_role("link", name="Cetak lampiran SK").click()

    expect(page.locator("h1")).to_contain_text(f"tahun {round.year}")
    sheet = page.locator("article.a4-sheet")
    expect(sheet).to_contain_text(DECREE_NUMBER)
    expect(sheet).to_contain_text(indonesian_date(today))
    expect(sheet).to_contain_text(f"Keputusan {SIGNER_TITLE}")
    expect(sheet).to_contain_text(SIGNER_NAME)
    rows = sheet.locator("table:has(thead) tbody tr")  # the header's own table has no thead
    expect(rows).to_have_count(1)
    expect(rows.locator("td")).to_have_text(["1", "Pulo", "Ciruas", CANDIDATE, "–"])


def dinas_opens_the_certificate(page, live, round, today, designation) -> str:
    """Returns the verification address printed on the certificate."""
    page.get_by_role("link", name=f"← {round.name}").click()
    page.locator("tbody").get_by_role("link", name="Pulo", exact=True).click()  # the officials' village page
    flagship = page.locator("section[aria-labelledby=flagship-heading]")
    expect(flagship).to_contain_text(CANDIDATE)
    expect(flagship).to_contain_text("Ditetapkan")
    expect(flagship).to_contain_text(f"SK {DECREE_NUMBER}")
    flagship.get_by_role("link", name="Sertifikat").click()

    expect(page.locator("h1")).to_have_text("Sertifikat")
    certificate = page.locator("article.certificate")
    expect(certificate).to_contain_text(CANDIDATE)
    expect(certificate).to_contain_text("Makanan olahan")
    expect(certificate).to_contain_text("Kecamatan Ciruas")
    expect(certificate).to_contain_text(f"Tahun penetapan {round.year}")
    expect(certificate).to_contain_text(
        f"berdasarkan SK nomor {DECREE_NUMBER} tanggal {indonesian_date(today)}"
    )
    expect(certificate).to_contain_text(SIGNER_NAME)

    printed = certificate.locator("p.text-break")
    expect(printed).to_have_count(1)
    url = printed.inner_text().strip()
    assert url == f"{live}/verifikasi/{designation.verification_code}/"
    # The QR code is the same symbol segno makes of that address: it encodes exactly the printed URL.
    qr = certificate.get_by_role("img", name="Kode QR ke halaman verifikasi sertifikat ini")
    expect(qr).to_be_visible()
    assert qr.get_attribute("src") == segno.make(url, error="m").svg_data_uri(scale=4, border=2)
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=qr.element_handle())
    page.screenshot(path=CERTIFICATE_SCREENSHOT, full_page=True)
    return url


def test_an_officer_explores_a_village_and_the_dinas_designates_its_product_with_a_verifiable_certificate(
    pages, live, officer_a, dinas
):
    today = timezone.localdate()
    round = round_open(year=today.year, opened_by=dinas)

    # 1. The officer of Ciruas: exploration, then the candidate registered as a product.
    officer = pages.new()
    log_in(officer, officer_a.username)
    officer_records_the_exploration_of_pulo(officer)
    exploration = Exploration.objects.get(village_id=PULO)
    assert exploration.explored_by == officer_a
    assert exploration.explored_on == today
    candidate = ExplorationCandidate.objects.get(exploration=exploration)
    assert (candidate.name, candidate.category.name, candidate.product) == (CANDIDATE, "Makanan olahan", None)

    officer_registers_the_candidate_as_a_product(officer)
    product = Product.objects.get(name=CANDIDATE)
    assert (product.village_id, product.category.name, product.status) == (
        PULO,
        "Makanan olahan",
        "published",
    )
    candidate.refresh_from_db()
    assert candidate.product == product

    # Until it is proposed, the village stays on the list of villages without a product, as registered.
    row = exploration_list_row_of_pulo(officer)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Calon produk sudah terdaftar")

    # 2. ... proposed from the village's page: it joins the open round.
    row.get_by_role("link", name="Pulo", exact=True).click()
    officer_proposes_the_product_in_the_open_round(officer, round)
    proposal = Designation.objects.get(product=product)
    assert (proposal.status, proposal.round, proposal.year, proposal.proposed_by) == (
        Designation.Status.PROPOSED,
        round,
        today.year,
        officer_a,
    )

    row = exploration_list_row_of_pulo(officer)
    expect(row).to_have_count(0)
    expect(officer.locator("main")).to_contain_text("Tidak ada desa yang cocok.")

    # 3. The Dinas decides the round, prints the decree's attachment and the certificate.
    official = pages.new()
    log_in(official, dinas.username)
    dinas_decides_the_round(official, round, today)
    round.refresh_from_db()
    assert round.is_decided
    decree = Decree.objects.get(round=round)
    assert (decree.number, decree.decree_date, decree.signed_by_name, decree.signed_by_title) == (
        DECREE_NUMBER,
        today,
        SIGNER_NAME,
        SIGNER_TITLE,
    )
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decree, proposal.decree_number, proposal.decided_by) == (
        Designation.Status.APPROVED,
        decree,
        DECREE_NUMBER,
        dinas,
    )
    assert list(decree.attachment_designations()) == [proposal]

    dinas_prints_the_decree_attachment(official, round, today)
    verification_url = dinas_opens_the_certificate(official, live, round, today, proposal)

    # 4. Anyone who scans the certificate sees the designation valid today, and nothing internal.
    visitor = pages.new()
    response = visitor.goto(verification_url)
    assert response.status == 200
    expect(visitor.locator("h1")).to_have_text("Verifikasi sertifikat produk unggulan")
    verdict = visitor.get_by_role("status")
    expect(verdict).to_have_text(f"Sah: penetapan ini berlaku per {indonesian_date(today)}.")
    expect(verdict).to_have_class(re.compile(r"\balert-success\b"))
    details = visitor.locator("main dl")
    expect(details).to_contain_text(CANDIDATE)
    expect(details).to_contain_text("Pulo")
    expect(details).to_contain_text("Ciruas")
    expect(details).to_contain_text(str(round.year))
    expect(details).to_contain_text(f"{DECREE_NUMBER}, tanggal {indonesian_date(today)}")
    main = visitor.locator("main")
    for internal in (officer_a.username, dinas.username, SIGNER_NAME, "Hasil penggalian potensi"):
        expect(main).not_to_contain_text(internal)
    visitor.screenshot(path=VERIFICATION_SCREENSHOT, full_page=True)

    assert pages.errors == []
    assert pages.blocked == []
