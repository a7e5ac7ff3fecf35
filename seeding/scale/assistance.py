"""Assistance: programmes and their deliveries (never past a programme's budget), mentoring visits,
and quarterly outcome figures before and after a product's first assistance."""

import datetime

from assistance.models import Delivery, MentoringVisit, OutcomeRecord, Programme
from villages.models import Regency

from .plan import Plan, PlannedProduct, day_between, moment, round_to, split_total, weighted_choice
from .tables import Writer
from .vocabulary import FINDINGS, FUNDING_WEIGHTS, NEXT_ACTIONS, PROGRAMME_KINDS

# The country in data/wilayah/wilayah_id.csv.gz has 83,762 villages: at scale 1 it gets 500,000
# deliveries and about 100,000 mentoring visits; a subset of regions gets its share.
NATIONAL_VILLAGES = 83_762
DELIVERIES_PER_VILLAGE = 500_000 / NATIONAL_VILLAGES
VISITS_PER_VILLAGE = 1.2
OUTCOME_SHARE = 0.25  # of the flagships assisted, at scale 1
PROGRAMMES_PER_REGENCY_YEAR = 2


# -- programmes and deliveries ---------------------------------------------------------------------


def programmes_create(plan: Plan) -> dict[str, int]:
    """The programmes, each with the deliveries it will get planned now, so its budget can cover
    them: deliveries are written in the next stage, and never pass the budget."""
    rng = plan.rng("programmes")
    writer = Writer(Programme)
    regency_rows = {
        code: (name, province)
        for code, name, province in Regency.objects.filter(code__in=plan.regencies).values_list(
            "code", "name", "province__name"
        )
    }
    sizes = [len(plan.regencies[code]) for code in plan.regencies]
    totals = split_total(round(sum(sizes) * DELIVERIES_PER_VILLAGE * plan.scale), sizes)
    pk = 0
    for regency, total in zip(plan.regencies, totals, strict=True):
        name, province = regency_rows[regency]
        plans = []
        for year in plan.years:
            for kind in rng.sample(list(PROGRAMME_KINDS), PROGRAMMES_PER_REGENCY_YEAR):
                plans.append((year, kind))
        shares = split_total(total, [rng.uniform(0.7, 1.3) for _ in plans])
        for (year, kind), count in zip(plans, shares, strict=True):
            pk += 1
            title, unit, _ = PROGRAMME_KINDS[kind]
            unit = round_to(unit * rng.uniform(0.7, 1.4), 100_000)
            funding = weighted_choice(rng, FUNDING_WEIGHTS)
            # Every delivery is worth at most 1.5 units: the budget covers them all.
            budget = -(-int(max(count, 5) * unit * 1.5 * rng.uniform(1.0, 1.25)) // 10**6) * 10**6
            agency = {
                "apbd_kab": f"Disperindagkop {name}",
                "apbd_prov": f"Dinas Koperasi dan UKM Provinsi {province}",
                "apbn": "Kementerian Koperasi dan UKM",
                "dana_desa": "Pemerintah desa",
                "csr": "Mitra CSR",
                "lainnya": "Lembaga mitra",
            }[funding]
            created = moment(
                datetime.date(year - 1, 11, 1) + datetime.timedelta(days=rng.randint(0, 60)), rng
            )
            writer.add(
                Programme(
                    id=pk,
                    name=f"{title} {name} {year}"[:200],
                    kind=kind,
                    fiscal_year=year,
                    budget=budget,
                    funding_source=funding,
                    agency=agency[:150],
                    status=Programme.Status.CLOSED if year < plan.year else Programme.Status.RUNNING,
                    description=f"Program {kind} tahun anggaran {year} untuk desa-desa di {name}.",
                    is_demo=True,
                    created_at=created,
                    updated_at=created,
                )
            )
            plan.delivery_plan.append((pk, regency, kind, year, count, unit))
    writer.flush()
    return {"programmes": writer.written}


def deliveries_create(plan: Plan) -> dict[str, int]:
    rng = plan.rng("deliveries")
    writer = Writer(Delivery)
    counts = dict.fromkeys(Delivery.Status.values, 0)
    with_product = {
        regency: [v for v in villages if v.main_product] for regency, villages in plan.regencies.items()
    }
    pk = 0
    for programme, regency, kind, year, count, unit in plan.delivery_plan:
        villages, assisted = plan.regencies[regency], with_product[regency] or plan.regencies[regency]
        officer = plan.officers[regency]
        descriptions = PROGRAMME_KINDS[kind][2]
        start = datetime.date(year, 2, 1)
        end = datetime.date(year, 12, 15)
        for _ in range(count):
            pk += 1
            explore = kind == "penggalian"
            village = rng.choice(villages) if explore or rng.random() < 0.15 else rng.choice(assisted)
            product = plan.products[village.main_product - 1] if village.main_product else None
            if product is not None and (explore or rng.random() < 0.15):
                product = None
            producer = None
            if product is not None and rng.random() < 0.4:
                producer = product.producer_first + rng.randrange(product.producer_count)
            day = day_between(rng, start, end)
            if year < plan.year:
                status = "cancelled" if rng.random() < 0.05 else "delivered"
            else:
                status = "delivered" if day <= plan.reference else "planned"
                if rng.random() < 0.05:
                    status = "cancelled"
            counts[status] += 1
            first = product.first_assistance if product is not None else None
            if product is not None and status == "delivered" and (first is None or day < first):
                product.first_assistance = day
            created = moment(min(day, plan.reference), rng)
            writer.add(
                Delivery(
                    id=pk,
                    programme_id=programme,
                    village_id=village.code,
                    product_id=product.id if product else None,
                    producer_id=producer,
                    delivered_on=day,
                    value=min(round_to(unit * rng.uniform(0.5, 1.5), 50_000), unit * 3 // 2),
                    description=rng.choice(descriptions),
                    status=status,
                    officer_id=officer,
                    created_at=created,
                    updated_at=created,
                )
            )
    writer.flush()
    return {"deliveries": writer.written, **{label: n for label, n in counts.items() if n}}


# -- mentoring visits and outcome figures ----------------------------------------------------------


def visits_create(plan: Plan) -> dict[str, int]:
    rng = plan.rng("visits")
    writer = Writer(MentoringVisit)
    by_regency: dict[str, list[PlannedProduct]] = {}
    for product in plan.products:
        if product.role != "former":
            by_regency.setdefault(product.village.regency, []).append(product)
    sizes = [len(plan.regencies[code]) for code in plan.regencies]
    totals = split_total(round(sum(sizes) * VISITS_PER_VILLAGE * plan.scale), sizes)
    start = plan.reference - datetime.timedelta(days=3 * 365)
    pk = overdue = 0
    for regency, total in zip(plan.regencies, totals, strict=True):
        products = by_regency.get(regency)
        if not products:
            continue
        flagships = [p for p in products if p.role == "flagship"] or products
        officer = plan.officers[regency]
        for _ in range(total):
            product = rng.choice(flagships) if rng.random() < 0.8 else rng.choice(products)
            subject = rng.random()
            producer = product.producer_first + rng.randrange(product.producer_count)
            visited = day_between(rng, start, plan.reference)
            pk += 1
            visit = MentoringVisit(
                id=pk,
                product_id=product.id if subject < 0.85 else None,
                producer_id=producer if subject >= 0.6 else None,
                visited_on=visited,
                officer_id=officer,
                findings=" ".join(rng.sample(FINDINGS, 2)),
                created_at=moment(visited, rng),
            )
            if rng.random() < 0.65:
                visit.next_action = rng.choice(NEXT_ACTIONS)
                visit.next_action_due = visited + datetime.timedelta(days=rng.randint(14, 120))
                old = visit.next_action_due < plan.reference - datetime.timedelta(days=30)
                visit.next_action_done = rng.random() < (0.85 if old else 0.3)
                overdue += visit.next_action_due < plan.reference and not visit.next_action_done
            writer.add(visit)
    writer.flush()
    return {"visits": writer.written, "actions overdue": overdue}


def outcomes_create(plan: Plan) -> dict[str, int]:
    rng = plan.rng("outcomes")
    writer = Writer(OutcomeRecord)
    share = min(1.0, OUTCOME_SHARE * plan.scale)
    quarters = [(y, q) for y in plan.years for q in (1, 2, 3, 4)][: 4 * 2 + 2]  # up to Q2 this year
    pk = products = 0
    for product in plan.products:
        if product.role != "flagship" or product.first_assistance is None or rng.random() >= share:
            continue
        products += 1
        officer = plan.officers[product.village.regency]
        volume = product.capacity * 3 * rng.uniform(0.45, 0.7)
        workers = product.producer_count * rng.randint(2, 6)
        markets = rng.randint(1, 4)
        growth = rng.uniform(0.02, 0.08)  # per quarter since the first assistance
        assisted = product.first_assistance
        assisted_quarter = assisted.year * 4 + (assisted.month - 1) // 3
        for year, quarter in quarters[rng.randint(0, 2) :]:
            period_start = datetime.date(year, 3 * quarter - 2, 1)
            # As assistance.models.before_and_after splits them.
            after = period_start >= assisted
            since = year * 4 + quarter - 1 - assisted_quarter
            factor = rng.uniform(0.92, 1.08) * (1 + growth * since if after else 1)
            pk += 1
            recorded = moment(period_start + datetime.timedelta(days=rng.randint(95, 120)), rng)
            writer.add(
                OutcomeRecord(
                    id=pk,
                    product_id=product.id,
                    year=year,
                    quarter=quarter,
                    production_volume=min(10**9, round(volume * factor)),
                    volume_unit=product.kind.unit,
                    turnover=round(volume * factor * product.price * rng.uniform(0.9, 1.1)),
                    workers=workers + (rng.randint(0, 3) if after else 0),
                    markets_reached=markets + (rng.randint(0, 3) if after else 0),
                    new_legality_documents=int(after and rng.random() < 0.15),
                    recorded_by_id=officer,
                    created_at=recorded,
                )
            )
    writer.flush()
    return {"outcome records": writer.written, "products": products}
