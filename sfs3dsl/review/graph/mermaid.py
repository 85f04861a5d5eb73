"""Mermaid flowchart text of a :class:`~.build.Graph`; labels escaped for Mermaid."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from sfs3dsl.core.gcpause import gc_paused
from sfs3dsl.review.graph.build import (
    Graph,
    Node,
    build_graph,
    node_label,
    walk_clusters,
)

_MERMAID_SHAPES: Final = {
    "Task": ('["', '"]'), "Pass": ('("', '")'), "Choice": ('{"', '"}'),
    "Wait": ('>"', '"]'), "Succeed": ('(["', '"])'), "Fail": ('(["', '"])'),
    "Parallel": ('[["', '"]]'), "Map": ('{{"', '"}}'), "start": ('(("', '"))'),
    "end": ('((("', '")))'), "missing": ('[/"', '"/]'),
}
_MERMAID_ARROWS: Final = {
    "next": "-->", "default": "-->", "choice": "-->", "catch": "-.->", "branch": "==>",
    "start": "-->", "end": "-->", "ghost": "-.->",
}
#: Class definitions; no ';' anywhere, as Mermaid would read '#abc;' as an entity code.
MERMAID_CLASSES: Final = {
    "task": "fill:#eef4ff,stroke:#4a6fa5",
    "pass": "fill:#f4f4f4,stroke:#777777",
    "choice": "fill:#fff6dd,stroke:#b08800",
    "wait": "fill:#f0ebff,stroke:#6f42c1",
    "succeed": "fill:#e6ffed,stroke:#2da44e",
    "fail": "fill:#ffebe9,stroke:#cf222e",
    "parallel": "fill:#eefbff,stroke:#0969da",
    "map": "fill:#eefbff,stroke:#0969da",
    "marker": "fill:#333333,stroke:#333333,color:#ffffff",
    "missing": "fill:#ffffff,stroke:#cf222e,stroke-dasharray:4 4",
    "added": "fill:#dafbe1,stroke:#1a7f37,stroke-width:3px",
    "removed": "fill:#ffffff,stroke:#8c959f,stroke-dasharray:5 5,color:#8c959f",
    "renamed": "fill:#ddf4ff,stroke:#0969da,stroke-width:3px",
    "changed": "fill:#fff8c5,stroke:#9a6700,stroke-width:3px",
}
_SAFE_LABEL_CHARS: Final = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:_-+*/=$!?'@^~()[]{}")


def mermaid_escape(text: str) -> str:
    """Escape text for a quoted Mermaid label: anything unusual becomes ``#<code>;``.

    Line breaks become ``<br>``. Letters outside ASCII stay as they are (Mermaid reads
    UTF-8); quotes, ``#``, ``;``, ``<``, ``>``, ``&``, ``|``, backticks and ``%`` are coded.
    """
    out: list[str] = []
    for line in text.split("\n"):
        if _SAFE_LABEL_CHARS.issuperset(line):  # most names: nothing to code, one C call
            out.append(line)
            continue
        out.append("".join(c if c in _SAFE_LABEL_CHARS or (ord(c) > 127 and c.isprintable())
                           else f"#{ord(c)};" for c in line))
    return "<br>".join(out)


def _node_class(node: Node) -> str:
    if node.css:
        return node.css
    if node.kind in ("start", "end"):
        return "marker"
    return node.kind.lower() if node.kind.lower() in MERMAID_CLASSES else "missing"


def graph_to_mermaid(graph: Graph) -> str:
    """Print a :class:`Graph` as a Mermaid flowchart (nodes first, then edges)."""
    lines = ["flowchart TD"]
    depth = 1
    for event, ident in walk_clusters(graph):
        pad = "    " * depth
        if event == "open":
            label = mermaid_escape(graph.clusters[ident].label)
            lines.append(f'{pad}subgraph {ident} ["{label}"]')
            depth += 1
        elif event == "close":
            depth -= 1
            lines.append(f"{'    ' * depth}end")
        else:
            node = graph.nodes[ident]
            left, right = _MERMAID_SHAPES.get(node.kind, ('["', '"]'))
            lines.append(f"{pad}{ident}{left}{mermaid_escape(node_label(node))}{right}")
    for edge in graph.edges:
        arrow = _MERMAID_ARROWS[edge.kind]
        label = f'|"{mermaid_escape(edge.label)}"|' if edge.label else ""
        lines.append(f"    {edge.src} {arrow}{label} {edge.dst}")
    by_class: dict[str, list[str]] = {}
    for node in graph.nodes.values():
        by_class.setdefault(_node_class(node), []).append(node.id)
    for css in MERMAID_CLASSES:
        if css in by_class:
            lines.append(f"    classDef {css} {MERMAID_CLASSES[css]}")
            lines.append(f"    class {','.join(by_class[css])} {css}")
    return "\n".join(lines) + "\n"


@gc_paused
def to_mermaid(asl: Mapping[str, Any]) -> str:
    """A Mermaid flowchart of an ASL document.

    Example:
        >>> to_mermaid({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}})
        'flowchart TD\\n    m0(("Start"))\\n    s1("A<br>Pass")\\n ...'
    """
    return graph_to_mermaid(build_graph(asl))
