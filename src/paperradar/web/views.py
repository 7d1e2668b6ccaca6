"""Turn library results into the plain dicts the templates and the JSON API show (one place for both)."""

from __future__ import annotations

from typing import Any

from paperradar.models import Paper


def paper_date(p: Paper) -> str:
    """The date a reader associates with the paper: announced, else published (YYYY-MM-DD)."""
    return (p.announced or p.published or "")[:10]


def paper_view(p: Paper, **extra: Any) -> dict[str, Any]:
    """A paper as a dict for pages and the API; ``extra`` adds score, explanation, bullets, feedback..."""
    view = {
        "id": p.id,
        "title": p.title,
        "abstract": p.abstract,
        "authors": p.authors,
        "categories": p.categories,
        "primary_category": p.primary_category,
        "published": p.published,
        "updated": p.updated,
        "announced": p.announced,
        "date": paper_date(p),
        "version": p.version,
        "comment": p.comment,
        "doi": p.doi,
        "journal_ref": p.journal_ref,
        "withdrawn": p.withdrawn,
        "arxiv": bool(p.id) and not str(p.id).startswith("title:"),
        "url": f"https://arxiv.org/abs/{p.id}" if p.id and not str(p.id).startswith("title:") else None,
        "score": None,
        "explanation": None,
        "relevant": None,
        "bullets": [],
        "headline": None,
        "feedback": None,
        "status": None,
        "tags": [],
    }
    view.update(extra)
    return view
