"""Mutation testing of the rule modules: one small change at a time, each against its own tests.

`make mutation` (not part of `make test`) makes every mutant of each rule module, one at a time,
and runs against it those of the module's own tests that can tell it (PostgreSQL, stop at the
first failure): a first, unmutated run records which test runs which line, and a mutant gets
the tests that run its line (for a constant, those that run a line reading it). A mutant is
killed when a test fails (or the run exceeds its time limit), survived when every test passes.
The changes, each the smallest that breaks a rule:

- a comparison flipped at its boundary or negated (`<` to `<=`, `>=` to `>`, `==` to `!=`,
  `in` to `not in`, `is` to `is not`, and back);
- a number constant one more and one less; `True` and `False` swapped;
- a call made as a statement deleted; a `raise` deleted;
- an `if`, `while`, conditional expression or comprehension condition negated.

A mutant is applied in the test process only, by an import hook (this file is also the pytest
plugin, `-p mutation`): the module is compiled from the mutated syntax tree, so nothing on disk
changes and an interrupted run leaves the checkout clean. Each test run is a fork of a process
that has already imported the libraries (and Django's apps where that does not import the
mutated files), which saves seconds per mutant; modules run one after another.

Equivalent mutants (no input can tell them from the original) are listed in EQUIVALENT
(scripts/mutation_equivalents.py) with their reasons, or their line is marked
`# pragma: no mutate` and a reason; they are counted apart, not as killed. Mutmut was not
used: version 3 mutates only inside functions (the rules' constants live at module level) and
runs the whole suite to map tests to mutants.

    scripts/mutation.py                      # every module, one after another
    scripts/mutation.py claims names         # some modules
    scripts/mutation.py --list trust         # the mutants, without running them
    scripts/mutation.py --write docs/benchmarks.md   # also write the Mutation section
"""

from __future__ import annotations

import argparse
import ast
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from mutation_equivalents import EQUIVALENT

REPO = Path(__file__).resolve().parent.parent
MUTANT_ENV = "BZPEER_MUTANT"  # "path/to/module.py:index", read by the plugin half below
RECORD_ENV = "BZPEER_MUTATION_LINES"  # "out.json:source.py:...", likewise
PRAGMA = "pragma: no mutate"
TARGET_SCORE = 90.0


@dataclass(frozen=True)
class Module:
    """A rule module: the files mutated, and the tests that are its own."""

    name: str
    sources: tuple[str, ...]
    tests: tuple[str, ...]


MODULES = (
    Module("trust", ("profiles/trust.py",), ("tests/profiles/test_trust.py",)),
    Module(
        "claims",
        (
            "profiles/claims/services.py",
            "profiles/claims/disputes.py",
            "profiles/claims/queries.py",
        ),
        (
            "tests/profiles/test_claims.py",
            "tests/profiles/test_claim_rules.py",
            "tests/profiles/test_automatic_approval.py",
            "tests/profiles/test_merged_records.py",
            "tests/api/test_claims_api.py",
            "tests/collaboration/test_notifications.py",
        ),
    ),
    Module(
        "invites",
        ("collaboration/invites.py",),
        (
            "tests/collaboration/test_invites.py",
            "tests/collaboration/test_invite_concurrency.py",
            "tests/collaboration/test_inbox.py",
            "tests/collaboration/test_invite_rules.py",
            "tests/collaboration/test_invites_api.py",
            "tests/collaboration/test_notifications.py",
        ),
    ),
    Module("names", ("works/names.py",), ("tests/works/test_names.py",)),
    Module(
        "openalex parser",
        ("works/openalex/parse.py", "works/openalex/values.py", "works/openalex/records.py"),
        ("tests/works/test_openalex_parser.py", "tests/works/test_parser_rules.py"),
    ),
)


# --- Making mutants -------------------------------------------------------------------------

_COMPARE_SWAPS = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
_OP_TEXT = {
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.In: "in",
    ast.NotIn: "not in",
    ast.Is: "is",
    ast.IsNot: "is not",
}


@dataclass(frozen=True)
class Site:
    index: int
    line: int
    end_line: int
    change: str


