"""Background tasks of the product registry (Django's tasks framework). The scheduler (OVOP_SCHEDULE)
enqueues refresh_flagship_listing once a day."""

from django.tasks import task

from .models import Product


@task
def refresh_flagship_listing() -> int:
    """Every product's stored flagship flag read again from the designations: the signals keep it as
    the models write, this repairs what was written behind their back (a bulk update, SQL by hand, a
    partial restore). Touches only the products whose flag is wrong; returns how many."""
    return Product.objects.refresh_flagship_listing()
