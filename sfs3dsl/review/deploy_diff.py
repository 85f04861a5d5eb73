"""What changed in a workflow's deployment: the companion of the ASL diff (:mod:`.diff`).

:func:`diff_deployments` compares the deployment files of two sides (``{file name: parsed
document}``, e.g. ``serverless.yml`` and ``template.yaml``), each read into a
:class:`~sfs3dsl.review.deploy_model.Model`, and reports :class:`DeployChange` records in
the categories of :data:`CATEGORIES`. A change found in several files (the fragment and the
SAM template share their roles and bucket) is reported once, listing its files.

A grant is *widened* (``DeployChange.widened`` says how) when the new side allows more
than the old one did, on a role or bucket that was already there:

* ``new action``: an Allow of an action the owner was not allowed on any resource before;
* ``resource *`` / ``action *``: an Allow on every resource, or of every action of a
  service (also on a new role: that is never least privilege);
* ``principal *``: a bucket policy allowing anyone;
* ``condition dropped``: the same action and resource, now without the condition;
* ``deny removed``: a Deny statement that is gone while its role or bucket stays;
* ``public access block off``: a bucket's public access block flag no longer true;
* ``encryption off``: a bucket's default encryption is gone;
* ``no API key``: a route added, or changed, that takes calls without an API key.

Example:
    >>> d = diff_deployments({"serverless.yml": old}, {"serverless.yml": new})
    >>> [c.widened for c in d.changes if c.widened]
    ['new action']
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any, Final

from sfs3dsl.review.cfn_values import flatten
from sfs3dsl.review.deploy_model import Grant, Model, deployment_model
from sfs3dsl.review.diff import MISSING, ChangeKind

#: The categories, in the order they are reported.
CATEGORIES: Final = ("iam", "functions", "steps", "routes", "buckets", "api", "state_machines",
                     "notifications", "resources")


@dataclass(frozen=True)
class DeployChange:
    """One change; ``field`` is the setting's path (None when the whole thing came or went),
    ``old``/``new`` are :data:`~sfs3dsl.review.diff.MISSING` when absent."""

    category: str
    change: ChangeKind
    subject: str
    field: str | None = None
    old: Any = MISSING
    new: Any = MISSING
    grant: Grant | None = None
    widened: str | None = None
    files: tuple[str, ...] = ()

    def key(self) -> str:
        """Identity across files: everything but ``files``; a whole thing added or removed
        by its name only (a template's function carries CodeUri and LoggingConfig, which
        the fragment leaves to the Serverless Framework)."""
        whole = self.field is None and self.grant is None
        return json.dumps([self.category, self.change, self.subject, self.field,
                           "" if whole else repr(self.old), "" if whole else repr(self.new),
                           None if self.grant is None else repr(self.grant), self.widened],
                          default=str)


@dataclass(frozen=True)
class DeployDiff:
    """The result of :func:`diff_deployments`; ``files`` are the files compared."""

    changes: tuple[DeployChange, ...] = ()
    files: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.changes

    @property
    def widened(self) -> tuple[DeployChange, ...]:
        return tuple(c for c in self.changes if c.widened)

    def counts(self) -> dict[str, int]:
        """Things added, removed and changed per category (a changed function counts once
        however many of its settings changed), and the widened grants."""
        out = {f"{cat}_{kind}": 0 for cat in CATEGORIES
               for kind in ("added", "removed", "changed")}
        seen: set[tuple[str, str]] = set()
        for c in self.changes:
            # a setting, or a bucket policy's statement, changes the thing it belongs to
            if c.change == "changed" or c.field is not None or \
                    (c.grant is not None and c.category != "iam"):
                if (c.category, c.subject) in seen:
                    continue
                seen.add((c.category, c.subject))
                out[f"{c.category}_changed"] += 1
            else:
                out[f"{c.category}_{c.change}"] += 1
        out["widened"] = len(self.widened)
        return out


# --- grants ---------------------------------------------------------------------------------

def _widening(grant: Grant, old: Model, owners: set[tuple[str, str]]) -> str | None:
    """Why an added grant widens what was allowed, or None."""
    if grant.effect != "Allow":
        return None
    if grant.resource == "*":
        return "resource *"
    if grant.action == "*" or grant.action.endswith(":*"):
        return "action *"
    if grant.kind == "bucket" and grant.principal in ("*", '{"AWS":"*"}'):
        return "principal *"
    if (grant.kind, grant.owner) not in owners:
        return None  # a new role: its grants are listed, not flagged
    before = [g for g in old.grants if g.kind == grant.kind and g.owner == grant.owner
              and g.effect == "Allow" and g.action == grant.action]
    if not before:
        return "new action"
    if any(g.resource == grant.resource and g.condition and not grant.condition
           for g in before):
        return "condition dropped"
    return None


def _grant_changes(old: Model, new: Model) -> Iterator[DeployChange]:
    category = {"iam": "iam", "bucket": "buckets"}
    owners = {(g.kind, g.owner) for g in old.grants}
    # a Deny that goes with its role or bucket narrows nothing that is left
    remaining = {(g.kind, g.owner) for g in new.grants} | \
        {("iam", name) for name in new.roles} | {("bucket", name) for name in new.buckets}
    for g in old.grants:
        if g not in new.grants:
            denied = g.effect == "Deny" and (g.kind, g.owner) in remaining
            yield DeployChange(category[g.kind], "removed", g.owner, grant=g,
                               widened="deny removed" if denied else None)
    for g in new.grants:
        if g not in old.grants:
            yield DeployChange(category[g.kind], "added", g.owner, grant=g,
                               widened=_widening(g, old, owners))


# --- settings -------------------------------------------------------------------------------

def _settings(category: str, old: Mapping[str, Any], new: Mapping[str, Any]
              ) -> Iterator[DeployChange]:
    """Things keyed by name: whole ones added or removed, others setting by setting."""
    for name, before in old.items():
        if name not in new:
            yield DeployChange(category, "removed", name, old=before)
    for name, after in new.items():
        if name not in old:
            public = category == "routes" and isinstance(after, Mapping) and \
                not after.get("private")
            yield DeployChange(category, "added", name, new=after,
                               widened="no API key" if public else None)
        elif old[name] != after:
            yield from _fields(category, name, old[name], after)


def _fields(category: str, subject: str, old: Any, new: Any) -> Iterator[DeployChange]:
    a, b = flatten(old), flatten(new)
    for path in [*b, *(p for p in a if p not in b)]:
        before, after = a.get(path, MISSING), b.get(path, MISSING)
        if before == after and type(before) is type(after):
            continue
        kind: ChangeKind = "added" if before is MISSING else \
            "removed" if after is MISSING else "changed"
        widened = None
        if category == "buckets" and path.startswith("publicAccessBlock.") and \
                before is True and after is not True:
            widened = "public access block off"
        elif category == "buckets" and path == "encryption.SSEAlgorithm" and \
                after is MISSING:
            widened = "encryption off"
        elif category == "routes" and path == "private" and before is True and \
                after is not True:
            widened = "no API key"
        yield DeployChange(category, kind, subject, path or "value", before, after,
                           widened=widened)


def _model_changes(old: Model, new: Model) -> list[DeployChange]:
    changes = list(_grant_changes(old, new))
    roles_on_both = {k: v for k, v in old.roles.items() if k in new.roles}
    changes += [c for name, before in roles_on_both.items() if before != new.roles[name]
                for c in _fields("iam", name, before, new.roles[name])]
    changes += _settings("functions", old.functions, new.functions)
    changes += _settings("steps", old.steps, new.steps)
    changes += _settings("routes", old.routes, new.routes)
    changes += _settings("buckets", old.buckets, new.buckets)
    changes += _settings("api", old.api, new.api)
    changes += _settings("state_machines", old.state_machines, new.state_machines)
    changes += [DeployChange("notifications", "removed", n) for n in old.notifications
                if n not in new.notifications]
    changes += [DeployChange("notifications", "added", n) for n in new.notifications
                if n not in old.notifications]
    changes += _settings("resources", old.resources, new.resources)
    order = {cat: i for i, cat in enumerate(CATEGORIES)}
    return sorted(changes, key=lambda c: order[c.category])  # stable: document order kept


def diff_deployments(old: Mapping[str, Any], new: Mapping[str, Any], *,
                     files: tuple[str, ...] | None = None) -> DeployDiff:
    """Compare the deployment files of two sides.

    Args:
        old: ``{file name: parsed document}`` before the change.
        new: the same after it.
        files: the files to compare (default: every file of either side; a file missing on
            one side is compared with an empty document, so all it deploys is added or
            removed).

    Returns:
        A :class:`DeployDiff`; ``is_empty`` when nothing deployed changed.
    """
    names = files if files is not None else tuple(dict.fromkeys([*old, *new]))
    merged: dict[str, DeployChange] = {}
    for name in names:
        for change in _model_changes(deployment_model(old.get(name)),
                                     deployment_model(new.get(name))):
            key = change.key()
            first = merged.get(key, change)  # the first file's values are shown
            merged[key] = replace(first, files=(*first.files, name))
    order = {cat: i for i, cat in enumerate(CATEGORIES)}
    changes = sorted(merged.values(), key=lambda c: order[c.category])
    return DeployDiff(tuple(changes), tuple(names))