class _Mutator(ast.NodeTransformer):
    """Walk a module in a fixed order, numbering every possible change; apply the target one.

    Children are always visited before their parent's own change is numbered, so the numbering
    is the same whichever change is applied.
    """

    def __init__(self, target: int | None, is_excluded):
        self.target = target
        self.is_excluded = is_excluded
        self.sites: list[Site] = []
        self.skipped: list[Site] = []
        self.applied = False

    def _hit(self, node: ast.AST, change: str) -> bool:
        site = Site(len(self.sites) + len(self.skipped), node.lineno, node.end_lineno, change)
        if self.is_excluded(site):
            self.skipped.append(site)
            return False
        self.sites.append(site)
        if site.index == self.target:
            self.applied = True
            return True
        return False

    # Annotations and decorators (`@dataclass(frozen=True)`, `@transaction.atomic`) hold no
    # rule of the module's own: they are not mutated.
    def visit_FunctionDef(self, node):
        node.args.defaults = [self.visit(d) for d in node.args.defaults]
        node.args.kw_defaults = [d if d is None else self.visit(d) for d in node.args.kw_defaults]
        body = [self.visit(statement) for statement in node.body]
        node.body = [statement for statement in body if statement is not None]
        return node

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node):
        body = [self.visit(statement) for statement in node.body]
        node.body = [statement for statement in body if statement is not None]
        return node

    def visit_AnnAssign(self, node):
        if node.value is not None:
            node.value = self.visit(node.value)
        return node

    def visit_Compare(self, node):
        self.generic_visit(node)
        for i, op in enumerate(node.ops):
            swap = _COMPARE_SWAPS.get(type(op))
            if swap and self._hit(node, f"{_OP_TEXT[type(op)]} -> {_OP_TEXT[swap]}"):
                node.ops[i] = swap()
        return node

    def visit_Constant(self, node):
        value = node.value
        if isinstance(value, bool):
            if self._hit(node, f"{value} -> {not value}"):
                return ast.copy_location(ast.Constant(not value), node)
        elif isinstance(value, int | float):
            for delta in (1, -1):
                if self._hit(node, f"{value!r} -> {value + delta!r}"):
                    return ast.copy_location(ast.Constant(value + delta), node)
        return node

    def visit_Expr(self, node):
        self.generic_visit(node)
        if isinstance(node.value, ast.Call) and self._hit(
            node, f"delete the call {_call_name(node.value)}()"
        ):
            return ast.copy_location(ast.Pass(), node)
        return node

    def visit_Raise(self, node):
        self.generic_visit(node)
        if self._hit(node, "delete the raise"):
            return ast.copy_location(ast.Pass(), node)
        return node

    def _negate(self, node, attr: str, what: str):
        test = getattr(node, attr)
        if self._hit(test, f"negate the {what} condition"):
            setattr(node, attr, ast.copy_location(ast.UnaryOp(ast.Not(), test), test))

    def visit_If(self, node):
        self.generic_visit(node)
        self._negate(node, "test", "if")
        return node

    def visit_While(self, node):
        self.generic_visit(node)
        self._negate(node, "test", "while")
        return node

    def visit_IfExp(self, node):
        self.generic_visit(node)
        self._negate(node, "test", "conditional expression")
        return node

    def visit_comprehension(self, node):
        self.generic_visit(node)
        for i, test in enumerate(node.ifs):
            if self._hit(test, "negate the comprehension condition"):
                node.ifs[i] = ast.copy_location(ast.UnaryOp(ast.Not(), test), test)
        return node


def _call_name(call: ast.Call) -> str:
    func = call.func
    parts = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if isinstance(func, ast.Name):
        parts.append(func.id)
    elif isinstance(func, ast.Call):
        parts.append(f"{_call_name(func)}(...)")
    return ".".join(reversed(parts)) or "a"


def _exclusion(path: Path, source: str):
    """Whether a site is excluded: on a line marked with the pragma, or in EQUIVALENT."""
    lines = source.splitlines()
    relative = path.resolve().relative_to(REPO).as_posix()
    known = [e for e in EQUIVALENT if e.path == relative]

    def is_excluded(site: Site) -> bool:
        span = lines[site.line - 1 : site.end_line]
        if any(PRAGMA in line for line in span):
            return True
        return any(e.change == site.change and e.code in lines[site.line - 1] for e in known)

    return is_excluded


