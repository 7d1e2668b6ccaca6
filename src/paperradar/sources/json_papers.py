"""JSON paper lists from other tools: CSL-JSON (Zotero, Mendeley), Semantic Scholar and OpenAlex API answers,
and JSON arrays or JSON Lines of paper objects with common key spellings (see :mod:`paperradar.sources.objects`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import orjson

from paperradar.models import Paper, Rejected
from paperradar.sources.base import Item, Source, SourceError, register
from paperradar.sources.objects import FOREIGN_MARKERS, WRAPPERS, paper_from_object, unwrap
from paperradar.sources.text import fix_text


def _kind(obj: dict[str, Any]) -> str:
    """Which tool wrote this record (named in the paper's source)."""
    if "paperId" in obj or "externalIds" in obj:
        return "semantic-scholar"
    if (
        "authorships" in obj
        or "abstract_inverted_index" in obj
        or str(obj.get("id", "")).startswith("https://openalex")
    ):
        return "openalex"
    if "issued" in obj or "container-title" in obj or ("type" in obj and isinstance(obj.get("author"), list)):
        return "csl-json"
    if isinstance(obj.get("data"), dict) and "key" in obj:
        return "zotero"
    return "json"


def _items(values: list[Any], origin: str, locator: str) -> Iterator[Item]:
    for n, obj in enumerate(values, 1):
        where = f"{locator} {n}"
        if isinstance(obj, str):  # a JSON array of ids or URLs
            obj = {"id": obj}
        if not isinstance(obj, dict):
            yield Rejected(where, "not a JSON object", orjson.dumps(obj).decode()[:10000])
            continue
        try:
            yield paper_from_object(obj, f"{_kind(obj)}:{origin}")
        except (ValueError, TypeError) as e:
            yield Rejected(where, str(e), orjson.dumps(obj).decode()[:10000])


def _records(data: bytes, origin: str) -> Iterator[Item]:
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError:
        doc = None
    if doc is not None:
        values = unwrap(doc)
        if not values and isinstance(doc, dict | list):
            raise SourceError(f"{origin}: the JSON holds no paper objects")
        yield from _items(values, origin, "record")
        return
    good = 0
    rejected: list[Rejected] = []
    out: list[Item] = []
    for n, line in enumerate(data.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = orjson.loads(line)
        except orjson.JSONDecodeError as e:
            reason = f"not JSON ({str(e).splitlines()[0][:120]})"
            rejected.append(Rejected(f"line {n}", reason, line.decode("utf-8", "replace")[:10000]))
            continue
        for item in _items(unwrap(obj) if isinstance(obj, dict | list) else [obj], origin, f"line {n} record"):
            good += isinstance(item, Paper)
            out.append(item)
    if not good and rejected:
        raise SourceError(f"{origin}: neither a JSON document nor JSON Lines ({rejected[0].reason})")
    yield from out
    yield from rejected


def _first_object(head: bytes) -> dict[str, Any] | None:
    try:
        obj = orjson.loads(head.split(b"\n", 1)[0])
    except orjson.JSONDecodeError:
        return None
    return obj if isinstance(obj, dict) else None


@register
class CslJson(Source):
    """CSL-JSON, as Zotero's and Mendeley's "CSL JSON" export writes it: an array of items with ``type``,
    ``title``, ``author: [{family, given}]``, ``issued: {date-parts}``, ``DOI``, ``URL``, ``abstract``."""

    name = "csl-json"
    expects = "a JSON array of CSL items (type, author family/given)"

    @classmethod
    def sniff(cls, head: bytes, filename: str) -> bool:
        return head.startswith(b"[") and b'"type"' in head and (b'"date-parts"' in head or b'"family"' in head)

    def records(self) -> Iterator[Item]:
        yield from _records(fix_text(self.data.decode("utf-8", "replace")).encode(), self.origin)


@register
class PaperJson(Source):
    """Any other JSON array, API answer or JSON Lines of paper objects: Semantic Scholar, OpenAlex, Zotero web API
    items, ``[{"title", "abstract"}]`` lists, arrays of arXiv ids."""

    name = "json"
    expects = "a JSON array, API answer or JSON lines of paper objects"

    @classmethod
    def sniff(cls, head: bytes, filename: str) -> bool:
        if head.startswith(b"["):
            return True
        if not head.startswith(b"{"):
            return False
        first = _first_object(head)
        if first is None:
            line = head.split(b"\n", 1)[0]
            if len(line) < len(head) or len(head) < 8192:
                return True  # a pretty-printed document: its first line is no whole object
            # a first line longer than the head: an API answer, or a long line of the common JSONL
            return any(m in line for m in FOREIGN_MARKERS) or bool(re.search(rb'"(data|results)"\s*:\s*\[', line))
        if any(isinstance(first.get(k), list) for k in WRAPPERS):
            return True
        line = head.split(b"\n", 1)[0]
        if any(m in line for m in FOREIGN_MARKERS):
            return True
        # paperradar's own common JSONL (and Kaggle's snapshot) name a top-level title; leave those to them
        return "title" not in first and "submitter" not in first

    def records(self) -> Iterator[Item]:
        # bytes that are not UTF-8 become U+FFFD, as in every other text format, rather than failing the file
        yield from _records(self.data.decode("utf-8", "replace").encode(), self.origin)
