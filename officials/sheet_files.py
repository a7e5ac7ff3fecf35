"""An uploaded spreadsheet kept between its preview and its import.

The bytes wait in the database (officials.models.HeldUpload), not in a server's temp folder: behind a load
balancer, the preview and the import may be answered by another app server than the upload, and a big
file's preview and import run on a worker (officials.spreadsheets, jobs). Reading and writing the files
themselves is core.spreadsheets.
"""

import datetime
import re
import secrets
from pathlib import Path

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Refused
from jobs.models import Job
from villages.roles import Scope, scope_of

from .models import HeldUpload

TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")
KEEP_UPLOADS = 5
UPLOAD_MAX_AGE_SECONDS = 24 * 60 * 60


def _remove_stale() -> None:
    cutoff = timezone.now() - datetime.timedelta(seconds=UPLOAD_MAX_AGE_SECONDS)
    HeldUpload.objects.filter(created_at__lt=cutoff).delete()


@transaction.atomic
def upload_store(request: HttpRequest, *, kind: str, name: str, data: bytes) -> str:
    """Keep the uploaded bytes under a random token that only this official can use. An official's
    oldest uploads beyond the last few are dropped, but not one a job of theirs is still working on."""
    _remove_stale()
    token = secrets.token_urlsafe(24)
    HeldUpload.objects.create(
        token=token, owner=request.user, kind=kind, name=Path(name or "").name[:200], data=data
    )
    jobs = Job.objects.for_owner(request.user).unfinished()
    busy = [ref for ref in jobs.values_list("params__ref", flat=True) if ref]
    kept = HeldUpload.objects.filter(owner=request.user).exclude(token__in=busy)
    kept = kept.order_by("-created_at", "-pk")
    HeldUpload.objects.filter(pk__in=list(kept.values_list("pk", flat=True)[KEEP_UPLOADS:])).delete()
    return token


def held_upload(owner, token: str | None) -> tuple[dict, bytes] | None:
    """The upload this token names, if `owner` made it and it is still there; None otherwise."""
    if not token or not TOKEN.fullmatch(token) or not owner.is_authenticated:
        return None
    cutoff = timezone.now() - datetime.timedelta(seconds=UPLOAD_MAX_AGE_SECONDS)
    held = HeldUpload.objects.filter(token=token, owner=owner, created_at__gte=cutoff).first()
    if held is None:
        return None
    return {"kind": held.kind, "name": held.name}, bytes(held.data)


def job_upload(job: Job) -> tuple[Scope, str, str, bytes]:
    """The scope of a job's owner (as it is now) and the upload the job works on: kind, name, bytes."""
    scope = scope_of(job.owner)
    upload = held_upload(job.owner, job.params.get("ref"))
    if upload is None or not scope.is_official:
        raise Refused(_("Unggahan ini tidak ditemukan atau sudah kedaluwarsa. Unggah berkasnya lagi."))
    meta, data = upload
    return scope, meta["kind"], meta["name"], data


def upload_load(request: HttpRequest, token: str | None) -> tuple[dict, bytes] | None:
    """The upload this token names, if this official made it and it is still there; None otherwise."""
    return held_upload(request.user, token)


def held_discard(owner, token: str) -> None:
    if token and TOKEN.fullmatch(token) and owner.is_authenticated:
        HeldUpload.objects.filter(token=token, owner=owner).delete()


def upload_discard(request: HttpRequest, token: str) -> None:
    held_discard(request.user, token)
