"""Offline, grounded prose for a report: a paragraph per topic, the introduction, the conclusion, and the reason
each noteworthy paper is worth opening.

Everything is built from the papers' own sentences and phrases (their summaries' bullets, method names from their
titles, their headline claims) and from counts computed here; the report's ``verify`` stage then checks every
number and name with :func:`paperradar.summarize.check_grounded`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from paperradar.reports.common import Item
from paperradar.summarize import claim_sentence, claims_in, named_methods, points_back
from paperradar.summarize.claims import FUNCTION_WORDS

_SURVEY = re.compile(r"\b(survey|review|overview|taxonomy|systematization|tutorial)\b", re.I)
MAX_SENTENCE_WORDS = 45
# a problem sentence names a difficulty ("remain", "lack", "overhead") and, best, a cost ("latency", "memory")
_PROBLEM_CUE = re.compile(
    r"\b(?:challeng|suffer|limit|struggl|remain|lack|difficult|hinder|prohibitiv|bottleneck|costly|expensive|"
    r"expense|overhead|inefficien|slow|impractical|redundan|burden|demanding|intensive|unsuitable|excessive|"
    r"requir\w* (?:significant|substantial|large|massive|extensive|huge))\w*",
    re.I,
)
_COST_CUE = re.compile(
    r"\b(?:memory|latency|compute|computation(?:al)?|resources?|costs?|energy|quadratic|overhead|tokens?|"
    r"inference|throughput|bandwidth)\b",
    re.I,
)


@dataclass
class CitedClaim:
    """A paper's headline claim and the sentence of its abstract that makes it."""

    paper_id: str
    method: str
    claim: str
    sentence: str
    kind: str
    value: float


_GENERIC_NAMES = frozenset(
    [
        "LLM",
        "LLMs",
        "MLLM",
        "MLLMs",
        "LRM",
        "LRMs",
        "VLM",
        "VLMs",
        "LLaMA",
        "CoT",
        "RL",
        "AI",
        "ML",
        "NLP",
        "KV",
        "GPU",
        "GPUs",
        "CPU",
        "SVD",
        "MoE",
        "DNN",
        "DNNs",
        "CNN",
        "CNNs",
        "ViT",
        "ViTs",
        "RAG",
        "QA",
        "API",
        "SLM",
        "SLMs",
    ]
)


def method_name(item: Item) -> str:
    """How the report names a paper: the method name its title leads with ("SPRINT", "EAGLE-3"), else a name the
    title introduces in parentheses ("... Risk Scanning (AIRS) Framework"), else its title (cut after eight words,
    never on a function word).

    Other capitalised words of a title are mostly what the paper works on, not what it is called ("for LVLM
    Decoding", "Detect AI-Edited Images", "NeurIPS 2025 E2LM Competition"), so they never name it."""
    title = re.sub(r"\s+", " ", item.paper.title or "").strip()
    if ":" in title:
        head = title.split(":", 1)[0].strip()
        if 1 <= len(head.split()) <= 3 and re.search(r"[A-Z]", head) and head not in _GENERIC_NAMES:
            return head
    introduced = [
        n
        for n in re.findall(r"\(([A-Z][A-Za-z0-9-]{1,19})\)", title)
        if n in named_methods(f"({n})") and n not in _GENERIC_NAMES
    ]
    if introduced:
        return introduced[0]
    words = title.split()
    if len(words) <= 9:
        return title
    cut = words[:8]
    while cut and cut[-1].lower().strip(",;:") in FUNCTION_WORDS:
        cut.pop()
    return " ".join(cut).rstrip(",;:") + " …"


def paper_claims(items: Sequence[Item]) -> list[CitedClaim]:
    """Each paper's headline claim with its sentence, for the papers that have one."""
    out = []
    for it in items:
        text = it.paper.abstract or " ".join(it.summary.bullets)
        found = claims_in(text)
        if it.summary.headline:
            own = [c for c in found if c.phrase == it.summary.headline]
            found = own or found
        if found:
            c = found[0]
            out.append(CitedClaim(it.paper.id or "", method_name(it), c.phrase, c.sentence, c.kind, c.value))
    return out


_OPENERS = re.compile(
    r"^(?:however|yet|but|thus|therefore|moreover|furthermore|additionally|nevertheless)\s*,?\s*", re.I
)


def _lower_first(s: str) -> str:
    """Lower-case a sentence's first letter unless its first word is a name (SmoothRot, LLMs, KV)."""
    first = s.split(" ", 1)[0] if s else ""
    if not first or first[1:] != first[1:].lower() or not first[0].isupper():
        return s
    return s[0].lower() + s[1:]


# a sentence about the paper's own work or its results states no problem
_OWN_OR_RESULT = re.compile(
    r"\b(?:we|our|(?:this|the) (?:paper|work|study|article)|experiments?|results? (?:show|demonstrate)|"
    r"outperform\w*|achiev\w*|novel|address(?:es|ing)?|"
    r"(?:this|these|such) (?:challenges?|problems?|issues?|gaps?|limitations?))\b",
    re.I,
)


def _stems(name: str) -> list[str]:
    """The leading letters of a topic name's content words ("reason" of "Efficient reasoning")."""
    return [
        w.lower()[:6]
        for w in re.findall(r"[A-Za-z][\w-]{3,}", name)
        if w.lower() not in FUNCTION_WORDS and not w.lower().startswith("effici")
    ]


def speaks_of(name: str, text: str) -> bool:
    """Whether ``text`` speaks of the topic ``name``: one of its content words occurs in it."""
    low = text.lower()
    return any(st in low for st in _stems(name))


