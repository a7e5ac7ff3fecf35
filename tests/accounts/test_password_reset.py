"""The password-reset flow tells nobody whether an address has an account (same answer, same work in
the request) and is throttled per visitor and per e-mail address."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import passwords as accounts
from accounts.models import PasswordResetRequest
from tests.postgres import another_session_waits_for_a_lock

RESET = "/accounts/password_reset/"
KNOWN = "petugas.ciruas@example.invalid"
UNKNOWN = "tidak.ada@example.invalid"


@pytest.fixture
def account(django_user_model):
    return django_user_model.objects.create_user("petugas-reset", KNOWN, "pw-lama-12345")


@pytest.fixture
def queued(monkeypatch):
    """What the request hands to the mail thread, instead of starting it."""
    jobs: list[tuple] = []
    monkeypatch.setattr(accounts.mail_queue, "submit", lambda job, *args: jobs.append((job, *args)))
    return jobs


@pytest.fixture
def mailed_at_once(monkeypatch):
    """The mail thread's job run in the test's own thread (and database transaction) once the request's
    transaction commits, so mail.outbox shows what would be sent."""

    def run(job, *args):
        job(*args)

    monkeypatch.setattr(accounts.mail_queue, "submit", run)


def ask(client, email: str, *, remote: str = "203.0.113.5", forwarded: str | None = None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(RESET, {"email": email}, **headers)


def answer(response) -> tuple:
    return response.status_code, response.get("Location"), response.content


@pytest.mark.django_db
def test_the_sign_in_page_links_to_the_password_reset_form(client):
    html = client.get(reverse("login")).content.decode()
    assert f'<a href="{reverse("password_reset")}">Lupa kata sandi?</a>' in html


@pytest.mark.django_db
def test_the_reset_pages_are_the_portals_indonesian_pages(client):
    form = client.get(RESET)
    assert form.status_code == 200
    html = form.content.decode()
    assert "Lupa kata sandi" in html and "Alamat e-mail" in html and "Kirim tautan" in html
    assert "Django" not in html  # not the admin's English page
    done = client.get(reverse("password_reset_done")).content.decode()
    assert "Periksa e-mail Anda" in done and "Django" not in done
    complete = client.get(reverse("password_reset_complete")).content.decode()
    assert "Kata sandi tersimpan" in complete and "Django" not in complete


@pytest.mark.django_db
def test_a_known_and_an_unknown_address_get_the_same_answer_and_the_same_work_in_the_request(
    client, account, queued, django_capture_on_commit_callbacks
):
    with CaptureQueriesContext(connection) as known_queries, django_capture_on_commit_callbacks(execute=True):
        known = ask(client, KNOWN)
    assert mail.outbox == []  # nothing is looked up or sent while the visitor waits
    with (
        CaptureQueriesContext(connection) as unknown_queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        unknown = ask(client, UNKNOWN, remote="198.51.100.7")

    assert answer(known) == answer(unknown) == (302, reverse("password_reset_done"), b"")
    assert client.get(known["Location"]).content == client.get(unknown["Location"]).content
    # The same statements in the request, none of them reading the accounts table.
    statements = [re.sub(r"'[^']*'|\b\d+\b", "?", q["sql"]) for q in known_queries.captured_queries]
    assert statements == [re.sub(r"'[^']*'|\b\d+\b", "?", q["sql"]) for q in unknown_queries.captured_queries]
    assert not [s for s in statements if "auth_user" in s]
    # Both hand the address to the same background job, the same way.
    assert queued == [
        (accounts.send_password_reset_mail, KNOWN, "id"),
        (accounts.send_password_reset_mail, UNKNOWN, "id"),
    ]
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_background_job_mails_a_known_address_and_nobody_for_an_unknown_one(account, settings):
    settings.OVOP_PUBLIC_URL = "https://ovop.example.go.id"
    accounts.send_password_reset_mail(UNKNOWN, "id")
    assert mail.outbox == []
    accounts.send_password_reset_mail(KNOWN.upper(), "id")
    assert [m.to for m in mail.outbox] == [[KNOWN]]
    message = mail.outbox[0]
    assert message.subject == "Kata sandi baru untuk Portal OVOP"
    assert "petugas-reset" in message.body
    assert re.search(r"https://ovop\.example\.go\.id/accounts/reset/[\w-]+/[\w-]+/", message.body)


@pytest.mark.django_db
def test_the_sixth_request_for_an_address_in_an_hour_sends_nothing_and_looks_the_same(
    client, account, mailed_at_once, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answers = [answer(ask(client, KNOWN, remote=f"203.0.113.{n}")) for n in range(5)]
    assert len(mail.outbox) == 5
    with django_capture_on_commit_callbacks(execute=True):
        sixth = answer(ask(client, KNOWN.upper(), remote="203.0.113.99"))  # another visitor, same address
    assert len(mail.outbox) == 5
    assert sixth == answers[0] == (302, reverse("password_reset_done"), b"")


@pytest.mark.django_db
def test_the_sixth_request_from_one_visitor_in_an_hour_sends_nothing_whatever_the_address(
    client, account, mailed_at_once, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(5):
            ask(client, f"orang{n}@example.invalid")
        sixth = ask(client, KNOWN)
    assert mail.outbox == []
    assert answer(sixth) == (302, reverse("password_reset_done"), b"")
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, KNOWN, remote="198.51.100.7")  # another visitor may still ask
    assert [m.to for m in mail.outbox] == [[KNOWN]]


@pytest.mark.django_db
def test_behind_the_proxy_the_reset_limit_counts_the_forwarded_visitor_not_the_proxy(
    client, account, mailed_at_once, settings, django_capture_on_commit_callbacks
):
    settings.OVOP_PROXY_COUNT = 1
    with django_capture_on_commit_callbacks(execute=True):
        # A visitor rotating the left-hand entry of X-Forwarded-For is still one visitor.
        for n in range(5):
            ask(
                client,
                f"orang{n}@example.invalid",
                remote="10.0.0.254",
                forwarded=f"192.0.2.{n}, 203.0.113.5",
            )
        ask(client, KNOWN, remote="10.0.0.254", forwarded="192.0.2.99, 203.0.113.5")
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, KNOWN, remote="10.0.0.254", forwarded="198.51.100.7")  # another visitor, same proxy
    assert [m.to for m in mail.outbox] == [[KNOWN]]


@pytest.mark.django_db
def test_requests_older_than_an_hour_no_longer_count_and_are_deleted(
    client, account, mailed_at_once, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            ask(client, KNOWN)
    PasswordResetRequest.objects.update(created_at=timezone.now() - timedelta(minutes=61))
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, KNOWN)
    assert len(mail.outbox) == 6
    assert PasswordResetRequest.objects.count() == 1


@pytest.mark.django_db
def test_the_throttle_keeps_no_readable_address(client, account, queued):
    ask(client, KNOWN)
    row = PasswordResetRequest.objects.values_list("client_key", "email_key").get()
    assert not any("example" in key or "203.0.113" in key for key in row)


@pytest.mark.django_db
@pytest.mark.parametrize("email", ["", "bukan-email", "a@b@c", "x" * 300 + "@example.invalid"])
def test_a_malformed_address_shows_the_form_again_with_an_indonesian_error_and_queues_nothing(
    client, queued, email
):
    response = ask(client, email)
    assert response.status_code == 200
    html = response.content.decode()
    assert "invalid-feedback" in html and "Enter a" not in html and "This field" not in html
    assert queued == [] and not PasswordResetRequest.objects.exists()


@pytest.mark.django_db
def test_a_reset_link_with_a_wrong_token_says_so_in_indonesian(client, account):
    response = client.get(reverse("password_reset_confirm", args=["MQ", "salah-token"]))
    assert response.status_code == 200
    assert "Tautan ini tidak berlaku" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_reset_mail_is_sent_after_the_response_and_its_link_sets_a_new_password(
    client, account, settings
):
    settings.OVOP_PUBLIC_URL = "https://ovop.example.go.id"
    assert ask(client, KNOWN).status_code == 302
    accounts.mail_queue.wait()
    assert len(mail.outbox) == 1
    link = re.search(r"https://ovop\.example\.go\.id(/accounts/reset/\S+)", mail.outbox[0].body).group(1)

    form_page = client.get(link, follow=True)
    assert "Buat kata sandi baru" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "sandi-baru-yang-kuat-7", "new_password2": "sandi-baru-yang-kuat-7"},
        follow=True,
    )
    assert "Kata sandi tersimpan" in done.content.decode()
    account.refresh_from_db()
    assert account.check_password("sandi-baru-yang-kuat-7")


@pytest.mark.django_db(transaction=True)
def test_an_unknown_address_sends_nothing_once_the_mail_thread_is_done(client, account):
    assert ask(client, UNKNOWN).status_code == 302
    accounts.mail_queue.wait()
    assert mail.outbox == []


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_requests_for_one_address_cannot_all_pass_the_limit(monkeypatch, settings):
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs two connections writing at once; SQLite's IMMEDIATE transactions (settings.py) take "
            "the single write lock at BEGIN, so the second request waits before it counts anything"
        )
    import threading

    settings.OVOP_PASSWORD_RESET_LIMIT = 1
    queued: list[str] = []
    monkeypatch.setattr(accounts.mail_queue, "submit", lambda job, email, *args: queued.append(email))
    # The first request stops after counting, before recording itself: the moment a second request
    # would count the same rows and pass too.
    counted, release = threading.Event(), threading.Event()
    create = PasswordResetRequest.objects.create

    def create_after_release(**fields):
        if threading.current_thread().name == "first":
            counted.set()
            assert release.wait(30), "the test never released the first request"
        return create(**fields)

    monkeypatch.setattr(PasswordResetRequest.objects, "create", create_after_release)
    second_done = threading.Event()

    def request(name: str, client: str) -> None:
        try:
            accounts.password_reset_request(email=KNOWN, client=client, language="id")
        finally:
            connection.close()
            if name == "second":
                second_done.set()

    first = threading.Thread(target=request, args=("first", "203.0.113.5"), name="first")
    second = threading.Thread(target=request, args=("second", "198.51.100.7"), name="second")
    first.start()
    assert counted.wait(30)
    second.start()
    # Until the second request either finished (it did not wait: the race is open) or waits on a lock.
    for _ in range(3000):
        if second_done.is_set() or another_session_waits_for_a_lock():
            break
        second_done.wait(0.01)
    release.set()
    first.join(30)
    second.join(30)
    assert queued == [KNOWN]
    assert PasswordResetRequest.objects.count() == 1


# End to end, the link's host, the language, the mailer ------------------------------------------------

PUBLIC_URL = "https://ovop.serangkab.go.id"
NEW_PASSWORD = "sandi-baru-yang-kuat-7"


def reset_link(message) -> str:
    """The path of the one reset link in the e-mail, checked to point at the portal's public address."""
    links = re.findall(r"(https?://[^/\s]+)(/accounts/reset/\S+)", message.body)
    assert len(links) == 1, message.body
    host, path = links[0]
    assert host == PUBLIC_URL
    return path


