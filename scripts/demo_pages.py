"""The demo site's key pages, for `make screenshot` and `make lighthouse`.

Serves the embedded demo database (SQLite, loaded by `make demo`) with Django's development
server on a free loopback port, or reuses a running one (``PARVIS_DEMO_URL``), and finds the
addresses of one event, group, thread, organisation, commune... by following the links of the
list pages, so the scripts never hard-code demo data.

On a machine without Internet the maps' tile server cannot be reached: the demo server
started here then takes its tiles from a stand-in on loopback (plain squares, a few hundred
bytes each), so the maps are drawn and measured as a connected visitor's browser draws them
(tiles requested, no failed request), instead of the failures of a machine offline.
"""

import contextlib
import http.server
import os
import re
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.request
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
DEMO_ENV = {
    "DATABASE_URL": "",
    "REDIS_URL": "",
    "DEBUG": "true",
    "PARVIS_STAFF_MFA_REQUIRED": "false",
    "PARVIS_FRIENDLY_ERRORS": "true",
    "PARVIS_DEMO_GZIP": "true",  # compressed responses, as production sends them
}

#: (name, the page to read, the first link on it to follow or None for the page itself).
VISITOR_PAGES = [
    ("home", "/", None),
    ("agenda", "/agenda/", None),
    ("event", "/agenda/", r"/agenda/\d+-[\w-]+/"),
    ("group", "/groupes/", r"/groupes/(?!nouveau/|invitations/|recherche/)[\w-]+/"),
    ("thread", "@group", r"/groupes/[\w-]+/discussions/\d+/"),
    ("organisation", "/organisations/", r"/organisations/(?!nouvelle/|invitations/)[\w-]+/"),
    ("commune", "/agenda/", r"/communes/\d[\dAB]\d{3}-[\w-]+/"),
    ("official", "/elus/", r"/elus/\d+/"),
    ("search", "/recherche/?q=v%C3%A9lo", None),
    ("questions", "/questions/", None),
    ("reports", "/signalements/", None),
    ("volunteering", "/benevolat/", None),
]
#: What a member sees besides: their home, profile and messages (read with their session).
MEMBER_PAGES = [
    ("home", "/", None),
    ("event", "@event", None),
    ("thread", "@thread", None),
    ("profile", "/annuaire/?type=residents", r"/membres/\d+/"),
    ("messages", "/messages/", None),
    ("questions", "/questions/", None),
]
STAFF_PAGES = [("admin", "/admin/", None)]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url, cookie=""):
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback only
        return response.read().decode("utf-8", "replace")


#: The tile server the settings use by default (PARVIS_MAP_TILES_URL).
TILES_PROBE = "https://tile.openstreetmap.org/0/0/0.png"


def tiles_reachable():
    request = urllib.request.Request(TILES_PROBE, method="HEAD", headers={"User-Agent": "parvis"})
    try:
        with urllib.request.urlopen(request, timeout=5):  # noqa: S310 - a fixed https URL
            return True
    except OSError:
        return False


def blank_tile(size=256, land=(242, 239, 233), line=(214, 210, 202)):
    """A PNG tile: a plain square with a line on two sides (a grid once tiled)."""
    row_edge = bytes([0]) + bytes(line) * size
    row = bytes([0]) + bytes(line) + bytes(land) * (size - 1)
    raw = row_edge + row * (size - 1)

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


@contextlib.contextmanager
def stand_in_tiles():
    """The URL template of a loopback tile server (every tile the same plain square)."""
    tile = blank_tile()

    class Tiles(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(tile)))
            self.send_header("Cache-Control", "public, max-age=86400")
            self.send_header("Access-Control-Allow-Origin", "*")
            self.end_headers()
            self.wfile.write(tile)

        def log_message(self, *args):
            pass

    class Server(http.server.ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            pass  # a browser that closed the connection before the tile was sent

    server = Server(("127.0.0.1", 0), Tiles)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/{{z}}/{{x}}/{{y}}.png"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def demo_server():
    """The base URL of a demo server: ``PARVIS_DEMO_URL`` when set, else one started here."""
    if os.environ.get("PARVIS_DEMO_URL"):
        yield os.environ["PARVIS_DEMO_URL"].rstrip("/")
        return
    if not (ROOT / "var" / "parvis.sqlite3").exists():
        sys.exit("No demo database (var/parvis.sqlite3): run `make demo` once first.")
    with contextlib.ExitStack() as stack:
        env = {**os.environ, **DEMO_ENV}
        if "PARVIS_MAP_TILES_URL" not in os.environ and not tiles_reachable():
            env["PARVIS_MAP_TILES_URL"] = stack.enter_context(stand_in_tiles())
            print(f"  (no Internet: the maps' tiles come from {env['PARVIS_MAP_TILES_URL']})")
        yield stack.enter_context(_runserver(env))


@contextlib.contextmanager
def _runserver(env):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                fetch(base + "/sante/")
                break
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def find_pages(base, pages, cookie="", known=None):
    """``{name: path}`` for ``pages``, following the first matching link where one is given
    (``@name`` reads a page found before). A page whose link is missing is left out."""
    found = dict(known or {})
    result = {}
    for name, source, link in pages:
        source_path = found.get(source[1:]) if source.startswith("@") else source
        if source_path is None:
            continue
        path = source_path
        if link:
            match = re.search(f'href="({link})"', fetch(base + source_path, cookie))
            if match is None:
                print(f"  (no {name} page found on {source_path})", file=sys.stderr)
                continue
            path = match.group(1)
        found[name] = result[name] = path
    return result


def demo_accounts():
    """(resident e-mail, moderator e-mail, their passwords) from the demo's own data."""
    os.environ.update(DEMO_ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parvis.settings")
    import django

    django.setup()
    from parvis.accounts.models import User
    from parvis.demo import people

    resident = (
        User.objects.filter(
            email__endswith="@" + people.DEMO_DOMAIN, is_staff=False, commune__isnull=False
        )
        .order_by("pk")
        .values_list("email", flat=True)
        .first()
    )
    return {
        "member": (resident, people.MEMBER_PASSWORD),
        "staff": (people.MODERATOR_EMAIL, people.MODERATOR_PASSWORD),
    }


def launch_chromium(playwright):
    options = {"headless": True, "args": ["--no-sandbox", "--disable-gpu"]}
    if CHROMIUM.exists():
        options["executable_path"] = str(CHROMIUM)
    return playwright.chromium.launch(**options)


def log_in(context, base, email, password):
    """Log ``email`` in through the real form; the context keeps the session cookie."""
    page = context.new_page()
    page.goto(base + "/compte/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    page.close()
    return "; ".join(f"{c['name']}={c['value']}" for c in context.cookies())
