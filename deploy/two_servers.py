"""Two app servers behind one database behave as one portal.

Starts two gunicorn servers (ports 8101 and 8102, production settings) on the same PostgreSQL
database, the same Redis (cache and sessions) and the same media folder, then:
  1. signs in on server A and uses that session on server B;
  2. reads a public product page through B (now cached in Redis), edits the product through A,
     and reads the page through B again: the change shows at once (the cache was invalidated);
  3. uploads a spreadsheet of producers on A, previews it on B and imports it on A: the rows exist.
Exit code 0 when everything holds. Run from the project folder: `.venv/bin/python deploy/two_servers.py`.

The database is a throwaway one, dropped and created again: DATABASE_URL (host, port, user, password
and name all honoured; default postgres://postgres@127.0.0.1:5432/ovop_two_servers) must name a
database called ovop_two_servers or ovop_two_servers_<something>, or the script refuses to start. Redis
is a throwaway redis-server started on a free port and stopped at the end, unless REDIS_URL names
one (whose database is then flushed: never point it at a Redis you keep).
"""

import html.parser
import http.cookiejar
import io
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # deploy/sheet.py, shared by the two checks
from sheet import producer_rows  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
PORTS = (8101, 8102)
DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ovop_two_servers")
# The script drops and creates its database: only a name that is plainly its own is accepted.
THROWAWAY_NAME = re.compile(r"ovop_two_servers(_[a-z0-9_]+)?")
PASSWORD = "dua-server-2026"
OFFICIAL = "petugas-ciruas"  # a demo account (seed_demo)
BUMIJAYA = "36.04.09.2009"  # Desa Bumijaya, Kecamatan Ciruas


def database_target(url: str) -> tuple[list[str], dict, str]:
    """The connection options for createdb/dropdb (host, port, user), the environment carrying the
    password, and the database name, all read from the URL. Refuses a name that is not a throwaway."""
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme not in ("postgres", "postgresql", "pgsql"):
        raise SystemExit(f"DATABASE_URL must name a PostgreSQL database, not {parsed.scheme!r}")
    name = urllib.parse.unquote(parsed.path.lstrip("/"))
    if not THROWAWAY_NAME.fullmatch(name):
        raise SystemExit(
            f"refusing to drop the database {name!r}: this script drops and recreates its database, so it "
            "must be called ovop_two_servers or ovop_two_servers_<something>"
        )
    options = ["-h", parsed.hostname or "127.0.0.1", "-p", str(parsed.port or 5432)]
    if parsed.username:
        options += ["-U", urllib.parse.unquote(parsed.username)]
    env = {**os.environ}
    if parsed.password:
        env["PGPASSWORD"] = urllib.parse.unquote(parsed.password)
    return options, env, name


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_redis(work: Path) -> tuple[str, subprocess.Popen | None]:
    """REDIS_URL when given; else a redis-server of our own (never the shared one, never flushed)."""
    if os.environ.get("REDIS_URL"):
        subprocess.run(
            ["redis-cli", "-u", os.environ["REDIS_URL"], "flushdb"], check=True, stdout=subprocess.DEVNULL
        )
        return os.environ["REDIS_URL"], None
    port = free_port()
    server = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(work),
        ],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(100):
        if (
            subprocess.run(
                ["redis-cli", "-p", str(port), "ping"], capture_output=True, text=True
            ).stdout.strip()
            == "PONG"
        ):
            return f"redis://127.0.0.1:{port}/0", server
        time.sleep(0.1)
    server.terminate()
    raise SystemExit("redis-server did not start")


def environment(media: str, static: str, redis_url: str) -> dict:
    return {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "two-servers-check-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",  # plain http on loopback; a reverse proxy does TLS
        "DJANGO_SECURE_COOKIES": "false",
        "DJANGO_HSTS_SECONDS": "0",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": redis_url,
        "DJANGO_MEDIA_ROOT": media,
        "DJANGO_STATIC_ROOT": static,
        "OVOP_DEMO_PASSWORD": PASSWORD,
    }


def server_environment(env: dict, work: Path, port: int) -> dict:
    """Each server gets its own temp folder, as two machines would: nothing a request leaves there
    (an upload waiting for its import, say) can be seen by the other server."""
    own = work / f"tmp-{port}"
    own.mkdir(exist_ok=True)
    return {**env, "TMPDIR": str(own)}


