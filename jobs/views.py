"""The official's background jobs: the list of recent ones, a job's progress (polled by htmx), its
result file and a retry. Only the job's owner sees it; to anyone else it does not exist (404)."""

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST, require_safe

from core.errors import Refused
from villages.access import official_required

from .models import Job
from .services import job_retry

RECENT_JOBS = 30
SHOWN_ERRORS = 500


def _own_job(request: HttpRequest, pk) -> Job:
    return get_object_or_404(Job.objects.for_owner(request.user), pk=pk)


@official_required
@require_safe
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = Job.objects.for_owner(request.user).for_list()[:RECENT_JOBS]
    return render(request, "jobs/job_list.html", {"jobs": jobs})


@official_required
@require_safe
def job_detail(request: HttpRequest, pk) -> HttpResponse:
    """The job's page; for htmx's poll (HX-Request), only its progress block."""
    job = _own_job(request, pk)
    template = "jobs/job_detail.html"
    if request.headers.get("HX-Request") == "true":
        template += "#progress"
    context = {"job": job, "errors": job.errors[:SHOWN_ERRORS], "more_errors": len(job.errors) > SHOWN_ERRORS}
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@official_required
@require_POST
def job_retry_view(request: HttpRequest, pk) -> HttpResponse:
    job = _own_job(request, pk)
    try:
        job_retry(job=job)
    except Refused as refusal:
        messages.error(request, refusal.message)
    return redirect(job)


@official_required
@require_safe
def job_download(request: HttpRequest, pk) -> HttpResponse:
    """The job's file, from private storage (through nginx when OVOP_PRIVATE_FILES_ACCEL is set)."""
    job = _own_job(request, pk)
    if not job.file or job.status != Job.Status.DONE:
        raise Http404
    filename = job.result.get("filename") or job.file.name.rsplit("/", 1)[-1]
    if settings.OVOP_PRIVATE_FILES_ACCEL:
        response = HttpResponse(content_type="application/octet-stream")
        response["X-Accel-Redirect"] = settings.OVOP_PRIVATE_FILES_ACCEL + quote(job.file.name)
        response["Content-Disposition"] = content_disposition_header(True, filename)
    else:
        try:
            handle = job.file.storage.open(job.file.name, "rb")
        except (FileNotFoundError, IsADirectoryError):
            raise Http404 from None
        response = FileResponse(handle, as_attachment=True, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response
