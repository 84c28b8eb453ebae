"""The import graph of booking/ has no cycles (docs/design.md, "The shape"),
counting imports inside functions: a local import that hides a cycle is still one."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "booking"


def _module_of(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module(name: str) -> bool:
    base = ROOT.joinpath(*name.split("."))
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


def _imports(path: Path, modules: set[str]) -> set[str]:
    me = _module_of(path)
    package = me if path.name == "__init__.py" else me.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.add(sub if _is_module(sub) else target)
    # Importing a package runs its __init__; ours hold no code the areas import back, so the
    # edge that matters is to the module named.
    return {m for m in found if m in modules and m != me}


def graph() -> dict[str, set[str]]:
    files = [p for p in PACKAGE.rglob("*.py")]
    modules = {_module_of(p) for p in files}
    return {_module_of(p): _imports(p, modules) for p in files}


def cycles(g: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in g.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(g):
        if v not in index:
            visit(v)
    return out


def test_the_graph_is_read():
    g = graph()
    assert "booking.places.offers" in g["booking.reservations.services"]
    assert "booking.places.locking" in g["booking.waitlists.services"]


def test_no_import_cycles_in_booking():
    # booking/__init__.py (the app factory) imports every area to register it; nothing
    # imports it back except the entry points, so it is left out of the areas' graph.
    g = {m: deps - {"booking"} for m, deps in graph().items() if m != "booking"}
    assert cycles(g) == []


def _area(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 else module


def test_no_area_reaches_into_another_areas_private_helpers():
    modules = set(graph())
    found = []
    for path in PACKAGE.rglob("*.py"):
        me = _module_of(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases = {}  # local name -> module it names
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level:
                package = me if path.name == "__init__.py" else me.rsplit(".", 1)[0]
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
                for alias in node.names:
                    sub = f"{target}.{alias.name}"
                    if sub in modules:
                        aliases[alias.asname or alias.name] = sub
                    elif alias.name.startswith("_") and _area(target) != _area(me):
                        found.append(f"{me} imports {target}.{alias.name}")
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                    and node.attr.startswith("_") and not node.attr.startswith("__") \
                    and node.value.id in aliases \
                    and _area(aliases[node.value.id]) != _area(me):
                found.append(f"{me} uses {aliases[node.value.id]}.{node.attr}")
    assert found == []
