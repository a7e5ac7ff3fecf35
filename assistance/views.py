from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from core.concurrency import EditConflict, save_versioned
from core.errors import Refused
from core.history import change_history
from core.pagination import paginate
from core.sorting import sort
from core.storage import STORAGE_FAILURE_MESSAGE, is_storage_failure, log_storage_failure
from products.access import producer_for_official, product_for_official
from products.models import Producer, Product
from villages.access import dinas_required, official_required, village_for_official
from villages.models import Village
from villages.roles import Scope, scope_of

from . import services
from .filters import ProgrammeFilter
from .forms import (
    DeliveryForm,
    FollowUpCloseForm,
    FollowUpRescheduleForm,
    OutcomeForm,
    ProgrammeForm,
    VisitForm,
)
from .models import Delivery, MentoringVisit, Programme, VisitPhoto
from .selectors import flagships_due_a_visit_sortable, product_timeline, village_timeline

# The sortable columns of the lists (core.sorting): the `?sort=` key and the fields it orders by.
PROGRAMME_COLUMNS = {
    "name": ["name"],
    "kind": ["kind"],
    "year": ["fiscal_year"],
    "funding": ["funding_source"],
    "budget": ["budget"],
    "delivered": ["delivered"],
    "remaining": ["remaining"],
    "villages": ["village_count"],
    "status": ["status"],
}
UNVISITED_COLUMNS = {
    "product": ["name"],
    "village": ["village__name", "village__district__name"],
    "designated": ["designated_on"],
    "visited": ["last_visit"],
}
OVERDUE_ACTION_COLUMNS = {
    "due": ["next_action_due"],
    "action": ["next_action"],
    "officer": ["officer__username"],
}


@official_required
def programme_list(request: HttpRequest) -> HttpResponse:
    programmes = Programme.objects.with_totals().order_by("-fiscal_year", "name", "pk")
    programmes, sorting = sort(request, programmes, PROGRAMME_COLUMNS)
    programme_filter = ProgrammeFilter(request.GET, queryset=programmes)
    context = {
        "filter": programme_filter,
        "page_obj": paginate(request, programme_filter.qs),
        "can_manage": scope_of(request.user).is_dinas,
        "sorting": sorting,
    }
    return render(request, "assistance/programme_list.html", context)


@official_required
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_object_or_404(Programme.objects.with_totals(), pk=pk)
    scope = scope_of(request.user)
    deliveries = programme.deliveries.for_scope(scope).for_programme_page()
    reached = programme.deliveries.live().aggregate(
        villages=Count("village", distinct=True), products=Count("product", distinct=True)
    )
    context = {
        "programme": programme,
        "deliveries": deliveries,
        "reached": reached,
        "percent": round(100 * programme.committed / programme.budget, 1) if programme.budget else 0,
        "can_manage": scope.is_dinas,
        # Deliveries' history follows the page's rule: only those to villages in the official's area.
        "change_history": change_history(
            Programme.history.filter(id=programme.pk),
            Delivery.history.filter(
                programme_id=programme.pk, village_id__in=Village.objects.for_scope(scope).values("pk")
            ),
        ),
    }
    return render(request, "assistance/programme_detail.html", context)


@dinas_required
def programme_create(request: HttpRequest) -> HttpResponse:
    return _programme_form(request, Programme(fiscal_year=timezone.localdate().year))


@dinas_required
def programme_update(request: HttpRequest, pk: int) -> HttpResponse:
    return _programme_form(request, get_object_or_404(Programme, pk=pk))


def _programme_form(request: HttpRequest, programme: Programme) -> HttpResponse:
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        try:
            programme = save_versioned(form, lambda: services.programme_save(programme=form.instance))
        except Refused as refusal:
            form.add_error("budget", refusal.message)
        except EditConflict:
            form.report_conflict()
        else:
            messages.success(request, _("Program %(name)s tersimpan.") % {"name": programme.name})
            return redirect(programme)
    return render(request, "assistance/programme_form.html", {"form": form, "programme": programme})


