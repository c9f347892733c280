"""The layers of docs/architecture.md, checked on the apps' imports.

Every Python module of the apps is parsed (imports at the top and inside functions alike) into a
graph of module-to-module imports. A module may import its own layer and the layers below it:

    bzpeer's plumbing (api, errors, cache, mail, health, permissions,   imports no app
      safety, template_filters, page_cache, throttling)
    works                                                                the public record
    profiles                                                             the people layer
    graph | collaboration                                                side by side
    bzpeer's composing modules (settings, urls, celery, wsgi, demo...)   the site

and no two modules may import each other, directly or round a longer loop.
"""

import ast
from pathlib import Path

import networkx as nx
import pytest

from tests.conftest import REPO_ROOT

APPS = ("bzpeer", "works", "profiles", "graph", "collaboration")
PLUMBING = {
    "bzpeer.api",
    "bzpeer.cache",
    "bzpeer.errors",
    "bzpeer.health",
    "bzpeer.mail",
    "bzpeer.page_cache",
    "bzpeer.permissions",
    "bzpeer.safety",
    "bzpeer.schema",
    "bzpeer.template_filters",
    "bzpeer.throttling",
}
# graph and collaboration stand side by side: neither imports the other.
LEVELS = {"plumbing": 0, "works": 1, "profiles": 2, "graph": 3, "collaboration": 3, "site": 4}


def layer_of(module: str) -> str | None:
    """The layer a module belongs to; None for the standard library and other packages."""
    top = module.split(".")[0]
    if top == "bzpeer":
        return "plumbing" if module in PLUMBING else "site"
    return top if top in LEVELS else None


def module_files(root: Path, apps=APPS) -> dict[str, Path]:
    """Every module of the apps by its dotted name; a package by its __init__."""
    modules = {}
    for app in apps:
        for path in sorted((root / app).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def imports_of(module: str, path: Path, modules) -> set[str]:
    """The modules of `modules` this one imports, anywhere in it, relative imports resolved."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # `from a import b` imports the module a.b when there is one, else a name of a.
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base)
    return {name for name in found if name in modules and name != module}


def import_graph(root: Path = REPO_ROOT, apps=APPS) -> nx.DiGraph:
    """Modules of the apps, and an edge to each module of the apps that one imports."""
    modules = module_files(root, apps)
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for module, path in modules.items():
        graph.add_edges_from((module, imported) for imported in imports_of(module, path, modules))
    return graph


def layer_violations(graph: nx.DiGraph) -> list[str]:
    """Imports that go up a layer, or across from graph to collaboration and back."""
    wrong = []
    for importer, imported in sorted(graph.edges):
        upper, lower = layer_of(importer), layer_of(imported)
        if upper is None or lower is None or upper == lower:
            continue
        if LEVELS[lower] >= LEVELS[upper]:
            wrong.append(f"{importer} ({upper}) imports {imported} ({lower})")
    return wrong


def import_cycles(graph: nx.DiGraph) -> list[list[str]]:
    """Groups of modules that import each other, directly or round a loop."""
    return sorted(
        sorted(group) for group in nx.strongly_connected_components(graph) if len(group) > 1
    )


@pytest.fixture(scope="module")
def graph():
    return import_graph()


def test_the_graph_holds_every_module_and_their_imports(graph):
    assert {"works.models.researchers", "profiles.claims.services", "bzpeer.api"} <= set(graph)
    assert graph.has_edge("profiles.claims.services", "works.models")
    assert graph.has_edge("collaboration.api", "bzpeer.api")


def test_no_app_imports_a_layer_above_it(graph):
    assert layer_violations(graph) == []


def test_no_modules_import_each_other(graph):
    assert import_cycles(graph) == []


# --- The check can fail ----------------------------------------------------------------------


def test_an_upward_import_is_reported():
    bad = nx.DiGraph(
        [
            ("works.services", "profiles.trust"),
            ("profiles.views", "collaboration.models"),
            ("graph.tasks", "collaboration.services"),
            ("bzpeer.api", "works.models"),
            ("works.views", "bzpeer.demo.synthetic"),
            ("collaboration.api", "bzpeer.api"),  # downwards: fine
            ("bzpeer.urls", "graph.urls"),  # the site composes the apps: fine
        ]
    )
    assert layer_violations(bad) == [
        "bzpeer.api (plumbing) imports works.models (works)",
        "graph.tasks (graph) imports collaboration.services (collaboration)",
        "profiles.views (profiles) imports collaboration.models (collaboration)",
        "works.services (works) imports profiles.trust (profiles)",
        "works.views (works) imports bzpeer.demo.synthetic (site)",
    ]


def test_a_cycle_is_reported_however_long():
    bad = nx.DiGraph(
        [
            ("graph.services", "graph.tasks"),
            ("graph.tasks", "graph.services"),
            ("works.a", "works.b"),
            ("works.b", "works.c"),
            ("works.c", "works.a"),
            ("works.c", "works.d"),
        ]
    )
    assert import_cycles(bad) == [
        ["graph.services", "graph.tasks"],
        ["works.a", "works.b", "works.c"],
    ]


def test_imports_inside_functions_and_relative_imports_are_read(tmp_path):
    app = tmp_path / "works"
    app.mkdir()
    (app / "__init__.py").write_text("")
    (app / "services.py").write_text(
        "from . import names\n\ndef later():\n    import profiles.trust\n"
    )
    (app / "names.py").write_text("")
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "__init__.py").write_text("")
    (tmp_path / "profiles" / "trust.py").write_text("from works.services import later\n")
    graph = import_graph(tmp_path, apps=("works", "profiles"))
    assert graph.has_edge("works.services", "works.names")
    assert graph.has_edge("works.services", "profiles.trust")
    assert layer_violations(graph) == ["works.services (works) imports profiles.trust (profiles)"]
    assert import_cycles(graph) == [["profiles.trust", "works.services"]]
