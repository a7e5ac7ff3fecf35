"""The pages bench/profile_pages.py measures, with addresses and signed-in officials taken from the database
of the running deployment (OVOP_AREA_CODE decides what is public and what a Dinas official sees)."""

import fnmatch
from dataclasses import dataclass

# Searches of issue 19: a craft, a place (a kecamatan's name) and a misspelling of the craft.
SEARCHES = (("search-gerabah", "gerabah"), ("search-bulakan", "bulakan"), ("search-misspelt", "grabah"))
DINAS, OFFICER = "bench-profile-dinas", "bench-profile-kecamatan"


@dataclass(frozen=True)
class Page:
    name: str
    url: str
    who: str | None = None  # None: an anonymous visitor; else DINAS or OFFICER


def public_pages() -> list[Page]:
    from django.urls import reverse

    from products.models import Product

    product = (
        Product.objects.public()
        .filter(designations__isnull=False)
        .select_related("village__district")
        .order_by("pk")
        .first()
    ) or Product.objects.public().select_related("village__district").order_by("pk").first()
    pages = [
        Page("home", reverse("catalogue:home")),
        Page("catalogue", reverse("catalogue:list")),
        *(Page(name, f"{reverse('catalogue:list')}?q={query}") for name, query in SEARCHES),
    ]
    if product is not None:
        pages += [
            Page("product", product.get_public_url()),
            Page("village", reverse("catalogue:village_detail", kwargs={"code": product.village_id})),
            Page(
                "kecamatan",
                reverse("catalogue:district_detail", kwargs={"code": product.village.district_id}),
            ),
        ]
    return pages + [
        Page("map", reverse("catalogue:map")),
        Page("kecamatan-list", reverse("villages:district_list")),
        Page("desa-list", reverse("villages:village_list")),
    ]


def officials_pages() -> list[Page]:
    from django.urls import reverse

    return [
        Page("dashboard-dinas", reverse("officials:dashboard"), DINAS),
        Page("dashboard-kecamatan", reverse("officials:dashboard"), OFFICER),
        Page("products", reverse("products:product_list"), DINAS),
        Page("villages", reverse("officials:village_list"), DINAS),
        Page("producers", reverse("products:producer_list"), DINAS),
        Page("todo", reverse("officials:todo"), DINAS),
        Page("situations", reverse("officials:situations"), DINAS),
        Page("recap", reverse("officials:recap"), DINAS),
        Page("overdue", reverse("assistance:overdue"), DINAS),
    ]


def all_pages() -> list[Page]:
    return public_pages() + officials_pages()


def chosen(pages: list[Page], patterns: str | None) -> list[Page]:
    """The pages whose name matches one of the comma-separated shell patterns ("search-*,map")."""
    if not patterns:
        return pages
    wanted = [pattern.strip() for pattern in patterns.split(",") if pattern.strip()]
    return [page for page in pages if any(fnmatch.fnmatchcase(page.name, pattern) for pattern in wanted)]


def busiest_district() -> str:
    """The kecamatan of the service area with the most products: the officer's area."""
    from django.db.models import Count

    from villages.models import District

    district = (
        District.objects.in_service_area()
        .annotate(n=Count("villages__products"))
        .order_by("-n", "code")
        .values_list("code", flat=True)
        .first()
    )
    if district is None:
        raise SystemExit("no kecamatan in the service area: is the database loaded?")
    return district


def clients() -> dict[str | None, object]:
    """A test client per kind of visitor: anonymous, a Dinas official, a kecamatan officer (of the busiest
    kecamatan of the area). The officials are made in the database when missing."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from villages.models import OfficerArea
    from villages.roles import PETUGAS_DINAS, PETUGAS_KECAMATAN

    made: dict[str | None, object] = {None: Client()}
    for username, group in ((DINAS, PETUGAS_DINAS), (OFFICER, PETUGAS_KECAMATAN)):
        user, _ = get_user_model().objects.get_or_create(
            username=username, defaults={"first_name": "Bench", "last_name": "Profile"}
        )
        user.groups.add(Group.objects.get(name=group))
        if group == PETUGAS_KECAMATAN:
            OfficerArea.objects.filter(user=user).delete()
            OfficerArea.objects.create(user=user, district_id=busiest_district())
        client = Client()
        client.force_login(user)
        made[username] = client
    return made
