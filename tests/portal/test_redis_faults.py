"""Redis down, hung, or back with the data it saved before: pages still answer, a dead or hung Redis
costs no call once the breaker is open, no stale page comes back, and a signed-out session stays
signed out. Each test runs its own redis-server on a free port (never the shared one)."""

import os
import shutil
import signal
import socket
import subprocess
import threading
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.urls import reverse

from core import caching as page_cache
from tests.factories import ProductFactory

REDIS_SERVER = shutil.which("redis-server")
pytestmark = [
    pytest.mark.skipif(
        REDIS_SERVER is None, reason="redis-server is not installed (apt install redis-server)"
    ),
    pytest.mark.django_db,
]
BREAKER_FAILURES = 3
BREAKER_SECONDS = 30


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OwnRedis:
    """A redis-server of the test's own, that keeps its data in `directory` when told to SAVE."""

    def __init__(self, directory: Path):
        self.port = _free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.directory),
             "--dbfilename", "dump.rdb", "--save", "", "--appendonly", "no", "--daemonize", "no"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        # Wait for the server's own word that it listens (after loading its saved data), then keep
        # reading its log so that a full pipe never blocks it.
        for line in self.process.stdout:
            if "Ready to accept connections" in line:
                break
        else:
            raise RuntimeError(f"redis-server did not start (exit {self.process.wait()})")
        threading.Thread(target=self.process.stdout.read, daemon=True).start()

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_timeout=5)

    def save(self) -> None:
        self.client().save()

    def stop(self) -> None:
        self.process.terminate()  # no save points: what it keeps is the last SAVE
        self.process.wait(timeout=10)

    def hang(self) -> None:
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGCONT)
            self.process.kill()
            self.process.wait(timeout=10)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def own_redis(tmp_path):
    server = OwnRedis(tmp_path)
    server.start()
    yield server
    server.kill()


@pytest.fixture
def redis_cache(own_redis, settings):
    """The portal's production cache configuration, on the test's own Redis, with a breaker whose
    clock the test moves."""
    settings.CACHES = {
        "default": {
            "BACKEND": "ovop_portal.cache_backends.TolerantRedisCache",
            "LOCATION": own_redis.url,
            "KEY_PREFIX": "ovop",
            "OPTIONS": {
                "socket_connect_timeout": 0.1,
                "socket_timeout": 0.1,
                "BREAKER_FAILURES": BREAKER_FAILURES,
                "BREAKER_SECONDS": BREAKER_SECONDS,
            },
        }
    }
    backend = caches["default"]
    clock = FakeClock()
    backend.breaker.reset()
    backend.breaker._clock = clock
    yield clock
    backend.breaker.reset()
    page_cache._unconfirmed.clear()


