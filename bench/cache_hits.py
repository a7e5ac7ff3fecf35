"""Cached public pages against the trivial view, side by side: issue 19's "cache hits near the ceiling".

A cached hit should cost close to what the stack itself costs (`/healthz/`, core.views.health: a Django
view that returns "ok" through the whole middleware stack). This measures both under the same server in
the same run, alternating: for each of --rounds rounds and each cached page, wrk drives the trivial view
and then the page, for --seconds each. A page's ratio is its requests per second over the trivial view's
of the same pair; the table shows the median over the rounds (the machine is shared, and its load moves
within seconds: one pair alone is noise). Beside it, the gunicorn workers' CPU time per request (from
/proc), which the other load of the machine moves much less.

Set-up, as bench/run.py does it: production settings (DEBUG off, manifest static files, HTTPS through
`X-Forwarded-Proto`), gunicorn with --workers sync workers, the public cache in Redis (CACHEHIT_REDIS_URL,
default db 12, never flushed: a new public version is bumped instead, so every page is first a miss),
and a database holding regency 36.04 (CACHEHIT_DATABASE_URL; prepare one with
`manage.py migrate`, `manage.py load_regions 36.04`, `manage.py seed_demo`). Every page must answer 200
and, before it is driven, `X-Cache: hit`.

    .venv/bin/python bench/cache_hits.py [--rounds 3] [--seconds 5] [--connections 4]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from run import gunicorn  # bench/run.py: the deployment's gunicorn settings, no worker recycling

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
LUA = str(ROOT / "bench" / "wrk_report.lua")
DATABASE_URL = os.environ.get("CACHEHIT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ovop_cachehit")
REDIS_URL = os.environ.get("CACHEHIT_REDIS_URL", "redis://127.0.0.1:6379/12")
REGENCY = os.environ.get("CACHEHIT_REGENCY", "36.04")
HOST = "127.0.0.1"
HEADERS = {"Host": HOST, "X-Forwarded-Proto": "https", "Accept-Encoding": "gzip"}
TARGET = 0.8


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def environment(static: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ovop_portal.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "bench-only-" + "k" * 48,
        "DJANGO_ALLOWED_HOSTS": f"{HOST},localhost",
        "DJANGO_BEHIND_PROXY": "true",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "DJANGO_STATIC_ROOT": static,
        "OVOP_REGENCY_CODE": REGENCY,
        "OVOP_AREA_CODE": REGENCY,
        "OVOP_PUBLIC_CACHE_SECONDS": "600",
        "DJANGO_LOG_LEVEL": "ERROR",
    }


def product_path(env: dict) -> str:
    """A public product's address, and a new public version: what was cached before is not reused."""
    script = (
        "import django; django.setup()\n"
        "from core.caching import invalidate_public_pages\n"
        "from products.models import Product\n"
        "invalidate_public_pages()\n"
        "print(Product.objects.public().order_by('pk').first().get_public_url())\n"
    )
    done = subprocess.run(
        [PYTHON, "-c", script], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout.strip().splitlines()[-1]


def fetch(port: int, path: str) -> tuple[int, str]:
    request = urllib.request.Request(f"http://{HOST}:{port}{path}", headers=HEADERS)
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (http, built here)
        return response.status, response.headers.get("X-Cache", "")


def cpu_seconds(master: int) -> float:
    """User and system CPU time of the gunicorn workers so far: what a request costs the server, whatever
    else the shared machine runs meanwhile."""
    ticks = os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    total = 0
    for pid in children:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def drive(port: int, master: int, path: str, seconds: int, connections: int) -> tuple[float, float]:
    """Requests per second, and the workers' CPU milliseconds per request."""
    cpu_before = cpu_seconds(master)
    with tempfile.TemporaryDirectory() as scratch:
        paths_file, headers_file = Path(scratch) / "paths", Path(scratch) / "headers"
        paths_file.write_text(path + "\n")
        headers_file.write_text("".join(f"{name}: {value}\n" for name, value in HEADERS.items()))
        done = subprocess.run(
            ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-s", LUA, f"http://{HOST}:{port}{path}"],
            env={**os.environ, "BENCH_PATHS": str(paths_file), "BENCH_HEADERS": str(headers_file)},
            capture_output=True,
            text=True,
            check=True,
        )
    line = next(line for line in done.stdout.splitlines() if line.startswith("BENCH "))
    data = json.loads(line.removeprefix("BENCH "))
    if data["socket_errors"] or data["non_2xx_3xx"]:
        raise SystemExit(f"{path}: {data['socket_errors']} socket errors, {data['non_2xx_3xx']} non-2xx")
    cpu_ms = 1000 * (cpu_seconds(master) - cpu_before) / data["requests"]
    return data["requests"] / (data["duration_us"] / 1e6), cpu_ms


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--static", help="a collected STATIC_ROOT to reuse (default: collect afresh)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ovop-cachehit-") as scratch:
        static = options.static or str(Path(scratch) / "static")
        env = environment(static)
        if not options.static or not Path(static, "staticfiles.json").exists():
            log("· collectstatic")
            subprocess.run(
                [PYTHON, "manage.py", "collectstatic", "--noinput"],
                cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
            )  # fmt: skip
        pages = {"home": "/", "catalogue": "/produk/", "product page": product_path(env)}
        ratios: dict[str, list[float]] = {label: [] for label in pages}
        cpu_ratios: dict[str, list[float]] = {label: [] for label in pages}
        cpu_ms: dict[str, list[float]] = {label: [] for label in ["trivial", *pages]}
        trivial_rps: list[float] = []
        with gunicorn(env, options.workers) as (port, process):
            master = process.pid
            for label, path in pages.items():
                for _ in range(2 * options.workers):  # each worker's first visit may be its miss
                    fetch(port, path)
                status, state = fetch(port, path)
                if (status, state) != (200, "hit"):
                    raise SystemExit(f"{label} ({path}): {status} X-Cache {state!r}, not a 200 hit")
            fetch(port, "/healthz/")
            for round_number in range(1, options.rounds + 1):
                line = [f"round {round_number}:"]
                for label, path in pages.items():
                    # The trivial view right before each page: the machine is shared, and its load
                    # moves within seconds.
                    trivial, trivial_cpu = drive(
                        port, master, "/healthz/", options.seconds, options.connections
                    )
                    rps, cpu = drive(port, master, path, options.seconds, options.connections)
                    trivial_rps.append(trivial)
                    ratios[label].append(rps / trivial)
                    cpu_ratios[label].append(trivial_cpu / cpu)
                    cpu_ms["trivial"].append(trivial_cpu)
                    cpu_ms[label].append(cpu)
                    line.append(f"{label} {rps:.0f}/{trivial:.0f} req/s ({rps / trivial:.2f})")
                log(" ".join(line))
    print(
        f"gunicorn {options.workers} sync workers, wrk 1 thread × {options.connections} connections, "
        f"{options.rounds} rounds × {options.seconds} s per page; production settings, Redis cache"
    )
    print(
        f"| page | req/s ratio to /healthz/ (median of {options.rounds}) | per round | "
        "worker CPU ms per request | CPU ratio (trivial's CPU / page's) | target (req/s ratio) |"
    )
    print("|---|---|---|---|---|---|")
    trivial_cpu = statistics.median(cpu_ms["trivial"])
    print(
        f"| trivial view (/healthz/) | 1 | {min(trivial_rps):.0f}-{max(trivial_rps):.0f} req/s | "
        f"{trivial_cpu:.2f} | 1 | |"
    )
    for label, values in ratios.items():
        median = statistics.median(values)
        verdict = "met" if median >= TARGET else "MISSED"
        print(
            f"| {label} | {median:.2f} | {' / '.join(f'{v:.2f}' for v in values)} | "
            f"{statistics.median(cpu_ms[label]):.2f} | {statistics.median(cpu_ratios[label]):.2f} | "
            f">= {TARGET} {verdict} |"
        )


if __name__ == "__main__":
    main()
