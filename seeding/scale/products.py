"""Products, their producers (UMKM) and the links between them; flagship designations."""

import datetime
import random
import uuid
from decimal import Decimal
from itertools import accumulate

from django.utils.text import slugify

from products.models import Designation, MarketArea, Producer, Product
from products.search import search_document
from villages.models import District, Village

from .plan import (
    Plan,
    PlannedProduct,
    PlannedVillage,
    day_between,
    moment,
    nib_number,
    round_to,
    weighted_choice,
)
from .tables import BATCH, Writer
from .vocabulary import (
    ADDRESS_PARTS,
    BUSINESS_WORDS,
    FIRST_NAMES,
    LAST_NAMES,
    MARKETS_BY_REACH,
    PRODUCER_KINDS,
    PRODUCT_KINDS,
    REACH_WEIGHTS,
    STORY_LINES,
    WHATSAPP_PREFIXES,
    WORKERS,
    ProductKind,
)

FLAGSHIP_SHARE, PROPOSED_SHARE, LISTED_SHARE = 0.70, 0.10, 0.08  # the rest: no product yet
FORMER_FLAGSHIP_SHARE = 0.10
REJECTED_SHARE = 0.30  # of the villages with a product but no designation
PRODUCER_COUNTS = {1: 10, 2: 25, 3: 30, 4: 20, 5: 15}  # weights: 3.05 producers per product


def _kind_weights(province: str) -> list[float]:
    """Kinds typical of the province weigh more; the others stay possible."""
    return [
        (6.0 if any(province.startswith(p) for p in kind.provinces) else 0.3) if kind.provinces else 1.0
        for kind in PRODUCT_KINDS
    ]


# -- products, producers and their links -----------------------------------------------------------


def products_create(plan: Plan) -> dict[str, int]:
    rng = plan.rng("products")
    Link = Product.producers.through
    producers, products = Writer(Producer, auto=False), Writer(Product, auto=False)
    links = Writer(Link, auto=False)
    areas = Writer(MarketArea, auto=False)  # the cities and regions each product reaches
    unsearchable: list[tuple[Product, list[Producer]]] = []  # products waiting for their search_text

    def flush() -> None:
        # The producers go first, so the database can say in which order it lists them.
        producers.flush()
        _search_text_fill(unsearchable)
        unsearchable.clear()
        products.flush()
        links.flush()
        areas.flush()

    districts: dict[str, District] = {}
    kind_weights: dict[str, list[float]] = {}
    producer_id = link_id = area_id = 0
    for village in plan.villages:
        draw = rng.random()
        if draw >= FLAGSHIP_SHARE + PROPOSED_SHARE + LISTED_SHARE:
            continue
        if draw < FLAGSHIP_SHARE:
            role = "flagship"
        elif draw < FLAGSHIP_SHARE + PROPOSED_SHARE:
            role = "proposed"
        else:
            role = "listed"
        weights = kind_weights.get(village.province)
        if weights is None:
            weights = kind_weights[village.province] = list(accumulate(_kind_weights(village.province)))
        plans = [(rng.choices(PRODUCT_KINDS, cum_weights=weights)[0], role)]
        if role == "flagship" and rng.random() < FORMER_FLAGSHIP_SHARE:
            former = rng.choices(PRODUCT_KINDS, cum_weights=weights)[0]
            if former.name != plans[0][0].name:
                plans.insert(0, (former, "former"))
        years = _years(plan, rng, [r for _, r in plans])
        district = districts.get(village.district)
        if district is None:
            district = districts[village.district] = District(
                code=village.district, name=village.district_name, regency_id=village.regency
            )
        place = Village(code=village.code, name=village.name, kind=village.kind, district=district)
        first = producer_id + 1
        count = rng.choices(list(PRODUCER_COUNTS), weights=list(PRODUCER_COUNTS.values()))[0]
        planned = [
            _plan_product(rng, len(plan.products) + n + 1, village, kind, role, years[n])
            for n, (kind, role) in enumerate(plans)
        ]
        rows = []
        for n in range(count):
            producer_id += 1
            rows.append(_producer(rng, producer_id, village, planned[0], n))
            plan.producer_has_nib.append(bool(rows[-1].nib))
            producers.add(rows[-1])
        for product in planned:
            # A former flagship was made by (most of) the same producers as the current one.
            linked = rows if product.role != "former" else rows[: max(1, count - 1)]
            product.producer_first, product.producer_count = first, len(linked)
            plan.products.append(product)
            row = _product(plan, rng, product, place)
            unsearchable.append((row, linked))
            products.add(row)
            for name in row.market_area_names:
                area_id += 1
                areas.add(MarketArea(id=area_id, product_id=product.id, name=name))
            for producer in linked:
                link_id += 1
                links.add(Link(id=link_id, product_id=product.id, producer_id=producer.pk))
            if product.role != "former":
                village.main_product = product.id
        if len(producers.pending) >= BATCH:
            flush()
    flush()
    return {
        "products": products.written,
        "producers": producers.written,
        "product-producer links": links.written,
        "market areas": areas.written,
    }


