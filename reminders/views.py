from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from villages.access import official_required

from . import services
from .digest import digest_for
from .forms import ReminderPreferenceForm
from .models import ReminderPreference


@official_required
def preferences(request: HttpRequest) -> HttpResponse:
    """The official's reminders: how often the digest comes and in which language, with a preview of
    what the next one would list if it went out now."""
    preference, _created = ReminderPreference.objects.get_or_create(
        user=request.user, defaults={"language": translation.get_language() or ""}
    )
    form = ReminderPreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Pengaturan pengingat disimpan."))
        return redirect("reminders:preferences")
    now = timezone.now()
    frequency = preference.frequency
    digest = digest_for(request.user, now=now, since=services.digest_since(request.user, frequency, now))
    next_at = services.next_digest_at(request.user, frequency, now)
    context = {
        "form": form,
        "preference": preference,
        "digest": digest,
        "has_address": bool(services.channels_for(request.user)),
        "next_at": next_at,
        "due_now": next_at == now,
        "recent": request.user.sent_reminders.all()[:5],
    }
    return render(request, "reminders/preference_form.html", context)
