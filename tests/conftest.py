import importlib
from io import StringIO

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.utils import translation

from tests.factories import CIRUAS, KRAMATWATU, make_dinas, make_officer


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the portal's default language: a request in English activates English in
    the thread, and without this it leaked into the next test on the same worker (a command's
    message then came out in English, depending on the order xdist chose)."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Every persona and factory user has a password; the real hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database holds the real regions of Kabupaten Serang (36.04), loaded once."""
    with django_db_blocker.unblock():
        call_command("load_regions", "36.04", stdout=StringIO())


@pytest.fixture
def regions(transactional_db):
    """For transactional tests: a flush between them empties every table, including the rows the data
    migrations wrote (roles, categories, rubric), so put those back and load the regions again."""
    from django.apps import apps

    for module, function in [
        ("villages.migrations.0002_roles", "create_groups"),
        ("products.migrations.0002_seed_categories", "seed"),
        ("products.migrations.0004_seed_rubric", "seed"),
        ("products.migrations.0016_market_variants_synonyms", "english_category_names"),
        ("products.migrations.0016_market_variants_synonyms", "starter_synonyms"),
    ]:
        getattr(importlib.import_module(module), function)(apps, None)
    call_command("load_regions", "36.04", stdout=StringIO())


# Personas: an anonymous visitor, an officer of kecamatan A (Ciruas), one of kecamatan B
# (Kramatwatu), a Dinas official and an admin.
@pytest.fixture
def officer_a(db):
    return make_officer("petugas-ciruas", CIRUAS)


@pytest.fixture
def officer_b(db):
    return make_officer("petugas-kramatwatu", KRAMATWATU)


@pytest.fixture
def dinas(db):
    return make_dinas()


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser("admin", "admin@example.invalid", "pw-admin-123")


def _client_for(client_class, user):
    client = client_class()
    client.force_login(user)
    return client


@pytest.fixture
def officer_a_client(officer_a, client_class):
    return _client_for(client_class, officer_a)


@pytest.fixture
def officer_b_client(officer_b, client_class):
    return _client_for(client_class, officer_b)


@pytest.fixture
def dinas_client(dinas, client_class):
    return _client_for(client_class, dinas)


@pytest.fixture
def admin_client(admin_user, client_class):
    return _client_for(client_class, admin_user)


@pytest.fixture
def client_class():
    from django.test import Client

    return Client
