import pytest
from django.db import IntegrityError, transaction

from assistance.models import Programme
from tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("field", ["kind", "funding_source", "status"])
def test_the_database_refuses_a_programme_value_outside_its_choices(field):
    # Imports, the admin and scripts can skip the form's choice check: the database holds the rule.
    ProgrammeFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgrammeFactory(**{field: "x"})
    assert Programme.objects.count() == 1
