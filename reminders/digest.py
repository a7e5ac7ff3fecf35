"""What a reminder digest lists for one official: what waits in their area (villages.roles.scope_of)
and the decisions on their own proposals. The rules of what is due belong to the apps that own them
(officials.selectors.todo_lists, products.models.legality, assistance.situations); this module only
reads them and turns each row into a line with an absolute link to where the official acts."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.links import public_url
from officials.selectors import TODO_ROWS, todo_lists
from products.models import Designation, LegalityDocument, Producer, Product
from products.models.legality import expired_q, expiring_q
from villages.roles import Scope, scope_of

from .models import SentReminder


def absolute_url(name: str, *args, query: str = "") -> str:
    """A link for an e-mail: the page's path on the portal's public address (core.links)."""
    return public_url(reverse(name, args=args)) + (f"?{query}" if query else "")


def _day(value: datetime.date) -> str:
    return formats.date_format(value, "j M Y")


@dataclass(frozen=True)
class Item:
    key: str  # stable across runs (kind:id): the sent log records which items a digest carried
    text: str
    detail: str
    url: str


@dataclass
class Section:
    key: str
    title: str
    items: list[Item]
    more_url: str = ""  # set when more rows wait than the digest lists


@dataclass
class Digest:
    sections: list[Section] = field(default_factory=list)

    @property
    def item_keys(self) -> list[str]:
        return [item.key for section in self.sections for item in section.items]

    @property
    def item_count(self) -> int:
        return len(self.item_keys)

    @property
    def is_empty(self) -> bool:
        return not self.item_count


def _capped(rows) -> tuple[list, bool]:
    rows = list(rows[: TODO_ROWS + 1])
    return rows[:TODO_ROWS], len(rows) > TODO_ROWS


def _proposals(scope: Scope) -> Section:
    """Proposals awaiting the Dinas's decision: a proposal of a round is decided on its round's page."""
    proposals, more = _capped(
        Designation.objects.for_scope(scope).for_awaiting_list().order_by("proposed_at", "pk")
    )
    items = []
    for proposal in proposals:
        proposer = proposal.proposed_by
        detail = _("diusulkan %(day)s oleh %(who)s") % {
            "day": _day(timezone.localdate(proposal.proposed_at)) if proposal.proposed_at else "–",
            "who": (proposer.get_full_name() or proposer.username) if proposer else "–",
        }
        if proposal.round_id:
            detail += " · " + _("putuskan lewat %(round)s") % {"round": proposal.round.name}
            url = absolute_url("products:round_detail", proposal.round_id)
        else:
            url = absolute_url("products:designation_approve", proposal.pk)
        items.append(
            Item(
                key=f"proposal:{proposal.pk}",
                text=_("%(product)s · %(village)s, Kec. %(district)s")
                % {
                    "product": proposal.product.name,
                    "village": proposal.village.name,
                    "district": proposal.village.district.name,
                },
                detail=detail,
                url=url,
            )
        )
    return Section(
        "proposals",
        _("Usulan menunggu keputusan"),
        items,
        absolute_url("products:designation_list") if more else "",
    )


def _decisions(user, since: datetime.datetime, now: datetime.datetime) -> Section:
    """Decisions on the official's own proposals since the last digest. One already announced by its
    own e-mail (reminders.services.decision_notice_send) is not repeated."""
    announced = set(
        SentReminder.objects.filter(
            user=user, kind=SentReminder.Kind.DECISION, status=SentReminder.Status.SENT
        ).values_list("key", flat=True)
    )
    decided = (
        Designation.objects.filter(proposed_by=user, decided_at__gt=since, decided_at__lte=now)
        .exclude(status=Designation.Status.PROPOSED)
        .select_related("product", "village")
        .order_by("decided_at", "pk")
    )
    items = []
    for designation in decided:
        key = f"decision:{designation.pk}"
        if key in announced:
            continue
        if designation.status == Designation.Status.REJECTED:
            detail = _("ditolak: %(reason)s") % {"reason": designation.rejection_reason or "–"}
        else:  # approved, possibly ended since
            detail = _("ditetapkan sebagai produk unggulan (SK %(number)s)") % {
                "number": designation.decree_number or "–"
            }
        items.append(
            Item(
                key=key,
                text=_("%(product)s · %(village)s")
                % {"product": designation.product.name, "village": designation.village.name},
                detail=detail,
                url=absolute_url("officials:product_detail", designation.product_id),
            )
        )
    return Section("decisions", _("Keputusan atas usulan Anda"), items[:TODO_ROWS])


def _documents(scope: Scope, today: datetime.date) -> Section:
    """Legality documents expired or expiring within OVOP_REMINDER_EXPIRY_DAYS (the legality rules of
    products.models.legality). As in the to-do list, a document belongs to a product or a producer:
    each side is read through its own index."""
    due = expired_q(today) | expiring_q(today, days=settings.OVOP_REMINDER_EXPIRY_DAYS)
    documents = [
        *LegalityDocument.objects.filter(due, product__in=Product.objects.for_scope(scope))
        .select_related("product")
        .order_by("expires_on", "pk")[: TODO_ROWS + 1],
        *LegalityDocument.objects.filter(due, producer__in=Producer.objects.for_scope(scope))
        .select_related("producer")
        .order_by("expires_on", "pk")[: TODO_ROWS + 1],
    ]
    documents, more = _capped(sorted(documents, key=lambda d: (d.expires_on, d.pk)))
    items = [
        Item(
            key=f"document:{document.pk}",
            text=f"{document} · {document.holder}",
            detail=(
                _("kedaluwarsa sejak %(day)s") if document.expires_on < today else _("berlaku sampai %(day)s")
            )
            % {"day": _day(document.expires_on)},
            url=absolute_url("products:legality_update", document.pk),
        )
        for document in documents
    ]
    return Section(
        "documents",
        _("Dokumen legalitas kedaluwarsa atau segera berakhir"),
        items,
        absolute_url("products:product_list", query="legality=expiring") if more else "",
    )


def _late(day: datetime.date, today: datetime.date) -> str:
    return " · " + _("terlambat") if day < today else ""


def _follow_ups(lists: dict) -> Section:
    today = lists["today"]
    items = [
        Item(
            key=f"follow_up:{visit.pk}",
            text=f"{visit.subject} · {visit.next_action}",
            detail=_("batas waktu %(day)s") % {"day": _day(visit.next_action_due)}
            + _late(visit.next_action_due, today),
            url=absolute_url("assistance:visit_follow_up_close", visit.pk),
        )
        for visit in lists["follow_ups"]
    ]
    more = absolute_url("assistance:overdue") if lists["more_follow_ups"] else ""
    return Section("follow_ups", _("Tindak lanjut kunjungan"), items, more)


def _flagships(lists: dict) -> Section:
    today = lists["today"]
    items = [
        Item(
            key=f"visit_due:{product.pk}",
            text=_("%(product)s · %(village)s") % {"product": product.name, "village": product.village.name},
            detail=_("kunjungan jatuh tempo %(day)s") % {"day": _day(product.visit_due_on)}
            + _late(product.visit_due_on, today),
            url=absolute_url("assistance:visit_create_for_product", product.pk),
        )
        for product in lists["flagships"]
    ]
    more = absolute_url("assistance:overdue") if lists["more_flagships"] else ""
    return Section("flagships", _("Produk unggulan yang perlu dikunjungi"), items, more)


def _villages(lists: dict) -> Section:
    items = [
        Item(
            key=f"village:{village.code}",
            text=_("%(village)s, Kec. %(district)s")
            % {"village": village.name, "district": village.district.name},
            detail="; ".join(str(reason) for reason in village.reasons),
            url=absolute_url("officials:village_registry", village.code),
        )
        for village in lists["villages"]
    ]
    more = absolute_url("officials:situations", query="situasi=needs_help") if lists["more_villages"] else ""
    return Section("villages", _("Desa yang perlu bantuan"), items, more)


def digest_for(user, *, now: datetime.datetime, since: datetime.datetime) -> Digest:
    """What waits for `user` at `now`; decisions count from `since` (the last digest). Strings come
    out in the active language: call it inside translation.override(the official's language)."""
    scope = scope_of(user)
    if not scope.is_official:
        return Digest()
    today = timezone.localdate(now)
    lists = todo_lists(scope, today)
    sections = [
        _proposals(scope) if scope.is_dinas else None,
        _decisions(user, since, now),
        _documents(scope, today),
        _follow_ups(lists),
        _flagships(lists),
        _villages(lists),
    ]
    # Never the same item twice in one digest, whichever sections would list it.
    seen: set[str] = set()
    digest = Digest()
    for section in sections:
        if section is None:
            continue
        section.items = [item for item in section.items if not (item.key in seen or seen.add(item.key))]
        if section.items:
            digest.sections.append(section)
    return digest
