"""What the officials' pages keep of their own: spreadsheets held between preview and import."""

from django.conf import settings
from django.db import models


class HeldUpload(models.Model):
    """A spreadsheet to import (producers, products, legality documents, deliveries, visits or outcome
    figures) between its upload and its import (the import pages of officials.spreadsheets). Kept in
    the database, not in a server's temp folder, so that the preview
    and the import work whichever app server answers them; bound to the official who uploaded it."""

    token = models.CharField(max_length=32, unique=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    data = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.name


class VillageSummary(models.Model):
    """One village's programme figures, counted ahead by officials.summary so that the figures of a
    province or of the whole country are a grouped sum of these rows instead of a count of every
    village's designations, products, documents, assessments and visits on each view (issue 19).

    What a row says is what officials.selectors and assistance.situations would count live for the
    village on `SummaryState.computed_on`; the rules stay there, the rows only keep their results."""

    village = models.OneToOneField(
        "villages.Village", on_delete=models.CASCADE, primary_key=True, related_name="summary"
    )
    # The village's kecamatan, kept on the row so that areas are summed without a join: its code's
    # first 2 and 5 characters are the province's and the regency's (villages.models).
    district = models.ForeignKey("villages.District", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10)
    # Its place (copied from the village), for the centre of an area on the public coverage map.
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True)
    ovop_status = models.CharField(max_length=12)  # products.models.VillageStatus
    situation = models.CharField(max_length=12)  # assistance.models.Situation
    public_situation = models.CharField(max_length=12)  # products.selectors.public_situation
    first_year = models.PositiveSmallIntegerField(null=True)  # of its first approved designation
    awaiting = models.PositiveIntegerField(default=0)  # proposals waiting for a decision
    # Its flagship products (one, unless data changed behind the services' back), how many of them pass
    # each of the five completeness checks of officials.selectors, and how many sell online.
    flagships = models.PositiveIntegerField(default=0)
    with_foto = models.PositiveIntegerField(default=0)
    with_cerita = models.PositiveIntegerField(default=0)
    with_produsen = models.PositiveIntegerField(default=0)
    with_legalitas = models.PositiveIntegerField(default=0)
    with_penilaian = models.PositiveIntegerField(default=0)
    online = models.PositiveIntegerField(default=0)
    # Follow-ups: documents of its products and producers expired or expiring, products due for an
    # assessment, flagships overdue for a mentoring visit.
    expired = models.PositiveIntegerField(default=0)
    expiring = models.PositiveIntegerField(default=0)
    assessments_due = models.PositiveIntegerField(default=0)
    mentoring_overdue = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["ovop_status", "village"], name="summary_status_village")]

    def __str__(self) -> str:
        return str(self.village_id)


class SummaryState(models.Model):
    """When the village summaries were counted (one row): the area served, the day (expiry, due dates
    and a flagship's needs-help signals follow the day), and the figures version of core.caching at
    the start of the count. Rows are stale when any of the three has moved since."""

    area_code = models.CharField(max_length=13)
    version = models.BigIntegerField(null=True)
    computed_on = models.DateField()
    computed_at = models.DateTimeField()
    seconds = models.FloatField(default=0)
    market_areas = models.PositiveIntegerField(default=0)  # distinct cities/regions reached, all flagships
    # The home page's featured products and newest designations (catalogue.showcase), chosen with the
    # counts: ordering every flagship of the country takes longer than the rest of the page.
    featured = models.JSONField(default=list)
    newest = models.JSONField(default=list)
    # The rows summed per area of the deployment's level (officials.summary.area_figures), kept with
    # the counts: summing 83,762 rows took a tenth of a second on every page that shows them.
    figures = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"{self.area_code} {self.computed_at:%Y-%m-%d %H:%M}"
