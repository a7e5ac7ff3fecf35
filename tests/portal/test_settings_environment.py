"""Numbers read from the environment: a value that is not one stops the start with the setting's name,
rather than reach PostgreSQL's options or a timeout as nonsense."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from ovop_portal.settings import env_float, env_int


def test_numbers_are_read_and_an_empty_value_keeps_the_default(monkeypatch):
    monkeypatch.setenv("OVOP_TEST_NUMBER", "12")
    assert env_int("OVOP_TEST_NUMBER", 3) == 12 and env_float("OVOP_TEST_NUMBER", 1.1) == 12.0
    monkeypatch.setenv("OVOP_TEST_NUMBER", " ")
    assert env_int("OVOP_TEST_NUMBER", 3) == 3 and env_float("OVOP_TEST_NUMBER", 1.1) == 1.1
    monkeypatch.delenv("OVOP_TEST_NUMBER")
    assert env_float("OVOP_TEST_NUMBER", 1.1) == 1.1


@pytest.mark.parametrize(
    ("read", "raw"),
    [(env_int, "1.5"), (env_int, "banyak"), (env_float, "nan"), (env_float, "inf"), (env_float, "satu")],
)
def test_a_value_that_is_no_number_stops_the_start_naming_the_setting(monkeypatch, read, raw):
    monkeypatch.setenv("OVOP_TEST_NUMBER", raw)
    with pytest.raises(ImproperlyConfigured, match=f"OVOP_TEST_NUMBER must be .*not '{raw}'"):
        read("OVOP_TEST_NUMBER", 1)
