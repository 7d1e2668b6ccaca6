"""The one interface every source implements, and the registry that picks a source by content."""

from __future__ import annotations

import abc
import gzip
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from paperradar.models import Paper, Rejected

Item = Paper | Rejected


class SourceError(Exception):
    """A whole input could not be read: not this format, not well-formed, or an error response.

    The message is one line for a person: it names the input and what is wrong (line breaks in a parser
    library's message are folded into spaces here, whichever source raises it).
    """

    def __init__(self, message: object = "", *args: object) -> None:
        super().__init__(" ".join(str(message).split()), *args)


class Source(abc.ABC):
    """A parsed input: a file's bytes or an HTTP response body.

    Subclasses set ``name`` and implement :meth:`sniff` (does this content look like my format?) and
    :meth:`records` (yield a :class:`Paper` per good record and a :class:`Rejected` per malformed one).
    A source raises :class:`SourceError` before yielding anything when the input cannot be parsed at all.
    """

    name: ClassVar[str]
    expects: ClassVar[str] = ""  # what sniff looks for, named when no format fits

    def __init__(self, data: bytes, origin: str = "") -> None:
        self.data = data
        self.origin = origin or self.name

    @classmethod
    @abc.abstractmethod
    def sniff(cls, head: bytes, filename: str) -> bool:
        """Return True when ``head`` (the first few KB, decompressed) looks like this format."""

    @abc.abstractmethod
    def records(self) -> Iterator[Item]:
        """Yield one Paper per good record and one Rejected per malformed record."""


_REGISTRY: list[type[Source]] = []


def register(cls: type[Source]) -> type[Source]:
    """Class decorator: make a source available to :func:`detect` (earlier registrations win)."""
    _REGISTRY.append(cls)
    return cls


def registered() -> list[type[Source]]:
    """All registered source classes, in detection order."""
    return list(_REGISTRY)


def read_bytes(path: Path) -> bytes:
    """Read a file, transparently decompressing gzip."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as e:  # zlib.error: a corrupt deflate stream
            raise SourceError(f"{path}: damaged gzip file ({e}); download or copy it again") from e
    return data


def detect(data: bytes, filename: str = "", fmt: str | None = None) -> type[Source]:
    """Return the source class for ``data``: the one named ``fmt``, else the first whose sniff matches."""
    if fmt:
        for cls in _REGISTRY:
            if cls.name == fmt:
                return cls
        names = ", ".join(c.name for c in _REGISTRY)
        raise SourceError(f"unknown format {fmt!r}; choose one of: {names}")
    head = data[:8192].lstrip(b"\xef\xbb\xbf \t\r\n")
    for cls in _REGISTRY:
        if cls.sniff(head, filename):
            return cls
    raise SourceError(f"{filename or 'input'}: not a format paperradar can read; {_why_not(head)}")


def _why_not(head: bytes) -> str:
    """One clause saying what the input starts with and what each format would have needed."""
    first = head.split(b"\n", 1)[0].decode("utf-8", "replace").strip()
    start = (first[:40] + "...") if len(first) > 40 else first
    tried = "; ".join(f"{c.name} needs {c.expects}" if c.expects else c.name for c in _REGISTRY)
    return f"it starts with {start!r}, and each format was tried: {tried} (force one with --format NAME)"


def _utf8(data: bytes) -> bytes:
    """UTF-8 without a byte order mark: exports made on Windows (Excel's "Unicode text", some CSVs) start with one,
    or are UTF-16, which every reader would otherwise refuse."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return data
    return data.removeprefix(b"\xef\xbb\xbf")


def open_source(path: Path, fmt: str | None = None) -> Source:
    """Read ``path`` and return the matching source, or raise SourceError with a one-line reason."""
    try:
        data = read_bytes(path)
    except OSError as e:
        raise SourceError(f"{path}: cannot read ({e.strerror or e})") from e
    data = _utf8(data)
    if not data.strip():
        raise SourceError(f"{path}: file is empty")
    cls = detect(data, str(path), fmt)
    return cls(data, origin=str(path))