def _problem_sentence(items: Sequence[Item], name: str = "") -> tuple[str, Item] | None:
    """The first bullet (the problem) of the most relevant paper whose problem sentence names a difficulty, is
    not too long, and is neither about the paper's own work or results nor pointing back at a sentence left out.
    Order: a difficulty with a cost ("overhead ... memory"), a difficulty ("remain", "lack"), a cost, any; within
    each, one that also speaks of the topic ("diffusion", "attention" for "Efficient attention") first, then the
    most relevant paper."""
    candidates = []
    for it in items:
        if it.summary.bullets:
            s = it.summary.bullets[0].strip()
            if len(s.split()) > MAX_SENTENCE_WORDS or re.search(r"https?://", s):
                continue
            if _OWN_OR_RESULT.search(s) or points_back(s) or s.startswith(method_name(it) + " "):
                continue  # "SALT addresses ..." is the paper's own work
            on_topic = speaks_of(name, s)
            difficulty, cost = bool(_PROBLEM_CUE.search(s)), bool(_COST_CUE.search(s))
            cue = 0 if difficulty and cost else 1 if difficulty else 2 if cost else 3
            candidates.append((cue, not on_topic, s, it))
    if not candidates:
        return None
    _, _, s, it = min(candidates, key=lambda c: (c[0], c[1]))
    return s, it


def topic_paragraph(name: str, items: Sequence[Item]) -> tuple[str, list[str], list[CitedClaim]]:
    """A 2-4 sentence paragraph on one topic: the shared problem, the approaches with their method names and the
    range of reported results, citing at least two papers when the topic has two. Returns the text, the ids it
    cites (in order) and the claims it reports."""
    cited: list[str] = []
    sentences: list[str] = []
    problem = _problem_sentence(items, name)
    if problem:
        text, it = problem
        text = _OPENERS.sub("", text)
        text = _lower_first(text).rstrip(".")
        sentences.append(f"The shared problem, as {method_name(it)} puts it: {text}{'' if text[-1:] in '?!' else '.'}")
        cited.append(it.paper.id or "")
    approaches = []
    for it in items[:4]:
        m = method_name(it)
        title = it.paper.title or ""
        rest = title.split(":", 1)[1].strip() if ":" in title and title.split(":", 1)[0].strip() == m else ""
        approaches.append(f"{m} ({rest})" if rest else m)
        if (it.paper.id or "") not in cited:
            cited.append(it.paper.id or "")
    if approaches:
        listed = approaches[0] if len(approaches) == 1 else ", ".join(approaches[:-1]) + " and " + approaches[-1]
        sentences.append(f"Approaches this week: {listed}.")
    claims = paper_claims(items)
    times = sorted((c for c in claims if c.kind == "times"), key=lambda c: c.value)
    if len(times) >= 2 and times[0].value != times[-1].value:
        lo, hi = times[0], times[-1]
        sentences.append(f"Reported results range from {lo.claim} ({lo.method}) to {hi.claim} ({hi.method}).")
        shown = [lo, hi]
    elif len(claims) >= 2:
        a, b = claims[0], claims[1]
        sentences.append(f"Reported results: {_said(a)}; {_said(b)}.")
        shown = [a, b]
    elif claims:
        sentences.append(f"Reported result: {_said(claims[0])}.")
        shown = [claims[0]]
    else:
        shown = []
    for c in shown:
        if c.paper_id not in cited:
            cited.append(c.paper_id)
    return " ".join(sentences[:4]), cited, shown


def _said(c: CitedClaim) -> str:
    """A claim with its paper: "SPRINT reduces latency by 35%", "2.1× faster decoding (EAGLE-3)"."""
    return f"{c.method} {c.claim}" if c.kind in ("verb", "retain") else f"{c.claim} ({c.method})"


def change_sentence(rising: Sequence[str], falling: Sequence[str], new: Sequence[str], known_weeks: int) -> str:
    """What changed against the earlier weeks, or that there is nothing to compare with."""
    if known_weeks == 0:
        return "No earlier week is in the database, so this report cannot say which topics rose or fell."
    parts = []
    if new:
        parts.append(f"new this week: {_list(new)}")
    if rising:
        parts.append(f"growing: {_list(rising)}")
    if falling:
        parts.append(f"shrinking: {_list(falling)}")
    weeks = "the earlier week" if known_weeks == 1 else f"the {known_weeks} earlier weeks"
    if not parts:
        return f"Against {weeks} in the database, every continuing topic held steady."
    return f"Against {weeks} in the database, " + "; ".join(parts) + "."


def _list(names: Sequence[str]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def noteworthy_reason(
    item: Item, topic_name: str, *, best_claim: CitedClaim | None, new_topic: bool, liked_similarity: float | None
) -> str:
    """Why a reader should open this paper, in one clause."""
    if _SURVEY.search(item.paper.title or ""):
        return f"a survey of {_lower_first(topic_name)}, a way into the topic"
    if liked_similarity is not None:
        return f"the paper closest to those you liked (similarity {liked_similarity:.2f})"
    if best_claim is not None:
        return f"the largest reported gain in {_lower_first(topic_name)}: {best_claim.claim}"
    if new_topic:
        return f"leads {_lower_first(topic_name)}, a topic new this week"
    return f"the most relevant paper of {_lower_first(topic_name)} for this interest"


def claim_context(claim: str, text: str) -> str | None:
    """The sentence a claim comes from (for showing a claim beside its evidence)."""
    return claim_sentence(claim, text)


__all__ = [
    "CitedClaim",
    "change_sentence",
    "method_name",
    "noteworthy_reason",
    "paper_claims",
    "speaks_of",
    "topic_paragraph",
]
