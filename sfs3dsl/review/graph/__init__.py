"""Flowcharts of an ASL document: Mermaid text, Graphviz DOT text and rendered images.

The document is first turned into a small :class:`Graph` (nodes, edges, nested clusters),
then one writer per format prints it. Node and cluster ids are generated (``s0``, ``m0``,
``c0``), never taken from state names, so no name can collide with a keyword of either
language (Mermaid's ``end``, DOT's ``node``); labels are escaped by the writer.

Every walk here is iterative: a machine's states are visited in one loop and nested
machines (Parallel branches, Map processors) go through a work queue, so a line of
100,000 states needs no recursion at all.

Example:
    >>> print(to_mermaid({"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}))
    flowchart TD
    ...

The graph is built in :mod:`.build`; :mod:`.mermaid` and :mod:`.dot` write it.
"""

from sfs3dsl.review.graph.build import (
    Graph,
    add_ghost,
    build_graph,
    condition_text,
    node_label,
)
from sfs3dsl.review.graph.dot import dot_escape, graph_to_dot, render_image, to_dot
from sfs3dsl.review.graph.mermaid import (
    MERMAID_CLASSES,
    graph_to_mermaid,
    mermaid_escape,
    to_mermaid,
)

__all__ = [
    "MERMAID_CLASSES", "Graph", "add_ghost", "build_graph", "condition_text", "dot_escape",
    "graph_to_dot", "graph_to_mermaid", "mermaid_escape", "node_label", "render_image",
    "to_dot", "to_mermaid",
]
