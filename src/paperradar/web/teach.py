"""The teach page: the paper the profile is least sure about or ranks first (by turns), with like / dislike / skip
(active learning)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from paperradar.relevance import ProfileError
from paperradar.web.views import need_login, paper_view, radar_of, reader_of, render

router = APIRouter()


@router.get("/teach/{name}", response_class=HTMLResponse)
def teach_page(request: Request, name: str, skip: str = "") -> Response:
    """Show the least-sure unanswered paper of profile ``name``; answering it (or skipping) shows the next."""
    need_login(request)
    radar = radar_of(request)
    reader = reader_of(request)
    try:
        profile = radar.profile(name, reader)
    except ProfileError as e:
        raise HTTPException(404, str(e)) from e
    skipped = {s for s in skip.split(",") if s}
    pick = radar.least_sure(name, reader=reader, skip=sorted(skipped))
    item = None
    if pick:
        paper = radar.store.papers.get(pick.id)
        if paper is not None:
            item = paper_view(paper, score=pick.score, explanation=pick.explanation)
    answered = sum(1 for v in radar.feedback_of(name, reader).values() if v in ("like", "dislike"))
    skip_next = ",".join(sorted(skipped | ({pick.id} if pick else set())))
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
