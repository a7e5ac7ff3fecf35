"""The run: check the options, load the regions, plan, then generate stage by stage in one
transaction, reporting each stage's counts, time and peak memory."""

import datetime
import functools
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from core.errors import Refused
from villages.services import regions_load

from .assistance import deliveries_create, outcomes_create, programmes_create, visits_create
from .documents import assessments_create, documents_create
from .plan import Plan
from .products import designations_create, products_create
from .regions import officers_ensure, regions_normalise, villages_plan
from .tables import GivenTimestamps, analyse, data_models, data_reset, existing_data, sequences_reset

DEFAULT_SEED = 1979  # the year Oita started "One Village One Product"

# In this order: each stage reads what the ones before it planned (a delivery needs its programme,
# an outcome the product's first delivery).
GENERATION_STAGES: tuple[tuple[str, Callable[[Plan], dict[str, int]]], ...] = (
    ("products", products_create),
    ("designations", designations_create),
    ("documents", documents_create),
    ("assessments", assessments_create),
    ("programmes", programmes_create),
    ("deliveries", deliveries_create),
    ("visits", visits_create),
    ("outcomes", outcomes_create),
)


@dataclass
class StageReport:
    name: str
    counts: dict[str, int]
    seconds: float
    peak_rss_mb: float | None

    def line(self) -> str:
        counts = ", ".join(f"{value:,} {label}" for label, value in self.counts.items())
        rss = f", peak RSS {self.peak_rss_mb:,.0f} MB" if self.peak_rss_mb is not None else ""
        return f"  {self.name:<12} {counts} in {self.seconds:.1f}s{rss}"


@dataclass
class ScaleReport:
    seed: int
    scale: float
    regions: tuple[str, ...]
    years: tuple[int, ...]
    dry_run: bool
    stages: list[StageReport] = field(default_factory=list)
    tables: dict[str, int] = field(default_factory=dict)  # rows per data model at the end

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    @property
    def seconds(self) -> float:
        return sum(stage.seconds for stage in self.stages)


def peak_rss_mb(reset: bool = False) -> float | None:
    """The process's peak resident memory (Linux: VmHWM, reset per stage through clear_refs)."""
    try:
        if reset:
            Path("/proc/self/clear_refs").write_text("5")
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    try:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    except (ImportError, OSError):
        return None


def scale_data_create(
    *,
    seed: int = DEFAULT_SEED,
    scale: float = 1.0,
    regions: Iterable[str] | None = None,
    year: int | None = None,
    reset: bool = False,
    dry_run: bool = False,
    region_file: Path | None = None,
    progress: Callable[[StageReport], None] | None = None,
) -> ScaleReport:
    """Load the regions and generate benchmark data; see the docstring of seeding.scale.

    Refuses (core.errors.Refused) when the database already holds products, producers or programmes, unless
    `reset`, which first deletes all of them with everything that points to them, and their history.
    """
    if not 0 < scale <= 1:
        raise Refused("--scale must be more than 0 and at most 1.")
    this_year = datetime.date.today().year
    year = year or this_year
    if not 2020 <= year <= this_year:
        raise Refused(f"--year must be between 2020 and {this_year}.")
    regions = regions_normalise(regions)
    if not reset:
        found = existing_data()
        if found:
            listed = ", ".join(f"{count:,} {label}" for label, count in found.items())
            raise Refused(
                f"The database already holds data ({listed}). seed_scale never mixes generated rows "
                "with real ones: use --reset to DELETE them first (only on a benchmark database)."
            )
    report = ScaleReport(
        seed=seed, scale=scale, regions=regions or ("ID",), years=(year - 2, year - 1, year), dry_run=dry_run
    )

    def stage(name: str, work: Callable[[], dict[str, int]]) -> None:
        peak_rss_mb(reset=True)
        started = time.monotonic()
        counts = work()
        done = StageReport(name, counts, time.monotonic() - started, peak_rss_mb())
        report.stages.append(done)
        if progress:
            progress(done)

    def regions_stage() -> dict[str, int]:
        source = region_file or settings.OVOP_REGION_FILE
        loaded = [regions_load(source=source, scope=scope) for scope in regions or (None,)]
        return {
            "regions added": sum(r.total("added") for r in loaded),
            "unchanged": sum(r.total("unchanged") for r in loaded),
        }

    plan: Plan | None = None

    def plan_stage() -> dict[str, int]:
        nonlocal plan
        villages = villages_plan(regions)
        if not villages:
            raise Refused("No village is loaded for these regions.")
        officers, created = officers_ensure(sorted({v.regency for v in villages}))
        plan = Plan(seed=seed, scale=scale, year=year, villages=villages, officers=officers)
        return {"villages": len(villages), "regencies": len(officers), "officers created": created}

    with transaction.atomic(), GivenTimestamps(data_models()):
        if reset:
            stage("reset", lambda: {"rows deleted": data_reset()})
        stage("regions", regions_stage)
        stage("plan", plan_stage)
        for name, create in GENERATION_STAGES:
            stage(name, functools.partial(create, plan))
        sequences_reset()
        report.tables = {model._meta.label: model._base_manager.count() for model in data_models()}
        if dry_run:
            transaction.set_rollback(True)
    # No explicit cache invalidation: ovop_portal's write listener hears every INSERT and DELETE
    # above (bulk_create included) and bumps the public pages' and figures' versions on commit.
    if not dry_run and connection.vendor == "postgresql" and not connection.in_atomic_block:
        stage("analyse", analyse)
    return report
