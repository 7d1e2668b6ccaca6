"""Three grounded bullets per paper (problem, method, result), extracted from the abstract, never invented.

Sentences are split with rules that survive "e.g.", "et al.", decimals and inline LaTeX; each sentence gets a
role (problem / method / result) from cue phrases and a centrality score (TF-IDF similarity to the whole
abstract); the best sentence of each role becomes a bullet, trimmed only by removing leading filler. The headline
claim is the strongest whole quantitative phrase of the result sentences ("2.3× faster decoding", "40% less
memory", "4-bit weights"; see :mod:`.claims`).
:func:`check_grounded` verifies in code that every number and named method of a text occurs in its sources.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from paperradar.models import Paper
from paperradar.summarize.claims import Claim, claim_sentence, claims_in, headline_claim

if TYPE_CHECKING:
    from paperradar.store import Store

# v2: whole-phrase claims (summarize.claims); v3: connectives, TeX, anaphora, ranges; v4: claims read through TeX
# ("$2\times$", "45\%", "\emph{2x}"), compound claims ("45% KV-cache memory reduction"), gains in quality
METHOD = "extractive-v4"
_ABBREV = r"(?:e\.g|i\.e|et al|etc|vs|cf|Fig|Figs|Eq|Eqs|Sec|Tab|approx|resp|w\.r\.t|No|Dr|Prof|al|Inc|St)\."
_MATH = re.compile(r"\$[^$]*\$")
_BOUNDARY = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[$\\])")
_PROBLEM = re.compile(
    r"\b(however|challenge|bottleneck|costly|expensive|suffer|limit|struggle|remain|lack|"
    r"difficult|prohibitive|hinder|problem|issue|overhead|slow|demand)\w*",
    re.I,
)
_METHOD = re.compile(
    r"\b(we (propose|introduce|present|develop|design|study|investigate)|this paper|in this work|"
    r"our (method|approach|framework)|proposed|called|dubbed|named)\b",
    re.I,
)
_RESULT = re.compile(
    r"\b(achiev|outperform|improv|reduc|speed|faster|accelerat|surpass|yield|attain|"
    r"demonstrat|show|result|up to|compared|while maintaining|without)\w*|\d+(\.\d+)?\s*(%|×|x\b)",
    re.I,
)
_NUMBER = re.compile(r"(?<![\w.])[-−+]?\d+(?:[.,]\d+)*(?:\s?(?:%|×|x(?![a-z])|-?bit\b|[kKMBT]\b))?")
_FILLER = re.compile(
    r"^(?:(?:in this (?:paper|work|study)|here|to (?:this|that) end|"
    r"to (?:address|tackle|overcome|bridge|fill|solve|mitigate|close) (?:this|these|such|the|that) "
    r"(?:\w+ )?(?:issue|challenge|problem|limitation|gap|bottleneck|shortcoming)s?|"
    r"in light of (?:this|these|that)|(?:building|based) on (?:this|these) (?:\w+ )?(?:insight|observation)s?|"
    r"however|moreover|furthermore|additionally|in addition|hence|thus|therefore|consequently|"
    r"nonetheless|nevertheless|specifically|notably|finally|in particular|in contrast|instead|"
    r"meanwhile|as a result|overall|first(?:ly)?|second(?:ly)?|third(?:ly)?|besides|importantly|"
    r"concretely|technically|empirically|experimentally|crucially|unfortunately),\s*"
    r"|(?:in this (?:paper|work|study)|here)\s+)",
    re.I,
)
# a sentence that opens on a word pointing back ("their size", "This limits") reads badly on its own
_ANAPHORA = re.compile(
    r"^(?:(?:in|for|with|of|to|under|despite|by|on|from|unlike) (?:this|these|those|such|their|its)\b|"
    r"(?:their|its|this|these|those|such|they|it|them|the latter|the former)\b(?! (?:paper|work|study|article)\b))",
    re.I,
)
# TeX that abstracts carry into prose: 20\% -> 20%, $\times$ -> ×, FP16$\rightarrow$INT4 -> FP16→INT4
_TEX_SYMBOLS = {
    "times": "×",
    "rightarrow": "→",
    "to": "→",
    "leftarrow": "←",
    "sim": "~",
    "approx": "≈",
    "geq": "≥",
    "ge": "≥",
    "leq": "≤",
    "le": "≤",
    "pm": "±",
    "cdot": "·",
    "mu": "μ",
}
_TEX_SYMBOL = re.compile(r"\$\s*\\(" + "|".join(_TEX_SYMBOLS) + r")\s*\$")
_TEX_DASH = re.compile(r"\$\s*-{1,3}\s*\$")
# \emph{2x}, \textbf{45\%}: a font command around plain prose
_TEX_FONT = re.compile(r"\\(?:emph|text(?:bf|it|tt|sc|rm|sf)|mathbf|mathrm|underline)\s*\{([^{}$\\]*)\}")
# $2.5\times$, $30\%$, $\approx 5\%$, $+12$, $0.3 \pm 0.1$: math that is only a number with a sign or a unit
_TEX_NUMBER_MATH = re.compile(r"\$([^$]{1,40})\$")
_PLAIN_NUMBER = re.compile(r"[~≈≥≤<>+\-]?\s?\d+(?:[.,]\d+)*\s?(?:%|×)?(?:\s?±\s?\d+(?:\.\d+)?\s?%?)?")
_BOILERPLATE = re.compile(
    r"https?://|github\.com|code (?:is|and \w+ are) (?:publicly )?available|"
    r"(?:are|is) available at|will be released",
    re.I,
)
_NAMED = re.compile(r"\b(?:[A-Z][a-z]*[A-Z][A-Za-z0-9\-]*|[A-Z]{2,}[A-Za-z0-9\-]*|[A-Za-z]+-\d+[A-Za-z0-9\-]*)\b")


@dataclass
class Summary:
    """Three bullets (problem, method, result) and the headline claim, with the method that made them."""

    bullets: list[str] = field(default_factory=list)
    headline: str | None = None
    method: str = METHOD


def split_sentences(text: str) -> list[str]:
    """Sentences of an abstract; abbreviations, decimals, versions and $math$ never end a sentence."""
    if not text:
        return []
    protected: dict[str, str] = {}

    def keep(m: re.Match[str]) -> str:
        key = f"\x00{len(protected)}\x00"
        protected[key] = m.group(0)
        return key

    t = _MATH.sub(keep, text)
    t = re.sub(_ABBREV, keep, t)
    t = re.sub(r"\b[A-Z]\.(?=\s?[A-Z]\.)|\b[A-Z]\.(?= [A-Z][a-z])", keep, t)  # initials: J. K. Rowling
    t = re.sub(r"https?://\S+", keep, t)
    out = []
    for s in _BOUNDARY.split(t):
        for key, val in protected.items():
            s = s.replace(key, val)
        s = s.strip()
        if s:
            out.append(s)
    return out


def numbers_in(text: str) -> set[str]:
    """Normalized numeric tokens of a text (2.3×, 40%, 4-bit, 1,000 -> 1000)."""
    t = text.replace("−", "-").replace("\u2009", " ").replace("\u202f", " ")
    out = set()
    for m in _NUMBER.finditer(t):
        num = re.match(r"[-+]?\d+(?:[.,]\d+)*", m.group(0).lstrip("-+"))
        if num:
            out.add(num.group(0).replace(",", ""))
    return out


def named_methods(text: str) -> set[str]:
    """CamelCase words, acronyms and names with digits (SqueezeLLM, LoRA, KV, GPT-4), outside $math$."""
    return {m for m in _NAMED.findall(_MATH.sub(" ", text)) if not m.isdigit()}


def check_grounded(text: str, sources: Sequence[str]) -> list[str]:
    """Problems with ``text``: every number and named method in it must occur in some source text."""
    src = " ".join(sources)
    src_numbers = numbers_in(src)
    src_norm = src.replace("−", "-")
    problems = [f"number {n} not in the sources" for n in sorted(numbers_in(text) - src_numbers)]
    problems += [f"name {n!r} not in the sources" for n in sorted(named_methods(text)) if n not in src_norm]
    return problems


_WORD = re.compile(r"(?u)\b\w\w+\b")


def _centrality(sentences: list[str]) -> list[float]:
    """Each sentence's TF-IDF cosine with the whole abstract, the sentences and the whole as the documents.

    The same numbers as ``TfidfVectorizer(stop_words="english")`` (raw counts, smooth idf, l2 rows) computed
    directly: fitting a vectorizer per abstract cost ~12 ms, most of a report's summaries (RESULTS "Reports").
    """
    if len(sentences) < 2:
        return [1.0] * len(sentences)
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    docs = [*sentences, " ".join(sentences)]
    counts = [Counter(w for w in _WORD.findall(d.lower()) if w not in ENGLISH_STOP_WORDS) for d in docs]
    vocab = set().union(*counts)
    if not vocab:
        return [1.0] * len(sentences)
    n = len(docs)
    idf = {w: math.log((1 + n) / (1 + sum(w in c for c in counts))) + 1.0 for w in vocab}
    weighted = [{w: k * idf[w] for w, k in c.items()} for c in counts]
    norms = [math.sqrt(sum(v * v for v in d.values())) or 1.0 for d in weighted]
    whole, whole_norm = weighted[-1], norms[-1]
    return [
        sum(v * whole.get(w, 0.0) for w, v in d.items()) / (norm * whole_norm)
        for d, norm in zip(weighted[:-1], norms[:-1], strict=True)
    ]


def points_back(sentence: str) -> bool:
    """Whether a sentence opens on a word pointing to an earlier one ("Their size ...", "In these methods ...")."""
    return bool(_ANAPHORA.match(_FILLER.sub("", sentence.strip())))


def plain_tex(text: str) -> str:
    """Prose with the TeX abstracts carry turned into characters (``20\\%`` -> ``20%``, ``$\\times$`` -> ``×``)."""
    if "\\" not in text and "$" not in text:
        return text
    t = text.replace("\\%", "%").replace("\\&", "&").replace("\\_", "_").replace("\\#", "#")
    t = _TEX_FONT.sub(lambda m: m.group(1), t)
    t = _TEX_SYMBOL.sub(lambda m: _TEX_SYMBOLS[m.group(1)], t)
    t = _TEX_NUMBER_MATH.sub(_plain_number, t)
    return _TEX_DASH.sub("–", t)


def _plain_number(m: re.Match[str]) -> str:
    """``$2.5\\times$`` -> ``2.5×``; any other math is kept as written."""
    inner = re.sub(r"\\(" + "|".join(_TEX_SYMBOLS) + r")\b", lambda s: _TEX_SYMBOLS[s.group(1)], m.group(1)).strip()
    return inner if _PLAIN_NUMBER.fullmatch(inner) else m.group(0)


def _tidy(sentence: str) -> str:
    s = plain_tex(sentence).strip()
    for _ in range(2):  # "However, to address this gap, we ..." loses both
        s = _FILLER.sub("", s).strip()
    return s[0].upper() + s[1:] if s else s


def summarize(paper: Paper) -> Summary:
    """Three bullets from the paper's own text (see the module docstring); always grounded."""
    bullets = paper.extra.get("bullets") if isinstance(paper.extra.get("bullets"), list) else None
    if not paper.abstract:
        if bullets:  # the source's own summary (e.g. a curated list): shown as given
            return Summary([str(b) for b in bullets][:3], headline_claim(" ".join(map(str, bullets))), "source")
        return Summary([paper.title], None, "title")
    sentences = split_sentences(paper.abstract)
    if len(sentences) <= 3:
        return Summary([_tidy(s) for s in sentences], headline_claim(paper.abstract))
    cent = _centrality(sentences)
    n = len(sentences)

    # a sentence that points back to the one before it ("Their size ...") is a worse bullet on its own
    dangling = [0.5 * bool(i and points_back(s)) for i, s in enumerate(sentences)]

    def pick(pattern: re.Pattern[str], position_bonus: list[float], taken: set[int]) -> int:
        scores = [
            (
                bool(pattern.search(s)) * 1.0
                + cent[i]
                + position_bonus[i]
                - 2.0 * bool(_BOILERPLATE.search(s))
                - dangling[i],
                i,
            )
            for i, s in enumerate(sentences)
            if i not in taken
        ]
        return max(scores)[1]

    early = [max(0.0, 0.6 - 0.2 * i) for i in range(n)]
    middle = [0.3 if 0 < i < n - 1 else 0.0 for i in range(n)]
    late = [0.15 * i / (n - 1) for i in range(n)]
    taken: set[int] = set()
    p = pick(_PROBLEM, early, taken)
    taken.add(p)
    m = pick(_METHOD, middle, taken)
    taken.add(m)
    r = pick(_RESULT, late, taken)
    order = [p, m, r]
    results_text = " ".join(sentences[i] for i in range(n) if _RESULT.search(sentences[i]))
    summary = Summary([_tidy(sentences[i]) for i in order], headline_claim(results_text or paper.abstract))
    if check_grounded(" ".join(summary.bullets), [paper.title, paper.abstract]):
        summary.bullets = [sentences[i] for i in order]  # tidying must never change a fact: keep the originals
    return summary


