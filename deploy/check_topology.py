"""The whole production topology on one machine, checked end to end through nginx.

Starts, from the files a regency installs (deploy/ovop.env, deploy/systemd/*.service,
deploy/gunicorn.conf.py, deploy/nginx/ovop.conf), with only addresses, ports and folders changed:
  - a fresh PostgreSQL database, ovop_deploycheck (dropped and created; migrate, load_regions 36.04,
    seed_demo, collectstatic), on the PostgreSQL server of OVOP_CHECK_PG_URL
    (default postgres://postgres@127.0.0.1:5432);
  - the cache in Redis database 9 of 127.0.0.1:6379 (OVOP_CHECK_REDIS_URL; that database is emptied);
  - two gunicorns (ExecStart of ovop-gunicorn.service), the worker (ovop-worker.service) and the
    scheduler (ovop-scheduler.service);
  - nginx in front, with a self-signed certificate made by openssl, on free high ports, run as root
    with a temporary prefix;
  - a mail catcher: a minimal SMTP server inside this script (EMAIL_URL points at it).
Then checks, each printed PASS or FAIL: HTTP redirects to HTTPS; a public page, a static file and
/readyz/ through nginx; a kecamatan officer signs in; a small spreadsheet imports through the web flow;
a task enqueued is completed by the worker, and the scheduler has enqueued its tasks; a legality scan
reaches its official through X-Accel-Redirect and no one else; `manage.py send_reminders` delivers
digests to the mail catcher; the nightly backup's command writes a backup; the worker stops on SIGTERM
and /readyz/ then names it. A part not installed yet (a missing management command) is reported as a
FAIL and the other checks go on.

Everything it started is stopped, the database dropped and the temporary folder removed, also on a
failure or Ctrl-C; the logs of a failed run are printed first. Exit status 0 only when every check
passes. Run as root from the project folder: `.venv/bin/python deploy/check_topology.py` (needs nginx,
openssl, PostgreSQL's createdb/dropdb, a running PostgreSQL and Redis).
"""

