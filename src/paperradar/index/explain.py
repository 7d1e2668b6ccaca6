"""Why a search hit matched: the query terms found in its title and abstract, a snippet around them, and a
relevance a person can read (0-1), for the few hits shown (never for the whole candidate list)."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from paperradar.index.query import STOPWORDS, Query

_WORDS = re.compile(r"[^\W_]+", re.UNICODE)
_SUFFIXES = ("ations", "ation", "ings", "ing", "ers", "ies", "ied", "es", "er", "ed", "ly", "s", "e", "y")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_SENTENCE_END = re.compile(r"[.!?]\s+")  # the same ends of sentences (m.end()) in half the time of the look-behind
SNIPPET_CHARS = 200
# What a cosine similarity of the default model means for a search: below FLOOR papers are rarely about the query,
# at CEIL or above they nearly always are (read off the dev judgments; the meaning part of the relevance is linear
# between them).
SIMILARITY_FLOOR, SIMILARITY_CEIL = 0.20, 0.65
CLOSE_IN_MEANING = 0.45


def stem(word: str) -> str:
    """A crude stem, enough to see that "pruning" matches "prune" and "transformers" "transformer"."""
    w = word.lower()
    for suffix in _SUFFIXES:
        if len(w) - len(suffix) >= 3 and w.endswith(suffix):
            return w[: -len(suffix)]
    return w


def content_words(text: str) -> list[str]:
    """The words of ``text`` that are not stopwords, lowercase."""
    return [w for w in (m.lower() for m in _WORDS.findall(text)) if w not in STOPWORDS]


@dataclass
class Explanation:
    """Matched query terms, the reasons as short phrases, a snippet and the spans of matches in it."""

    matched: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    snippet: str = ""
    highlights: list[tuple[int, int]] = field(default_factory=list)
    coverage: float = 0.0  # share of the query's terms found in title or abstract


def query_terms(q: Query) -> list[str]:
    """The terms a reader would expect to see highlighted: free words, phrase and field words, expansions."""
    words = [*q.free_terms]
    for text in [*q.phrases, *(v for c, v in q.fields if c != "authors"), *q.expansions]:
        words.extend(w.lower() for w in _WORDS.findall(text))
    return [w for w in dict.fromkeys(words) if w not in STOPWORDS]


_WORD_TAIL = re.compile(r"\w{0,5}\b")


@dataclass(frozen=True)
class Terms:
    """What explaining a query's hits needs of the query, worked out once per search (not once per hit)."""

    shown: dict[str, str]  # stem -> the query term it stands for (what "matches ..." lists)
    base_stems: frozenset[str]  # stems of the words the reader typed (free words and phrase words)
    pattern: re.Pattern[str] | None  # an alternation of the stems, longest first
    words: dict[str, str]  # the typed words (coverage counts them) -> their stems
    synonyms: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]  # (acronym stem, expansion stems, words)
    free: tuple[str, ...]  # the query's free terms


def terms_of(q: Query) -> Terms:
    """The :class:`Terms` of ``q``."""
    terms = query_terms(q)
    shown = {stem(t): t for t in terms}
    base = set(q.free_terms) | {w.lower() for p in q.phrases for w in _WORDS.findall(p)}
    pattern = re.compile("|".join(re.escape(x) for x in sorted(shown, key=len, reverse=True))) if shown else None
    words = [w for w in q.free_terms + [x.lower() for p in q.phrases for x in _WORDS.findall(p)] if w]
    synonyms = tuple(
        (stem(short), tuple(stem(x) for x in long.split()), (short, *long.split())) for short, long in q.synonyms
    )
    return Terms(
        shown,
        frozenset(stem(t) for t in base if t),
        pattern,
        {w: stem(w) for w in words},
        synonyms,
        tuple(q.free_terms),
    )


def _find(stems: set[str] | Terms, text: str) -> list[tuple[int, int, str]]:
    """(start, end, stem) of the words of ``text`` that start with one of ``stems`` (or a query's stems) and end
    within a few letters (a suffix); a plain alternation over the lowercased text, the fastest form of this in
    Python's re."""
    if isinstance(stems, Terms):
        pattern = stems.pattern
    elif stems:
        pattern = re.compile("|".join(re.escape(x) for x in sorted(stems, key=len, reverse=True)))
    else:
        pattern = None
    if pattern is None or not text:
        return []
    low = text.lower()
    out = []
    for m in pattern.finditer(low):
        start = m.start()
        if start and low[start - 1].isalnum():
            continue
        tail = _WORD_TAIL.match(low, m.end())
        if tail is not None:
            out.append((start, tail.end(), m.group()))
    return out