@pytest.fixture
def redis_calls(monkeypatch):
    """Every command the portal sends to Redis, counted before it reaches the socket."""
    sent: list[str] = []
    original = redis.Redis.execute_command

    def counting(self, *args, **options):
        sent.append(str(args[0]))
        return original(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", counting)
    return sent


def _page(client, product) -> tuple[str, str]:
    response = client.get(product.get_public_url())
    assert response.status_code == 200
    return response["X-Cache"], response.content.decode()


# --- (a) an invalidation Redis could not confirm is not forgotten -----------------------------------


@pytest.mark.parametrize("outage", ["stopped", "hung"])
def test_a_write_during_an_outage_shows_when_redis_returns_with_its_saved_data(
    client, own_redis, redis_cache, outage
):
    product = ProductFactory(name="Nama Lama")
    assert _page(client, product)[0] == "miss"
    assert _page(client, product)[0] == "hit"
    version_before = page_cache.public_version()
    own_redis.save()  # Redis persists the old version and the old page
    own_redis.stop() if outage == "stopped" else own_redis.hang()

    product.name = "Nama Baru"
    product.save()  # the bump cannot reach Redis
    cache_state, html = _page(client, product)
    assert cache_state == "miss" and "Nama Baru" in html  # still answers, rendered afresh

    own_redis.kill()
    own_redis.start()  # back with the data it saved before the write
    saved_version = own_redis.client().get(f"ovop:1:{page_cache.VERSION_KEY}")
    assert int(saved_version) == version_before  # the past is back
    redis_cache.advance(BREAKER_SECONDS)  # let the breaker probe again

    cache_state, html = _page(client, product)
    assert "Nama Baru" in html and "Nama Lama" not in html
    assert _page(client, product) == ("hit", html)  # cached again, under a confirmed new version


def test_figures_are_not_served_from_a_redis_that_returns_with_its_saved_data(own_redis, redis_cache):
    computed = []

    def compute() -> dict:
        computed.append(1)
        return {"products": len(computed)}

    product = ProductFactory()
    assert page_cache.cached_figures("dashboard", "all", compute) == {"products": 1}
    own_redis.save()
    own_redis.stop()
    product.delete()  # the figures' bump cannot reach Redis
    assert page_cache.cached_figures("dashboard", "all", compute) == {"products": 2}
    own_redis.start()
    redis_cache.advance(BREAKER_SECONDS)
    assert page_cache.cached_figures("dashboard", "all", compute) == {"products": 3}
    assert page_cache.cached_figures("dashboard", "all", compute) == {"products": 3}  # cached again


def test_a_process_that_saw_redis_fail_clears_the_pages_when_it_returns(client, own_redis, redis_cache):
    """Another app server wrote while Redis was down: this process never knew of that write, but it
    saw Redis fail, so it bumps the versions when Redis returns with its old data."""
    product = ProductFactory(name="Nama Lama")
    _page(client, product)
    own_redis.save()
    own_redis.stop()
    product.name = "Nama Baru"
    product.save()
    page_cache._unconfirmed.clear()  # as if the write had been made by another server
    for _ in range(BREAKER_FAILURES):
        _page(client, product)  # this process meets the outage
    own_redis.start()
    redis_cache.advance(BREAKER_SECONDS)

    cache_state, html = _page(client, product)
    assert "Nama Baru" in html and "Nama Lama" not in html


# --- (b) sessions -------------------------------------------------------------------------------------


@pytest.mark.parametrize("outage", ["stopped", "hung"])
def test_a_signed_out_session_stays_signed_out_when_redis_returns_with_its_saved_data(
    client, dinas, own_redis, redis_cache, outage
):
    client.force_login(dinas)
    dashboard = reverse("officials:dashboard")
    assert client.get(dashboard).status_code == 200
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    own_redis.save()
    own_redis.stop() if outage == "stopped" else own_redis.hang()

    signed_out = client.post(reverse("logout"))

    assert signed_out.status_code == 302
    assert not Session.objects.filter(session_key=session_key).exists()
    own_redis.kill()
    own_redis.start()  # with whatever it held before the sign-out
    redis_cache.advance(BREAKER_SECONDS)
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key  # the old cookie, replayed
    response = client.get(dashboard)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- (c) a dead or hung Redis costs a few calls, then none --------------------------------------------


@pytest.mark.parametrize("outage", ["stopped", "hung"])
def test_once_the_breaker_opens_pages_answer_without_asking_redis(
    client, own_redis, redis_cache, redis_calls, outage
):
    product = ProductFactory(name="Gerabah")
    pages = [product.get_public_url(), reverse("catalogue:list"), reverse("catalogue:home")]
    for url in pages:
        client.get(url)
    own_redis.stop() if outage == "stopped" else own_redis.hang()
    redis_calls.clear()

    for _ in range(5):
        for url in pages:
            assert client.get(url).status_code == 200
    # Each page meets the outage once (its version read fails, so it neither reads nor stores a
    # page); after BREAKER_FAILURES failures in a row, Redis is not asked at all.
    assert len(redis_calls) == BREAKER_FAILURES
    redis_calls.clear()

    redis_cache.advance(BREAKER_SECONDS)
    client.get(pages[0])
    assert len(redis_calls) == 1  # one probe, which fails: open again
    redis_calls.clear()
    client.get(pages[1])
    assert redis_calls == []

    if outage == "hung":
        own_redis.resume()
    else:
        own_redis.start()
    redis_cache.advance(BREAKER_SECONDS)
    assert client.get(pages[0]).status_code == 200  # the probe succeeds: the breaker closes
    assert client.get(pages[0])["X-Cache"] == "hit"
    assert redis_calls
