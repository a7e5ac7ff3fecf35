"""True attribution of assessments: the assessor's role on the day is stored (public pages name the
role, never the person), only the roles of OVOP_ASSESSOR_ROLES may assess, and an assessment date
cannot lie in the future, whichever path writes it."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.errors import Refused
from products import services
from products.models import Assessment, AssessmentCriterion, AssessorRole, assessor_role_label
from tests.factories import ProductFactory, UserFactory
from villages.roles import PETUGAS_DINAS

pytestmark = pytest.mark.django_db

OFFICERS_MAY_NOT = frozenset({"admin_dinas", "petugas_dinas"})


def full_marks() -> dict[int, int]:
    return {c.pk: c.max_points for c in AssessmentCriterion.objects.filter(is_active=True)}


def assess(user, on: datetime.date | None = None) -> Assessment:
    return services.assessment_record(
        product=ProductFactory(), assessor=user, assessed_on=on or timezone.localdate(), points=full_marks()
    )


def form_data(on: datetime.date) -> dict:
    return {"assessed_on": on.isoformat(), "notes": ""} | {
        f"criterion_{pk}": v for pk, v in full_marks().items()
    }


# --- the role is stored, as it was on the day ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "role"),
    [
        ("officer_a", AssessorRole.PETUGAS_KECAMATAN),
        ("dinas", AssessorRole.PETUGAS_DINAS),
        ("admin_user", AssessorRole.ADMIN_DINAS),
    ],
)
def test_an_assessment_stores_its_assessors_role(request, persona, role):
    assessment = assess(request.getfixturevalue(persona))
    assert assessment.assessor_role == role
    assert Assessment.objects.get().assessor_role == role


def test_an_officers_assessment_is_not_attributed_to_the_dinas(officer_a):
    assessment = assess(officer_a)
    assert assessment.assessor_role_label == "Petugas Kecamatan"
    assert "Dinas" not in assessment.assessor_role_label


def test_the_role_stays_as_it_was_when_the_assessor_is_promoted(officer_a):
    assessment = assess(officer_a)
    officer_a.groups.add(Group.objects.get(name=PETUGAS_DINAS))
    del officer_a._ovop_scope
    assert assess(officer_a).assessor_role == AssessorRole.PETUGAS_DINAS
    assessment.refresh_from_db()
    assert assessment.assessor_role == AssessorRole.PETUGAS_KECAMATAN


def test_an_officers_assessment_through_the_page_stores_their_role(officer_a_client):
    product = ProductFactory()
    response = officer_a_client.post(
        reverse("products:assessment_create", args=[product.pk]), form_data(timezone.localdate())
    )
    assert response.status_code == 302
    assert product.assessments.get().assessor_role == AssessorRole.PETUGAS_KECAMATAN


@pytest.mark.parametrize(
    ("value", "label"),
    [
        ("petugas_kecamatan", "Petugas Kecamatan"),
        ("petugas_dinas", "Petugas Dinas"),
        ("admin_dinas", "Admin Dinas"),
        ("", ""),
        ("bogus", ""),
    ],
)
def test_the_role_label_names_the_role_or_nothing(value, label):
    assert assessor_role_label(value) == label


# --- only the roles of the setting may assess ---------------------------------------------------------------


def test_a_role_outside_the_setting_is_refused_by_the_service(settings, officer_a):
    settings.OVOP_ASSESSOR_ROLES = OFFICERS_MAY_NOT
    with pytest.raises(Refused, match="Petugas Kecamatan tidak diizinkan"):
        assess(officer_a)
    assert not Assessment.objects.exists()


def test_a_role_in_the_setting_may_assess(settings, dinas):
    settings.OVOP_ASSESSOR_ROLES = OFFICERS_MAY_NOT
    assert assess(dinas).assessor_role == AssessorRole.PETUGAS_DINAS


def test_a_role_outside_the_setting_is_refused_on_the_page(settings, officer_a_client):
    settings.OVOP_ASSESSOR_ROLES = OFFICERS_MAY_NOT
    product = ProductFactory()
    response = officer_a_client.post(
        reverse("products:assessment_create", args=[product.pk]), form_data(timezone.localdate())
    )
    assert response.status_code == 200
    assert "tidak diizinkan menilai" in response.content.decode()
    assert not Assessment.objects.exists()


def test_someone_without_a_role_cannot_assess():
    with pytest.raises(Refused, match="Hanya petugas"):
        assess(UserFactory(username="tamu"))
    assert not Assessment.objects.exists()


def test_the_model_refuses_a_role_outside_the_setting_for_paths_that_skip_the_service(settings, officer_a):
    settings.OVOP_ASSESSOR_ROLES = OFFICERS_MAY_NOT
    assessment = Assessment(
        product=ProductFactory(),
        assessor=officer_a,
        assessed_on=timezone.localdate(),
        total_points=80,
        max_points=100,
        stars=4,
    )
    with pytest.raises(ValidationError, match="tidak diizinkan"):
        assessment.full_clean()
    assert assessment.assessor_role == AssessorRole.PETUGAS_KECAMATAN  # clean() fills it from the assessor


def test_an_existing_assessment_keeps_validating_when_the_setting_narrows(settings, officer_a):
    assessment = assess(officer_a)
    settings.OVOP_ASSESSOR_ROLES = OFFICERS_MAY_NOT
    assessment.full_clean()  # an edit of an older assessment (the admin) is not refused for its role


def test_the_database_refuses_an_unknown_role(officer_a):
    from django.db import IntegrityError, transaction

    assessment = assess(officer_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.filter(pk=assessment.pk).update(assessor_role="bupati")


# --- the date cannot lie in the future ----------------------------------------------------------------------


@pytest.mark.parametrize(("days_ahead", "accepted"), [(-1, True), (0, True), (1, False)])
def test_the_model_refuses_an_assessment_date_in_the_future(dinas, days_ahead, accepted):
    assessment = Assessment(
        product=ProductFactory(),
        assessor=dinas,
        assessed_on=timezone.localdate() + datetime.timedelta(days=days_ahead),
        total_points=80,
        max_points=100,
        stars=4,
    )
    if accepted:
        assessment.full_clean()
    else:
        with pytest.raises(ValidationError) as refused:
            assessment.full_clean()
        assert refused.value.message_dict == {"assessed_on": ["Tanggal penilaian tidak boleh di masa depan."]}


def test_the_service_refuses_an_assessment_date_in_the_future(dinas):
    with pytest.raises(Refused, match="masa depan"):
        assess(dinas, on=timezone.localdate() + datetime.timedelta(days=1))
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("value", ["bupati", "petugas_dinas,bupati", " , "])
def test_a_malformed_assessor_roles_setting_stops_start_up(value):
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update({"DJANGO_DEBUG": "true", "OVOP_ASSESSOR_ROLES": value})
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "OVOP_ASSESSOR_ROLES must list one or more of" in result.stderr


# --- what the public page says ----------------------------------------------------------------------------


def test_the_public_page_names_the_officers_role_not_the_dinas_nor_the_person(client, officer_a):
    assessment = assess(officer_a)
    product = assessment.product
    product.status = "published"
    product.save()
    html = client.get(product.get_public_url()).content.decode()
    assert "Dinilai oleh Petugas Kecamatan" in html
    assert "oleh Dinas" not in html
    assert officer_a.username not in html


def test_the_public_page_names_no_one_when_the_role_was_not_recorded(client, dinas):
    assessment = assess(dinas)
    Assessment.objects.filter(pk=assessment.pk).update(assessor_role="")
    product = assessment.product
    product.status = "published"
    product.save()
    html = client.get(product.get_public_url()).content.decode()
    assert "Dinilai " in html
    assert "Dinilai oleh" not in html
