"""Who is signing in, and the password-reset form that tells nobody whether an address exists.

`client_address` is the one place that decides a visitor's address: django-axes counts sign-in
failures by it (AXES_CLIENT_IP_CALLABLE) and the password-reset throttle counts requests by it.
"""

import ipaddress
import logging
import threading
import unicodedata
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from datetime import timedelta
from functools import partial
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.views import PasswordResetView
from django.core.mail import EmailMultiAlternatives
from django.db import connection, connections, transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template import loader
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from villages.models import service_area_region

from .models import PasswordResetRequest

logger = logging.getLogger(__name__)

RESET_WINDOW = timedelta(hours=1)


def _valid_address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """The visitor's address: REMOTE_ADDR, or behind OVOP_PROXY_COUNT trusted proxies the entry the
    outermost of them appended to X-Forwarded-For.

    Each proxy appends the address it received the request from, so only the last OVOP_PROXY_COUNT
    entries were written by our proxies; whatever stands left of them the visitor wrote and may change
    at will, which would let a visitor escape the lockout by rotating it. A header that is missing,
    too short or malformed falls back to REMOTE_ADDR: lumping such requests with the proxy's address
    errs towards locking, never towards letting a guesser through.

    A callable rather than django-ipware: ipware's defaults read the left-most entry (the spoofable
    one), its proxy options have changed meaning across major versions, and the rule is ten lines."""
    remote = _valid_address(request.META.get("REMOTE_ADDR", "") or "")
    hops = getattr(settings, "OVOP_PROXY_COUNT", 0)
    if hops < 1:
        return remote
    entries = (request.META.get("HTTP_X_FORWARDED_FOR", "") or "").split(",")
    if len(entries) < hops:
        return remote
    return _valid_address(entries[-hops]) or remote


# Password reset ---------------------------------------------------------------------------------


class PasswordResetRequestForm(PasswordResetForm):
    email = forms.EmailField(
        label=_("Alamat e-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict,
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        """Through Django 6.1's default mailer (MAILERS), not the deprecated get_connection() that
        Django's own send_mail still goes through; a failure propagates to send_password_reset_mail,
        which logs it."""
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        message = EmailMultiAlternatives(subject, body, from_email, [to_email])
        if html_email_template_name is not None:
            message.attach_alternative(
                loader.render_to_string(html_email_template_name, context), "text/html"
            )
        message.send(using="default")


def _key(kind: str, value: str) -> str:
    # Keyed hashes: the throttle table holds no address anybody could read back.
    return salted_hmac(f"ovop.password-reset.{kind}", value, algorithm="sha256").hexdigest()


def _normalised_email(email: str) -> str:
    # As Django's reset form matches users: case-insensitively, after Unicode normalisation.
    return unicodedata.normalize("NFKC", email).casefold().strip()


class _MailQueue:
    """Sends reset e-mails on one background thread, after the response's transaction commits.

    The request itself then does the same work for a known and an unknown address (validate, count,
    queue the address); looking the address up, making the token and talking to the mail server, the
    slow and telling part, happens off the request. django.tasks would be the natural home, but its
    only bundled backend that runs anything (ImmediateBackend) runs the task inside enqueue(), in the
    request, which is exactly the timing difference to remove. One worker keeps a burst of requests
    from opening many mail connections; the executor's threads are joined at interpreter exit, so a
    graceful worker restart still sends what was queued."""

    def __init__(self) -> None:
        self._executor: ThreadPoolExecutor | None = None
        self._pending: set[Future] = set()
        self._lock = threading.Lock()

    def submit(self, job: Callable[..., None], *args: object) -> None:
        with self._lock:
            if self._executor is None:
                # Made on first use, so a forked app-server worker never inherits another's threads.
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="password-reset-mail")
            future = self._executor.submit(self._run, job, *args)
            self._pending.add(future)
        future.add_done_callback(self._done)

    @staticmethod
    def _run(job: Callable[..., None], *args: object) -> None:
        try:
            job(*args)
        finally:
            # The thread's own database connection: not left open between e-mails.
            connections.close_all()

    def _done(self, future: Future) -> None:
        with self._lock:
            self._pending.discard(future)

    def wait(self, timeout: float = 30) -> None:
        """Block until every queued e-mail is handled (for tests and management commands)."""
        with self._lock:
            pending = list(self._pending)
        wait(pending, timeout=timeout)


mail_queue = _MailQueue()


def _site_name() -> str:
    area = service_area_region()
    return f"OVOP {area.name}" if area is not None else "OVOP"


def send_password_reset_mail(email: str, language: str) -> None:
    """Mail a reset link to every active account with this address (none: nothing happens), in the
    language the visitor asked in.

    The link points at OVOP_PUBLIC_URL, never at the request's Host header: whoever asks for a reset
    may send any Host, and a link to their own server would hand them the victim's token."""
    public = urlsplit(settings.OVOP_PUBLIC_URL)
    try:
        with translation.override(language):
            form = PasswordResetRequestForm(data={"email": email})
            if form.is_valid():
                form.save(
                    domain_override=public.netloc,
                    use_https=public.scheme == "https",
                    subject_template_name="registration/password_reset_subject.txt",
                    email_template_name="registration/password_reset_email.html",
                    extra_email_context={"site_name": _site_name()},
                )
    except Exception:
        # Nobody waits on this thread: a failure is logged, never shown (that would tell who exists).
        logger.exception("Password reset e-mail could not be prepared or sent")


def _serialise_on(*keys: str) -> None:
    """Hold off other requests for the same visitor or address until this transaction ends.

    Count-then-insert alone lets a burst of parallel requests all count the same rows and all pass.
    SQLite already runs one writing transaction at a time (transaction_mode IMMEDIATE in settings);
    PostgreSQL takes a transaction-scoped advisory lock per key, in a fixed order so two requests
    sharing one key never wait on each other crosswise."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for key in sorted(set(keys)):
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int(key[:15], 16)])


@transaction.atomic
def password_reset_request(*, email: str, client: str | None, language: str) -> bool:
    """Queue a reset e-mail unless this address or this visitor asked too often in the last hour.

    Returns whether it was queued; the caller must answer the same either way."""
    limit = settings.OVOP_PASSWORD_RESET_LIMIT
    client_key = _key("client", client or "unknown")
    email_key = _key("email", _normalised_email(email))
    _serialise_on(client_key, email_key)
    now = timezone.now()
    since = now - RESET_WINDOW
    PasswordResetRequest.objects.filter(created_at__lt=since).delete()
    counts = PasswordResetRequest.objects.filter(created_at__gte=since).aggregate(
        by_client=Count("pk", filter=Q(client_key=client_key)),
        by_email=Count("pk", filter=Q(email_key=email_key)),
    )
    if counts["by_client"] >= limit or counts["by_email"] >= limit:
        logger.warning("Password reset throttled for a client or address")
        return False
    PasswordResetRequest.objects.create(client_key=client_key, email_key=email_key, created_at=now)
    transaction.on_commit(partial(mail_queue.submit, send_password_reset_mail, email, language))
    return True


class ThrottledPasswordResetView(PasswordResetView):
    """Django's reset form, answering every valid request with the same redirect to the same page:
    known or unknown address, throttled or not."""

    form_class = PasswordResetRequestForm

    def form_valid(self, form: PasswordResetRequestForm) -> HttpResponse:
        password_reset_request(
            email=form.cleaned_data["email"],
            client=client_address(self.request),
            language=translation.get_language(),
        )
        return HttpResponseRedirect(self.get_success_url())
