"""arXiv's RSS feeds (rss.arxiv.org/rss/<categories>): the day's announcements, typed new/cross/replace."""

from __future__ import annotations

import re
from collections.abc import Iterator
from email.utils import parsedate_to_datetime

from lxml import etree

from paperradar.models import Paper, Rejected, Version, split_arxiv_id
from paperradar.sources.arxiv_api import arxiv_links, split_dois
from paperradar.sources.base import Item, Source, SourceError, register
from paperradar.sources.text import is_withdrawn, latex_to_text, split_authors
from paperradar.sources.xml import parse_xml, sniff_root, text, to_string

NS = {"arxiv": "http://arxiv.org/schemas/atom", "dc": "http://purl.org/dc/elements/1.1/"}
# "arXiv:2604.21935v1 Announce Type: new \nAbstract: ..." (the abstract follows the two header fields)
_DESC = re.compile(r"^\s*arXiv:(?P<id>\S+)\s+Announce Type:\s*(?P<type>[\w-]+)\s*Abstract:\s*(?P<abstract>.*)$", re.S)


def _announce_day(pub: str) -> str | None:
    """The announcement date as arXiv states it (in its own time zone, midnight US Eastern), YYYY-MM-DD."""
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
    # The id is in the description's header; when that format drifts, the guid (oai:arXiv.org:<id>v<n>) and
    # the link still carry it.
    parts = (split_arxiv_id(m.group("id")) if m else None) or split_arxiv_id(guid) or split_arxiv_id(link)
    if not parts:
        return Rejected(f"item {guid or link or '?'}", "item has no arXiv id", to_string(item))
    arxiv_id, version = parts
    if not title:
        return Rejected(f"item {guid or arxiv_id}", "item has no title", to_string(item))
    announce = text(item.find("arxiv:announce_type", NS)) or (m.group("type") if m else "")
    creators = text(item.find("dc:creator", NS))
    pub = text(item.find("pubDate"))
    abstract = m.group("abstract") if m else desc
    dois = split_dois(text(item.find("arxiv:DOI", NS)))
    links = arxiv_links(arxiv_id, dois[0] if dois else None)
    if link:
        links["abs"] = link
    extra = {
        "announce_type": announce,
        "rights": text(item.find("dc:rights", NS)),
        "dois": dois if len(dois) > 1 else None,
    }
    return Paper(
        id=arxiv_id,
        version=version,
        # The feed says which version was announced but not when it was submitted; the store fills the date
        # from the API or OAI-PMH when they bring it.
        versions=[Version(version)] if version else [],
        title=latex_to_text(title),
        abstract=abstract,
        authors=split_authors(creators) if creators else [],
        categories=[text(c) for c in item.findall("category") if text(c)],
        announced=(_announce_day(pub) if pub else None) or channel_day,
        # No submission date in the feed: `published` stays empty rather than holding the announcement time,
        # which would later block the real date from the API (the store only fills empty fields).
        published=None,
        doi=dois[0] if dois else None,
        journal_ref=text(item.find("arxiv:journal_reference", NS)) or None,
        links=links,
        source=f"rss:{origin}",
        # Withdrawals are announced as replacements whose abstract is the withdrawal notice.
        withdrawn=version is not None and version > 1 and is_withdrawn(abstract[:300]),
        extra={k: v for k, v in extra.items() if v},
        raw=to_string(item),
    )


def parse_feed(data: bytes, origin: str) -> list[Item]:
    """Parse one RSS response into papers and Rejected items (an empty weekend feed gives an empty list).

    Raises :class:`SourceError` when ``data`` is not a well-formed RSS 2.0 document.
    """
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
    expects = "an arXiv RSS feed"

    @classmethod
    def sniff(cls, head: bytes, filename: str) -> bool:
        return sniff_root(head, b"<rss") and b"arxiv" in head.lower()

    def records(self) -> Iterator[Item]:
        yield from parse_feed(self.data, self.origin)
