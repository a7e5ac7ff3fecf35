import pytest
from django.db import IntegrityError, transaction

from assistance.models import Programme

pytestmark = pytest.mark.django_db

VALID = {
    "name": "Redesain kemasan",
    "kind": Programme.Kind.PACKAGING,
    "fiscal_year": 2026,
    "budget": 30_000_000,
    "funding_source": Programme.Funding.APBD_REGENCY,
    "agency": "Disperindag",
    "status": Programme.Status.RUNNING,
}


@pytest.mark.parametrize("field", ["kind", "funding_source", "status"])
def test_the_database_refuses_a_programme_value_outside_its_choices(field):
    # Imports, the admin and scripts can skip the form's choice check: the database holds the rule.
    Programme.objects.create(**VALID)
    with pytest.raises(IntegrityError), transaction.atomic():
        Programme.objects.create(**{**VALID, field: "x"})
    assert Programme.objects.count() == 1
