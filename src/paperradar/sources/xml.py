"""Safe XML parsing shared by the XML sources: no network, no entity expansion, one-line errors."""

from __future__ import annotations

from lxml import etree

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, remove_blank_text=False)


def parse_xml(data: bytes, origin: str) -> etree._Element:
    """Parse ``data`` into its root element, or raise SourceError naming ``origin``."""
    from paperradar.sources.base import SourceError

    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as e:
        raise SourceError(f"{origin}: not well-formed XML ({e})") from e
    if root is None:
        raise SourceError(f"{origin}: empty XML document")
    return root


def text(el: etree._Element | None) -> str:
    """All text inside ``el`` (empty when None), white space collapsed."""
    if el is None:
        return ""
    return " ".join("".join(el.itertext()).split())


def to_string(el: etree._Element) -> str:
    """The element serialized as UTF-8 XML text (for ``Paper.raw``)."""
    return etree.tostring(el, encoding="unicode")


def sniff_root(head: bytes, *markers: bytes) -> bool:
    """Does an XML prologue/head contain all ``markers``? (cheap content detection)."""
    return head.startswith(b"<") and all(m in head for m in markers)
