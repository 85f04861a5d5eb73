"""A flowchart's text written while the builder walks the document: no :class:`~.build.Graph`.

Why not build the graph and then print it: a 100,000-state document makes a graph of about
130,000 nodes and 155,000 edges (~55 MB of objects), which the writer reads back long after
they were written, when they have left the CPU caches, and which is freed at the end, touching
every object a third time. Measured on the realistic mix (``benchmarks/bench_review.py``),
the instruction count grows 10.0x from 10,000 to 100,000 states but the time grew ~12x: the
difference was memory traffic, not work. A :class:`Drawing` is a :class:`~.build.Sink`: each
node and edge becomes its line of text when the builder meets it, and the lines are joined a
batch at a time while they are still in the cache. What stays is what the output needs in
any case (its text), plus the clusters' small line lists so that they can be printed nested.

A :class:`~.build.Graph` that was built first (the diff colouring edits one) is printed by
:func:`replay`, which makes the same calls in the same order, so both give the same text.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

from sfs3dsl.review.graph.build import EdgeKind, Graph, Scope

#: Lines joined into one chunk at a time; big enough that a chunk costs one call, small
#: enough (~100 KB of text) that its lines are still in the CPU caches when joined.
_BATCH: Final = 1024


@dataclass(slots=True)
class _Box:
    """A cluster being written: its label, nesting depth, node lines and child clusters."""

    label: str
    depth: int
    lines: list[str] = field(default_factory=list)
    children: list[str] = field(default_factory=list)


class _Text:
    """Lines of text joined a batch at a time (each line ends with a newline)."""

    __slots__ = ("batch", "chunks")

    def __init__(self) -> None:
        self.chunks: list[str] = []
        self.batch: list[str] = []

    def add(self, line: str) -> None:
        batch = self.batch
        batch.append(line)
        if len(batch) >= _BATCH:
            self.flush()

    def extend(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.add(line)

    def flush(self) -> None:
        if self.batch:
            self.batch.append("")
            self.chunks.append("\n".join(self.batch))
            self.batch = []


class Drawing(ABC):
    """A :class:`~.build.Sink` that writes one text format; subclasses say how a line looks.

    Node and cluster ids are numbered as :class:`~.build.Graph` numbers them.
    """

    def __init__(self) -> None:
        self._count = 0
        self._boxes: dict[str, _Box] = {}
        self._top = _Text()
        self._top_boxes: list[str] = []
        self._edges = _Text()

    # --- what a format says -------------------------------------------------------------

    @abstractmethod
    def header(self) -> list[str]:
        """Lines before everything else."""

    @abstractmethod
    def node_line(self, node_id: str, name: str, kind: str, depth: int) -> str:
        """The line of one node, indented ``depth`` levels."""

    @abstractmethod
    def open_lines(self, cluster_id: str, label: str, depth: int) -> list[str]:
        """The lines opening a cluster indented ``depth`` levels."""

    @abstractmethod
    def close_line(self, depth: int) -> str:
        """The line closing a cluster opened at ``depth``."""

    @abstractmethod
    def edge_line(self, src: str, dst: str, kind: EdgeKind, label: str) -> str:
        """The line of one edge."""

    @abstractmethod
    def footer(self) -> list[str]:
        """Lines after the edges."""

    @abstractmethod
    def classify(self, node_id: str, kind: str, css: str | None) -> None:
        """Note a node's style class (Mermaid lists them at the end)."""

    # --- the Sink ---------------------------------------------------------------------------

    def add_node(self, prefix: str, name: str, kind: str, cluster: str | None,
                 machine: str | None = None) -> str:
        node_id = f"{prefix}{self._count}"
        self.put_node(node_id, name, kind, cluster, None)
        return node_id

    def add_cluster(self, label: str, parent: str | None) -> str:
        cluster_id = f"c{len(self._boxes)}"
        self.put_cluster(cluster_id, label, parent)
        return cluster_id

    def add_edge(self, src: str, dst: str, kind: EdgeKind, label: str = "") -> None:
        self._edges.add(self.edge_line(src, dst, kind, label))

    def add_scope(self, scope: Scope) -> None:
        """Nothing to keep: scopes are only needed to add ghosts to a :class:`~.build.Graph`."""
        del scope

    # --- nodes and clusters with their ids given (also used by replay) --------------------------

    def put_node(self, node_id: str, name: str, kind: str, cluster: str | None,
                 css: str | None) -> None:
        self._count += 1
        if cluster is None:
            self._top.add(self.node_line(node_id, name, kind, 1))
        else:
            box = self._boxes[cluster]
            box.lines.append(self.node_line(node_id, name, kind, box.depth + 1))
        self.classify(node_id, kind, css)

    def put_cluster(self, cluster_id: str, label: str, parent: str | None) -> None:
        if parent is None:
            self._boxes[cluster_id] = _Box(label, 1)
            self._top_boxes.append(cluster_id)
        else:
            outer = self._boxes[parent]
            self._boxes[cluster_id] = _Box(label, outer.depth + 1)
            outer.children.append(cluster_id)

    def text(self) -> str:
        """Header, top-level nodes, clusters nested (no recursion), edges, footer."""
        out = _Text()
        out.extend(self.header())
        self._top.flush()
        out.flush()
        out.chunks.extend(self._top.chunks)
        stack: list[tuple[str, bool]] = [(c, False) for c in reversed(self._top_boxes)]
        while stack:
            cluster_id, closing = stack.pop()
            box = self._boxes[cluster_id]
            if closing:
                out.add(self.close_line(box.depth))
                continue
            out.extend(self.open_lines(cluster_id, box.label, box.depth))
            out.extend(box.lines)
            stack.append((cluster_id, True))
            stack.extend((c, False) for c in reversed(box.children))
        out.flush()
        self._edges.flush()
        out.chunks.extend(self._edges.chunks)
        out.extend(self.footer())
        out.flush()
        return "".join(out.chunks)


def replay(graph: Graph, drawing: Drawing) -> str:
    """The text of a :class:`~.build.Graph` built first (see the module's docstring)."""
    home = {node: cid for cid, cluster in graph.clusters.items() for node in cluster.members}
    parent = {child: cid for cid, cluster in graph.clusters.items()
              for child in cluster.children}
    for cluster_id, cluster in graph.clusters.items():  # a parent is created before its child
        drawing.put_cluster(cluster_id, cluster.label, parent.get(cluster_id))
    for node in graph.nodes.values():
        drawing.put_node(node.id, node.name, node.kind, home.get(node.id), node.css)
    for edge in graph.edges:
        drawing.add_edge(edge.src, edge.dst, edge.kind, edge.label)
    return drawing.text()