def _years(plan: Plan, rng: random.Random, roles: list[str]) -> list[int]:
    """The designation year of a flagship (and of the flagship it replaced), else of registration."""
    role = roles[-1]
    if role == "flagship":
        year = rng.randint(2019 if len(roles) > 1 else 2016, plan.year)
        if rng.random() < 0.5:  # recent designations weigh more
            year = rng.randint(max(year, plan.year - 3), plan.year)
        return [rng.randint(2012, year - 2), year] if len(roles) > 1 else [year]
    return [plan.year if role == "proposed" else rng.randint(plan.year - 5, plan.year - 1)]


def _plan_product(rng, pk, village, kind: ProductKind, role: str, year: int) -> PlannedProduct:
    # Registered before its designation year (or, for the others, in the year given).
    if role in ("flagship", "former", "proposed"):
        start, end = datetime.date(year - 2, 1, 1), datetime.date(year - 1, 12, 31)
    else:
        start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    low, high = kind.price
    return PlannedProduct(
        id=pk,
        village=village,
        kind=kind,
        name=f"{kind.name} {village.name}"[:150],
        role=role,
        producer_first=0,
        producer_count=0,
        created=moment(day_between(rng, start, end), rng),
        price=round_to(rng.uniform(low, (low + high) / 2), 500),
        capacity=round_to(rng.uniform(*kind.capacity), 10),
        year=year,
    )


def _producer(rng, pk: int, village: PlannedVillage, product: PlannedProduct, n: int) -> Producer:
    kind = weighted_choice(rng, PRODUCER_KINDS)
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    word, words = product.kind.name.split()[0], rng.choice(BUSINESS_WORDS)
    business = {
        "perorangan": f"{word} {first}" if rng.random() < 0.6 else f"UD {words}",
        "kelompok": f"KUB {word} {words}",
        "usaha_kecil": f"CV {words} {village.name}",
        "koperasi": f"Koperasi {words} {village.name}",
        "bumdes": f"BUMDes {village.name} {words}",
    }[kind]
    latitude = longitude = None
    if village.latitude is not None and village.longitude is not None:
        latitude = village.latitude + Decimal(rng.randint(-9000, 9000)).scaleb(-6)
        longitude = village.longitude + Decimal(rng.randint(-9000, 9000)).scaleb(-6)
    low, high = WORKERS[kind]
    joined = product.created - datetime.timedelta(days=rng.randint(0, 400) + 30 * n)
    whatsapp = f"+62{rng.choice(WHATSAPP_PREFIXES)}{rng.randint(0, 10**8 - 1):08d}"
    return Producer(
        id=pk,
        business_name=business[:150],
        owner_name=f"{first} {last}" if kind == "perorangan" else f"Ketua: {first} {last}",
        kind=kind,
        village_id=village.code,
        address=f"{rng.choice(ADDRESS_PARTS)} {words}, RT {rng.randint(1, 15):03d}/RW "
        f"{rng.randint(1, 9):03d}, {village.name}",
        whatsapp=whatsapp if rng.random() < 0.8 else "",
        nib=nib_number(pk) if rng.random() < 0.7 else "",
        workers=rng.randint(low, high),
        year_started=rng.randint(min(1985, joined.year), joined.year),
        latitude=latitude,
        longitude=longitude,
        contact_consent=rng.random() < 0.6,
        is_demo=True,
        created_at=joined,
        updated_at=joined + datetime.timedelta(days=rng.randint(0, 30)),
    )


def _product(plan: Plan, rng, planned: PlannedProduct, place: Village) -> Product:
    kind, village = planned.kind, planned.village
    reach = weighted_choice(rng, REACH_WEIGHTS)
    published = {"flagship": 0.92, "former": 0.5, "proposed": 0.6, "listed": 0.4}[planned.role]
    story = (
        f"{planned.name} dibuat oleh {planned.producer_count} pelaku UMKM di {village.kind} "
        f"{village.name}, Kecamatan {village.district_name}. " + " ".join(rng.sample(STORY_LINES, 2))
    )
    markets = rng.sample(MARKETS_BY_REACH[reach], 2)
    row = Product(
        id=planned.id,
        name=planned.name,
        # Unique without a query: one product of a kind per village.
        slug=f"{slugify(planned.name)[:150]}-{village.code.replace('.', '')}",
        village=place,
        category=plan.categories[kind.category],
        story=story,
        raw_materials=kind.raw_materials,
        price_min=planned.price,
        price_max=round_to(planned.price * rng.uniform(1.0, 2.5), 500),
        price_unit=kind.price_unit,
        monthly_capacity=planned.capacity,
        capacity_unit=kind.unit,
        market_reach=reach,
        status=Product.Status.PUBLISHED if rng.random() < published else Product.Status.DRAFT,
        # The village's approved flagship (designations_create approves every "flagship"), as the
        # models' signals would store it (written in bulk, they do not run; tests/seeding checks it).
        listed_as_flagship=planned.role == "flagship",
        is_demo=True,
        created_at=planned.created,
        updated_at=planned.created + datetime.timedelta(days=rng.randint(0, 90)),
    )
    row.market_area_names = markets  # written by products_create, after the products
    return row