def mutate(path: Path, target: int | None) -> tuple[ast.Module, _Mutator]:
    source = path.read_text()
    tree = ast.parse(source, filename=str(path))
    mutator = _Mutator(target, _exclusion(path, source))
    tree = mutator.visit(tree)
    return ast.fix_missing_locations(tree), mutator


def sites_of(path: Path) -> tuple[list[Site], list[Site]]:
    _, mutator = mutate(path, None)
    return mutator.sites, mutator.skipped


# --- The pytest plugin half: load the one mutated module, or record which test runs which line


class _MutantLoader(importlib.machinery.SourceFileLoader):
    def __init__(self, fullname: str, path: str, code):
        super().__init__(fullname, path)
        self._code = code

    def get_code(self, fullname):
        return self._code


class _MutantFinder(importlib.abc.MetaPathFinder):
    def __init__(self, fullname: str, path: Path, code):
        self.fullname, self.path, self.code = fullname, path, code

    def find_spec(self, fullname, path=None, target=None):
        if fullname != self.fullname:
            return None
        loader = _MutantLoader(fullname, str(self.path), self.code)
        return importlib.util.spec_from_file_location(fullname, self.path, loader=loader)


def _module_name(source: str) -> str:
    return source.removesuffix(".py").replace("/", ".").removesuffix(".__init__")


def _install_mutant(spec: str) -> None:
    relative, index = spec.rsplit(":", 1)
    path = REPO / relative
    tree, mutator = mutate(path, int(index))
    if not mutator.applied:
        raise SystemExit(f"mutation: no mutant {index} in {relative}")
    fullname = _module_name(relative)
    if fullname in sys.modules:
        raise SystemExit(f"mutation: {fullname} was imported before the mutant could be")
    code = compile(tree, str(path), "exec")
    sys.meta_path.insert(0, _MutantFinder(fullname, path, code))


class _LineRecorder:
    """Which lines of the mutated files each test runs (setup and teardown included)."""

    def __init__(self, out: str, files: list[str]):
        self.out = out
        self.files = {str((REPO / f).resolve()): f for f in files}
        self.known: dict[str, str | None] = {}
        self.lines: set[tuple[str, int]] = set()
        self.by_test: dict[str, dict[str, list[int]]] = {}
        self.seconds: dict[str, float] = {}
        self.started = 0.0

    def _file(self, filename: str) -> str | None:
        if filename not in self.known:
            self.known[filename] = self.files.get(os.path.realpath(filename))
        return self.known[filename]

    def _call(self, frame, event, arg):
        return self._line if self._file(frame.f_code.co_filename) else None

    def _line(self, frame, event, arg):
        if event == "line":
            self.lines.add((self.known[frame.f_code.co_filename], frame.f_lineno))
        return self._line

    def start(self) -> None:
        self.lines = set()
        self.started = time.monotonic()
        threading.settrace(self._call)
        sys.settrace(self._call)

    def stop(self, nodeid: str) -> None:
        sys.settrace(None)
        threading.settrace(None)
        per_file: dict[str, list[int]] = {}
        for file, line in sorted(self.lines):
            per_file.setdefault(file, []).append(line)
        self.by_test[nodeid] = per_file
        self.seconds[nodeid] = time.monotonic() - self.started

    def write(self) -> None:
        # The libraries loaded, in the order they were, for the runner to preload.
        modules = [name for name in list(sys.modules) if name.split(".")[0] not in _OURS]
        Path(self.out).write_text(
            json.dumps({"tests": self.by_test, "seconds": self.seconds, "modules": modules})
        )


