"""`paperradar search`: hybrid keyword + semantic search over every stored paper."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import orjson
import typer
from rich.table import Table
from rich.text import Text

from paperradar.cli.app import EXIT_BAD_INPUT, app, console, err, fail, open_radar, plain, progress
from paperradar.radar import RadarError
from paperradar.store import SearchFilters

if TYPE_CHECKING:
    from paperradar.index import SearchHit


def filters_from(
    date_from: str | None, date_to: str | None, category: list[str] | None, tag: str | None, topic: str | None
) -> SearchFilters:
    """SearchFilters from CLI options."""
    return SearchFilters(date_from=date_from, date_to=date_to, categories=category or [], tag=tag, topic=topic)


@app.command("search")
def search_cmd(
    ctx: typer.Context,
    query: Annotated[
        str | None, typer.Argument(help='Words, "phrases", title:/author:/cat: fields, -exclusions.')
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="How many results.")] = 20,
    jsonl: Annotated[bool, typer.Option("--jsonl", help="One JSON object per hit, best first.")] = False,
    date_from: Annotated[str | None, typer.Option("--from", help="Only papers dated on/after YYYY-MM-DD.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Only papers dated on/before YYYY-MM-DD.")] = None,
    category: Annotated[list[str] | None, typer.Option("--category", "-c", help="Only these categories.")] = None,
    tag: Annotated[str | None, typer.Option("--tag", help="Only papers you tagged so.")] = None,
    topic: Annotated[str | None, typer.Option("--topic", help="Only papers of this topic (id or label).")] = None,
    like: Annotated[str | None, typer.Option("--like", help="More like this paper (an arXiv id).")] = None,
    mode: Annotated[str, typer.Option("--mode", help="hybrid, keyword or vector.")] = "hybrid",
) -> None:
    """Find papers by keyword and meaning (BM25 and embeddings, fused), or more like a given paper."""
    from paperradar.embed import EmbedderError
    from paperradar.index import QueryError

    if not query and not like:
        fail('give a query (e.g. paperradar search "KV cache compression") or --like ARXIV_ID', EXIT_BAD_INPUT)
    filters = filters_from(date_from, date_to, category, tag, topic)
    with open_radar(ctx) as radar, progress() as bar:
        task = bar.add_task("embedding new papers", total=None)
        try:
            if like:
                hits = radar.more_like_this(like, limit=limit, filters=filters)
            else:
                hits = radar.search(
                    query or "",
                    limit=limit,
                    filters=filters,
                    mode=mode,
                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                )
            note = radar.coverage().note() if mode != "keyword" else None
        except (QueryError, RadarError) as e:
            fail(str(e), EXIT_BAD_INPUT)
        except EmbedderError as e:
            fail(str(e))
    if note:
        err.print(note, style="yellow", highlight=False, markup=False)
    if jsonl:
        for h in hits:
            print(orjson.dumps(h.as_dict()).decode())
        return
    if not hits:
        console.print("no results", style="dim")
        return
    table = Table("#", "paper", "relevance", "why", title=plain(f"search: {query or 'like ' + str(like)}"))
    for n, h in enumerate(hits, 1):
        relevance = f"{h.relevance:.2f}" if h.relevance is not None else ""
        table.add_row(str(n), _paper_cell(h), relevance, plain(h.why))
    console.print(table)


def _paper_cell(h: SearchHit) -> Text:
    """Title, authors and date, and the snippet with the matched terms in bold."""
    cell = Text(h.title, style="bold")
    cell.append(f"\n{h.id}", style="cyan")
    byline = ", ".join(h.authors[:3]) + (" et al." if len(h.authors) > 3 else "")
    if byline or h.date:
        cell.append(f" · {byline}{' · ' if byline and h.date else ''}{h.date}", style="dim")
    if h.snippet:
        snippet = Text("\n" + h.snippet)
        for start, end in h.highlights:
            snippet.stylize("bold yellow", start + 1, end + 1)
        cell.append_text(snippet)
    return cell