def _search_text_fill(rows: list[tuple[Product, list[Producer]]]) -> None:
    """Fill `search_text` as products.search.search_refresh would. search_document reads the
    producers through the relation, in Producer's default order (by name: the database's collation
    decides), so the database orders the producers just written and each product gets its own."""
    if not rows:
        return
    first = min(producer.pk for _, linked in rows for producer in linked)
    last = max(producer.pk for _, linked in rows for producer in linked)
    in_order = Producer._base_manager.filter(pk__range=(first, last)).order_by(*Producer._meta.ordering)
    rank = {pk: n for n, pk in enumerate(in_order.values_list("pk", flat=True))}
    for product, linked in rows:
        product._prefetched_objects_cache = {"producers": sorted(linked, key=lambda p: rank[p.pk])}
        product.search_text = search_document(product)
        del product._prefetched_objects_cache


# -- designations ----------------------------------------------------------------------------------


def designations_create(plan: Plan) -> dict[str, int]:
    rng = plan.rng("designations")
    writer = Writer(Designation)
    counts = dict.fromkeys(Designation.Status.values, 0)
    pk = 0
    for village in plan.villages:
        if not village.main_product:
            continue
        current = plan.products[village.main_product - 1]
        former = plan.products[current.id - 2] if current.id > 1 else None
        if former is None or former.role != "former" or former.village is not village:
            former = None
        officer = plan.officers[village.regency]
        if current.role == "flagship":
            pk += 1
            approved = _approved(plan, rng, pk, current, officer)
            writer.add(approved)
            counts["approved"] += 1
            if former:
                pk += 1
                ended = _approved(plan, rng, pk, former, officer)
                ended.status = Designation.Status.ENDED
                ended.ended_by_id, ended.ended_at = officer, approved.decided_at
                # As products.services.designation_approve words it.
                ended.end_reason = f"Digantikan oleh penetapan {current.name} (SK {approved.decree_number})."
                ended.replaced_by_id = approved.pk
                writer.add(ended)
                counts["ended"] += 1
        elif current.role == "proposed":
            pk += 1
            start = max(datetime.date(plan.year, 1, 2), current.created.date())
            writer.add(
                Designation(
                    id=pk,
                    verification_code=verification_code(rng),
                    village_id=village.code,
                    product_id=current.id,
                    status=Designation.Status.PROPOSED,
                    year=plan.year,
                    notes="Usulan hasil musyawarah desa.",
                    proposed_by_id=officer,
                    proposed_at=moment(day_between(rng, start, plan.reference), rng),
                )
            )
            counts["proposed"] += 1
        elif rng.random() < REJECTED_SHARE:
            pk += 1
            proposed_on = min(
                current.created.date() + datetime.timedelta(days=rng.randint(30, 300)),
                plan.reference - datetime.timedelta(days=60),
            )
            proposed_at = moment(proposed_on, rng)
            writer.add(
                Designation(
                    id=pk,
                    verification_code=verification_code(rng),
                    village_id=village.code,
                    product_id=current.id,
                    status=Designation.Status.REJECTED,
                    year=proposed_on.year,
                    proposed_by_id=officer,
                    proposed_at=proposed_at,
                    decided_by_id=officer,
                    decided_at=proposed_at + datetime.timedelta(days=rng.randint(14, 60)),
                    rejection_reason="Bahan baku belum berkelanjutan; produksi belum rutin.",
                )
            )
            counts["rejected"] += 1
    writer.flush()
    return {label: n for label, n in counts.items() if n}


def verification_code(rng) -> uuid.UUID:
    """A certificate's verification code drawn from the seed's generator, so that the same seed gives
    the same rows (the model's default is a fresh random UUID)."""
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _approved(plan: Plan, rng, pk: int, product: PlannedProduct, officer: int) -> Designation:
    year = product.year
    last = datetime.date(year, 4 if year == plan.year else 10, 28)  # decided by the reference day
    proposed_on = day_between(rng, datetime.date(year, 1, 2), last)
    decided_at = moment(proposed_on + datetime.timedelta(days=rng.randint(14, 60)), rng)
    return Designation(
        id=pk,
        verification_code=verification_code(rng),
        village_id=product.village.code,
        product_id=product.id,
        status=Designation.Status.APPROVED,
        year=year,
        notes="Usulan hasil musyawarah desa.",
        proposed_by_id=officer,
        proposed_at=moment(proposed_on, rng),
        decided_by_id=officer,
        decided_at=decided_at,
        decree_number=f"500.1/Kep.{rng.randint(1, 400)}-Huk/{year}",
        decree_date=decided_at.date(),
    )
