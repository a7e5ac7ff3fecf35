import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from core.errors import Refused
from products import services
from products.models import Assessment, AssessmentCriterion, add_months, stars_for
from tests.factories import KRAMATWATU_VILLAGE, ProductFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)


@pytest.mark.parametrize(
    ("total", "stars"),
    [(100, 5), (90, 5), (89, 4), (70, 4), (69, 3), (60, 3), (59, 2), (50, 2), (49, 1), (0, 1)],
)
def test_star_bands_and_their_edges(total, stars):
    assert stars_for(total, 100) == stars


def test_star_bands_are_on_the_percentage_of_the_maximum():
    assert stars_for(45, 50) == 5
    assert stars_for(44, 50) == 4


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2023, 11, 23), 36, datetime.date(2026, 11, 23)),
        (datetime.date(2024, 2, 29), 36, datetime.date(2027, 2, 28)),
        (datetime.date(2026, 11, 23), -36, datetime.date(2023, 11, 23)),
        (datetime.date(2026, 1, 31), -2, datetime.date(2025, 11, 30)),
    ],
)
def test_adding_months_keeps_the_day_where_it_can(day, months, expected):
    assert add_months(day, months) == expected


def full_marks() -> dict[int, int]:
    return {c.pk: c.max_points for c in AssessmentCriterion.objects.filter(is_active=True)}


def test_the_seeded_rubric_has_the_five_ovop_criteria_totalling_100():
    criteria = AssessmentCriterion.objects.filter(is_active=True)
    assert criteria.count() == 5
    assert sum(c.max_points for c in criteria) == 100


def test_recording_an_assessment_computes_total_and_stars(dinas):
    product = ProductFactory()
    points = full_marks()
    first = next(iter(points))
    points[first] -= 15  # 85 of 100
    assessment = services.assessment_record(product=product, assessor=dinas, assessed_on=TODAY, points=points)
    assert (assessment.total_points, assessment.max_points, assessment.stars) == (85, 100, 4)
    assert assessment.scores.count() == 5
    assert assessment.valid_until == datetime.date(2029, 11, 23)


def test_a_score_outside_its_range_is_refused_and_nothing_is_written(dinas):
    points = full_marks()
    points[next(iter(points))] += 1
    with pytest.raises(Refused, match="harus antara 0 dan"):
        services.assessment_record(product=ProductFactory(), assessor=dinas, assessed_on=TODAY, points=points)
    assert not Assessment.objects.exists()


def test_the_database_refuses_a_score_above_its_maximum(dinas):
    assessment = services.assessment_record(
        product=ProductFactory(), assessor=dinas, assessed_on=TODAY, points=full_marks()
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        assessment.scores.update(points=999)


def test_validity_expires_after_36_months(dinas):
    assessment = services.assessment_record(
        product=ProductFactory(), assessor=dinas, assessed_on=datetime.date(2023, 11, 24), points=full_marks()
    )
    assert assessment.is_valid(on=TODAY)
    assert not assessment.is_valid(on=datetime.date(2026, 11, 24))


def test_a_changed_rubric_leaves_past_assessments_as_they_were(dinas):
    assessment = services.assessment_record(
        product=ProductFactory(), assessor=dinas, assessed_on=TODAY, points=full_marks()
    )
    AssessmentCriterion.objects.update(max_points=50)
    assessment.refresh_from_db()
    assert (assessment.total_points, assessment.max_points, assessment.stars) == (100, 100, 5)
    assert {s.max_points for s in assessment.scores.all()} != {50}


def test_due_list_has_missing_and_old_assessments_but_not_recent_ones_or_drafts(dinas):
    never = ProductFactory(name="Belum pernah")
    old = ProductFactory(name="Lama")
    recent = ProductFactory(name="Baru")
    ProductFactory(name="Draf", status="draft")
    for product, day in ((old, datetime.date(2023, 11, 23)), (recent, datetime.date(2023, 11, 24))):
        services.assessment_record(product=product, assessor=dinas, assessed_on=day, points=full_marks())
    from products.models import Product

    due = Product.objects.due_for_assessment(on=TODAY)
    assert {p.name for p in due} == {"Belum pernah", "Lama"}
    assert never in due


def test_an_official_scores_a_product_through_the_form(officer_a_client):
    product = ProductFactory()
    data = {"assessed_on": "2026-11-01", "notes": "Kemasan baru"}
    data.update({f"criterion_{pk}": str(points) for pk, points in full_marks().items()})
    response = officer_a_client.post(reverse("products:assessment_create", args=[product.pk]), data)
    assert response.status_code == 302
    assert product.assessments.get().stars == 5
    page = officer_a_client.get(product.get_absolute_url()).content.decode()
    assert "5★" in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"points": 99}, "lebih kecil dari atau sama dengan"),
        ({"points": -1}, "lebih besar dari atau sama dengan"),
        ({"points": "lima"}, "Masukkan keseluruhan angka"),
        ({"assessed_on": "2099-01-01"}, "masa depan"),
    ],
)
def test_bad_scores_are_refused_on_the_form(officer_a_client, change, message):
    product = ProductFactory()
    data = {"assessed_on": change.get("assessed_on", "2026-11-01")}
    data.update({f"criterion_{pk}": str(points) for pk, points in full_marks().items()})
    if "points" in change:
        data[f"criterion_{next(iter(full_marks()))}"] = str(change["points"])
    response = officer_a_client.post(reverse("products:assessment_create", args=[product.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Assessment.objects.exists()


def test_an_officer_cannot_score_another_kecamatans_product(officer_a_client):
    product = ProductFactory(village_id=KRAMATWATU_VILLAGE)
    assert officer_a_client.get(reverse("products:assessment_create", args=[product.pk])).status_code == 404


def test_due_list_query_count_is_fixed(dinas_client, dinas, django_assert_num_queries):
    for n in range(4):
        product = ProductFactory()
        if n % 2:
            services.assessment_record(
                product=product, assessor=dinas, assessed_on=datetime.date(2020, 1, 1), points=full_marks()
            )
    with django_assert_num_queries(6):
        # 1 session, 2 user, 3 groups, 4 paginator count, 5 the products with last assessment,
        # village and kecamatan, 6 the served regency
        response = dinas_client.get(reverse("products:assessment_due"))
    assert len(response.context["page_obj"]) == 4