if __name__ != "__main__":
    import pytest

    if os.environ.get(MUTANT_ENV):
        _install_mutant(os.environ[MUTANT_ENV])
    _recorder = None
    if os.environ.get(RECORD_ENV):
        out, *files = os.environ[RECORD_ENV].split(os.pathsep)
        _recorder = _LineRecorder(out, files)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(item, nextitem):
        if _recorder is None:
            return (yield)
        _recorder.start()
        try:
            return (yield)
        finally:
            _recorder.stop(item.nodeid)

    def pytest_sessionfinish(session, exitstatus):
        if _recorder is not None:
            _recorder.write()

    class _RecordedTestDatabase:
        """A mutant's run uses the test database as the recorded run left it (made, migrated):
        checking the migrations again would cost seconds per mutant."""

        @pytest.fixture(scope="session")
        def django_db_setup(self):
            from django.conf import settings
            from django.db import connections

            for alias in connections:
                database = settings.DATABASES[alias]
                name = database.get("TEST", {}).get("NAME") or f"test_{database['NAME']}"
                database["NAME"] = connections[alias].settings_dict["NAME"] = name
            yield

    def pytest_configure(config):
        # Registered last, so that it overrides pytest-django's own fixture.
        if os.environ.get(MUTANT_ENV):
            config.pluginmanager.register(_RecordedTestDatabase(), "mutation-test-database")


# --- The runner -----------------------------------------------------------------------------


@dataclass
class Result:
    module: Module
    killed: int = 0
    timed_out: int = 0
    excluded: int = 0
    survivors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return self.killed + len(self.survivors)

    @property
    def score(self) -> float:
        return 100.0 * self.killed / self.total if self.total else 100.0


# Plugins the rule modules' tests do not use; loading them costs seconds per mutant.
_UNUSED_PLUGINS = ("schemathesis", "hypothesispytest", "anyio", "xdist", "xdist.looponfail")
_OURS = ("bzpeer", "profiles", "works", "graph", "collaboration", "tests", "mutation", "conftest")


def _pytest_args(tests: list[str]) -> list[str]:
    args = ["-p", "mutation", "-p", "no:cacheprovider"]
    for plugin in _UNUSED_PLUGINS:
        args += ["-p", f"no:{plugin}"]
    # A parametrized test is named by its function: a mutant of a constant its parameters are
    # made from (a field limit) renames the cases, which would then not be found.
    functions = list(dict.fromkeys(test.split("[", 1)[0] for test in tests))
    return [*args, "--reuse-db", "-x", "-q", "--no-header", "-W", "ignore", *functions]


def _outcome(returncode: int, tests: list[str], output: str) -> str:
    if returncode == 0:
        return "survived"
    if returncode in (2, 3, 4, 5):  # interrupted, internal or usage error, no tests
        raise SystemExit(f"mutation: pytest could not run {' '.join(tests)}:\n{output}")
    return "killed"


def _record_run(tests: list[str], sources: tuple[str, ...], tmp: str) -> tuple[float, dict]:
    """Run the tests unmutated in a fresh process, recording which test runs which line."""
    lines_file = os.path.join(tmp, "lines.json")
    python = REPO / ".venv" / "bin" / "python"
    command = [str(python if python.exists() else sys.executable), "-m", "pytest"]
    env = dict(os.environ)
    env.pop(MUTANT_ENV, None)
    env[RECORD_ENV] = os.pathsep.join([lines_file, *sources])
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(REPO / "scripts"), env.get("PYTHONPATH")])
    )
    started = time.monotonic()
    done = subprocess.run(
        [*command, *_pytest_args(tests)], cwd=REPO, env=env, capture_output=True, text=True
    )
    elapsed = time.monotonic() - started
    if _outcome(done.returncode, tests, done.stdout + done.stderr) != "survived":
        raise SystemExit(f"mutation: the tests fail without a mutant:\n{done.stdout}")
    return elapsed, json.loads(Path(lines_file).read_text())


