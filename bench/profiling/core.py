"""Where a page's server time goes: every render split into SQL, templates and the rest.

One clock runs through each request (the test client calls the middleware, the view and the templates
in this process) and is charged to one section at a time, the innermost one:
- "sql": inside a database execute (a `connection.execute_wrapper`): the round trip to the server and
  the driver receiving the rows (psycopg2 receives the whole result in execute); turning the rows into
  Python values (the driver's fetch) and model instances is not SQL;
- "templates": inside `django.template.base.Template.render`, the outermost call only (an include or a
  form widget renders through the same method, nested inside it): the template engine and all the
  Python it calls (filters, tags, `{% url %}`, `{% translate %}`, model methods and `__str__`, form and
  widget rendering), less the SQL that runs meanwhile (a query a template triggers is charged to SQL);
- "other": the rest of the request (middleware, URL resolution, the view's Python, query compilation,
  model instances, the response).
So sql + templates + other == total for every render, exactly (to float rounding), and a query that a
template triggers is counted once. The `template_rendered` signal was not used: Django sends it only
under the test runner's instrumentation, when a rendering starts, so it cannot time anything.

The median's split is that of the median render (of the two middle renders, averaged, when the
number of renders is even), so its three parts add up to the median.
"""

import contextlib
import cProfile
import io
import math
import pstats
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

SECTIONS = ("sql", "templates", "other")
ROOT = Path(__file__).resolve().parent.parent.parent


class Split:
    """A clock charged to the innermost open section."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = defaultdict(float)
        self.stack: list[str] = []
        self.mark = 0.0
        self.queries = 0

    @property
    def current(self) -> str | None:
        return self.stack[-1] if self.stack else None

    def enter(self, section: str) -> None:
        now = time.perf_counter()
        if self.stack:
            self.totals[self.stack[-1]] += now - self.mark
        self.stack.append(section)
        self.mark = now

    def leave(self) -> None:
        now = time.perf_counter()
        self.totals[self.stack.pop()] += now - self.mark
        self.mark = now


_active: Split | None = None


def _timed_sql(execute, sql, params, many, context):
    split = _active
    if split is None:
        return execute(sql, params, many, context)
    split.queries += 1
    split.enter("sql")
    try:
        return execute(sql, params, many, context)
    finally:
        split.leave()


@contextlib.contextmanager
def instrumented():
    """Time SQL and templates while the block runs (on the default database connection)."""
    from django.db import connection
    from django.template.base import Template

    original = Template.render

    def timed_render(self, context):
        split = _active
        if split is None or split.current == "templates":
            return original(self, context)
        split.enter("templates")
        try:
            return original(self, context)
        finally:
            split.leave()

    Template.render = timed_render
    try:
        with connection.execute_wrapper(_timed_sql):
            yield
    finally:
        Template.render = original


@dataclass
class Render:
    status: int
    size: int
    queries: int
    total: float  # milliseconds, as the parts
    sql: float
    templates: float
    other: float


@dataclass
class PageProfile:
    name: str
    url: str
    renders: list[Render] = field(default_factory=list)
    error: str = ""

    @property
    def status(self) -> int | None:
        return self.renders[-1].status if self.renders else None

    @property
    def size(self) -> int:
        return self.renders[-1].size if self.renders else 0

    @property
    def queries(self) -> int:
        return self.renders[-1].queries if self.renders else 0

    @property
    def query_range(self) -> str:
        counts = {render.queries for render in self.renders}
        return str(min(counts)) if len(counts) == 1 else f"{min(counts)}–{max(counts)}"

    @property
    def median(self) -> float:
        return self.split()["total"]

    @property
    def p95(self) -> float:
        return percentile([render.total for render in self.renders], 95)

    def split(self) -> dict[str, float]:
        """total, sql, templates, other of the median render (the mean of the two middle ones)."""
        ordered = sorted(self.renders, key=lambda render: render.total)
        if not ordered:
            return dict.fromkeys(("total", *SECTIONS), 0.0)
        middle = len(ordered) // 2
        chosen = ordered[middle : middle + 1] if len(ordered) % 2 else ordered[middle - 1 : middle + 1]
        return {
            key: sum(getattr(render, key) for render in chosen) / len(chosen) for key in ("total", *SECTIONS)
        }


def percentile(values: list[float], share: float) -> float:
    """The `share` percentile, linearly interpolated between the closest ranks."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * share / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def render_once(client, url: str, **extra) -> Render:
    """One request of `url`, timed and split (instrumented() must be active)."""
    global _active
    split = Split()
    _active = split
    try:
        split.enter("other")
        started = split.mark
        response = client.get(url, **extra)
        size = len(body(response))
        split.leave()
        ended = split.mark
    finally:
        _active = None
    ms = {section: split.totals[section] * 1000 for section in SECTIONS}
    return Render(response.status_code, size, split.queries, (ended - started) * 1000, **ms)