@dinas_required
def delivery_create(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_object_or_404(Programme, pk=pk)
    scope = scope_of(request.user)
    form = DeliveryForm(request.POST or None, scope=scope, initial={"delivered_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.delivery_record(
                programme=programme,
                officer=request.user,
                **{f: form.cleaned_data[f] for f in DeliveryForm.Meta.fields},
            )
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("Penyaluran dicatat."))
            return redirect(programme)
    return render(request, "assistance/delivery_form.html", {"form": form, "programme": programme})


@dinas_required
def delivery_update(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = get_object_or_404(Delivery.objects.select_related("programme"), pk=pk)
    form = DeliveryForm(request.POST or None, instance=delivery, scope=scope_of(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            save_versioned(
                form,
                lambda: services.delivery_update(
                    delivery=delivery, **{f: form.cleaned_data[f] for f in DeliveryForm.Meta.fields}
                ),
            )
        except Refused as refusal:
            form.add_error(None, refusal.message)
        except EditConflict:
            form.report_conflict()
        else:
            messages.success(request, _("Penyaluran diperbarui."))
            return redirect(delivery.programme)
    return render(
        request,
        "assistance/delivery_form.html",
        {"form": form, "programme": delivery.programme, "delivery": delivery},
    )


def _visit_form(request: HttpRequest, subject: Product | Producer) -> HttpResponse:
    form = VisitForm(
        request.POST or None,
        request.FILES or None,
        subject=subject,
        officer=request.user,
        initial={"visited_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_record(visit=form.instance, photos=form.cleaned_data["photos"])
        except OSError as error:
            if not is_storage_failure(error):
                raise
            log_storage_failure(error, "a mentoring visit's photos")
            form.instance.pk = None  # rolled back with its photos: the form creates it again
            form.instance._state.adding = True
            form.add_error(None, STORAGE_FAILURE_MESSAGE)
        else:
            messages.success(request, _("Kunjungan pendampingan dicatat."))
            return redirect(subject)
    return render(request, "assistance/visit_form.html", {"form": form, "subject": subject})


def visit_for_official(scope: Scope, pk: int) -> MentoringVisit:
    """A visit to a product or producer of the official's area; 404 for another area's visit."""
    return get_object_or_404(
        MentoringVisit.objects.for_scope(scope).select_related(
            "product__village__district", "producer__village__district", "officer"
        ),
        pk=pk,
    )


@official_required
def visit_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a visit and add photos to it: its author or a Dinas official only (403 for another
    officer of the area); the page shows the visit's history."""
    scope = scope_of(request.user)
    visit = visit_for_official(scope, pk)
    if not visit.may_be_corrected_by(request.user, is_dinas=scope.is_dinas):
        raise PermissionDenied
    subject = visit.subject
    form = VisitForm(
        request.POST or None, request.FILES or None, instance=visit, subject=subject, officer=visit.officer
    )
    if request.method == "POST" and form.is_valid():
        try:
            save_versioned(
                form, lambda: services.visit_record(visit=visit, photos=form.cleaned_data["photos"])
            )
        except EditConflict:
            form.report_conflict()
        else:
            messages.success(request, _("Kunjungan pendampingan diperbarui."))
            return redirect(subject)
    context = {
        "form": form,
        "subject": subject,
        "visit": visit,
        "change_history": change_history(
            MentoringVisit.history.filter(id=visit.pk), VisitPhoto.history.filter(visit_id=visit.pk)
        ),
    }
    return render(request, "assistance/visit_form.html", context)


def _back_to(request: HttpRequest, visit: MentoringVisit) -> str:
    """Where the official came from (the to-do list, the overdue list, ...), if it is this site's;
    the visited product's or producer's page otherwise."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return visit.subject.get_absolute_url()


def _follow_up_form(
    request: HttpRequest, pk: int, form_class: type[forms.Form], act, done: str
) -> HttpResponse:
    visit = visit_for_official(scope_of(request.user), pk)
    form = form_class(request.POST or None, visit=visit)
    if request.method == "POST" and form.is_valid():
        try:
            act(visit, form.cleaned_data)
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, done)
            return redirect(_back_to(request, visit))
    context = {"form": form, "visit": visit, "subject": visit.subject, "next": _back_to(request, visit)}
    return render(request, "assistance/visit_follow_up_form.html", context)


@official_required
def visit_follow_up_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a visit's agreed next action done (date, note): any official of the visit's area."""
    return _follow_up_form(
        request,
        pk,
        FollowUpCloseForm,
        lambda visit, data: services.visit_follow_up_close(
            visit=visit, done_on=data["done_on"], note=data["note"]
        ),
        _("Tindak lanjut ditandai selesai."),
    )


@official_required
def visit_follow_up_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a visit's agreed next action to a new due date, with the reason: any official of the area."""
    return _follow_up_form(
        request,
        pk,
        FollowUpRescheduleForm,
        lambda visit, data: services.visit_follow_up_reschedule(
            visit=visit, due_on=data["due_on"], reason=data["reason"]
        ),
        _("Tindak lanjut dijadwalkan ulang."),
    )


@official_required
def visit_create_for_product(request: HttpRequest, pk: int) -> HttpResponse:
    return _visit_form(request, product_for_official(scope_of(request.user), pk))


@official_required
def visit_create_for_producer(request: HttpRequest, pk: int) -> HttpResponse:
    return _visit_form(request, producer_for_official(scope_of(request.user), pk))


@official_required
def outcome_create(request: HttpRequest, pk: int) -> HttpResponse:
    product = product_for_official(scope_of(request.user), pk)
    today = timezone.localdate()
    form = OutcomeForm(
        request.POST or None,
        product=product,
        recorded_by=request.user,
        initial={"year": today.year, "quarter": (today.month - 1) // 3 + 1},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.outcome_record(outcome=form.instance)
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("Capaian dicatat."))
            return redirect(product)
    return render(request, "assistance/outcome_form.html", {"form": form, "product": product})


@official_required
def overdue(request: HttpRequest) -> HttpResponse:
    """Flagships due a visit (none in OVOP_MENTORING_DAYS days, counted from their designation if they
    were never visited since), and open agreed next actions past their (rescheduled) due date."""
    scope = scope_of(request.user)
    days = settings.OVOP_MENTORING_DAYS
    unvisited, unvisited_sorting = sort(
        request,
        flagships_due_a_visit_sortable(Product.objects.for_scope(scope), days).order_by("last_visit", "name"),
        UNVISITED_COLUMNS,
    )
    # The second table sorts by its own parameter: sorting one table keeps the other's order.
    actions, actions_sorting = sort(
        request,
        MentoringVisit.objects.for_scope(scope)
        .actions_overdue()
        .select_related("product__village", "producer__village", "officer")
        .order_by("next_action_due", "pk"),
        OVERDUE_ACTION_COLUMNS,
        parameter="sort_tl",
        page_parameter="page_tl",
    )
    # Each table pages by its own parameter: nationally tens of thousands of flagships may be due.
    context = {
        "days": days,
        # One query a table for its rows and total: the condition scans the country once, not twice.
        "unvisited": paginate(request, unvisited, single_query=True),
        "unvisited_sorting": unvisited_sorting,
        "actions": paginate(request, actions, parameter="page_tl", single_query=True),
        "actions_sorting": actions_sorting,
    }
    return render(request, "assistance/overdue.html", context)


@official_required
def village_timeline_page(request: HttpRequest, code: str) -> HttpResponse:
    village = village_for_official(scope_of(request.user), code)
    return render(
        request, "assistance/timeline.html", {"subject": village, "events": village_timeline(village)}
    )


@official_required
def product_timeline_page(request: HttpRequest, pk: int) -> HttpResponse:
    product = product_for_official(scope_of(request.user), pk)
    return render(
        request, "assistance/timeline.html", {"subject": product, "events": product_timeline(product)}
    )
