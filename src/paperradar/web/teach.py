"""The teach page: the paper the profile is least sure about, with like / dislike / skip (active learning)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from paperradar.relevance import ProfileError, feedback_key, load_profile, score_papers
from paperradar.relevance.library import least_sure, teach_pool
from paperradar.web.app import render
from paperradar.web.views import paper_view

router = APIRouter()


@router.get("/teach/{name}", response_class=HTMLResponse)
def teach_page(request: Request, name: str, skip: str = "") -> Response:
    """Show the least-sure unanswered paper of profile ``name``; answering it (or skipping) shows the next."""
    auth = request.state.auth
    multi = request.app.state.settings.multi_user
    if multi and auth.user is None:
        raise HTTPException(401, "log in first")
    reader = auth.user.name if multi and auth.user else None
    try:
        profile = load_profile(name, owner=reader)
    except ProfileError as e:
        raise HTTPException(404, str(e)) from e
    store = request.app.state.stores.get()
    skipped = {s for s in skip.split(",") if s}
    fb = store.feedback.of_profile(feedback_key(name, reader))
    scored = score_papers(store, profile, teach_pool(store), reader=reader)
    pick = least_sure(scored, profile.threshold, set(fb) | set(profile.seeds) | skipped)
    item = None
    if pick:
        paper = store.papers.get(pick[0].id)
        if paper is not None:
            item = paper_view(paper, score=pick[0].score, explanation=pick[0].explanation)
    answered = sum(1 for v in fb.values() if v in ("like", "dislike"))
    skip_next = ",".join(sorted(skipped | ({pick[0].id} if pick else set())))
    return render(
        request,
        "teach.html",
        {
            "name": name,
            "item": item,
            "interest": name,
            "threshold": profile.threshold,
            "answered": answered,
            "next_url": f"/teach/{name}" + (f"?skip={','.join(sorted(skipped))}" if skipped else ""),
            "skip_url": f"/teach/{name}?skip={skip_next}",
        },
    )