def ensure_summaries(store: Store, ids: Sequence[str], *, llm: Any = None) -> dict[str, Summary]:
    """Summaries of the given papers, computed once per content hash and stored; with ``llm`` (see
    :mod:`paperradar.llm`) its validated summary is preferred and the offline one is the fallback."""
    from paperradar.store import now_iso

    papers = list(store.papers.iter(ids))
    method = llm.method if llm is not None else METHOD
    stored = store.summaries.get_many([p.id or "" for p in papers], method)
    out: dict[str, Summary] = {}
    fresh = []
    for p in papers:
        pid = p.id or ""
        have = stored.get(pid)
        if have and have[0] == p.content_hash:
            out[pid] = Summary(have[1], have[2], method)
            continue
        s = llm.summarize(p) if llm is not None else None
        s = s or summarize(p)
        out[pid] = s
        fresh.append((pid, method, p.content_hash, s.bullets, s.headline))
    if fresh:
        store.summaries.save_many(fresh, now_iso())
    return out


__all__ = [
    "METHOD",
    "Claim",
    "Summary",
    "check_grounded",
    "claim_sentence",
    "claims_in",
    "ensure_summaries",
    "headline_claim",
    "named_methods",
    "numbers_in",
    "plain_tex",
    "points_back",
    "split_sentences",
    "summarize",
]
