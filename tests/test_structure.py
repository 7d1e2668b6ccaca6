"""The shape of the library: no state in module globals, no import cycles, no hard-coded interest, one Radar."""

from __future__ import annotations

import ast
import importlib
import io
import pkgutil
import tokenize
from pathlib import Path

import paperradar
from paperradar import Radar, Settings
from paperradar.models import Paper

SRC = Path(paperradar.__file__).resolve().parent
TESTS = Path(__file__).resolve().parent


def _modules() -> list[str]:
    return sorted(
        m.name
        for m in pkgutil.walk_packages([str(SRC)], "paperradar.")
        if "demo_data" not in m.name and not m.name.endswith("__main__")
    )


def _mutable_globals() -> dict[tuple[str, str], object]:
    """Every module-level dict, list, set or bytearray of the package, by (module, name)."""
    out: dict[tuple[str, str], object] = {}
    for name in _modules():
        mod = importlib.import_module(name)
        for attr, value in vars(mod).items():
            if isinstance(value, dict | list | set | bytearray) and not attr.startswith("__"):
                out[(name, attr)] = value
    return out


def _fingerprint(value: object) -> str:
    return repr(sorted(map(repr, value))) if isinstance(value, dict | set) else repr(value)


def test_operations_leave_module_globals_untouched(db_path):
    """Caches live on a Radar: a whole round of work (ingest, index, embed, score, search, digest, report,
    feedback) changes no module-level container."""
    before = {k: _fingerprint(v) for k, v in _mutable_globals().items()}
    papers = [
        Paper(
            id=f"2501.0000{i}",
            title=f"Speculative decoding with small drafts {i}",
            abstract=f"A draft model proposes tokens, {i + 1}x faster decoding.",
            categories=["cs.CL"],
            announced="2025-01-02",
        )
        for i in range(1, 6)
    ]
    with Radar(db_path, Settings(embedder="hashing")) as radar:
        radar.store.papers.write_batch(papers, source="t", now="t")
        radar.sync_index()
        radar.embed()
        for _ in range(2):  # twice: the second round is served from the radar's caches
            radar.score()
            radar.search("speculative decoding")
            radar.more_like_this("2501.00001")
            radar.digest("2025-01-02")
            radar.week_report("2025-W01")
        radar.feedback("2501.00001", "like")
        radar.score()
        assert len(radar.caches.vector_indexes) == 1  # opened once, reused by every search
    after = {k: _fingerprint(v) for k, v in _mutable_globals().items()}
    changed = sorted(k for k in before if after.get(k) != before[k])
    assert not changed, f"module-level state changed: {changed}"


def test_no_module_caches_in_the_library_nor_cache_clearing_in_tests():
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "@cache" not in text and "lru_cache" not in text, path
    for path in TESTS.rglob("*.py"):
        if path.name != Path(__file__).name:
            assert "cache_clear" not in path.read_text(encoding="utf-8"), path


def _imports_at_import_time(path: Path, module: str) -> set[str]:
    """paperradar modules imported when ``module`` is imported: top-level statements only (not function bodies,
    not ``if TYPE_CHECKING:`` blocks)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            found.add(base)
            found |= {f"{base}.{a.name}" for a in node.names}  # `from pkg import submodule`
    return {m for m in found if m.startswith("paperradar")}


def test_no_import_cycles():
    names = set(_modules()) | {"paperradar"}
    graph: dict[str, set[str]] = {}
    for name in names:
        mod = importlib.import_module(name)
        assert mod.__file__
        graph[name] = {m for m in _imports_at_import_time(Path(mod.__file__), name) if m in names and m != name}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                raise AssertionError("import cycle: " + " -> ".join([*stack[stack.index(nxt) :], nxt]))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for name in sorted(names):
        if name not in state:
            visit(name)


# Where the built-in interest's name may be written: its default setting and the built-in profile itself; and,
# as an ordinary word rather than a profile's name, the list of words too generic to name a topic.
ALLOWED_EFFICIENCY = {
    SRC / "config.py",
    SRC / "relevance" / "profiles" / "efficiency.toml",
    SRC / "topics" / "labels.py",
}


def _literal(token: str) -> object:
    try:
        return ast.literal_eval(token)
    except (ValueError, SyntaxError):  # an f-string
        return None


def test_the_default_interest_is_named_only_where_it_is_defined():
    offenders = []
    for path in SRC.rglob("*.py"):
        if path in ALLOWED_EFFICIENCY:
            continue
        for tok in tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline):
            if tok.type == tokenize.STRING and _literal(tok.string) == "efficiency":
                offenders.append(f"{path.relative_to(SRC)}:{tok.start[0]}")
    assert not offenders, offenders
