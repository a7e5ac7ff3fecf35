import datetime
import zoneinfo

import pytest

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
# A Monday, after the reminder hour (07:00 Asia/Jakarta); data is dated relative to it.
MONDAY_MORNING = datetime.datetime(2026, 12, 14, 8, 0, tzinfo=JAKARTA)
TODAY = MONDAY_MORNING.date()


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=JAKARTA)


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture(autouse=True)
def _public_url_and_hour(settings):
    settings.OVOP_PUBLIC_URL = "https://ovop.example.go.id"
    settings.OVOP_REMINDER_HOUR = 7
    settings.OVOP_REMINDER_EXPIRY_DAYS = 90


def with_email(user, address: str | None = None):
    user.email = address or f"{user.username}@example.invalid"
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def officer_a(officer_a):
    return with_email(officer_a)


@pytest.fixture
def officer_b(officer_b):
    return with_email(officer_b)


@pytest.fixture
def dinas(dinas):
    return with_email(dinas)
