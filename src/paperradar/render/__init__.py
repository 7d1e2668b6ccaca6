"""Rendering digests and reports: Markdown, HTML, JSON and Atom, from one set of templates."""

from __future__ import annotations

import abc
import base64
import io
import re
from dataclasses import asdict, is_dataclass
from typing import Any

import orjson
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from paperradar.reports import Digest, Report, ReportTopic

FORMATS = ("markdown", "html", "html_fragment", "json", "atom")
_env = Environment(
    loader=PackageLoader("paperradar.render", "templates"),
    undefined=StrictUndefined,
    keep_trailing_newline=True,
    autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
)
# Paper text (titles, abstracts, names, summaries, labels) is data: in Markdown every character that could start
# a link, an image, inline HTML, an entity, emphasis, code or a table cell is backslash-escaped, and so is a block
# marker at the start of a value; line breaks become spaces. Only the templates themselves produce markup.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>&|~])")
_MD_BLOCK_START = re.compile(r"^(\s*)([#>+=-]|\d+(?=[.)](?:\s|$)))")
_URL_UNSAFE = re.compile(r"[\s()<>\[\]\\\"']")


def md_escape(value: object) -> str:
    """``value`` as literal text in Markdown (see the comment above ``_MD_INLINE``)."""
    s = " ".join(str(value).split()) if value is not None else ""
    s = _MD_INLINE.sub(r"\\\1", s)
    return _MD_BLOCK_START.sub(_escape_block_start, s)


def _escape_block_start(m: re.Match[str]) -> str:
    """A backslash before a block marker's punctuation: "\\# x", "\\- x", "1\\. x" (a backslash before a digit
    is no escape in CommonMark and would show; "1.4 times" starts no list and is left alone)."""
    lead, marker = m.group(1), m.group(2)
    return lead + marker + "\\" if marker[0].isdigit() else lead + "\\" + marker


def md_url(value: object) -> str:
    """A URL for a Markdown link target: http(s) only (anything else becomes "#"), with the characters that
    could end the target or start markup percent-encoded."""
    s = str(value or "").strip()
    if not re.match(r"https?://", s, re.I):
        return "#"
    return _URL_UNSAFE.sub(lambda m: f"%{ord(m.group(0)):02X}", s)


_env.filters["md"] = md_escape
_env.filters["mdurl"] = md_url


class Renderer(abc.ABC):
    """Turns a Digest or Report into text of one format."""

    @abc.abstractmethod
    def render(self, obj: Digest | Report) -> str:
        """The rendered text."""


def trend_text(t: ReportTopic) -> str:
    """How a topic's trend reads: honest when there is no earlier week to compare with."""
    if not t.trend:
        return "no earlier week to compare with"
    before = "/".join(str(n) for n in t.previous)
    return {"new": f"new this week, before {before}", "rising": f"rising, before {before}"}.get(
        t.trend, f"{t.trend}, before {before}"
    )


def linked(t: ReportTopic) -> str:
    """A topic's synthesis as Markdown: its text escaped (it is made of the papers' own phrases), with the first
    mention of each cited paper's name made a link."""
    from paperradar.reports.synthesis import method_name

    text = md_escape(t.synthesis)
    items = {i.paper.id: i for i in t.items}
    for pid in t.cited:
        it = items.get(pid)
        if it is None or not it.url:
            continue
        name = md_escape(method_name(it))
        m = re.search(rf"(?<![\w\[/-]){re.escape(name)}(?![\w\]-])", text)
        if m:
            text = text[: m.start()] + f"[{name}]({md_url(it.url)})" + text[m.end() :]
    return text


def _markdown(obj: Digest | Report) -> str:
    if isinstance(obj, Digest):
        return _env.get_template("digest.md.j2").render(d=obj)
    return _env.get_template("report.md.j2").render(r=obj, trend_text=trend_text, linked=linked)


