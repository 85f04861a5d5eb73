"""Graphviz DOT text of a :class:`~.build.Graph`, and images rendered by Graphviz's ``dot``."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping
from typing import Any, Final

from sfs3dsl.core.errors import Sfs3dslError
from sfs3dsl.core.gcpause import gc_paused
from sfs3dsl.review.graph.build import EdgeKind, Graph, ImageFormat, draw, label_text
from sfs3dsl.review.graph.drawing import Drawing, replay

_DOT_SHAPES: Final = {
    "Task": 'shape=box, style="filled", fillcolor="#eef4ff"',
    "Pass": 'shape=box, style="rounded,filled", fillcolor="#f4f4f4"',
    "Choice": 'shape=diamond, style="filled", fillcolor="#fff6dd"',
    "Wait": 'shape=parallelogram, style="filled", fillcolor="#f0ebff"',
    "Succeed": 'shape=box, style="rounded,filled,bold", fillcolor="#e6ffed"',
    "Fail": 'shape=octagon, style="filled", fillcolor="#ffebe9"',
    "Parallel": 'shape=box3d, style="filled", fillcolor="#eefbff"',
    "Map": 'shape=tab, style="filled", fillcolor="#eefbff"',
    "start": 'shape=circle, style="filled", fillcolor="#333333", fontcolor="#ffffff"',
    "end": 'shape=doublecircle, style="filled", fillcolor="#333333", fontcolor="#ffffff"',
    "missing": 'shape=box, style="dashed", color="#cf222e"',
}
_DOT_EDGES: Final = {
    "next": "", "default": "", "choice": "", "catch": "style=dashed, color=\"#cf222e\"",
    "branch": "style=bold", "start": "", "end": "", "ghost": "style=dotted, color=\"#8c959f\"",
}


def dot_escape(text: str) -> str:
    """Escape text for a double-quoted DOT string; a line break becomes ``\\n``."""
    out = text.replace("\\", "\\\\").replace('"', '\\"')
    out = out.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    if out.isprintable():  # most labels: no character to replace, one C call
        return out
    return "".join(c if c.isprintable() else " " for c in out)


class DotDrawing(Drawing):
    """Graphviz digraph text, clusters as ``subgraph cluster_*``."""

    def header(self) -> list[str]:
        return ["digraph workflow {", "    rankdir=TB",
                '    node [fontname="Helvetica", fontsize=11]',
                '    edge [fontname="Helvetica", fontsize=9]']

    def node_line(self, node_id: str, name: str, kind: str, depth: int) -> str:
        attrs = _DOT_SHAPES.get(kind, _DOT_SHAPES["missing"])
        return f'{"    " * depth}{node_id} [label="{dot_escape(label_text(name, kind))}", {attrs}]'

    def open_lines(self, cluster_id: str, label: str, depth: int) -> list[str]:
        pad = "    " * depth
        return [f"{pad}subgraph cluster_{cluster_id} {{",
                f'{pad}    label="{dot_escape(label)}"; style="rounded"; color="#0969da"']

    def close_line(self, depth: int) -> str:
        return f"{'    ' * depth}}}"

    def edge_line(self, src: str, dst: str, kind: EdgeKind, label: str) -> str:
        style = _DOT_EDGES[kind]
        if label:
            text = f'label="{dot_escape(label)}"'
            attrs = f"{text}, {style}" if style else text
        else:
            attrs = style
        return f"    {src} -> {dst} [{attrs}]" if attrs else f"    {src} -> {dst}"

    def classify(self, node_id: str, kind: str, css: str | None) -> None:
        """DOT draws the style with each node (``_DOT_SHAPES``): nothing to note."""
        del node_id, kind, css

    def footer(self) -> list[str]:
        return ["}"]


def graph_to_dot(graph: Graph) -> str:
    """Print a :class:`Graph` as a Graphviz digraph, clusters as ``subgraph cluster_*``."""
    return replay(graph, DotDrawing())


@gc_paused
def to_dot(asl: Mapping[str, Any]) -> str:
    """A Graphviz DOT digraph of an ASL document (Parallel and Map as clusters).

    The text is written while the document is walked, without a :class:`Graph` in between
    (see :mod:`.drawing`); it equals ``graph_to_dot(build_graph(asl))``.

    Example:
        >>> print(to_dot({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}))
        digraph workflow {
        ...
    """
    drawing = DotDrawing()
    draw(asl, drawing)
    return drawing.text()


def render_image(asl: Mapping[str, Any], fmt: ImageFormat = "svg") -> bytes:
    """Render an ASL document with Graphviz's ``dot``; returns the SVG or PNG bytes.

    Raises:
        Sfs3dslError: ``dot`` is not installed, the format is unknown, or ``dot`` fails.

    Example:
        >>> render_image(definition, "svg")[:5]
        b'<?xml'
    """
    if fmt not in ("svg", "png"):
        raise Sfs3dslError(f"unknown image format {fmt!r}; use 'svg' or 'png'")
    dot = shutil.which("dot")
    if dot is None:
        raise Sfs3dslError(
            "Graphviz's 'dot' program was not found on PATH; install Graphviz "
            "(Debian/Ubuntu: `apt-get install graphviz`, macOS: `brew install graphviz`) "
            "or use the Mermaid or DOT text output instead")
    result = subprocess.run([dot, f"-T{fmt}"], input=to_dot(asl).encode("utf-8"),
                            capture_output=True, check=False)
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip()
        raise Sfs3dslError(f"Graphviz 'dot' failed (exit {result.returncode}): {message}")
    return result.stdout