def _preload(modules: list[str], sources: tuple[str, ...]) -> None:
    """Import, in this process, what the tests import, so that each forked test run starts
    with it loaded: the libraries (one that needs Django's app registry fails here harmlessly
    and is imported by the test run itself), and Django's apps too when setting them up does
    not import the mutated files (a forked probe tells). Runs in the process of one module."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bzpeer.settings")
    for path in (str(REPO), str(REPO / "scripts")):
        if path not in sys.path:
            sys.path.insert(0, path)
    import django
    import django.conf

    django.conf.settings._setup()
    for name in modules:
        if name.split(".")[0] in _OURS or name in sys.modules:
            continue
        try:
            importlib.import_module(name)
        except Exception:  # see the docstring
            continue
    mutated = {_module_name(source) for source in sources}
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            django.setup()
            code = 1 if mutated.intersection(sys.modules) else 0
        finally:
            os._exit(code)
    if os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0:
        django.setup()
    loaded = mutated.intersection(sys.modules)
    if loaded:
        raise SystemExit(f"mutation: preloading imported a mutated module: {', '.join(loaded)}")


def _run_module_apart(module: Module, *, verbose: bool) -> Result:
    """Run one module in a child process, so that what it preloads stays its own."""
    with tempfile.NamedTemporaryFile("w+", suffix=".json") as out:
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                r = run_module(module, verbose=verbose)
                fields = ("killed", "timed_out", "excluded", "survivors", "seconds")
                json.dump({name: getattr(r, name) for name in fields}, out)
                out.flush()
                code = 0
            except SystemExit as exc:
                print(exc, file=sys.stderr)
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        if os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) != 0:
            raise SystemExit(f"mutation: the run of {module.name} failed")
        out.seek(0)
        return Result(module, **json.load(out))


def _run_forked(tests: list[str], mutant: str, timeout: float) -> tuple[str, float, str]:
    """Run the tests against one mutant in a child of this (preloaded) process."""
    import pytest

    started = time.monotonic()
    with tempfile.TemporaryFile("w+") as out:
        pid = os.fork()
        if pid == 0:  # the child: never returns
            code = 3
            try:
                os.setsid()
                os.dup2(out.fileno(), 1)
                os.dup2(out.fileno(), 2)
                os.environ.pop(RECORD_ENV, None)
                os.environ[MUTANT_ENV] = mutant
                code = int(pytest.main(_pytest_args(tests)))
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        deadline = started + timeout
        status = None
        while status is None:
            done, raw = os.waitpid(pid, os.WNOHANG)
            if done:
                status = os.waitstatus_to_exitcode(raw)
            elif time.monotonic() > deadline:
                os.killpg(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return "timeout", time.monotonic() - started, ""
            else:
                time.sleep(0.05)
        out.seek(0)
        output = out.read()
    return _outcome(status, tests, output), time.monotonic() - started, output


class _ImportTimeUses:
    """Where the values made at import are used: a constant's mutant runs the tests that run
    a line reading the constant, not every test.

    For each statement run at import (an assignment at module level, a function's default
    values), the lines that read what it makes, in any file of the module: a module-level
    name read inside a function (or, through another module-level name made from it, read
    there), or a function's default read by running the function's body.
    """

    def __init__(self, sources: tuple[str, ...], tests: list[str]):
        # Test functions that name a constant themselves (``openalex.TITLE_MAX``).
        self.named_by: dict[str, set[str]] = {}
        for test_file in tests:
            for node in ast.walk(ast.parse((REPO / test_file).read_text())):
                if isinstance(node, ast.FunctionDef) and node.name.startswith("test"):
                    for inner in ast.walk(node):
                        name = getattr(inner, "attr", None) or getattr(inner, "id", None)
                        if isinstance(name, str):
                            self.named_by.setdefault(name, set()).add(f"{test_file}::{node.name}")
        self.names_of_site: set[str] = set()
        self.bodies: dict[str, list[tuple[int, int]]] = {}
        self.spans: dict[str, list[tuple[int, int, set[str], tuple[int, int] | None]]] = {}
        self.reads: dict[str, set[tuple[str, int]]] = {}
        self.made_from: dict[str, set[str]] = {}
        for source in sources:
            tree = ast.parse((REPO / source).read_text())
            spans = self.spans.setdefault(source, [])
            for statement in tree.body:
                if isinstance(statement, ast.Assign | ast.AnnAssign):
                    targets = (
                        statement.targets
                        if isinstance(statement, ast.Assign)
                        else [statement.target]
                    )
                    made = {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
                    span = (statement.lineno, statement.end_lineno)
                    spans.append((*span, made, None))
                    for node in ast.walk(statement.value) if statement.value else ():
                        if isinstance(node, ast.Name):
                            for name in made:
                                self.made_from.setdefault(node.id, set()).add(name)
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    body = (node.body[0].lineno, node.end_lineno)
                    self.bodies.setdefault(source, []).append(body)
                    for default in [*node.args.defaults, *filter(None, node.args.kw_defaults)]:
                        spans.append((default.lineno, default.end_lineno, set(), body))
                    for inner in ast.walk(node):
                        if isinstance(inner, ast.Name) and isinstance(inner.ctx, ast.Load):
                            self.reads.setdefault(inner.id, set()).add((source, inner.lineno))

    def in_a_function_body(self, source: str, site: Site) -> bool:
        """Whether the site runs only when its function is called (so a test that does not run
        its line cannot tell the mutant)."""
        return any(a <= site.line and site.end_line <= b for a, b in self.bodies.get(source, ()))

    def lines_for(self, source: str, site: Site) -> set[tuple[str, int]] | None:
        """The lines whose tests can tell this import-time mutant, or None when unknown."""
        self.names_of_site = set()
        for start, end, made, body in self.spans.get(source, ()):
            if start <= site.line and site.end_line <= end:
                if body is not None:
                    return {(source, line) for line in range(body[0], body[1] + 1)}
                names, todo = set(), list(made)
                while todo:
                    name = todo.pop()
                    if name not in names:
                        names.add(name)
                        todo.extend(self.made_from.get(name, ()))
                lines = set().union(*(self.reads.get(name, set()) for name in names))
                self.names_of_site = names
                return lines or None
        return None


def _tests_for(
    site: Site, source: str, covering: dict, seconds: dict, uses: _ImportTimeUses
) -> list[str]:
    """The tests that run any line of the mutated code, the quickest first (a mutant is killed
    by the first test that fails).

    A line in a function's body that no test runs gets no test: it survives. Code run at
    import gets, for a constant or a default value, the tests that run a line reading it or
    that name it; anything else run at import (a class body, a value read elsewhere only) gets
    every test of the module.
    """
    lines = set(range(site.line, site.end_line + 1))
    chosen = [test for test, files in covering.items() if lines.intersection(files.get(source, ()))]
    if not chosen and uses.in_a_function_body(source, site):
        return []
    if not chosen:
        reads = uses.lines_for(source, site)
        if reads:
            naming = set().union(*(uses.named_by.get(n, set()) for n in uses.names_of_site))
            chosen = [
                test
                for test, files in covering.items()
                if any(line in files.get(file, ()) for file, line in reads)
                or test.split("[")[0] in naming
            ]
    return sorted(chosen or covering, key=lambda test: seconds[test])


def run_module(module: Module, *, verbose: bool) -> Result:
    result = Result(module)
    started = time.monotonic()
    tests = [test for test in module.tests if (REPO / test).exists()]
    with tempfile.TemporaryDirectory() as tmp:
        baseline, recorded = _record_run(tests, module.sources, tmp)
    covering, seconds = recorded["tests"], recorded["seconds"]
    _preload(recorded["modules"], module.sources)
    # A mutant that makes a loop endless is stopped and counted as killed; the recorded run was
    # slowed by its tracing, so it is a generous bound.
    timeout = max(120.0, 3 * baseline)
    sites = [(source, site) for source in module.sources for site in sites_of(REPO / source)[0]]
    result.excluded = sum(len(sites_of(REPO / source)[1]) for source in module.sources)
    print(
        f"{module.name}: {len(sites)} mutants ({result.excluded} excluded), "
        f"{len(covering)} tests ({baseline:.0f} s with line recording)",
        flush=True,
    )
    uses = _ImportTimeUses(module.sources, tests)
    for n, (source, site) in enumerate(sites, start=1):
        chosen = _tests_for(site, source, covering, seconds, uses)
        if chosen:
            outcome, elapsed, output = _run_forked(chosen, f"{source}:{site.index}", timeout)
        else:
            outcome, elapsed = "survived", 0.0  # no test runs the line
        label = f"{source}:{site.line}: {site.change}" + ("" if chosen else " (no test runs it)")
        if outcome == "survived":
            result.survivors.append(label)
        else:
            result.killed += 1
            result.timed_out += outcome == "timeout"
        if verbose or outcome == "survived":
            print(
                f"  [{n}/{len(sites)}] {outcome:8} {label} ({len(chosen)} tests, {elapsed:.1f} s)",
                flush=True,
            )
    result.seconds = time.monotonic() - started
    print(
        f"{module.name}: {result.killed} of {result.total} killed ({result.score:.1f}%) "
        f"in {result.seconds / 60:.1f} min",
        flush=True,
    )
    return result


_INTRO = (
    "`make mutation` (`scripts/mutation.py`) makes every mutant of each rule module, one at a "
    "time (a comparison flipped at its boundary or negated, a number constant one more and one "
    "less, `True`/`False` swapped, a call made as a statement or a `raise` deleted, a condition "
    "negated), and runs against it those of the module's own tests that run the mutated line "
    "(all of them for code run at import), on PostgreSQL, stopping at the first failure. A "
    "mutant is killed when a test fails or the run exceeds three times the tests' own time. "
    "Excluded mutants are equivalent ones (no input can tell them from the original), listed "
    f"with their reasons in `EQUIVALENT` in the script or marked `# {PRAGMA}`. Target: at least "
    f"{TARGET_SCORE:.0f}% killed in every module. Each row is its own run (`make mutation "
    'ARGS="names"` runs one module and replaces its row), on the shared 2-core machine.'
)
_HEADER = (
    "| module | files | mutants | killed | survived | excluded | score | run |",
    "|---|---|---:|---:|---:|---:|---:|---|",
)


def _row(r: Result) -> str:
    files = ", ".join(f"`{s}`" for s in r.module.sources)
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = " / ".join(f"{v:.2f}" for v in os.getloadavg())
    return (
        f"| {r.module.name} | {files} | {r.total} | {r.killed} | {len(r.survivors)} | "
        f"{r.excluded} | {r.score:.1f}% | {when}, {r.seconds / 60:.0f} min, load {load} |"
    )


def report(results: list[Result], previous: str = "") -> str:
    """The Mutation section: these results, and the rows of modules not run this time."""
    ran = {r.module.name for r in results}
    rows = {r.module.name: _row(r) for r in results}
    survivors = {r.module.name: [f"- {r.module.name}: `{s}`" for s in r.survivors] for r in results}
    for line in previous.splitlines():
        name = line.split("|")[1].strip() if line.startswith("| ") else ""
        if name and name not in ran and name in {m.name for m in MODULES}:
            rows[name] = line
        elif line.startswith("- ") and ": `" in line:
            name = line[2:].split(": `")[0]
            if name not in ran:
                survivors.setdefault(name, []).append(line)
    order = [m.name for m in MODULES]
    lines = [_INTRO, "", *_HEADER, *(rows[name] for name in order if name in rows)]
    left = [line for name in order for line in survivors.get(name, [])]
    if left:
        lines += ["", "Surviving mutants:", "", *left]
    return "\n".join(lines)


def _section(text: str, heading: str) -> str:
    marker = f"## {heading}\n"
    at = text.find(marker)
    if at == -1:
        return ""
    end = text.find("\n## ", at + len(marker))
    return text[at + len(marker) : None if end == -1 else end]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help="rule modules to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the mutants; run nothing")
    parser.add_argument("--write", metavar="FILE", help="write the Mutation section of FILE")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every mutant")
    args = parser.parse_args()
    by_name = {m.name: m for m in MODULES}
    unknown = [name for name in args.modules if name not in by_name]
    if unknown:
        parser.error(f"unknown module {', '.join(unknown)}; the modules: {', '.join(by_name)}")
    if args.write and Path(args.write).resolve() != (REPO / "docs" / "benchmarks.md").resolve():
        parser.error("--write takes docs/benchmarks.md")
    chosen = [by_name[name] for name in args.modules] or list(MODULES)
    if args.list:
        for module in chosen:
            for source in module.sources:
                sites, skipped = sites_of(REPO / source)
                for site in sites:
                    print(f"{module.name}\t{source}:{site.index}\tline {site.line}: {site.change}")
                for site in skipped:
                    print(f"{module.name}\t{source}:{site.index}\tline {site.line}: excluded")
        return 0
    results = [_run_module_apart(module, verbose=args.verbose) for module in chosen]
    print("\n" + report(results))
    if args.write:
        sys.path.insert(0, str(REPO / "scripts"))
        from bench.common import REPORT, replace_section

        previous = _section(REPORT.read_text(), "Mutation") if REPORT.exists() else ""
        replace_section("Mutation", report(results, previous))
    return 0 if all(r.score >= TARGET_SCORE for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
