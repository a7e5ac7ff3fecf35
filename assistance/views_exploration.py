"""Officials' pages for potential exploration (villages without a product, what a visit found, its
candidate products) and for flagships' success stories (issue 15, items 2 and 4)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.concurrency import EditConflict, save_versioned
from core.history import change_history
from core.pagination import paginate
from core.sorting import sort
from core.storage import STORAGE_FAILURE_MESSAGE, is_storage_failure, log_storage_failure
from products.access import product_for_official
from products.models import Product
from villages.access import official_required, village_for_official
from villages.models import Village
from villages.roles import scope_of

from . import services
from .access import exploration_for_official
from .forms_exploration import CandidateFormSet, ExplorationForm, SuccessStoryForm, VillageExplorationFilter
from .models import Exploration, ExplorationCandidate, SuccessStory
from .selectors import (
    ExplorationState,
    exploration_page,
    flagships_for_stories,
    public_success_story,
    villages_awaiting_product,
)

# The lists' sortable columns (core.sorting); the headers are in templates/assistance/exploration/.
EXPLORATION_VILLAGE_COLUMNS = {
    "village": ["name"],
    "district": ["district__name", "name"],
    "explored": ["last_explored_on"],
}
STORY_COLUMNS = {
    "product": ["name"],
    "village": ["village__name", "village__district__name"],
    "category": ["category__name", "name"],
}

# --- villages without a product ----------------------------------------------------------------------


@official_required
@require_safe
def exploration_villages(request: HttpRequest) -> HttpResponse:
    """The villages of the official's area without a product, each with its exploration state."""
    scope = scope_of(request.user)
    villages = villages_awaiting_product(Village.objects.for_scope(scope)).select_related("district")
    filter_form = VillageExplorationFilter(request.GET or None, scope=scope)
    if filter_form.is_bound:
        villages = filter_form.apply(villages)
    villages, sorting = sort(
        request, villages.order_by("district__name", "name", "code"), EXPLORATION_VILLAGE_COLUMNS, "code"
    )
    context = {
        "filter_form": filter_form,
        "page_obj": paginate(request, villages),
        "states": ExplorationState,
        "sorting": sorting,
    }
    return render(request, "assistance/exploration/village_list.html", context)


# --- explorations ------------------------------------------------------------------------------------


@official_required
def exploration_create(request: HttpRequest, code: str) -> HttpResponse:
    village = village_for_official(scope_of(request.user), code)
    return _exploration_form(request, Exploration(village=village), village)


@official_required
def exploration_update(request: HttpRequest, pk: int) -> HttpResponse:
    exploration = exploration_for_official(scope_of(request.user), pk)
    return _exploration_form(request, exploration, exploration.village)


def _exploration_form(request: HttpRequest, exploration: Exploration, village: Village) -> HttpResponse:
    is_new = exploration.pk is None
    form = ExplorationForm(
        request.POST or None,
        request.FILES or None,
        instance=exploration,
        village=village,
        explored_by=request.user,
        initial={"explored_on": timezone.localdate()} if is_new else None,
    )
    candidates = CandidateFormSet(request.POST or None, instance=exploration, prefix="kandidat")
    if request.method == "POST" and form.is_valid() and candidates.is_valid():
        try:
            save_versioned(
                form,
                lambda: services.exploration_record(
                    exploration=form.instance, photos=form.cleaned_data["photos"], candidates=candidates
                ),
            )
        except EditConflict:
            form.report_conflict()
        except OSError as error:
            if not is_storage_failure(error):
                raise
            log_storage_failure(error, "an exploration's photos")
            if is_new:  # rolled back with its photos: the form creates it again
                form.instance.pk = None
                form.instance._state.adding = True
            form.add_error(None, STORAGE_FAILURE_MESSAGE)
        else:
            messages.success(request, _("Penggalian potensi %(village)s tersimpan.") % {"village": village})
            return redirect(form.instance)
    context = {"form": form, "candidates": candidates, "village": village, "exploration": exploration}
    return render(request, "assistance/exploration/exploration_form.html", context)


@official_required
@require_safe
def exploration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    exploration = exploration_for_official(scope_of(request.user), pk)
    context = {
        **exploration_page(exploration),
        "change_history": change_history(
            Exploration.history.filter(id=exploration.pk),
            ExplorationCandidate.history.filter(exploration_id=exploration.pk),
        ),
    }
    return render(request, "assistance/exploration/exploration_detail.html", context)


# --- success stories ---------------------------------------------------------------------------------


@official_required
@require_safe
def story_list(request: HttpRequest) -> HttpResponse:
    """The flagships of the official's area, each with its success story's state."""
    products = flagships_for_stories(Product.objects.for_scope(scope_of(request.user)))
    products, sorting = sort(
        request, products.order_by("village__district__name", "village__name", "pk"), STORY_COLUMNS
    )
    context = {
        "page_obj": paginate(request, products),
        "statuses": dict(SuccessStory.Status.choices),
        "sorting": sorting,
    }
    return render(request, "assistance/exploration/story_list.html", context)


@official_required
def story_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Write or change a flagship's success story (one per product)."""
    product = product_for_official(scope_of(request.user), pk)
    story = SuccessStory.objects.filter(product=product).first() or SuccessStory(product=product)
    form = SuccessStoryForm(request.POST or None, instance=story, product=product, written_by=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            story = save_versioned(form)
        except EditConflict:
            form.report_conflict()
        else:
            messages.success(request, _("Kisah sukses %(product)s tersimpan.") % {"product": product.name})
            return redirect("assistance:story_edit", pk=product.pk)
    context = {
        "form": form,
        "product": product,
        "story": story,
        "is_flagship": story.pk is not None or story.product_is_flagship(),
        "preview": public_success_story(_as_public(product)) if story.pk else {"success_story": None},
        "change_history": change_history(SuccessStory.history.filter(product_id=product.pk)),
    }
    return render(request, "assistance/exploration/story_form.html", context)


def _as_public(product: Product) -> Product:
    """The product as the public page has it (with `is_flagship`): the preview shows what the public sees."""
    return Product.objects.public().with_public_flagship().filter(pk=product.pk).first() or product
