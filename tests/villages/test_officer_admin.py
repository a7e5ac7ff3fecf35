"""The user admin creates an officer in one step (account, role, kecamatan) and lists roles and areas."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import CIRUAS, KRAMATWATU, make_dinas, make_officer
from villages.models import District, OfficerArea
from villages.roles import ADMIN_DINAS, PETUGAS_DINAS, PETUGAS_KECAMATAN

User = get_user_model()
ADD_URL = reverse("admin:auth_user_add")
LIST_URL = reverse("admin:auth_user_changelist")


def add_data(**overrides):
    data = {
        "username": "petugas-baru",
        "usable_password": "true",
        "password1": "Sandi-yang-kuat-2026",
        "password2": "Sandi-yang-kuat-2026",
        "first_name": "Siti",
        "last_name": "Aminah",
        "email": "siti@example.invalid",
        "role": PETUGAS_KECAMATAN,
        "districts": [CIRUAS, KRAMATWATU],
    }
    return data | overrides


@pytest.mark.django_db
def test_add_form_asks_for_role_and_kecamatan(admin_client):
    response = admin_client.get(ADD_URL)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert {"role", "districts", "email", "first_name", "last_name"} <= set(form.fields)
    assert form.fields["role"].required
    codes = {str(code) for code, _ in form.fields["districts"].choices}
    assert CIRUAS in codes
    assert codes == set(District.objects.in_service_area().values_list("code", flat=True))


@pytest.mark.django_db
def test_creates_kecamatan_officer_in_one_step(admin_client):
    response = admin_client.post(ADD_URL, add_data())
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(username="petugas-baru")
    assert (user.email, user.first_name, user.last_name) == ("siti@example.invalid", "Siti", "Aminah")
    assert list(user.groups.values_list("name", flat=True)) == [PETUGAS_KECAMATAN]
    assert set(user.officer_areas.values_list("district_id", flat=True)) == {CIRUAS, KRAMATWATU}
    assert user.check_password("Sandi-yang-kuat-2026")


@pytest.mark.django_db
@pytest.mark.parametrize("role", [ADMIN_DINAS, PETUGAS_DINAS])
def test_creates_dinas_role_without_kecamatan(admin_client, role):
    response = admin_client.post(ADD_URL, add_data(role=role, districts=[]))
    assert response.status_code == 302
    user = User.objects.get(username="petugas-baru")
    assert list(user.groups.values_list("name", flat=True)) == [role]
    assert not user.officer_areas.exists()


@pytest.mark.django_db
def test_kecamatan_officer_without_kecamatan_is_refused(admin_client):
    response = admin_client.post(ADD_URL, add_data(districts=[]))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["districts"]
    assert errors == ["Petugas Kecamatan harus diberi sekurang-kurangnya satu kecamatan."]
    assert not User.objects.filter(username="petugas-baru").exists()


@pytest.mark.django_db
def test_dinas_role_with_kecamatan_is_refused(admin_client):
    response = admin_client.post(ADD_URL, add_data(role=PETUGAS_DINAS))
    assert response.status_code == 200
    assert "jangan pilih kecamatan" in response.context["adminform"].form.errors["districts"][0]
    assert not User.objects.filter(username="petugas-baru").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "overrides",
    [{"role": ""}, {"role": "Bukan Peran"}, {"districts": ["36.01.01"]}, {"districts": ["x\x00"]}],
)
def test_bad_role_or_kecamatan_is_refused(admin_client, overrides):
    response = admin_client.post(ADD_URL, add_data(**overrides))
    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) & {"role", "districts"}
    assert not User.objects.filter(username="petugas-baru").exists()


@pytest.mark.django_db
def test_change_form_still_edits_officer_areas(admin_client):
    officer = make_officer("petugas-lama", CIRUAS)
    area = officer.officer_areas.get()
    url = reverse("admin:auth_user_change", args=[officer.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    data = {
        "username": "petugas-lama",
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "groups": [Group.objects.get(name=PETUGAS_KECAMATAN).pk],
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "officer_areas-TOTAL_FORMS": "2",
        "officer_areas-INITIAL_FORMS": "1",
        "officer_areas-MIN_NUM_FORMS": "0",
        "officer_areas-MAX_NUM_FORMS": "1000",
        "officer_areas-0-id": area.pk,
        "officer_areas-0-user": officer.pk,
        "officer_areas-0-district": CIRUAS,
        "officer_areas-1-user": officer.pk,
        "officer_areas-1-district": KRAMATWATU,
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert set(officer.officer_areas.values_list("district_id", flat=True)) == {CIRUAS, KRAMATWATU}


@pytest.mark.django_db
def test_user_list_shows_role_and_kecamatan(admin_client):
    make_officer("petugas-dua", CIRUAS, KRAMATWATU)
    make_dinas("pejabat")
    response = admin_client.get(LIST_URL)
    content = response.content.decode()
    assert "Peran" in content and "Kecamatan" in content
    rows = {user.username: user for user in response.context["cl"].result_list}
    admin_site_user = response.context["cl"].model_admin
    assert admin_site_user.roles(rows["petugas-dua"]) == PETUGAS_KECAMATAN
    assert admin_site_user.districts(rows["petugas-dua"]) == "Ciruas, Kramatwatu"
    assert admin_site_user.roles(rows["pejabat"]) == PETUGAS_DINAS


@pytest.mark.django_db
def test_user_list_filters_by_role_and_kecamatan(admin_client):
    make_officer("petugas-ciruas", CIRUAS)
    make_officer("petugas-kramatwatu", KRAMATWATU)
    make_dinas("pejabat")

    def usernames(**params):
        response = admin_client.get(LIST_URL, params)
        assert response.status_code == 200
        return {user.username for user in response.context["cl"].result_list}

    assert usernames(role=PETUGAS_DINAS) == {"pejabat"}
    assert usernames(role=PETUGAS_KECAMATAN) == {"petugas-ciruas", "petugas-kramatwatu"}
    assert usernames(district=CIRUAS) == {"petugas-ciruas"}


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST_URL).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_user_list_query_count_does_not_grow_with_officers(admin_client):
    make_officer("petugas-0", CIRUAS)
    _list_queries(admin_client)  # the first request fills caches (content types, the session)
    one = _list_queries(admin_client)
    for n in range(1, 5):
        make_officer(f"petugas-{n}", CIRUAS, KRAMATWATU)
    assert OfficerArea.objects.count() == 9
    assert _list_queries(admin_client) == one


@pytest.mark.django_db
def test_wrong_password_message_does_not_repeat_username_label(client):
    user = User.objects.create_user("warga", password="pw-benar-123")
    assert user.pk
    response = client.post(
        reverse("login"),
        {"username": "warga", "password": "salah"},
        HTTP_ACCEPT_LANGUAGE="id",
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].non_field_errors())
    assert "nama pengguna" in errors
    assert "nama pengguna nama pengguna" not in errors
    assert errors.startswith("Masukkan nama pengguna dan sandi yang benar.")


@pytest.mark.django_db
def test_admin_wrong_password_message_does_not_repeat_username_label(client):
    User.objects.create_user("staf", password="pw-benar-123", is_staff=True)
    response = client.post(
        reverse("admin:login"), {"username": "staf", "password": "salah"}, HTTP_ACCEPT_LANGUAGE="id"
    )
    errors = " ".join(response.context["form"].non_field_errors())
    assert "nama pengguna" in errors and "nama pengguna nama pengguna" not in errors
