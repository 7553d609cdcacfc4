"""The house's rules (docs/development.md, "Layout"), read from the code's own imports: arrows
run down only (doors -> runtime -> domain -> models -> settings), no door imports another, and
no module imports itself back through others, `TYPE_CHECKING` imports included."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from settings import PROJECT_DIR

# What each part may import of ours (a part always may import itself).
MAY_IMPORT: dict[str, set[str]] = {
    "settings": set(),
    "models": {"settings"},
    "migrations": {"models", "settings"},
    "domain": {"models", "settings"},
    "runtime": {"domain", "models", "settings"},
    "handlers": {"runtime", "domain", "models", "migrations", "settings"},
    "mcp_tools": {"runtime", "domain", "models", "settings"},
    "background": {"runtime", "domain", "models", "migrations", "settings"},
    "oauth": {"runtime", "domain", "models", "settings"},
    "dav": {"runtime", "domain", "models", "settings"},
    "router": set(),  # the composition root: it may import anything, and nothing imports it
}
WEB_FRAMEWORKS = ("starlette", "uvicorn", "anyio", "mcp", "mcp_types")


def modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(PROJECT_DIR.glob("*.py")):
        if path.stem in MAY_IMPORT:
            yield path.stem, path
    for part in MAY_IMPORT:
        for path in sorted((PROJECT_DIR / part).rglob("*.py")):
            name = ".".join(path.relative_to(PROJECT_DIR).with_suffix("").parts).removesuffix(".__init__")
            yield name, path


def imported(path: Path) -> Iterator[str]:
    """Every module `path` imports, at any depth of its code (TYPE_CHECKING blocks too)."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def graph() -> dict[str, set[str]]:
    known = dict(modules())
    return {
        name: {target for target in imported(path) if target in known and target != name}
        for name, path in known.items()
    }


def test_arrows_run_down_only() -> None:
    wrong = [
        f"{module} -> {target}"
        for module, targets in graph().items()
        for target in targets
        if (part := module.split(".")[0]) != "router"
        and target.split(".")[0] != part
        and target.split(".")[0] not in MAY_IMPORT[part]
    ]
    assert wrong == []


def test_the_domain_speaks_no_http() -> None:
    speaking = [
        f"{name} -> {target}"
        for name, path in modules()
        if name.startswith("domain")
        for target in imported(path)
        if target.split(".")[0] in WEB_FRAMEWORKS
    ]
    assert speaking == []


def test_no_import_circles() -> None:
    edges = graph()
    circles = [component for component in strongly_connected(edges) if len(component) > 1]
    assert circles == []


def strongly_connected(edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm: the groups of modules that reach one another."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(edges[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while (member := stack.pop()) != node:
                component.append(member)
            found.append(sorted([*component, node]))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found