def chart_png(report: Report) -> bytes:
    """A PNG line chart of topic volume over the report's weeks (matplotlib, no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    weeks = [w for w, _c in report.history]
    fig, ax = plt.subplots(figsize=(7, 3.2), dpi=110)
    for t in report.topics[:6]:
        ax.plot(weeks, [c.get(t.id, 0) for _w, c in report.history], marker="o", label=t.name[:40])
    ax.set_ylabel("relevant papers")
    ax.set_title("Topic volume by week")
    ax.legend(fontsize=7, loc="upper left")
    ax.tick_params(axis="x", labelsize=7)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def html_fragment(obj: Digest | Report) -> Markup:
    """The HTML body of a digest or report (no page around it), for the web app's own pages: markup produced by
    our templates, with every piece of paper text escaped."""
    import markdown_it

    # Raw HTML is allowed because only the templates can produce it (the <details> blocks): every piece of
    # paper text went through md_escape, which turns '<' and '&' into literal characters.
    body = markdown_it.MarkdownIt("commonmark", {"html": True}).enable("table").render(_markdown(obj))
    if isinstance(obj, Report) and obj.history and obj.trends:
        img = base64.b64encode(chart_png(obj)).decode()
        chart = f'<figure class="chart"><img alt="Topic volume by week" src="data:image/png;base64,{img}"></figure>'
        body = body.replace("<h2>General trends</h2>", chart + "\n<h2>General trends</h2>", 1)
    return Markup(body)


def _html(obj: Digest | Report) -> str:
    body = html_fragment(obj)
    title = obj.title if isinstance(obj, Report) else f"{obj.interest} papers — {obj.day}"
    return _env.get_template("page.html.j2").render(title=title, body=Markup(body))


def _plain(o: Any) -> Any:
    if is_dataclass(o) and not isinstance(o, type):
        return {k: _plain(v) for k, v in asdict(o).items() if k != "raw"}
    if isinstance(o, list | tuple):
        return [_plain(x) for x in o]
    if isinstance(o, set):
        return sorted(o)
    if isinstance(o, dict):
        return {k: _plain(v) for k, v in o.items() if k != "raw"}
    return o


def _json(obj: Digest | Report) -> str:
    if isinstance(obj, Report):
        return orjson.dumps(obj.to_dict(), option=orjson.OPT_INDENT_2).decode()
    data = _plain(obj)
    data["items"] = len(obj.items)
    return orjson.dumps(data, option=orjson.OPT_INDENT_2).decode()


def _atom(obj: Digest | Report) -> str:
    from feedgen.feed import FeedGenerator

    if not isinstance(obj, Digest):
        raise ValueError("Atom is available for digests")
    fg = FeedGenerator()
    fg.id(f"urn:paperradar:{obj.interest}:{obj.reader}")
    fg.title(f"paperradar — {obj.interest}")
    fg.link(href="https://arxiv.org/", rel="related")
    fg.updated(f"{obj.day}T00:00:00+00:00")
    for it in reversed(obj.items):
        e = fg.add_entry()
        e.id(f"urn:arxiv:{it.paper.id}v{it.paper.version or 1}")
        e.title(it.paper.title + (" (updated)" if it.status == "updated" else ""))
        e.link(href=it.url)
        e.updated(f"{obj.day}T00:00:00+00:00")
        for a in it.paper.authors[:10]:
            e.author({"name": a})
        e.summary(" ".join(it.summary.bullets) + f" — relevance {it.score:.2f}: {it.explanation}")
        for c in it.paper.categories:
            e.category(term=c)
    return fg.atom_str(pretty=True).decode()


def render(obj: Digest | Report, fmt: str) -> str:
    """Render ``obj`` as markdown, html (a whole page), html_fragment (its body only), json or atom."""
    fns = {"markdown": _markdown, "html": _html, "html_fragment": html_fragment, "json": _json, "atom": _atom}
    if fmt not in fns:
        raise ValueError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    return fns[fmt](obj)


__all__ = ["FORMATS", "Renderer", "chart_png", "html_fragment", "linked", "md_escape", "md_url", "render", "trend_text"]