def profile_page(
    client, name: str, url: str, *, runs: int, budget: float | None = None, min_runs: int = 3, **extra
) -> PageProfile:
    """A warm-up request, then `runs` timed renders of `url` (fewer, but at least `min_runs`, once
    `budget` seconds have gone). An exception in the view is reported in `error`, not raised."""
    profile = PageProfile(name, url)
    try:
        with instrumented():
            render_once(client, url, **extra)  # warm-up: template loader, first connection, caches
            started = time.monotonic()
            for _ in range(runs):
                profile.renders.append(render_once(client, url, **extra))
                over = budget is not None and time.monotonic() - started > budget
                if over and len(profile.renders) >= min_runs:
                    break
    except Exception as error:  # noqa: BLE001 -- a page that fails is reported, the others measured
        profile.error = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
    return profile


def shorten(filename: str) -> str:
    for prefix in (f"{ROOT}/.venv/lib/", f"{ROOT}/", "/usr/lib/"):
        if filename.startswith(prefix):
            filename = filename[len(prefix) :]
            break
    return filename.split("site-packages/", 1)[-1]


def cprofile_page(
    client, url: str, *, runs: int, budget: float | None = None, top: int = 30, **extra
) -> tuple[str, cProfile.Profile]:
    """cProfile over up to `runs` renders of `url` after a warm-up: Markdown tables of the `top`
    functions by cumulative and by own time, with their share of the profiled wall time."""
    client.get(url, **extra)
    profiler = cProfile.Profile()
    wall, done = 0.0, 0
    for _ in range(runs):
        started = time.perf_counter()
        profiler.enable()
        response = client.get(url, **extra)
        body(response)
        profiler.disable()
        wall += time.perf_counter() - started
        done += 1
        if budget is not None and wall > budget and done >= 1:
            break
    stats = pstats.Stats(profiler, stream=io.StringIO())
    rows = []
    for (filename, line, function), (_cc, calls, own, cumulative, _callers) in stats.stats.items():
        where = f"{shorten(filename)}:{line}({function})" if line else function
        rows.append((where, calls / done, own, cumulative))
    parts = [f"cProfile of `{url}`: {done} renders, {wall / done * 1000:.1f} ms each (profiler on)."]
    # By cumulative time the test client, the handler and the middleware chain come first, each at
    # nearly 100%: what is above 99% of the wall time is left out of that table.
    for title, column in (("cumulative", 3), ("own time", 2)):
        shown = [row for row in rows if column == 2 or row[3] < 0.99 * wall]
        ordered = sorted(shown, key=lambda row: row[column], reverse=True)[:top]
        lines = [
            f"Top {top} by {title}" + (" (below 99% of the wall time):" if column == 3 else ":"),
            "",
            "| function | calls/render | own ms/render | own share | cumulative ms/render | cum. share |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for where, calls, own, cumulative in ordered:
            lines.append(
                f"| `{where}` | {calls:.0f} | {own / done * 1000:.2f} | {own / wall:.1%} "
                f"| {cumulative / done * 1000:.2f} | {cumulative / wall:.1%} |"
            )
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n", profiler


def query_page(client, url: str, *, runs: int, top: int = 15, **extra) -> str:
    """Each query of a render of `url` (after a warm-up) with its median time over `runs` renders,
    slowest first (a query is told apart by its position in the render, its SQL shortened): where a
    page's SQL time goes, the query to EXPLAIN first."""
    from django.db import connection

    client.get(url, **extra)
    times: dict[int, list[float]] = defaultdict(list)
    texts: dict[int, str] = {}
    for _ in range(runs):
        position = 0

        def timed(execute, sql, params, many, context):
            nonlocal position
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                times[position].append((time.perf_counter() - started) * 1000)
                texts.setdefault(position, " ".join(str(sql).split()))
                position += 1

        with connection.execute_wrapper(timed):
            body(client.get(url, **extra))
    medians = sorted(((percentile(values, 50), index) for index, values in times.items()), reverse=True)
    total = sum(median for median, _index in medians)
    lines = [
        f"Queries of `{url}`: {len(medians)} a render, {total:.1f} ms of SQL (medians of {runs} renders).",
        "",
        "| # | median ms | share | SQL (first 400 characters) |",
        "|---:|---:|---:|---|",
    ]
    for median, index in medians[:top]:
        text = texts[index].replace("|", "\\|")
        lines.append(f"| {index + 1} | {median:.1f} | {median / (total or 1):.0%} | `{text[:400]}` |")
    return "\n".join(lines) + "\n"
