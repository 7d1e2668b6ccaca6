"""arXiv's RSS feeds (rss.arxiv.org/rss/<categories>): the day's announcements, typed new/cross/replace."""

from __future__ import annotations

import re
from collections.abc import Iterator
from email.utils import parsedate_to_datetime

from lxml import etree

from paperradar.models import Paper, Rejected, split_arxiv_id
from paperradar.sources.base import Item, Source, SourceError, register
from paperradar.sources.text import is_withdrawn, iso_date, latex_to_text, split_authors
from paperradar.sources.xml import parse_xml, sniff_root, text, to_string

NS = {"arxiv": "http://arxiv.org/schemas/atom", "dc": "http://purl.org/dc/elements/1.1/"}
_DESC = re.compile(r"^\s*arXiv:(?P<id>\S+)\s+Announce Type:\s*(?P<type>[\w-]+)\s*Abstract:\s*(?P<abstract>.*)$", re.S)


def _announce_day(pub: str) -> str | None:
    """The announcement date as arXiv states it (its own time zone), YYYY-MM-DD."""
    try:
        return parsedate_to_datetime(pub).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def _item(item: etree._Element, origin: str, channel_day: str | None) -> Item:
    title = text(item.find("title"))
    link = text(item.find("link"))
    guid = text(item.find("guid"))
    desc = text(item.find("description"))
    m = _DESC.match(desc)
    parts = split_arxiv_id(m.group("id")) if m else None
    parts = parts or split_arxiv_id(guid) or split_arxiv_id(link)
    if not parts:
        return Rejected(f"item {guid or link or '?'}", "item has no arXiv id", to_string(item))
    if not title:
        return Rejected(f"item {parts[0]}", "item has no title", to_string(item))
    announce = text(item.find("arxiv:announce_type", NS)) or (m.group("type") if m else "")
    creators = text(item.find("dc:creator", NS))
    pub = text(item.find("pubDate"))
    abstract = m.group("abstract") if m else desc
    comment = None
    return Paper(
        id=parts[0],
        version=parts[1],
        title=latex_to_text(title),
        abstract=abstract,
        authors=split_authors(creators) if creators else [],
        categories=[text(c) for c in item.findall("category") if text(c)],
        announced=_announce_day(pub) if pub else channel_day,
        published=iso_date(pub) if parts[1] == 1 else None,
        doi=text(item.find("arxiv:DOI", NS)) or None,
        links={"abs": link} if link else {},
        source=f"rss:{origin}",
        withdrawn=is_withdrawn(abstract[:200]) and parts[1] not in (None, 1),
        comment=comment,
        extra={k: v for k, v in {"announce_type": announce, "rights": text(item.find("dc:rights", NS))}.items() if v},
        raw=to_string(item),
    )


def parse_feed(data: bytes, origin: str) -> list[Item]:
    """Parse one RSS response into papers (an empty weekend feed gives an empty list)."""
    root = parse_xml(data, origin)
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        raise SourceError(f"{origin}: not an RSS 2.0 feed (root element {root.tag})")
    day = _announce_day(text(channel.find("pubDate"))) if channel.find("pubDate") is not None else None
    return [_item(it, origin, day) for it in channel.findall("item")]


@register
class ArxivRss(Source):
    """A saved arXiv RSS feed."""

    name = "arxiv-rss"

    @classmethod
    def sniff(cls, head: bytes, filename: str) -> bool:
        return sniff_root(head, b"<rss") and b"arxiv" in head.lower()

    def records(self) -> Iterator[Item]:
        yield from parse_feed(self.data, self.origin)
