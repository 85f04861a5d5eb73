"""Mermaid flowchart text of a :class:`~.build.Graph`; labels escaped for Mermaid."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from sfs3dsl.core.gcpause import gc_paused
from sfs3dsl.review.graph.build import EdgeKind, Graph, draw, label_text
from sfs3dsl.review.graph.drawing import Drawing, replay

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


def _node_class(kind: str, css: str | None) -> str:
    if css:
        return css
    if kind in ("start", "end"):
        return "marker"
    return kind.lower() if kind.lower() in MERMAID_CLASSES else "missing"


class MermaidDrawing(Drawing):
    """Mermaid flowchart text: nodes, then edges, then the style classes."""

    def __init__(self) -> None:
        super().__init__()
        self._by_class: dict[str, list[str]] = {}

    def header(self) -> list[str]:
        return ["flowchart TD"]

    def node_line(self, node_id: str, name: str, kind: str, depth: int) -> str:
        left, right = _MERMAID_SHAPES.get(kind, ('["', '"]'))
        return f"{'    ' * depth}{node_id}{left}{mermaid_escape(label_text(name, kind))}{right}"

    def open_lines(self, cluster_id: str, label: str, depth: int) -> list[str]:
        return [f'{"    " * depth}subgraph {cluster_id} ["{mermaid_escape(label)}"]']

    def close_line(self, depth: int) -> str:
        return f"{'    ' * depth}end"

    def edge_line(self, src: str, dst: str, kind: EdgeKind, label: str) -> str:
        arrow = _MERMAID_ARROWS[kind]
        if label:
            return f'    {src} {arrow}|"{mermaid_escape(label)}"| {dst}'
        return f"    {src} {arrow} {dst}"

    def classify(self, node_id: str, kind: str, css: str | None) -> None:
        self._by_class.setdefault(_node_class(kind, css), []).append(node_id)

    def footer(self) -> list[str]:
        lines = []
        for css in MERMAID_CLASSES:
            if css in self._by_class:
                lines.append(f"    classDef {css} {MERMAID_CLASSES[css]}")
                lines.append(f"    class {','.join(self._by_class[css])} {css}")
        return lines


def graph_to_mermaid(graph: Graph) -> str:
    """Print a :class:`Graph` as a Mermaid flowchart (nodes first, then edges)."""
    return replay(graph, MermaidDrawing())


@gc_paused
def to_mermaid(asl: Mapping[str, Any]) -> str:
    """A Mermaid flowchart of an ASL document.

    The text is written while the document is walked, without a :class:`Graph` in between
    (see :mod:`.drawing`); it equals ``graph_to_mermaid(build_graph(asl))``.

    Example:
        >>> to_mermaid({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}})
        'flowchart TD\\n    m0(("Start"))\\n    s1("A<br>Pass")\\n ...'
    """
    drawing = MermaidDrawing()
    draw(asl, drawing)
    return drawing.text()