def manage(env: dict, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


class FormReader(html.parser.HTMLParser):
    """The fields of the first form on a page whose action matches, with their current values."""

    def __init__(self):
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value", "")))
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value", "")))
        elif tag == "textarea" and a.get("name"):
            self._textarea, self._text = a["name"], ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.fields.append((self._textarea, self._text))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text += data


class Browser:
    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, url: str) -> tuple[int, str, dict]:
        with self.opener.open(url, timeout=20) as response:
            return response.status, response.read().decode(), dict(response.headers)

    def post(self, url: str, fields: list[tuple[str, str]], referer: str) -> tuple[int, str]:
        data = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(url, data=data, headers={"Referer": referer})
        with self.opener.open(request, timeout=20) as response:
            return response.status, response.geturl()

    def upload(
        self, url: str, fields: list[tuple[str, str]], file_field: str, name: str, data: bytes, referer: str
    ) -> tuple[int, str]:
        """A multipart POST, as a browser sends a form with a file."""
        boundary = "----ovop" + secrets.token_hex(12)
        body = io.BytesIO()
        for key, value in fields:
            body.write(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
            )
        body.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{name}"\r\n'
            "Content-Type: text/csv\r\n\r\n".encode()
        )
        body.write(data + f"\r\n--{boundary}--\r\n".encode())
        request = urllib.request.Request(
            url,
            data=body.getvalue(),
            headers={"Referer": referer, "Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        with self.opener.open(request, timeout=60) as response:
            return response.status, response.geturl()

    def form(self, url: str) -> list[tuple[str, str]]:
        reader = FormReader()
        reader.feed(self.get(url)[1])
        return reader.fields


def wait_for(port: int) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt", timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server on port {port} did not start")


def check(condition: bool, message: str) -> None:
    print(("ok    " if condition else "FAIL  ") + message)
    if not condition:
        raise SystemExit(1)


def main() -> None:
    options, pg_env, name = database_target(DATABASE_URL)
    work = Path(tempfile.mkdtemp(prefix="ovop-two-servers-"))
    redis_url, redis_server = start_redis(work)
    try:
        run_servers(work, redis_url, options, pg_env, name)
    except subprocess.CalledProcessError as error:
        raise SystemExit(f"failed: {' '.join(map(str, error.cmd))} (exit {error.returncode})") from error
    finally:
        if redis_server is not None:
            redis_server.terminate()
            redis_server.wait(timeout=20)


def run_servers(work: Path, redis_url: str, options: list[str], pg_env: dict, name: str) -> None:
    env = environment(str(work / "media"), str(work / "static"), redis_url)
    subprocess.run(["dropdb", "--if-exists", *options, name], check=True, env=pg_env)
    subprocess.run(["createdb", *options, name], check=True, env=pg_env)
    print(f"preparing the shared database ({name} on port {options[3]}), media and static files ...")
    manage(env, "migrate", "--noinput")
    manage(env, "load_regions", "36.04")
    manage(env, "seed_demo")
    manage(env, "collectstatic", "--noinput")
    servers = [
        subprocess.Popen(
            [
                GUNICORN,
                "ovop_portal.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=server_environment(env, work, port),
        )
        for port in PORTS
    ]
    try:
        for port in PORTS:
            wait_for(port)
        a, b = (f"http://127.0.0.1:{port}" for port in PORTS)
        official = Browser()
        login = official.form(f"{a}/accounts/login/")
        fields = [(k, v) for k, v in login if k not in ("username", "password")]
        # A kecamatan officer of Ciruas (the product and the imported producers are in Ciruas): the Dinas
        # accounts must set up two-factor sign-in first in production (OVOP_TWO_FACTOR_REQUIRED).
        fields += [("username", OFFICIAL), ("password", PASSWORD)]
        status, landed = official.post(f"{a}/accounts/login/", fields, referer=f"{a}/accounts/login/")
        check(landed.endswith("/petugas/"), f"signed in on server A ({landed})")
        status, page, _ = official.get(f"{b}/petugas/")
        check(status == 200 and f"Keluar ({OFFICIAL})" in page, "the same session works on server B")

        visitor = Browser()
        slug = "gerabah-bumijaya"
        status, page, headers = visitor.get(f"{b}/produk/{slug}/")
        status, page, headers = visitor.get(f"{b}/produk/{slug}/")
        check(
            "Gerabah Bumijaya" in page and headers.get("X-Cache") == "hit",
            "B serves the product page from Redis",
        )

        pk = subprocess.run(
            [
                PYTHON,
                "manage.py",
                "shell",
                "-c",
                f"from products.models import Product; print(Product.objects.get(slug='{slug}').pk)",
            ],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()[-1]
        edit_url = f"{a}/petugas/produk/{pk}/ubah/"
        form = official.form(edit_url)
        form = [(k, "Gerabah Bumijaya Asli" if k == "name" else v) for k, v in form]
        status, landed = official.post(edit_url, form, referer=edit_url)
        check(f"/petugas/produk/{pk}/" in landed, "the product was edited through server A")
        status, page, headers = visitor.get(f"{b}/produk/{slug}/")
        check(
            "Gerabah Bumijaya Asli" in page, f"B shows the change at once (X-Cache: {headers.get('X-Cache')})"
        )
        check_import(official, a, b, env)
        print("two app servers behind one database behave as one portal")
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=20)


def check_import(official: Browser, a: str, b: str, env: dict) -> None:
    """Upload on A, preview on B, import on A: the held file must be where every server finds it."""
    data = producer_rows(
        official.get(f"{a}/petugas/impor/templat/produsen.csv")[1], "Usaha Dua Server", BUMIJAYA
    )
    upload_url = f"{a}/petugas/impor/"
    fields = [(k, v) for k, v in official.form(upload_url) if k == "csrfmiddlewaretoken"] + [
        ("kind", "produsen")
    ]
    status, landed = official.upload(upload_url, fields, "file", "produsen.csv", data, upload_url)
    ref = urllib.parse.parse_qs(urllib.parse.urlparse(landed).query).get("ref", [""])[0]
    check(status == 200 and bool(ref), f"a file of 3 producers was uploaded on server A (ref {ref[:6]}…)")
    preview_url = f"{b}/petugas/impor/pratinjau/?ref={ref}"
    status, page, _ = official.get(preview_url)
    check(
        status == 200 and "Usaha Dua Server 2" in page and "tidak ditemukan" not in page,
        "server B shows the preview of the file uploaded on A",
    )
    form = [(k, v) for k, v in official.form(preview_url) if k in ("csrfmiddlewaretoken", "ref")]
    status, landed = official.post(f"{a}/petugas/impor/pratinjau/", form, referer=preview_url)
    check(landed.endswith("/petugas/produsen/"), f"server A imported it ({landed})")
    count = subprocess.run(
        [
            PYTHON,
            "manage.py",
            "shell",
            "-c",
            "from products.models import Producer; "
            "print(Producer.objects.filter(business_name__startswith='Usaha Dua Server').count())",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()[-1]
    check(count == "3", f"the 3 producers exist in the database ({count})")


if __name__ == "__main__":
    sys.exit(main())