import asyncio
import contextlib
import datetime
import gzip
import html.parser
import http.cookiejar
import io
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # deploy/sheet.py, shared by the two checks
from sheet import producer_rows  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
INSTALLED_APP = "/srv/ovop/app"  # where the units expect the code; replaced by this checkout
DATABASE = "ovop_deploycheck"
PG_URL = os.environ.get("OVOP_CHECK_PG_URL", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("OVOP_CHECK_REDIS_URL", "redis://127.0.0.1:6379/9")
PASSWORD = "cek-topologi-2026"
OFFICER, OTHER_OFFICER = "petugas-ciruas", "petugas-kramatwatu"  # kecamatan officers: 2FA is optional
PRODUCT_SLUG = "gerabah-bumijaya"  # the demo's flagship of Desa Bumijaya, Kecamatan Ciruas
BUMIJAYA = "36.04.09.2009"
KRAMATWATU = "36.04.05"

results: list[tuple[bool, str]] = []


def check(passed: bool, message: str, detail: str = "") -> bool:
    results.append((passed, message))
    print(
        ("PASS  " if passed else "FAIL  ") + message + (f"\n      {detail}" if detail and not passed else "")
    )
    sys.stdout.flush()
    return passed


def step(message: str) -> None:
    print(f"...   {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(condition, seconds: float, every: float = 0.2) -> bool:
    """A deadline for a process to come up: a script cannot be told, it has to look."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return condition()


# --- the files a regency installs, read as they are ---------------------------------------------------


def env_file(path: Path) -> dict[str, str]:
    """VARIABLE=value lines, as systemd's EnvironmentFile= reads them (no quotes used in ours)."""
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def unit_command(unit: str) -> list[str]:
    """ExecStart= of a unit, with the installed code's folder replaced by this checkout."""
    text = (DEPLOY / "systemd" / unit).read_text()
    line = next(line for line in text.splitlines() if line.startswith("ExecStart="))
    return [part.replace(INSTALLED_APP, str(ROOT)) for part in shlex.split(line.removeprefix("ExecStart="))]


def nginx_site(work: Path, https_port: int, http_port: int, app_ports: list[int]) -> str:
    """deploy/nginx/ovop.conf with this run's ports, folders, certificate and name."""
    site = (DEPLOY / "nginx" / "ovop.conf").read_text()
    servers = "".join(f"    server 127.0.0.1:{port};\n" for port in app_ports)
    site, upstreams = re.subn(r"    server 127\.0\.0\.1:8001;\n", servers, site)
    replacements = [
        (r"listen \[::\]:\d+[^;]*;\n\s*", ""),
        (r"listen 443 ssl", f"listen 127.0.0.1:{https_port} ssl"),
        (r"listen 80;", f"listen 127.0.0.1:{http_port};"),
        (r"server_name [^;]+;", "server_name 127.0.0.1 localhost;"),
        (r"ssl_certificate\s+\S+;", f"ssl_certificate {work}/tls/cert.pem;"),
        (r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {work}/tls/key.pem;"),
        (r"/var/lib/ovop/", f"{work}/"),
        (r"/var/www/letsencrypt", f"{work}/acme"),
    ]
    for pattern, replacement in replacements:
        site, count = re.subn(pattern, replacement, site)
        if not count or not upstreams:
            raise SystemExit(
                f"deploy/nginx/ovop.conf changed: nothing matches {pattern!r}; update this script"
            )
    return site


def nginx_main(work: Path, site: Path) -> str:
    temp = work / "nginx"
    return f"""
user root;
worker_processes 1;
daemon off;
pid {temp}/nginx.pid;
error_log {temp}/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    access_log {temp}/access.log;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {site};
}}
"""


# --- a mail catcher ------------------------------------------------------------------------------------


class MailCatcher:
    """Enough of SMTP for Django's backend without TLS or login: EHLO/HELO, MAIL, RCPT, DATA, RSET,
    NOOP, QUIT. Every message is kept as (recipients, text)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.messages: list[tuple[list[str], str]] = []
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()
        if not self._ready.wait(10):
            raise SystemExit("the mail catcher did not start")

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._session, "127.0.0.1", self.port))
        self._ready.set()
        self._loop.run_forever()
        server.close()

    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        async def reply(line: str) -> None:
            writer.write(line.encode() + b"\r\n")
            await writer.drain()

        recipients: list[str] = []
        await reply("220 ovop-check mail catcher")
        while line := (await reader.readline()).decode(errors="replace").strip():
            verb = line[:4].upper()
            if verb == "EHLO":
                await reply("250-ovop-check\r\n250-8BITMIME\r\n250 SMTPUTF8")
            elif verb in ("HELO", "NOOP"):
                await reply("250 ok")
            elif verb == "MAIL":
                recipients = []
                await reply("250 ok")
            elif verb == "RCPT":
                recipients.append(line.partition(":")[2].strip().strip("<>"))
                await reply("250 ok")
            elif verb == "DATA":
                await reply("354 end with <CRLF>.<CRLF>")
                lines = []
                while (data := await reader.readline()) not in (b".\r\n", b".\n", b""):
                    lines.append(data.decode(errors="replace"))
                self.messages.append((recipients, "".join(lines)))
                await reply("250 queued")
            elif verb == "RSET":
                recipients = []
                await reply("250 ok")
            elif verb == "QUIT":
                await reply("221 bye")
                break
            else:
                await reply("502 not implemented")
        writer.close()


# --- a browser ------------------------------------------------------------------------------------------


class FormReader(html.parser.HTMLParser):
    """The hidden and filled-in fields of a page's forms (enough for sign-in and imports)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self.static: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "file", "checkbox", "radio"):
            self.fields.append((a["name"], a.get("value") or ""))
        for attribute in ("href", "src"):
            if (a.get(attribute) or "").startswith("/static/"):
                self.static.append(a[attribute])


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    def __init__(self, base: str, tls: ssl.SSLContext, follow: bool = True) -> None:
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        handlers = [
            urllib.request.HTTPCookieProcessor(self.cookies),
            urllib.request.HTTPSHandler(context=tls),
        ]
        if not follow:
            handlers.append(NoRedirect())
        self.opener = urllib.request.build_opener(*handlers)

    def request(self, path: str, data: bytes | None = None, headers: dict | None = None):
        """(status, body, headers, final URL); an HTTP error is an answer too."""
        url = path if "://" in path else self.base + path
        request = urllib.request.Request(url, data=data, headers={"Referer": url, **(headers or {})})
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read(), response.headers, response.geturl()
        except urllib.error.HTTPError as error:
            return error.code, error.read(), error.headers, url

    def get(self, path: str, headers: dict | None = None):
        return self.request(path, headers=headers)

    def form(self, path: str) -> FormReader:
        reader = FormReader()
        reader.feed(self.get(path)[1].decode())
        return reader

    def post(self, path: str, fields: list[tuple[str, str]]):
        return self.request(path, urllib.parse.urlencode(fields).encode())

    def upload(self, path: str, fields: list[tuple[str, str]], name: str, data: bytes):
        boundary = "----ovop" + secrets.token_hex(12)
        body = io.BytesIO()
        for key, value in fields:
            body.write(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
            )
        body.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: text/csv\r\n\r\n".encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        return self.request(
            path, body.getvalue(), headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )

    def sign_in(self, username: str) -> str:
        login = self.form("/accounts/login/")
        fields = [(k, v) for k, v in login.fields if k not in ("username", "password")]
        status, _, _, landed = self.post(
            "/accounts/login/", [*fields, ("username", username), ("password", PASSWORD)]
        )
        return landed if status == 200 else f"status {status}"

    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.cookies)


# --- the run ------------------------------------------------------------------------------------------


class Topology:
    def __init__(self) -> None:
        self.work = Path(tempfile.mkdtemp(prefix="ovop-deploycheck-"))
        self.processes: dict[str, subprocess.Popen] = {}
        self.database_created = False
        self.mail = MailCatcher()
        self.https_port, self.http_port = free_port(), free_port()
        self.app_ports = [free_port(), free_port()]
        parsed = urllib.parse.urlparse(PG_URL)
        self.pg_options = ["-h", parsed.hostname or "127.0.0.1", "-p", str(parsed.port or 5432)]
        if parsed.username:
            self.pg_options += ["-U", urllib.parse.unquote(parsed.username)]
        self.pg_env = {
            **os.environ,
            **({"PGPASSWORD": urllib.parse.unquote(parsed.password)} if parsed.password else {}),
        }
        self.env = self.environment(parsed)
        self.public = f"https://127.0.0.1:{self.https_port}"

    def environment(self, pg) -> dict[str, str]:
        """deploy/ovop.env as installed, with this machine's addresses and folders."""
        env = env_file(DEPLOY / "ovop.env")
        host = f"127.0.0.1:{self.https_port}"
        env.update(
            {
                "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
                "DJANGO_CSRF_TRUSTED_ORIGINS": f"https://{host}",
                "OVOP_PUBLIC_URL": f"https://{host}",
                "DATABASE_URL": f"{PG_URL.rstrip('/')}/{DATABASE}",
                "REDIS_URL": REDIS_URL,
                "DJANGO_MEDIA_ROOT": str(self.work / "media"),
                "DJANGO_PRIVATE_MEDIA_ROOT": str(self.work / "private"),
                "DJANGO_STATIC_ROOT": str(self.work / "static"),
                "OVOP_BACKUP_DIR": str(self.work / "backups"),
                "EMAIL_URL": f"smtp://127.0.0.1:{self.mail.port}?tls=false",
                "OVOP_DEMO_PASSWORD": PASSWORD,
            }
        )
        left = sorted(name for name, value in env.items() if "<" in value and "@" not in value)
        if left:
            raise SystemExit(f"placeholders left unreplaced: {', '.join(left)}")
        return {"PATH": os.environ["PATH"], "LANG": "C.UTF-8", "HOME": str(self.work), **env}

    # processes

    def start(self, name: str, command: list[str], env: dict | None = None) -> subprocess.Popen:
        log = open(self.work / "logs" / f"{name}.log", "wb")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env or self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.processes[name] = process
        return process

    def stop(self, name: str, process: subprocess.Popen) -> None:
        """TERM to the process group started (gunicorn's and nginx's children too), then KILL."""
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                print(f"      {name} did not stop on SIGTERM in 30 s: killed")
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)

    def manage(self, *args: str, check: bool = True, timeout: float = 900) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and done.returncode:
            raise SystemExit(
                f"manage.py {' '.join(args)} failed (exit {done.returncode}):\n{done.stderr[-3000:]}"
            )
        return done

    def shell(self, code: str, timeout: float = 120) -> str:
        done = self.manage("shell", "-c", code, check=False, timeout=timeout)
        if done.returncode:
            return f"ERROR {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else done.returncode}"
        return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""

    def has_command(self, name: str) -> bool:
        return self.manage("help", name, check=False, timeout=120).returncode == 0

    # preparation

    def prepare(self) -> None:
        for folder in ("media", "private", "static", "backups", "logs", "tls", "acme", "nginx"):
            (self.work / folder).mkdir()
        self.mail.start()
        step(f"database {DATABASE}, Redis {REDIS_URL}, work folder {self.work}")
        subprocess.run(["dropdb", "--if-exists", *self.pg_options, DATABASE], check=True, env=self.pg_env)
        subprocess.run(["createdb", *self.pg_options, DATABASE], check=True, env=self.pg_env)
        self.database_created = True
        subprocess.run(["redis-cli", "-u", REDIS_URL, "flushdb"], check=True, stdout=subprocess.DEVNULL)
        step("migrate, load_regions 36.04, seed_demo, collectstatic (a few minutes)")
        self.manage("migrate", "--noinput")
        self.manage("load_regions", "36.04")
        self.manage("seed_demo")
        self.manage("collectstatic", "--noinput")
        self.scan_pk = self.shell(SETUP.format(other=OTHER_OFFICER, password=PASSWORD, district=KRAMATWATU))
        step(f"the other officer and a legality scan (document {self.scan_pk}) are in place")
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=127.0.0.1",
            ]
            + ["-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"]
            + ["-keyout", str(self.work / "tls" / "key.pem"), "-out", str(self.work / "tls" / "cert.pem")],
            check=True,
            capture_output=True,
        )

    def start_services(self) -> None:
        gunicorn = unit_command("ovop-gunicorn.service")
        bind = gunicorn.index("--bind") + 1
        for n, port in enumerate(self.app_ports, start=1):
            command = [*gunicorn]
            command[bind] = f"127.0.0.1:{port}"
            # Two gunicorns on one machine: fewer workers each than a server would run.
            self.start(f"gunicorn-{n}", command, env={**self.env, "WEB_CONCURRENCY": "2"})
        for unit, command_name in (
            ("ovop-worker.service", "run_worker"),
            ("ovop-scheduler.service", "run_scheduler"),
        ):
            if self.has_command(command_name):
                self.start(unit.removesuffix(".service"), unit_command(unit))
            else:
                check(
                    False, f"{command_name}: worker command missing (manage.py {command_name}); not started"
                )
        site = self.work / "nginx" / "ovop.conf"
        site.write_text(nginx_site(self.work, self.https_port, self.http_port, self.app_ports))
        main = self.work / "nginx" / "nginx.conf"
        main.write_text(nginx_main(self.work, site))
        nginx = [
            "nginx",
            "-p",
            str(self.work / "nginx"),
            "-e",
            str(self.work / "nginx" / "error.log"),
            "-c",
            str(main),
        ]
        tested = subprocess.run([*nginx, "-t"], capture_output=True, text=True)
        if not check(tested.returncode == 0, "nginx accepts deploy/nginx/ovop.conf", tested.stderr.strip()):
            raise SystemExit(1)
        self.start("nginx", nginx)
        for name, port in [
            *((f"gunicorn-{n}", p) for n, p in enumerate(self.app_ports, 1)),
            ("nginx", self.https_port),
        ]:
            if not wait_until(lambda port=port: port_open(port), 60):
                raise SystemExit(f"{name} is not listening on port {port} after 60 s")

    def cleanup(self, failed: bool) -> None:
        for name, process in reversed(list(self.processes.items())):
            self.stop(name, process)
        self.mail.stop()
        if failed:
            for log in sorted((self.work / "logs").glob("*.log")) + [self.work / "nginx" / "error.log"]:
                if log.exists() and log.stat().st_size:
                    print(f"----- {log.name} (last lines)")
                    print("\n".join(log.read_text(errors="replace").splitlines()[-25:]))
        if self.database_created:
            subprocess.run(
                ["dropdb", "--if-exists", *self.pg_options, DATABASE], env=self.pg_env, check=False
            )
        subprocess.run(["redis-cli", "-u", REDIS_URL, "flushdb"], stdout=subprocess.DEVNULL, check=False)
        shutil.rmtree(self.work, ignore_errors=True)


