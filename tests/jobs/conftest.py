import pytest

IMMEDIATE = {
    "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}
}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def immediate_tasks(settings):
    """Tasks run at once inside the request, whatever OVOP_TASKS says."""
    settings.TASKS = IMMEDIATE


@pytest.fixture
def database_tasks(settings):
    """Tasks wait in the database for a worker (django-tasks-db)."""
    settings.TASKS = DATABASE


@pytest.fixture
def big_above_two(settings):
    """A file of three rows or more is a big one (runs as a job); an export of more than 20 rows too."""
    settings.OVOP_BACKGROUND_IMPORT_ROWS = 2
