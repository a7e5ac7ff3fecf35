"""Serving private files (legality scans, decree scans) to the officials whose area they concern.

Scans never sit under MEDIA_ROOT, so the web server cannot hand them out by URL. This view checks
the official's scope through the same loader as every other legality page (another area: 404), then
either lets nginx send the file (X-Accel-Redirect to an `internal` location, so a gunicorn worker is
not held for the download) or streams it itself in development.
"""

from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from core.scans import content_type_for
from villages.access import official_required
from villages.roles import scope_of

from .access import decree_for_official, legality_for_official
from .models import Decree, LegalityDocument


def _download_name(document: LegalityDocument) -> str:
    """A name built from what the page already shows, never the uploaded name."""
    extension = document.scan.name.rsplit(".", 1)[-1].lower() if "." in document.scan.name else "bin"
    number = slugify(document.number)[:40] or "dokumen"
    return f"{document.kind}-{number}-{document.pk}.{extension}"


def _private_response(file, download_name: str) -> HttpResponse:
    name = file.name
    storage = file.storage
    content_type = content_type_for(name)
    if settings.OVOP_PRIVATE_FILES_ACCEL:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.OVOP_PRIVATE_FILES_ACCEL + quote(name)
    else:
        try:
            handle = storage.open(name, "rb")
        except (FileNotFoundError, IsADirectoryError):
            raise Http404 from None
        response = FileResponse(handle, content_type=content_type)
    # A checked image is shown in the browser. A PDF may carry scripts for the reader, so it is
    # downloaded and opened by the official's PDF reader, outside the portal's origin.
    disposition = "inline" if content_type in ("image/jpeg", "image/png") else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{download_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # Should a file ever be treated as a page, it runs nothing and loads nothing.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


@official_required
@require_safe
def legality_scan(request: HttpRequest, pk: int) -> HttpResponse:
    document = legality_for_official(scope_of(request.user), pk)
    if not document.scan:
        raise Http404
    return _private_response(document.scan, _download_name(document))


@official_required
@require_safe
def decree_scan(request: HttpRequest, pk: int) -> HttpResponse:
    """The signed decree of round `pk`, for the Dinas and for officers whose area it designates in."""
    decree = decree_for_official(scope_of(request.user), pk)
    if not decree.scan:
        raise Http404
    return _private_response(decree.scan, f"sk-{decree.round.year}-{decree.pk}.pdf")


@official_required
@require_safe
def private_file(request: HttpRequest, name: str) -> HttpResponse:
    """The URL private storage gives a file (the admin's link): found by name, then checked the same way."""
    pk = LegalityDocument.objects.filter(scan=name).values_list("pk", flat=True).first()
    if pk is not None:
        return legality_scan(request, pk)
    round_id = Decree.objects.filter(scan=name).values_list("round_id", flat=True).first()
    if round_id is not None:
        return decree_scan(request, round_id)
    raise Http404
