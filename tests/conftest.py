from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database holds the real regions of Kabupaten Serang (36.04), loaded once."""
    with django_db_blocker.unblock():
        call_command("load_regions", "36.04", verbosity=0, stdout=StringIO())


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser("admin", "admin@example.invalid", "pw-admin-123")


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client
