import gzip
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from villages.models import District, Province, Regency, Village

HEADER = "code,level,name,parent_code,kind,latitude,longitude,postal_code\n"
SMALL = HEADER + (
    "99,province,Provinsi Uji,,,-6.1,106.1,\n"
    "99.01,regency,Kabupaten Uji,99,kabupaten,-6.1,106.1,\n"
    "99.01.01,district,Kecamatan Satu,99.01,,-6.1,106.1,\n"
    "99.01.01.2001,village,Sukamaju,99.01.01,desa,-6.1,106.1,42111\n"
    "99.01.01.1002,village,Kota Lama,99.01.01,kelurahan,-6.2,106.2,42112\n"
)


def run(*args: str) -> str:
    out = StringIO()
    call_command("load_regions", *args, stdout=out)
    return out.getvalue()


def write(tmp_path: Path, text: str, name: str = "regions.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.django_db
def test_kabupaten_serang_has_29_kecamatan_and_326_villages():
    # The session fixture loaded 36.04 from the shipped national file.
    assert District.objects.filter(regency_id="36.04").count() == 29
    assert Village.objects.filter(district__regency_id="36.04").count() == 326


@pytest.mark.django_db
def test_bumijaya_is_a_desa_in_kecamatan_ciruas():
    bumijaya = Village.objects.select_related("district").get(code="36.04.09.2009")
    assert bumijaya.name == "Bumijaya"
    assert bumijaya.kind == Village.Kind.DESA
    assert bumijaya.district.name == "Ciruas"
    assert bumijaya.postal_code.isdigit() and len(bumijaya.postal_code) == 5
    assert bumijaya.latitude is not None


@pytest.mark.django_db
def test_bangka_barat_gives_6_kecamatan_and_66_villages_with_belo_laut_and_dendang():
    output = run("19.05")
    assert District.objects.filter(regency_id="19.05").count() == 6
    assert Village.objects.filter(district__regency_id="19.05").count() == 66
    assert Village.objects.get(code="19.05.01.2006").name == "Belo Laut"
    assert Village.objects.get(code="19.05.04.2005").name == "Dendang"
    assert "added 74" in output


@pytest.mark.django_db
def test_a_second_run_adds_nothing():
    before = Village.objects.count()
    output = run("36.04")
    assert Village.objects.count() == before
    assert "added 0, updated 0, unchanged 357" in output


@pytest.mark.django_db
def test_a_renamed_village_is_updated_in_place(tmp_path):
    run("99", "--file", write(tmp_path, SMALL))
    renamed = SMALL.replace("Sukamaju", "Sukamaju Jaya")
    output = run("99.01", "--file", write(tmp_path, renamed))
    assert Village.objects.get(code="99.01.01.2001").name == "Sukamaju Jaya"
    assert "added 0, updated 1, unchanged 4" in output


@pytest.mark.django_db
def test_a_village_gone_from_the_file_is_removed(tmp_path):
    run("99.01", "--file", write(tmp_path, SMALL))
    without = SMALL.replace("99.01.01.1002,village,Kota Lama,99.01.01,kelurahan,-6.2,106.2,42112\n", "")
    output = run("99.01", "--file", write(tmp_path, without))
    assert not Village.objects.filter(code="99.01.01.1002").exists()
    assert "removed 1" in output


@pytest.mark.django_db
def test_a_village_that_other_data_points_to_is_never_deleted(tmp_path):
    from tests.factories import ProductFactory

    run("99.01", "--file", write(tmp_path, SMALL))
    ProductFactory(village=Village.objects.get(code="99.01.01.1002"))
    without = SMALL.replace("99.01.01.1002,village,Kota Lama,99.01.01,kelurahan,-6.2,106.2,42112\n", "")
    output = run("99.01", "--file", write(tmp_path, without))
    assert Village.objects.filter(code="99.01.01.1002").exists()
    assert "removed 0, kept 1" in output
    assert "99.01.01.1002" in output


@pytest.mark.django_db
def test_dry_run_writes_nothing_but_reports_the_changes(tmp_path):
    output = run("99.01", "--dry-run", "--file", write(tmp_path, SMALL))
    assert "Would change: added 5" in output
    assert not Province.objects.filter(code="99").exists()
    assert not Village.objects.filter(code__startswith="99.").exists()


@pytest.mark.django_db
def test_reads_a_gzipped_file(tmp_path):
    path = tmp_path / "regions.csv.gz"
    path.write_bytes(gzip.compress(SMALL.encode()))
    run("99.01", "--file", str(path))
    assert Regency.objects.get(code="99.01").name == "Kabupaten Uji"


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["abc", "36.4", "3604", "36.04.09", "36.04.", ""])
def test_a_malformed_code_is_refused_with_a_clear_message(code):
    with pytest.raises(CommandError) as error:
        run(code)
    assert "code" in str(error.value) or "exactly one" in str(error.value)


@pytest.mark.django_db
def test_an_unknown_regency_is_refused():
    with pytest.raises(CommandError, match="no region with code 36.99"):
        run("36.99")


@pytest.mark.django_db
def test_a_code_and_all_together_are_refused():
    with pytest.raises(CommandError, match="exactly one"):
        run("36.04", "--all")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        ("99.01.01.20X1,village,Rusak,99.01.01,desa,,,\n", "not a valid village code"),
        ("99.01.02.2001,village,Yatim,99.01.02,desa,,,\n", "not in the file"),
        ("99.01.01.2003,village,Salah Induk,99.01.09,desa,,,\n", "expected '99.01.01'"),
        ("99.01.01.2004,village,Kode Pos,99.01.01,desa,,,4211\n", "malformed postal code"),
        ("99.01.01.2005,village,Koordinat,99.01.01,desa,abc,106,\n", "malformed coordinates"),
        ("99.01.01.2006,village,Jenis,99.01.01,dusun,,,\n", "unknown kind"),
        ("99.01.01.2001,village,Kembar,99.01.01,desa,,,\n", "appears twice"),
    ],
)
def test_a_bad_row_stops_the_load_and_writes_nothing(tmp_path, bad_line, message):
    with pytest.raises(CommandError, match=message):
        run("99.01", "--file", write(tmp_path, SMALL + bad_line))
    assert not Province.objects.filter(code="99").exists()


@pytest.mark.django_db
def test_a_missing_file_is_reported(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        run("99.01", "--file", str(tmp_path / "nope.csv"))
