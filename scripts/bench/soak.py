"""make soak: a minute of mixed load on the production stack while its parts fail.

gunicorn, a Celery worker and beat, PostgreSQL (database `bzpeer_soak`, made afresh) and a Redis
of its own on 127.0.0.1:6390 (the machine's Redis on 6379 is left alone). Load threads view
profile pages, follow, unfollow, invite and ask for graph slices, all on 127.0.0.1 and bounded
in requests and time. Meanwhile the script SIGKILLs the Celery worker and starts it again, and
stops Redis and starts it again. Then it checks: no 5xx on pages; every follow, unfollow and
invite that was answered with success is in the database; no slice left `building`. It writes
the Soak section of docs/benchmarks.md and exits non-zero if a check fails.
"""

import argparse
import os
import random
import secrets
import signal
import string
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import common
import requests

sys.path.insert(0, str(common.REPO))  # the Django project, for setup and the checks

DATABASE = "bzpeer_soak"
REDIS_PORT = 6390
WEB_PORT = 8390
WORKER_NAME = "soak@127.0.0.1"
USERS = 24
OWNERS = 8
THREADS = 8
MIX = [  # (operation, weight)
    ("page_anonymous", 40),
    ("page_signed_in", 15),
    ("follow", 12),
    ("unfollow", 8),
    ("invite", 5),
    ("slice", 20),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--max-requests", type=int, default=30_000)
    parser.add_argument("--works", type=int, default=5000, help="synthetic works to load")
    args = parser.parse_args()

    redis_url = f"redis://127.0.0.1:{REDIS_PORT}/0"
    env = common.production_env(
        DATABASE,
        redis_url,
        # The soak's invites are many on purpose; the rules themselves are tested in the suite.
        INVITE_DAILY_CAP="100000",
        INVITE_RATE_PER_MINUTE="100000",
        API_THROTTLE_USER="100000/minute",
        API_THROTTLE_ANON="100000/minute",
        # Let the beat sweep resend lost builds within the soak's minute.
        GRAPH_REQUEUE_AFTER_SECONDS="15",
    )
    print(f"Making {DATABASE} with {args.works:,} synthetic works…", flush=True)
    common.create_database(DATABASE)
    common.manage("migrate", "--noinput", "-v0", env=env)
    common.manage("generate_synthetic", "--works", str(args.works), env=env)
    os.environ.update(env)
    import django

    django.setup()
    common.collectstatic(env)
    world = make_world()

    log_dir = common.VAR / "soak"
    stack = Stack(env, log_dir)
    started_at = datetime.now(UTC)
    try:
        stack.start_redis()
        stack.start_worker()
        stack.start_beat()
        stop = threading.Event()
        threading.Thread(target=stack.supervise, args=(stop,), daemon=True).start()
        with common.gunicorn_server(WEB_PORT, env, 3, log_dir / "gunicorn.log") as url:
            load = Load(url, world, args.seconds, args.max_requests)
            faults = run_with_faults(load, stack, args.seconds)
            print("Load finished; letting the queue drain…", flush=True)
            drained = wait_for_builds(90)
        stop.set()
    finally:
        stack.stop_all()
    drained["unexpected_exits"] = stack.unexpected_exits
    checks = check(load, world, drained)
    write_report(started_at, args, load, faults, drained, checks)
    print(f"Wrote the Soak section of {common.REPORT.relative_to(common.REPO)}")
    if not all(ok for ok, _ in checks.values()):
        sys.exit(1)


# --- The world the load acts on --------------------------------------------------------------


def make_world() -> dict:
    """Signed-in users with sessions and CSRF tokens; some own records open to invitations."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.test import Client

    from works.models import Researcher

    researchers = list(
        Researcher.objects.filter(works_count__gt=0).order_by("pk").values_list("pk", flat=True)
    )
    users = []
    owned = []
    for n in range(USERS):
        email = f"soak{n}@soak.example"
        user = get_user_model().objects.create_user(username=email, email=email, password=None)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        csrf = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
        users.append(
            {
                "id": user.pk,
                "cookie": f"sessionid={client.cookies['sessionid'].value}; csrftoken={csrf}",
                "csrf": csrf,
            }
        )
        if n < OWNERS:
            # Setup data, as the test factories make it: a claimed record taking invitations.
            pk = researchers[n * 7]
            Researcher.objects.filter(pk=pk).update(
                owner=user, claim_status="claimed", verification_level=2, open_to_collaborate=True
            )
            owned.append({"researcher": pk, "owner": user.pk})
    return {"researchers": researchers, "users": users, "owned": owned}


# --- The stack and its faults ----------------------------------------------------------------


class Stack:
    def __init__(self, env: dict, log_dir: Path):
        self.env = env
        self.log_dir = log_dir
        self.redis = self.worker = self.beat = None
        self.unexpected_exits = []
        self.celery = str(Path(common.PY).with_name("celery"))

    def start_redis(self):
        if common.redis_up(REDIS_PORT) and self.redis is None:
            raise RuntimeError(f"something already answers on 127.0.0.1:{REDIS_PORT}")
        # As in docker-compose.yml: no persistence, so a restart loses the queue and cache.
        args = common.redis_args(REDIS_PORT, common.VAR / "soak-redis")
        self.redis = common.start(args, env=dict(os.environ), log=self.log_dir / "redis.log")
        common.wait_for(lambda: common.redis_up(REDIS_PORT), "Redis")

    def stop_redis(self):
        common.stop(self.redis)

    def start_worker(self):
        args = [self.celery, "-A", "bzpeer", "worker", "-n", WORKER_NAME, "--concurrency=2"]
        args += ["--loglevel=warning", "--without-gossip", "--without-mingle"]
        self.worker = common.start(args, env=self.env, log=self.log_dir / "worker.log")

    def kill_worker(self):
        worker, self.worker = self.worker, None  # not an exit for the supervisor to report
        common.stop(worker, sig=signal.SIGKILL)

    def supervise(self, stop: threading.Event) -> None:
        """Restart a worker that exits by itself, as a process supervisor would; count it."""
        while not stop.wait(0.5):
            worker = self.worker
            if worker is not None and worker.poll() is not None:
                self.unexpected_exits.append(f"exit code {worker.returncode}")
                self.start_worker()

    def start_beat(self):
        schedule = self.log_dir / "celerybeat-schedule"
        args = [self.celery, "-A", "bzpeer", "beat", "--loglevel=warning", "-s", str(schedule)]
        self.beat = common.start(args, env=self.env, log=self.log_dir / "beat.log")

    def stop_all(self):
        for process in (self.beat, self.worker, self.redis):
            common.stop(process)


def builds_in_flight(load) -> list[int]:
    """Queue builds for researchers not asked for yet; return the slices a worker is building.

    The worker is killed at that moment, so that it certainly dies in the middle of a build.
    """
    from graph.models import GraphSlice

    def ask():
        session = requests.Session()
        for researcher in load.world["researchers"][-40:]:
            load.slice(session, None, load.world["users"][0], researcher)

    threading.Thread(target=ask, daemon=True).start()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        building = GraphSlice.objects.filter(status=GraphSlice.Status.BUILDING)
        held = list(building.values_list("pk", flat=True))
        if held:
            return held
        time.sleep(0.02)
    return []


def run_with_faults(load, stack: Stack, seconds: int) -> list[str]:
    """Run the load; kill the worker mid-build at 25% of the time, stop Redis at 55%."""
    events = []
    start = time.monotonic()

    def at(fraction: float):
        time.sleep(max(0.0, start + seconds * fraction - time.monotonic()))

    def now() -> str:
        return f"{time.monotonic() - start:5.1f} s"

    threads = load.start()
    at(0.25)
    load.held = builds_in_flight(load)
    stack.kill_worker()
    events.append(
        f"{now()}: SIGKILL the Celery worker while {len(load.held)} slices are `building`"
    )
    time.sleep(seconds * 0.1)
    stack.start_worker()
    events.append(f"{now()}: start the worker again under the same name")
    at(0.55)
    stack.stop_redis()
    events.append(f"{now()}: stop Redis (no persistence: queue and cache are lost)")
    time.sleep(seconds * 0.15)
    stack.start_redis()
    events.append(f"{now()}: start Redis again")
    for thread in threads:
        thread.join()
    events.append(f"{now()}: load finished")
    return events


def wait_for_builds(timeout: float) -> dict:
    """Wait until no slice is queued or building; return what is left."""
    from django.db.models import Q

    from graph.models import GraphSlice

    in_flight = Q(status=GraphSlice.Status.BUILDING) | Q(
        status=GraphSlice.Status.PENDING, queued_at__isnull=False
    )
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if not GraphSlice.objects.filter(in_flight).exists():
            break
        time.sleep(1)
    counts = Counter(GraphSlice.objects.values_list("status", flat=True))
    # Asked while the queue was down (answered 503) and not asked again: nothing is queued.
    unqueued = GraphSlice.objects.filter(
        status=GraphSlice.Status.PENDING, queued_at__isnull=True
    ).count()
    return {
        "seconds": time.monotonic() - started,
        "statuses": dict(counts),
        "unqueued": unqueued,
        "in_flight": GraphSlice.objects.filter(in_flight).count(),
    }


# --- The load -------------------------------------------------------------------------------


class Load:
    """THREADS threads; each owns a share of the users, so one pair's writes are in order."""

    def __init__(self, url: str, world: dict, seconds: int, max_requests: int):
        self.url = url
        self.world = world
        self.seconds = seconds
        self.budget = max_requests
        self.lock = threading.Lock()
        self.statuses = Counter()  # (operation, status)
        self.follows = {}  # (user, researcher) -> "follow" | "unfollow" | "unknown"
        self.invites = []  # ids answered 201
        self.held = []  # slices the killed worker was building
        self.slowest = Counter()

    def start(self) -> list[threading.Thread]:
        self.deadline = time.monotonic() + self.seconds
        threads = [
            threading.Thread(target=self.run, args=(n,), daemon=True) for n in range(THREADS)
        ]
        for thread in threads:
            thread.start()
        return threads

    def take(self) -> bool:
        with self.lock:
            if self.budget <= 0 or time.monotonic() >= self.deadline:
                return False
            self.budget -= 1
            return True

    def run(self, n: int) -> None:
        rng = random.Random(n)
        mine = self.world["users"][n::THREADS]
        session = requests.Session()
        operations, weights = zip(*MIX, strict=True)
        while self.take():
            operation = rng.choices(operations, weights)[0]
            user = rng.choice(mine)
            researcher = rng.choice(self.world["researchers"])
            try:
                status = getattr(self, operation)(session, rng, user, researcher)
            except requests.RequestException:
                status = "no answer"
            with self.lock:
                self.statuses[(operation, status)] += 1

    def _send(self, session, method, path, user=None, **kwargs):
        headers = {}
        if user:
            headers = {"Cookie": user["cookie"], "X-CSRFToken": user["csrf"]}
        return session.request(method, self.url + path, headers=headers, timeout=30, **kwargs)

    def page_anonymous(self, session, rng, user, researcher):
        return self._send(session, "GET", f"/researchers/{researcher}/").status_code

    def page_signed_in(self, session, rng, user, researcher):
        return self._send(session, "GET", f"/researchers/{researcher}/", user).status_code

    def slice(self, session, rng, user, researcher):
        path = f"/api/researchers/{researcher}/graph-slice/"
        return self._send(session, "GET", path, user).status_code

    def _follow(self, session, user, researcher, method, outcome):
        # Few researchers per user, so unfollows often meet an existing follow.
        key = (user["id"], researcher)
        try:
            response = self._send(session, method, f"/api/researchers/{researcher}/follow/", user)
        except requests.RequestException:
            self.follows[key] = "unknown"  # it may or may not have been written
            raise
        self.follows[key] = outcome if response.status_code in (200, 201) else "unknown"
        return response.status_code

    def follow(self, session, rng, user, researcher):
        researcher = self.world["researchers"][user["id"] % 50 + rng.randrange(20)]
        return self._follow(session, user, researcher, "POST", "follow")

    def unfollow(self, session, rng, user, researcher):
        researcher = self.world["researchers"][user["id"] % 50 + rng.randrange(20)]
        return self._follow(session, user, researcher, "DELETE", "unfollow")

    def invite(self, session, rng, user, researcher):
        record = rng.choice(self.world["owned"])
        body = {
            "researcher": record["researcher"],
            "topic": "Soak testing",
            "message": f"Shall we work together? ({rng.random():.6f})",
        }
        response = self._send(session, "POST", "/api/invites/", user, json=body)
        if response.status_code == 201:
            with self.lock:
                self.invites.append(response.json()["id"])
        return response.status_code


# --- Checks and the report ------------------------------------------------------------------


def check(load: Load, world: dict, drained: dict) -> dict:
    from collaboration.models import Follow, Invite
    from graph.models import GraphSlice

    page_5xx = sum(
        count
        for (operation, status), count in load.statuses.items()
        if operation.startswith("page") and isinstance(status, int) and status >= 500
    )
    page_no_answer = sum(
        count
        for (operation, status), count in load.statuses.items()
        if operation.startswith("page") and status == "no answer"
    )
    existing = set(Follow.objects.values_list("user_id", "researcher_id"))
    follow_lost = [k for k, v in load.follows.items() if v == "follow" and k not in existing]
    unfollow_lost = [k for k, v in load.follows.items() if v == "unfollow" and k in existing]
    known = sum(v != "unknown" for v in load.follows.values())
    stored = set(Invite.objects.filter(pk__in=load.invites).values_list("pk", flat=True))
    invites_lost = [pk for pk in load.invites if pk not in stored]
    building = GraphSlice.objects.filter(status=GraphSlice.Status.BUILDING).count()
    held = Counter(GraphSlice.objects.filter(pk__in=load.held).values_list("status", flat=True))
    held_text = ", ".join(f"{status} {n}" for status, n in sorted(held.items())) or "none"
    return {
        "pages": (
            page_5xx == 0 and page_no_answer == 0,
            f"{page_5xx} page answers were 5xx, {page_no_answer} pages got no answer",
        ),
        "follows": (
            not follow_lost and not unfollow_lost,
            f"{known} follow/unfollow pairs ended on a success answer; "
            f"{len(follow_lost)} follows and {len(unfollow_lost)} unfollows missing from the "
            f"database",
        ),
        "invites": (
            not invites_lost,
            f"{len(load.invites)} invites answered 201; {len(invites_lost)} missing",
        ),
        "queue": (
            drained["in_flight"] == 0,
            f"{drained['in_flight']} builds still queued or running {drained['seconds']:.0f} s "
            "after the load",
        ),
        "slices": (
            building == 0 and bool(load.held) and set(held) == {"ready"},
            f"{building} slices left `building`; the {len(load.held)} builds the killed "
            f"worker held ended: {held_text}",
        ),
    }


def write_report(started_at, args, load: Load, faults, drained, checks) -> None:
    total = sum(load.statuses.values())
    by_operation = {}
    for (operation, status), count in sorted(load.statuses.items(), key=str):
        by_operation.setdefault(operation, []).append(f"{status}: {count:,}")
    rows = "\n".join(
        f"| {operation} | {sum(c for (o, _), c in load.statuses.items() if o == operation):,} "
        f"| {', '.join(parts)} |"
        for operation, parts in by_operation.items()
    )
    check_rows = "\n".join(
        f"| {name} | {'pass' if ok else '**FAIL**'} | {detail} |"
        for name, (ok, detail) in checks.items()
    )
    exits = drained["unexpected_exits"]
    exits = (
        f"The worker exited by itself {len(exits)} times ({', '.join(exits)}; see "
        "`var/bench/soak/worker.log`), and the soak started it again, as a restart policy would."
        if exits
        else "The worker never exited by itself (the soak would start it again, as a restart "
        "policy would, and say so here)."
    )
    statuses = ", ".join(f"{s} {n:,}" for s, n in sorted(drained["statuses"].items()))
    body = f"""\
`make soak` ({started_at:%Y-%m-%d %H:%M UTC}, load average {common.load_average()}): gunicorn (3
workers), a Celery worker (`-n {WORKER_NAME}`, 2 processes) and beat, PostgreSQL (`{DATABASE}`,
{args.works:,} synthetic works) and a Redis of its own on 127.0.0.1:{REDIS_PORT}, all with the
production settings. {THREADS} load threads in a separate process, {total:,} requests in
{args.seconds} s (bounded at {args.max_requests:,}), loopback only. Each thread owns a share of
{USERS} signed-in users, so the writes on one user's pair happen in order and the final state of
every pair is known.

What happened:

{chr(10).join(f"- {event}" for event in faults)}
- After the load the queue drained in {drained["seconds"]:.0f} s; slices then: {statuses}
  ({drained["unqueued"]} pending ones were asked for only while the queue was down, and are
  queued by the next request for them).
- {exits}

| operation | requests | answers |
|---|---:|---|
{rows}

| check | result | detail |
|---|---|---|
{check_rows}

Slice answers of 503 are the API's designed reply while the queue is unreachable (`status:
unavailable`, the next request queues again); pages never depend on Redis or the broker
(`bzpeer.cache.ResilientRedisCache`). A worker killed mid-build hands its builds back when
it starts again under the same name (`graph.tasks.requeue_builds_of_killed_predecessor`), and
builds whose queue message died with Redis are sent again by the beat sweep
(`graph.tasks.requeue_lost_graph_slices`)."""
    common.replace_section("Soak", body)


if __name__ == "__main__":
    main()