def port_open(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
        return True
    return False


# Run in `manage.py shell`: the second kecamatan officer, and a legality scan of the Bumijaya product
# (Kecamatan Ciruas) in the private storage. Prints the document's id.
SETUP = """
import datetime
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from products.models import LegalityDocument, Product
from villages.models import OfficerArea
from villages.roles import PETUGAS_KECAMATAN
user, _ = get_user_model().objects.get_or_create(
    username="{other}", defaults={{"email": "{other}@example.invalid"}})
user.set_password("{password}"); user.save()
user.groups.add(Group.objects.get(name=PETUGAS_KECAMATAN))
OfficerArea.objects.get_or_create(user=user, district_id="{district}")
doc = LegalityDocument(product=Product.objects.get(slug="gerabah-bumijaya"), kind="nib",
    number="9120000000001", issued_on=datetime.date(2025, 1, 2))
scan = b"%PDF-1.4\\n1 0 obj << >> endobj\\ntrailer << >>\\n%%EOF\\n"
doc.scan.save("nib.pdf", ContentFile(scan), save=False)
doc.save()
print(doc.pk)
"""

WAIT_FOR_TASK = """
import time
from jobs.tasks import recover_stale_tasks
result = recover_stale_tasks.enqueue()
deadline = time.monotonic() + 60
while not result.is_finished and time.monotonic() < deadline:
    time.sleep(0.2)
    result.refresh()
print(result.status)
"""

SCHEDULE_RAN = """
import time
from django.conf import settings
from jobs.models import ScheduleEntry
wanted = {path for path, _ in settings.OVOP_SCHEDULE}
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    ran = set(ScheduleEntry.objects.filter(last_run_at__isnull=False, last_error="")
              .values_list("task_path", flat=True))
    if wanted <= ran:
        break
    time.sleep(0.5)
print(",".join(sorted(wanted - ran)) or "all")
"""


def run_checks(top: Topology, tls: ssl.SSLContext) -> None:
    visitor = Browser(top.public, tls)
    plain = Browser(f"http://127.0.0.1:{top.http_port}", tls, follow=False)

    status, _, headers, _ = plain.get("/produk/?q=gerabah")
    location = headers.get("Location", "")
    check(
        status == 301 and location.startswith("https://") and location.endswith("/produk/?q=gerabah"),
        "plain HTTP redirects to HTTPS",
        f"{status} Location: {location}",
    )

    status, body, headers, _ = visitor.get("/")
    page = body.decode(errors="replace")
    check(
        status == 200 and "OVOP" in page,
        "the public home page answers 200 over HTTPS through nginx",
        f"{status}",
    )
    status, body, _, _ = visitor.get(f"/produk/{PRODUCT_SLUG}/")
    check(status == 200 and b"Gerabah" in body, "a public product page answers 200", f"{status}")

    reader = FormReader()
    reader.feed(page)
    css = next((path for path in reader.static if path.endswith(".css")), "")
    if check(bool(css), "the home page links a stylesheet under /static/", page[:300]):
        status, body, headers, _ = visitor.get(css, headers={"Accept-Encoding": "gzip"})
        on_disk = top.work / "static" / css.removeprefix("/static/")
        if headers.get("Content-Encoding") == "gzip":  # WhiteNoise's .gz beside it (gzip_static)
            body = gzip.decompress(body)
        served = (
            status == 200
            and headers.get_all("Cache-Control") == ["public, max-age=31536000, immutable"]
            and body == on_disk.read_bytes()
        )
        check(
            served,
            f"nginx serves {css} from STATIC_ROOT, compressed, cached a year",
            f"{status} {headers.items()}",
        )

    status, body, headers, _ = visitor.get("/healthz/")
    check(status == 200, "/healthz/ answers 200 through nginx", f"{status}")
    status, body, headers, _ = visitor.get("/readyz/")
    check(
        status == 200
        and json.loads(body or b"{}").get("status") == "ok"
        and "no-store" in headers.get("Cache-Control", ""),
        "/readyz/ answers 200 through nginx: database, Redis, files, migrations, worker",
        body.decode(errors="replace").replace("\n", ""),
    )

    official = Browser(top.public, tls)
    landed = official.sign_in(OFFICER)
    signed_in = check(landed.endswith("/petugas/"), f"{OFFICER} signs in through nginx", landed)
    if signed_in:
        check_import(top, official)
    check_worker(top)
    check_private_scan(top, tls, official if signed_in else None)
    check_reminders(top)
    check_backup(top)
    check_worker_stop(top, visitor)


def check_import(top: Topology, official: Browser) -> None:
    """The web flow of a small import: template, upload, preview, import (as in deploy/two_servers.py)."""
    status, body, _, _ = official.get("/petugas/impor/templat/produsen.csv")
    if not check(
        status == 200 and body.count(b"\n") >= 2, "the producers' import template downloads", f"{status}"
    ):
        return
    data = producer_rows(body.decode(), "Usaha Cek Topologi", BUMIJAYA)
    token = [(k, v) for k, v in official.form("/petugas/impor/").fields if k == "csrfmiddlewaretoken"]
    status, body, _, landed = official.upload(
        "/petugas/impor/", [*token, ("kind", "produsen")], "produsen.csv", data
    )
    ref = urllib.parse.parse_qs(urllib.parse.urlparse(landed).query).get("ref", [""])[0]
    if not check(
        status == 200 and bool(ref),
        "a spreadsheet of 3 producers uploads and shows its preview",
        f"{status} {landed}",
    ):
        return
    preview = f"/petugas/impor/pratinjau/?ref={ref}"
    fields = [(k, v) for k, v in official.form(preview).fields if k in ("csrfmiddlewaretoken", "ref")]
    status, body, _, landed = official.post("/petugas/impor/pratinjau/", fields)
    count = top.shell(
        "from products.models import Producer; "
        "print(Producer.objects.filter(business_name__startswith='Usaha Cek Topologi').count())"
    )
    check(count == "3", "the import wrote the 3 producers", f"{status} {landed}; in the database: {count}")


def check_worker(top: Topology) -> None:
    if "ovop-worker" not in top.processes:
        check(False, "a task is run by the worker: worker command missing")
        return
    status = top.shell(WAIT_FOR_TASK, timeout=120)
    check(
        status.endswith("SUCCESSFUL"),
        "a task enqueued through the database is completed by the worker",
        status,
    )
    if "ovop-scheduler" in top.processes:
        missing = top.shell(SCHEDULE_RAN, timeout=120)
        check(
            missing == "all", "the scheduler enqueued every task of OVOP_SCHEDULE", f"not enqueued: {missing}"
        )


def check_private_scan(top: Topology, tls: ssl.SSLContext, official: Browser | None) -> None:
    if (
        not check(top.scan_pk.isdigit(), "a legality scan was stored privately", top.scan_pk)
        or official is None
    ):
        return
    url = top.shell(
        f"from django.urls import reverse; print(reverse('products:legality_scan', args=[{top.scan_pk}]))"
    )
    status, body, headers, _ = official.get(url)
    check(
        status == 200 and body.startswith(b"%PDF") and "no-store" in headers.get("Cache-Control", ""),
        f"{OFFICER} gets the scan of a product in their kecamatan (200, private, no-store)",
        f"{status} {dict(headers)}",
    )
    # Straight to gunicorn, as nginx asks: the portal answers with X-Accel-Redirect and no body.
    direct = urllib.request.Request(
        f"http://127.0.0.1:{top.app_ports[0]}{url}",
        headers={
            "Cookie": official.cookie_header(),
            "X-Forwarded-Proto": "https",
            "Host": f"127.0.0.1:{top.https_port}",
        },
    )
    try:
        with urllib.request.build_opener(NoRedirect()).open(direct, timeout=30) as response:
            accel, length = response.headers.get("X-Accel-Redirect", ""), len(response.read())
    except urllib.error.HTTPError as error:
        accel, length = f"HTTP {error.code}", -1
    check(
        accel.startswith("/_private/") and length == 0,
        "the portal hands the file to nginx (X-Accel-Redirect)",
        f"{accel!r}, {length} bytes",
    )
    other = Browser(top.public, tls)
    landed = other.sign_in(OTHER_OFFICER)
    status, _, _, _ = other.get(url)
    check(
        landed.endswith("/petugas/") and status == 404,
        f"{OTHER_OFFICER} (another kecamatan) gets 404 for it",
        f"{landed}, {status}",
    )
    status, _, _, _ = Browser(top.public, tls).get("/_private/" + accel.removeprefix("/_private/"))
    check(status == 404, "nginx's /_private/ cannot be asked for directly", f"{status}")


def check_reminders(top: Topology) -> None:
    if not top.has_command("send_reminders"):
        check(False, "reminders to the mail catcher: command missing (manage.py send_reminders)")
        return
    before = len(top.mail.messages)
    # A Monday morning, a week ago: due for daily and weekly digests alike, and not yet sent.
    today = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=7)  # Asia/Jakarta
    monday = (today - datetime.timedelta(days=today.weekday() + 7)).replace(
        hour=8, minute=0, second=0, microsecond=0
    )
    done = top.manage("send_reminders", "--now", monday.strftime("%Y-%m-%dT%H:%M"), check=False, timeout=300)
    sent = top.mail.messages[before:]
    check(
        done.returncode == 0 and bool(sent) and all("@" in r for recipients, _ in sent for r in recipients),
        f"send_reminders delivers digests over SMTP to the mail catcher ({len(sent)} e-mails)",
        (done.stdout + done.stderr).strip()[-1000:],
    )


