"""What `make bench` and `make soak` share: databases, a private Redis, gunicorn, the report.

Everything listens on 127.0.0.1 only. Servers started here are stopped by their process id.
"""

import os
import platform
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import psycopg
import requests

REPO = Path(__file__).resolve().parents[2]
PY = sys.executable
VAR = REPO / "var" / "bench"
PG_SERVER = os.environ.get("BENCH_PG", "postgres://postgres@localhost:5432")
REPORT = REPO / "docs" / "benchmarks.md"
WORKS = 1_000_000  # the bench database's works
# A secret for the bench servers only: sessions made here are signed with it.
SECRET_KEY = "bench-only-secret-key-" + "x" * 40


def db_url(name: str) -> str:
    return f"{PG_SERVER}/{name}"


def pg(name: str = "postgres", autocommit: bool = True) -> psycopg.Connection:
    return psycopg.connect(db_url(name), autocommit=autocommit)


def database_exists(name: str) -> bool:
    with pg() as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()


def create_database(name: str, template: str | None = None) -> None:
    with pg() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        suffix = f' TEMPLATE "{template}"' if template else ""
        conn.execute(f'CREATE DATABASE "{name}"{suffix}')


def work_count(name: str) -> int:
    """Works in the database; 0 when it or its table does not exist."""
    if not database_exists(name):
        return 0
    with pg(name) as conn:
        if not conn.execute("SELECT to_regclass('works_work')").fetchone()[0]:
            return 0
        return conn.execute("SELECT count(*) FROM works_work").fetchone()[0]


def production_env(database: str, redis_url: str, **extra) -> dict:
    """The environment of the production stack, on loopback, without the HTTPS redirect."""
    env = {
        **os.environ,
        "DATABASE_URL": db_url(database),
        "REDIS_URL": redis_url,
        "DEBUG": "false",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Required with DEBUG off (bzpeer.E001); the benchmarks mail nobody.
        "SITE_URL": "http://127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(VAR / "static"),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "LOG_LEVEL": "ERROR",
        "DJANGO_SETTINGS_MODULE": "bzpeer.settings",
        **extra,
    }
    return env


def manage(*args, env: dict, quiet: bool = True) -> subprocess.CompletedProcess:
    out = subprocess.DEVNULL if quiet else None
    return subprocess.run(
        [PY, "manage.py", *args], cwd=REPO, env=env, check=True, stdout=out, stderr=None
    )


def start(args: list[str], *, env: dict, log: Path) -> subprocess.Popen:
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        return subprocess.Popen(
            args, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop(process: subprocess.Popen | None, sig=signal.SIGTERM, timeout: float = 20) -> None:
    """Stop one process we started (its own session: the process and its children)."""
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, sig)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def redis_args(port: int, data_dir: Path, persistent: bool = False) -> list[str]:
    data_dir.mkdir(parents=True, exist_ok=True)
    args = ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--dir", str(data_dir)]
    args += ["--save", ""]
    args += ["--appendonly", "yes" if persistent else "no"]
    return args


def wait_for(check, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not come up within {timeout:.0f} s")


def redis_up(port: int) -> bool:
    result = subprocess.run(
        ["redis-cli", "-h", "127.0.0.1", "-p", str(port), "ping"], capture_output=True, text=True
    )
    return result.stdout.strip() == "PONG"


@contextmanager
def redis_server(port: int, name: str, persistent: bool = False):
    if redis_up(port):
        raise RuntimeError(f"something already answers on 127.0.0.1:{port}; choose another port")
    args = redis_args(port, VAR / name, persistent)
    process = start(args, env=dict(os.environ), log=VAR / f"{name}.log")
    try:
        wait_for(lambda: redis_up(port), f"Redis on port {port}")
        yield process
    finally:
        stop(process)


def gunicorn_args(port: int, workers: int) -> list[str]:
    gunicorn = str(Path(PY).with_name("gunicorn"))
    return [
        gunicorn,
        "bzpeer.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--timeout",
        "60",
        "--graceful-timeout",
        "5",
    ]


@contextmanager
def gunicorn_server(port: int, env: dict, workers: int, log: Path):
    process = start(gunicorn_args(port, workers), env=env, log=log)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: requests.get(f"{url}/healthz", timeout=2).ok, "gunicorn", timeout=60)
        yield url
    finally:
        stop(process)


def collectstatic(env: dict) -> None:
    """Production settings serve hashed static files: collect them once into var/bench."""
    manage("collectstatic", "--noinput", "-v0", env=env)


def machine(database: str) -> dict:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem_kb = int(line.split()[1])
    with pg(database) as conn:
        pg_version = conn.execute("SHOW server_version").fetchone()[0]
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": mem_kb / 1024 / 1024,
        "postgres": pg_version,
        "python": platform.python_version(),
        "redis": subprocess.run(["redis-server", "--version"], capture_output=True, text=True)
        .stdout.split()[2]
        .removeprefix("v="),
        "wrk": shutil.which("wrk") or "missing",
    }


def load_average() -> str:
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


def replace_section(heading: str, body: str, *, before: str | None = None) -> None:
    """Replace the `## heading` section of docs/benchmarks.md, keeping every other section.

    A new section goes before the `before` section when there is one, else at the end.
    """
    text = REPORT.read_text() if REPORT.exists() else "# Benchmarks\n"
    marker = f"## {heading}\n"
    section = f"{marker}\n{body.strip()}\n"
    start_at = text.find(marker)
    if start_at != -1:
        end_at = text.find("\n## ", start_at + len(marker))
        rest = "" if end_at == -1 else text[end_at + 1 :]
        text = text[:start_at] + section + ("\n" + rest if rest else "")
    elif before and f"## {before}\n" in text:
        at = text.find(f"## {before}\n")
        text = text[:at] + section + "\n" + text[at:]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    REPORT.write_text(text)


def own_functions(stats, top: int) -> list[tuple[str, float]]:
    """The project's functions (not the libraries') with the most cumulative seconds."""
    own = []
    for (filename, line, name), (_, _, _, cumulative, _) in stats.stats.items():
        if filename.startswith(str(REPO)) and "/.venv/" not in filename:
            where = f"{filename.removeprefix(str(REPO) + '/')}:{line} {name}"
            if not where.startswith("manage.py"):
                own.append((where, cumulative))
    own.sort(key=lambda item: -item[1])
    return own[:top]


def verdict(ok: bool, shortfall: str) -> str:
    return "**met**" if ok else f"**missed** ({shortfall})"
