"""Keeps products' search text and flagship listing (derived data, like a cache) right whoever writes:
forms, admin, imports, scripts. The conventions allow signals for exactly this kind of upkeep.

And one announcement: `proposal_decided`, sent after a decision on a proposal commits, so that an app
above products (reminders: the e-mail to the proposer) can act on it without products importing it.
"""

from functools import partial

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal, receiver

from .models import Category, Designation, Producer, Product, SearchSynonym
from .search import search_refresh, synonyms_forget

# A proposal was approved or rejected (designation_approve, designation_reject, round_decide).
# Arguments: designation_id (int), status (the new Designation.Status). Sent once the deciding
# transaction commits, never for a decision rolled back.
proposal_decided = Signal()


def announce_decision(designation) -> None:
    """Call inside the deciding transaction. robust=True: the decision is committed by then, so a
    failing receiver is logged and does not turn the official's successful decision into an error."""
    transaction.on_commit(
        partial(
            proposal_decided.send,
            sender=type(designation),
            designation_id=designation.pk,
            status=designation.status,
        ),
        robust=True,
    )


@receiver(post_save, sender=Product)
def _product_saved(sender, instance: Product, created: bool, raw: bool = False, **kwargs) -> None:
    if not raw:
        search_refresh([instance.pk])
    if not raw and not created:  # a new product has no designation yet: its flag is False
        # A full save writes the flag as the instance read it, which a designation decided since may
        # have changed: read again from the designations, in the same transaction.
        Product.objects.filter(pk=instance.pk).refresh_flagship_listing()


@receiver(post_save, sender=Designation)
@receiver(post_delete, sender=Designation)
def _designation_changed(sender, instance: Designation, raw: bool = False, **kwargs) -> None:
    if not raw:
        Product.objects.filter(pk=instance.product_id).refresh_flagship_listing()


@receiver(m2m_changed, sender=Product.producers.through)
def _producers_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    if reverse and action == "pre_clear":  # producer.products.clear(): remember whom it concerns
        instance._search_cleared = list(instance.products.values_list("pk", flat=True))
    elif action in {"post_add", "post_remove", "post_clear"}:
        if not reverse:
            search_refresh([instance.pk])
        else:
            search_refresh(getattr(instance, "_search_cleared", []) if pk_set is None else pk_set)


@receiver(post_save, sender=Producer)
def _producer_saved(sender, instance: Producer, raw: bool = False, **kwargs) -> None:
    if not raw:
        search_refresh(instance.products.all())


@receiver(post_save, sender=Category)
def _category_saved(sender, instance: Category, raw: bool = False, **kwargs) -> None:
    if not raw:
        search_refresh(instance.products.all())


@receiver(post_save, sender=SearchSynonym)
@receiver(post_delete, sender=SearchSynonym)
def _synonyms_changed(sender, instance: SearchSynonym, **kwargs) -> None:
    # At once for this process's next read, and again on commit: a visitor searching between the write
    # and the commit would have cached the old table again.
    synonyms_forget()
    transaction.on_commit(synonyms_forget, robust=True)
