"""Dependencies run one way: a package imports only from its own layer or the layers below.

The modules and packages directly under hiring/ are placed in LAYERS, bottom first. A
package may import from a lower layer and from another package of its own layer, as long
as no cycle forms between packages; it never imports from a higher one, and it never
imports a module of hiring inside a function to dodge a cycle (a heavy third-party
library, such as WeasyPrint, may be imported where it is needed, with a comment).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

HIRING = Path(__file__).resolve().parents[2] / "hiring"

# Bottom first. Each name is a module (hiring/x.py) or a package (hiring/x/) under hiring/.
LAYERS: list[tuple[str, set[str]]] = [
    # What everything stands on: settings, the tables, the database, small helpers, the
    # staff's accounts, their links, rights and second factor, and the audit log, the kinds
    # of background work and the job table; "hiring" is the package itself.
    ("base", {"hiring", "config", "logs", "models", "db", "migrate", "migrations", "numbers",
              "email_address", "like", "paging", "catalogues", "csv_cells", "logins",
              "accounts", "staff", "rights", "two_factor", "sso", "audit", "background", "leases",
              "api_keys"}),
    # Item types, the formula language, the domain's messages, accommodations, the
    # contents of item revisions: the leaf of the domain.
    ("items", {"items"}),
    ("banks", {"banks"}),
    ("scoring", {"scoring"}),
    # Webhook events are emitted by the attempt's life cycle, and carry its scores.
    ("webhooks", {"webhooks"}),
    ("assessment", {"assessment"}),
    # What is made of attempts and banks: profiles and exports, e-mail, keying by
    # experts, erasure.
    ("services", {"reports", "mail", "keying", "privacy"}),
    ("prerender", {"prerender"}),  # renders profiles in jobs, started with leases.start
    ("jobs", {"jobs"}),  # the background work: runs prerender, keeps aggregates
    ("mailer", {"mailer"}),  # the mail service: links, sending by a job after the commit
    ("webhook_jobs", {"webhook_jobs"}),  # sends webhook deliveries in jobs after the commit
    ("web", {"web", "i18n"}),  # i18n: the interface's language, for Flask
    ("api", {"api"}),  # the REST API: its own blueprint, exempted from the web's CSRF
    ("app", {"app"}),  # create_app
    ("worker", {"worker"}),  # builds the app for RQ's jobs
    ("serve", {"serve"}),  # gunicorn, with a worker thread in each process
    ("cli", {"cli"}),  # the `hiring` command: above all, it runs everything
]
LAYER_OF = {name: index for index, (_, names) in enumerate(LAYERS) for name in names}


@dataclass(frozen=True)
class Import:
    path: str  # of the importing file, from the repository's root
    line: int
    source: str  # the package (or module) under hiring/ that imports
    target: str  # the one it imports from
    text: str  # the statement
    in_function: bool


def _module_name(path: Path, root: Path = HIRING) -> list[str]:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def _unit(dotted: list[str]) -> str:
    """The package or module under hiring/ that a dotted name falls in."""
    return dotted[1] if len(dotted) > 1 else "hiring"


def _targets(node: ast.Import | ast.ImportFrom, path: Path, root: Path) -> list[list[str]]:
    """The dotted names of hiring an import statement reads, most precise first."""
    if isinstance(node, ast.Import):
        return [name.name.split(".") for name in node.names
                if name.name.split(".")[0] == "hiring"]
    if node.level:  # relative: resolved against the importing module's package
        package = _module_name(path, root)
        if path.name != "__init__.py":
            package = package[:-1]
        base = package[:len(package) - node.level + 1]
    else:
        base = []
    module = base + (node.module.split(".") if node.module else [])
    if not module or module[0] != "hiring":
        return []
    if module == ["hiring"]:  # from hiring import jobs, worker: each is a unit of its own
        return [["hiring", name.name] for name in node.names]
    return [module]


def _imports(path: Path, root: Path = HIRING) -> list[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    source = _unit(_module_name(path, root))
    found: list[Import] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                for target in _targets(child, path, root):
                    found.append(Import(
                        path=str(path.relative_to(root.parent)), line=child.lineno,
                        source=source, target=_unit(target), text=ast.unparse(child),
                        in_function=in_function))
            visit(child, in_function or isinstance(
                child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda))

    visit(tree, False)
    return found


def all_imports() -> list[Import]:
    return [found for path in sorted(HIRING.rglob("*.py")) for found in _imports(path)]


def _describe(found: Import) -> str:
    return f"{found.path}:{found.line}: {found.text}"


def test_every_package_has_a_layer():
    units = {_unit(_module_name(path)) for path in HIRING.rglob("*.py")}
    missing = sorted(units - set(LAYER_OF))
    assert not missing, (
        f"hiring/{', hiring/'.join(missing)}: not placed in a layer; add each to LAYERS "
        "in tests/domain/test_layers.py, above everything it imports")
    gone = sorted(set(LAYER_OF) - units)
    assert not gone, f"LAYERS names what is no longer under hiring/: {', '.join(gone)}"


def test_no_package_imports_from_a_higher_layer():
    upward = [found for found in all_imports() if found.target in LAYER_OF
              and found.source in LAYER_OF
              and LAYER_OF[found.target] > LAYER_OF[found.source]]
    assert not upward, "imports from a higher layer (move the code, or pass it in):\n" + (
        "\n".join(f"  {_describe(found)}\n    {found.source!r} (layer "
                  f"{LAYERS[LAYER_OF[found.source]][0]!r}) imports {found.target!r} (layer "
                  f"{LAYERS[LAYER_OF[found.target]][0]!r}, higher)" for found in upward))


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one package (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(edges.get(node, ())):
            if other not in index:
                connect(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            connect(node)
    return found


def test_no_cycle_between_packages():
    imports = [found for found in all_imports() if found.source != found.target]
    edges: dict[str, set[str]] = {}
    for found in imports:
        edges.setdefault(found.source, set()).add(found.target)
    cycles = _cycles(edges)
    lines = []
    for cycle in cycles:
        lines.append(f"  {', '.join(cycle)} import each other:")
        for source in cycle:
            for target in sorted(edges[source] & set(cycle)):
                through = [found for found in imports
                           if (found.source, found.target) == (source, target)]
                lines.append(f"    {source} -> {target}, {len(through)} imports, first "
                             f"{_describe(through[0])}")
    assert not cycles, "packages that import each other, in a circle:\n" + "\n".join(lines)


def test_no_module_of_hiring_is_imported_inside_a_function():
    inside = [found for found in all_imports() if found.in_function]
    assert not inside, (
        "imports of hiring inside a function (import at the top; if that makes a cycle, "
        "the code is in the wrong layer):\n" + "\n".join(
            f"  {_describe(found)}" for found in inside))


def test_the_checks_see_what_they_look_for(tmp_path):
    """The parser finds an upward import, a relative one and one inside a function."""
    package = tmp_path / "hiring" / "scoring"
    package.mkdir(parents=True)
    module = package / "example.py"
    module.write_text("from hiring.reports import build\nfrom . import rules\n\n\n"
                      "def late():\n    from hiring import jobs\n", encoding="utf-8")
    found = _imports(module, tmp_path / "hiring")
    assert [(f.source, f.target, f.in_function) for f in found] == [
        ("scoring", "reports", False), ("scoring", "scoring", False),
        ("scoring", "jobs", True)]
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
