"""A content-addressed cache of generated text (handlers, serverless.yml).

Rendering a handler needs jinja2 and writing serverless.yml needs PyYAML; importing the two
takes longer than starting the interpreter. Their output is a pure function of their
inputs, so ``sfs3dsl compile`` keeps each text under the SHA-256 of everything it was made
from (the generator's own source, the template, the library's installed files, the data)
and, when nothing changed, reads it back without importing either library.

Where: ``$SFS3DSL_CACHE_DIR``, else ``$XDG_CACHE_HOME/sfs3dsl``, else ``~/.cache/sfs3dsl``.
``SFS3DSL_CACHE=0`` turns it off. A cache that cannot be read or written is ignored: the
text is generated as if there were none. Entries are written to a temporary file and
renamed, so a crash never leaves half an entry, and each starts with the SHA-256 of its
text: an entry damaged later is generated again, not trusted.

Example:
    >>> text = cached_text("handler", ["template text", "context"], lambda: "rendered")
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

try:  # the interpreter's own SHA-256: hashlib would first load OpenSSL (~5 ms at start-up)
    from _sha2 import sha256  # type: ignore[import-not-found,unused-ignore]  # 3.12+
except ImportError:
    try:
        from _sha256 import sha256  # type: ignore[import-not-found,no-redef,unused-ignore]
    except ImportError:
        from hashlib import sha256  # type: ignore[assignment,unused-ignore]

#: Bump when the layout of entries changes.
_LAYOUT = b"sfs3dsl-cache-1"


def cache_dir() -> Path | None:
    """The cache folder, or None when the cache is turned off."""
    if os.environ.get("SFS3DSL_CACHE", "1") == "0":
        return None
    explicit = os.environ.get("SFS3DSL_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "sfs3dsl"


def package_stamp(name: str) -> str:
    """Identify an installed package's code without importing it: the path, size and
    modification time of its ``__init__`` (an upgrade or reinstall changes them)."""
    from importlib.util import find_spec

    spec = find_spec(name)
    origin = spec.origin if spec is not None else None
    if not origin:
        return f"{name}:missing"
    stat = os.stat(origin)
    return f"{name}:{origin}:{stat.st_size}:{stat.st_mtime_ns}"


def cached_text(kind: str, inputs: Iterable[str | bytes], produce: Callable[[], str]) -> str:
    """``produce()``, or the text it returned before for the same ``inputs``.

    Args:
        kind: a folder name for this kind of text (``"handler"``, ``"yaml"``).
        inputs: everything the text depends on; any change makes a new entry.
        produce: makes the text when it is not cached.
    """
    folder = cache_dir()
    if folder is None:
        return produce()
    digest = sha256(_LAYOUT)
    for part in inputs:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))  # so ("ab", "c") != ("a", "bc")
        digest.update(data)
    entry = folder / kind / digest.hexdigest()
    text = _load(entry)
    if text is None:
        text = produce()
        _store(entry, text)
    return text


def _load(entry: Path) -> str | None:
    try:
        data = entry.read_bytes()
    except OSError:
        return None
    check, _, body = data.partition(b"\n")
    if check.decode("ascii", "replace") != sha256(body).hexdigest():
        return None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _store(entry: Path, text: str) -> None:
    import tempfile  # only when something new is written

    body = text.encode("utf-8")
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(sha256(body).hexdigest().encode() + b"\n" + body)
            os.replace(tmp, entry)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        pass  # a read-only or full disk: the text was generated all the same