def explain(
    q: Query,
    title: str,
    abstract: str,
    authors: list[str],
    *,
    similarity: float | None,
    keyword_rank: int | None,
    terms: Terms | None = None,
) -> Explanation:
    """How ``q`` relates to this paper (``terms``: :func:`terms_of` ``q``, when explaining several papers)."""
    t = terms or terms_of(q)
    stems, base_stems = t.shown, t.base_stems
    text = " ".join(abstract.split())
    in_abstract = _find(t, text)
    found = dict.fromkeys(stems[x] for _s, _e, x in [*_find(t, title), *in_abstract])
    author_hits = [a for a in authors for _c, v in q.fields if _c == "authors" and v.lower() in a.lower()] or [
        a for a in authors if len(t.free) >= 2 and all(w in a.lower() for w in t.free)
    ]
    ex = Explanation(matched=list(found))
    ex.coverage = len(base_stems & {stem(w) for w in found}) / len(base_stems) if base_stems else 0.0
    if author_hits:
        ex.coverage = 1.0  # the reader named an author of this paper
    if found:
        ex.reasons.append("matches " + ", ".join(found))
    if author_hits:
        ex.reasons.append("by " + ", ".join(dict.fromkeys(author_hits)))
    if similarity is not None and similarity >= CLOSE_IN_MEANING:
        ex.reasons.append(f"close in meaning ({similarity:.2f})")
    elif similarity is not None and not found and not author_hits:
        ex.reasons.append(f"related in meaning ({similarity:.2f})")
    if not ex.reasons and keyword_rank:
        ex.reasons.append("keyword match")
    ex.snippet, ex.highlights = snippet(text, in_abstract)
    return ex


def snippet(
    text: str, matches: list[tuple[int, int, str]], width: int = SNIPPET_CHARS
) -> tuple[str, list[tuple[int, int]]]:
    """The two sentences of ``text`` (an abstract, whitespace collapsed) holding the most distinct query terms
    of ``matches`` (as :func:`_find` gives them), about ``width`` characters cut at a word boundary with an
    ellipsis, and the (start, end) spans of the terms in that piece."""
    if not text:
        return "", []
    start = 0  # (no match: the first sentences)
    if matches:
        starts = [0] + [m.end() for m in _SENTENCE_END.finditer(text)]
        terms: list[set[str]] = [set() for _ in starts]  # the distinct terms of each sentence
        for s0, _e, t in matches:
            terms[bisect_right(starts, s0) - 1].add(t)
        best, best_score = 0, (-1, -1)
        for i, here in enumerate(terms):
            # the most distinct terms in two sentences; of those, the pair whose first sentence holds the most (the
            # piece shown may be cut before the second)
            score = (len(here | terms[i + 1]) if i + 1 < len(terms) else len(here), len(here))
            if score > best_score:
                best, best_score = i, score
        start = starts[best]
    piece = text[start:]
    if len(piece) > width:
        cut = piece.rfind(" ", 0, width)
        piece = piece[: cut if cut > width // 2 else width].rstrip(",;: ") + " …"
    shift = 2 if start else 0
    if start:
        piece = "… " + piece
    limit = len(piece) - (2 if piece.endswith(" …") else 0)
    spans = [
        (s0 - start + shift, e - start + shift) for s0, e, _t in matches if s0 >= start and e - start + shift <= limit
    ]
    return piece, spans


def meaning(similarity: float) -> float:
    """The model's cosine rescaled to 0-1 between SIMILARITY_FLOOR and SIMILARITY_CEIL."""
    return min(1.0, max(0.0, (similarity - SIMILARITY_FLOOR) / (SIMILARITY_CEIL - SIMILARITY_FLOOR)))


def coverage(q: Query, title: str, abstract: str, terms: Terms | None = None) -> float:
    """The share of the query's words (stems) that the title or abstract contains; a word spelled out by an acronym
    the text uses (or the other way round) counts as found. ``terms``: :func:`terms_of` ``q``, computed once."""
    words = (terms or terms_of(q)).words
    if not words:
        return 0.0
    low = f"{title} {abstract}".lower()
    present = {w for w, st in words.items() if _has_word(low, st)}
    for short, long, named in (terms or terms_of(q)).synonyms:
        if _has_word(low, short) or all(_has_word(low, x) for x in long):
            present |= {w for w in words if w in named}
    return len(present) / len(words)


def opening(abstract: str, sentences: int = 2) -> str:
    """The first ``sentences`` sentences of ``abstract``: where a paper says what it is about."""
    for n, m in enumerate(_SENTENCE.finditer(abstract), 1):
        if n == sentences:
            return abstract[: m.start()]
    return abstract


def _has_word(low: str, prefix: str) -> bool:
    """Does a word of ``low`` start with ``prefix``?"""
    at = low.find(prefix)
    while at != -1:
        if at == 0 or not low[at - 1].isalnum():
            return True
        at = low.find(prefix, at + 1)
    return False


def relevance(similarity: float | None, coverage: float, *, keyword_only: bool = False) -> float:
    """A 0-1 relevance for people: how close in meaning (the model's cosine, rescaled between SIMILARITY_FLOOR
    and SIMILARITY_CEIL) and how much of the query the text contains, averaged; with no meaning side, the
    coverage alone."""
    if similarity is None:
        return round(coverage if keyword_only else coverage * 0.5, 3)
    meaning = min(1.0, max(0.0, (similarity - SIMILARITY_FLOOR) / (SIMILARITY_CEIL - SIMILARITY_FLOOR)))
    return round(0.6 * meaning + 0.4 * coverage, 3)
