"""Take the README's screenshots from the running demo in headless Chromium.

Run by `make screenshots`: it serves the embedded demo (SQLite under var/screenshots/, the
demo data, in-process tasks) on a free local port, then photographs the home page, a profile,
its graph explorer (network and timeline views), its works list sorted and filtered, the
page of the biggest collaboration, and a profile at phone width into
docs/screenshots/.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(*args, env):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the demo server did not answer at {url}")


def main() -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env["BZPEER_VAR_DIR"] = str(ROOT / "var" / "screenshots")
    manage("migrate", "--noinput", "-v0", env=env)
    manage("load_demo", env=env)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(base + "/healthz")
        # The best-connected profile, the biggest collaboration, and a year to filter from.
        code = (
            "from django.db.models import Max; from works.models import Researcher, Work; "
            "r = Researcher.objects.exclude(affiliations=None)"
            ".order_by('-close_collaborators_count', '-works_count').first(); "
            "big = Work.objects.order_by('-authors_count', 'id').first(); "
            "last = Work.objects.for_researcher(r).aggregate(y=Max('publication_year'))['y']; "
            "print(r.pk, big.pk, (last or 2020) - 5)"
        )
        pk, big_work, since = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=ROOT, env=env, check=True, capture_output=True, text=True,
        ).stdout.split()[-3:]  # fmt: skip
        OUT.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
            )
            ready = '[data-graph][data-graph-state="ready"]'
            shots = [
                ("home.png", "/", {"width": 1280, "height": 800}, None, None),
                # The profile down to the end of its graph section: metrics, trends, people.
                ("profile.png", f"/researchers/{pk}/", {"width": 1280, "height": 1000}, ready,
                 "[data-graph]"),
                ("works-filtered.png", f"/researchers/{pk}/works/?sort=cited&from={since}",
                 {"width": 1280, "height": 1400}, None, None),
                ("big-collaboration.png", f"/works/{big_work}/", {"width": 1280, "height": 1400},
                 None, None),
                ("explorer.png", f"/researchers/{pk}/graph/", {"width": 1280, "height": 1000},
                 ready, None),
                ("explorer-timeline.png", f"/researchers/{pk}/graph/",
                 {"width": 1280, "height": 1000}, ready, "Timeline"),
                # The phone's page down to the end of its graph section.
                ("profile-phone.png", f"/researchers/{pk}/", {"width": 390, "height": 844},
                 ready, "[data-graph]"),
            ]  # fmt: skip
            # The last field is a button to press first, or a selector to photograph down to.
            for name, path, viewport, wait_selector, button in shots:
                page = browser.new_page(viewport=viewport)
                page.goto(base + path, wait_until="networkidle")
                if wait_selector:
                    page.wait_for_selector(wait_selector, timeout=30_000)
                clip = None
                if button and button.startswith("["):
                    bottom = page.locator(button).bounding_box()
                    clip = {"x": 0, "y": 0, "width": viewport["width"],
                            "height": bottom["y"] + bottom["height"] + 16}  # fmt: skip
                elif button:
                    page.get_by_role("button", name=button).click()
                    page.wait_for_selector(wait_selector, timeout=30_000)
                page.wait_for_timeout(600)  # let the last frame paint before the photo
                page.screenshot(path=str(OUT / name), full_page=bool(clip), clip=clip)
                page.close()
                print(f"wrote docs/screenshots/{name}")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