def check_backup(top: Topology) -> None:
    """The nightly backup's command (ExecStart of ovop-backup.service), into this run's folder."""
    if not top.has_command("backup_postgres"):
        check(False, "the nightly backup: command missing (manage.py backup_postgres)")
        return
    command = [part.replace("/var/lib/ovop/", f"{top.work}/") for part in unit_command("ovop-backup.service")]
    done = subprocess.run(command, cwd=ROOT, env=top.env, capture_output=True, text=True, timeout=600)
    made = [path for path in (top.work / "backups").iterdir() if path.is_dir()]
    check(
        done.returncode == 0 and len(made) == 1,
        "the nightly backup (ovop-backup.service) writes a backup",
        (done.stdout + done.stderr).strip()[-1000:],
    )


def check_worker_stop(top: Topology, visitor: Browser) -> None:
    """systemctl stop sends SIGTERM (KillSignal=): the worker must stop by itself, and readiness must
    say at once that no worker is left (a clean stop deletes its heartbeat)."""
    worker = top.processes.get("ovop-worker")
    if worker is None:
        return
    os.killpg(worker.pid, signal.SIGTERM)
    try:
        code = worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        code = None
    check(code is not None, "the worker stops on SIGTERM (systemctl stop)", "still running after 30 s")
    status, body, _, _ = visitor.get("/readyz/")
    failed = json.loads(body or b"{}").get("failed") if status == 503 else None
    check(
        failed == ["worker"], "without a worker, /readyz/ answers 503 naming the worker", f"{status} {body!r}"
    )


def interrupted(signum, frame) -> None:
    raise KeyboardInterrupt


def main() -> int:
    if os.geteuid() != 0:
        raise SystemExit("run as root: nginx is started with a temporary prefix as root")
    for tool in ("nginx", "openssl", "createdb", "dropdb", "redis-cli"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is missing (deploy/README.md lists the packages)")
    # Ctrl-C or a TERM from a CI runner: clean up like any other failure.
    signal.signal(signal.SIGTERM, interrupted)
    top = Topology()
    failed = True
    try:
        top.prepare()
        tls = ssl.create_default_context(cafile=str(top.work / "tls" / "cert.pem"))
        top.start_services()
        run_checks(top, tls)
        failed = not results or not all(passed for passed, _ in results)
    except KeyboardInterrupt:
        check(False, "interrupted")
    except SystemExit as stop:
        check(False, f"stopped: {stop}")
    finally:
        top.cleanup(failed)
    passed = sum(1 for ok, _ in results if ok)
    print(f"{passed} of {len(results)} checks passed" + ("" if not failed else "; see FAIL above"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