@pytest.mark.django_db
def test_a_forgotten_password_is_replaced_from_the_sign_in_page_to_signing_in_again(
    client, account, mailed_at_once, settings, django_capture_on_commit_callbacks
):
    settings.OVOP_PUBLIC_URL = PUBLIC_URL
    sign_in_page = client.get(reverse("login")).content.decode()
    reset_url = re.search(r'<a href="([^"]+)">Lupa kata sandi\?</a>', sign_in_page).group(1)
    assert "Alamat e-mail" in client.get(reset_url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(reset_url, {"email": KNOWN}, follow=True)
    assert "Periksa e-mail Anda" in sent.content.decode()
    [message] = mail.outbox
    assert message.to == [KNOWN] and message.subject == "Kata sandi baru untuk Portal OVOP"

    form_page = client.get(reset_link(message), follow=True)
    assert "Buat kata sandi baru" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert "Kata sandi tersimpan" in done.content.decode()

    old = client.post(reverse("login"), {"username": "petugas-reset", "password": "pw-lama-12345"})
    assert old.status_code == 200 and "_auth_user_id" not in client.session
    signed_in = client.post(reverse("login"), {"username": "petugas-reset", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302 and signed_in["Location"] == reverse("officials:home")
    assert client.session["_auth_user_id"] == str(account.pk)
    # The link was used: it cannot set a password a second time.
    again = client.get(reset_link(message), follow=True).content.decode()
    assert "Tautan ini tidak berlaku" in again


@pytest.mark.django_db
def test_an_unknown_address_gets_the_identical_pages_and_no_mail_even_when_the_job_runs(
    client, account, mailed_at_once, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(RESET, {"email": KNOWN}, follow=True, REMOTE_ADDR="203.0.113.5")
    with django_capture_on_commit_callbacks(execute=True):
        unknown = client.post(RESET, {"email": UNKNOWN}, follow=True, REMOTE_ADDR="198.51.100.7")
    assert known.redirect_chain == unknown.redirect_chain == [(reverse("password_reset_done"), 302)]
    assert known.content == unknown.content
    assert [m.to for m in mail.outbox] == [[KNOWN]]


@pytest.mark.django_db
def test_the_limit_follows_ovop_password_reset_limit(
    client, account, mailed_at_once, settings, django_capture_on_commit_callbacks
):
    settings.OVOP_PASSWORD_RESET_LIMIT = 2
    with django_capture_on_commit_callbacks(execute=True):
        answers = [answer(ask(client, KNOWN, remote=f"203.0.113.{n}")) for n in range(3)]
    assert len(mail.outbox) == 2
    assert answers[2] == answers[0] == (302, reverse("password_reset_done"), b"")
    assert PasswordResetRequest.objects.count() == 2  # the refused request is not counted either


@pytest.mark.django_db
def test_the_link_points_at_the_public_address_whatever_host_the_request_named(
    client, account, mailed_at_once, settings, django_capture_on_commit_callbacks
):
    """Host-header poisoning: a reset asked for through another name the server answers to (or a proxy
    passing the visitor's Host on) must not mail a link to that name."""
    settings.OVOP_PUBLIC_URL = PUBLIC_URL
    settings.ALLOWED_HOSTS = ["ovop.serangkab.go.id", "penyerang.example"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            RESET, {"email": KNOWN}, HTTP_HOST="penyerang.example", REMOTE_ADDR="203.0.113.5"
        )
    assert response.status_code == 302
    [message] = mail.outbox
    reset_link(message)
    assert "penyerang" not in message.body


@pytest.mark.django_db
def test_the_mail_is_in_the_language_the_visitor_chose_and_signed_with_the_service_area(
    client, account, mailed_at_once, settings, django_capture_on_commit_callbacks
):
    from villages.models import service_area_region

    settings.OVOP_PUBLIC_URL = PUBLIC_URL
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, KNOWN)
    [message] = mail.outbox
    assert message.subject == "A new password for the OVOP Portal"
    assert "Open this link to create a new password" in message.body
    assert "Buka tautan" not in message.body
    area = service_area_region()
    assert area is not None and f"OVOP {area.name}" in message.body
    reset_link(message)


@pytest.mark.django_db
def test_the_reset_mail_goes_through_mailers_without_djangos_deprecated_mail_api(
    account, settings, monkeypatch
):
    """Django's PasswordResetForm.send_mail sends through get_connection(), deprecated in 6.1 (and it
    warns once a project stops configuring the default mailer); ours sends through MAILERS."""
    from django.core import mail as django_mail
    from django.utils.deprecation import RemovedInDjango2028Warning

    def deprecated(*args, **kwargs):
        raise AssertionError("get_connection() is deprecated: send with using= a MAILERS alias")

    monkeypatch.setattr(django_mail, "get_connection", deprecated)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", RemovedInDjango2028Warning)
        accounts.send_password_reset_mail(KNOWN, "id")
    assert [m.to for m in mail.outbox] == [[KNOWN]]


# The password change pages (signed in) -------------------------------------------------------------


@pytest.mark.django_db
def test_an_official_changes_their_password_on_the_portals_own_pages(officer_a_client, officer_a):
    form = officer_a_client.get(reverse("password_change"))
    assert form.status_code == 200
    html = form.content.decode()
    assert "Ganti kata sandi" in html and "Menu petugas" in html  # the officials' layout
    assert "Django" not in html.replace("Admin Django", "")  # not the admin's page
    done = officer_a_client.post(
        reverse("password_change"),
        {"old_password": "pw-test-12345", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert done.redirect_chain == [(reverse("password_change_done"), 302)]
    assert "Kata sandi diganti" in done.content.decode()
    officer_a.refresh_from_db()
    assert officer_a.check_password(NEW_PASSWORD)
    assert officer_a_client.get(reverse("officials:home")).status_code == 200  # still signed in


@pytest.mark.django_db
def test_a_wrong_current_password_changes_nothing(officer_a_client, officer_a):
    response = officer_a_client.post(
        reverse("password_change"),
        {"old_password": "salah", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()
    officer_a.refresh_from_db()
    assert officer_a.check_password("pw-test-12345")


@pytest.mark.django_db
def test_the_password_change_pages_send_a_visitor_to_sign_in(client):
    for name in ("password_change", "password_change_done"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
