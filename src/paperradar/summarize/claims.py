"""Headline claims: a paper's own quantitative result as a whole phrase, taken verbatim from its abstract.

A claim is a number with its unit and the words that say what it measures: "2.1× faster decoding", "40% less
KV-cache memory", "65% reduction in memory usage", "reduces latency by 35%", "4-bit weights". A phrase never ends on
a preposition or an article ("65% reduction in" is cut back to "65% reduction", or dropped when that says nothing);
a bare bit-width is a claim only at 8 bits or fewer and next to what is quantized (16 and 32 bits are the baselines
low-bit methods are compared with); a range keeps both ends ("97.6--100.0% exact match"); sentences about prior work
("existing methods reach 2×") and ablations ("Disabling X increases latency by 40%") are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"
# a range keeps both ends: "97.6--100.0% exact match", "2-3× faster", "1.5–2.1x"
_RANGE = rf"{_NUM}(?:\s?(?:-{{1,3}}|–|—)\s?{_NUM})?"
_LEAD = (
    r"(?:(?:up to|over|more than|nearly|about|approximately|around|at least|an average of|on average)\s+"
    r"|[>≥~≈]\s?)?"
)
# a multiplier's range may repeat the unit: "1.87x-2.63x speedup"
_RANGE_TIMES = rf"{_NUM}(?:(?:\s?[×xX])?\s?(?:-{{1,3}}|–|—)\s?{_NUM})?"
_TIMES = re.compile(rf"(?<![\w.,\-–]){_LEAD}{_RANGE_TIMES}\s?(?:×|x(?![a-zA-Z])|X(?![a-zA-Z])|-fold|\s?times\b)", re.I)
_PERCENT = re.compile(rf"(?<![\w.,\-–]){_LEAD}{_RANGE}\s?%")
_BITS = re.compile(rf"(?<![\w.,])({_NUM})(?:-bit\b|\s?bits?\b)", re.I)
# "reduces memory usage by 40%", "accelerates decoding by up to 2.1×": the verb, its object, "by", the number
_VERB_BY = re.compile(
    rf"\b(?:speed(?:s|ing)? up|accelerat\w+|reduc\w+|cut(?:s|ting)?|lower(?:s|ing)?|shrink\w*|compress\w*|"
    rf"improv\w+|boost\w*|increas\w+|decreas\w+|sav\w+)\s+(?:the\s+)?(?:[\w\-]+\s+){{0,5}}?by\s+"
    rf"{_LEAD}{_RANGE}\s?(?:×|x(?![a-zA-Z])|%|-fold|\s?times\b)",
    re.I,
)
_RETAIN = re.compile(
    rf"\b(?:retain\w*|maintain\w*|preserv\w+|recover\w*|keep\w*)\s+{_LEAD}{_NUM}\s?%\s+of\s+(?:the\s+|its\s+|their\s+)?"
    rf"(?:[\w\-]+\s?){{1,3}}",
    re.I,
)
# words that may follow a multiplier or a percentage and name what improved
_COMPARATIVE = frozenset(
    [
        "fewer",
        "less",
        "lower",
        "higher",
        "smaller",
        "larger",
        "more",
        "cheaper",
        "better",
        "greater",
        "shorter",
    ]  # need a noun after
)
_TAKES_OBJECT = frozenset(
    [
        "reduction",
        "reductions",
        "improvement",
        "improvements",
        "increase",
        "decrease",
        "savings",
        "saving",
        "gain",
        "gains",
    ]
)
_NOT_NOUNS = frozenset(["likely", "than", "efficient", "accurate", "robust", "often"])
_LEVEL_NOUNS = frozenset(["accuracy", "pass@1", "win", "success", "top-1", "exact"])
_SUCCESS_NOUNS = frozenset(["gain", "gains", "improvement", "improvements", "rate", "rates", "drop", "match"])
_OPTIONAL_NOUN = frozenset(["faster", "speedup", "speedups", "speed-up", "speed-ups", "acceleration", "compression"])
_HEADS = _OPTIONAL_NOUN | _TAKES_OBJECT | {"boost", "throughput", "memory", "latency"}
# what a compound ending a claim may be headed by: "45% KV-cache memory reduction", "2.1× end-to-end speedup"
_COMPOUND_HEADS = _TAKES_OBJECT | (_OPTIONAL_NOUN - {"faster"})
# a gain measured in quality, not in cost: "10X lower MSEs", "34% higher success rates", "0.3% increase in loss"
_QUALITY = re.compile(
    r"\b(?:accura\w*|errors?|mses?|loss(?:es)?|perplexity|success|f1|bleu|rouge|miou|map|auc|scores?|quality|"
    r"performance|win|pass@\d+|fidelity|psnr|ssim|fid|recall|precision)\b",
    re.I,
)
_COST = re.compile(
    r"\b(?:memory|latency|speed\w*|faster|throughput|tokens?|compute|computation\w*|flops|macs|parameters?|"
    r"params|energy|power|costs?|time|runtime|bandwidth|storage|cache|communication|size|bits?|gpu|hours?|"
    r"overhead|steps|calls|compression|acceleration)\b",
    re.I,
)
_BIT_NOUNS = re.compile(
    r"^(?:weights?|activations?|quantization|quantized|precision|KV|key-value|cache|models?|LLMs?|integers?|"
    r"inference|training|gradients?|optimizer|attention|representations?|parameters?|experts?|embeddings?)\b",
    re.I,
)
FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "nor",
        "of",
        "in",
        "on",
        "at",
        "by",
        "for",
        "to",
        "from",
        "with",
        "without",
        "over",
        "under",
        "than",
        "as",
        "into",
        "onto",
        "via",
        "per",
        "versus",
        "vs",
        "while",
        "whereas",
        "compared",
        "relative",
        "against",
        "across",
        "among",
        "between",
        "within",
        "when",
        "where",
        "which",
        "that",
        "who",
        "whose",
        "this",
        "these",
        "those",
        "its",
        "their",
        "our",
        "his",
        "her",
        "it",
        "they",
        "we",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "can",
        "could",
        "may",
        "might",
        "will",
        "would",
        "shall",
        "should",
        "must",
        "not",
        "no",
        "nor",
        "so",
        "such",
        "also",
        "only",
        "just",
        "even",
        "both",
        "each",
        "either",
        "neither",
        "all",
        "any",
        "some",
        "most",
        "respectively",
        "overall",
    ]
)
_PRIOR_WORK = re.compile(r"\b(?:existing|prior|previous|conventional|traditional|current)\b", re.I)
_OWN_WORK = re.compile(r"\b(?:we|our|ours|proposed)\b", re.I)
# an ablation's figure ("Disabling routing increases time by 169%") is not the paper's result
_ABLATION = re.compile(r"^(?:disabling|removing|ablating|without|replacing)\b", re.I)
_BOUNDARY = re.compile(r"[,;:()\[\]]|\.(?:\s|$)")


@dataclass(frozen=True)
class Claim:
    """A quantitative phrase, its kind (times, verb, percent, retain, bits, quality, level), its number and its
    sentence.

    ``level`` is a score reached ("97.6% exact match", "85% accuracy"): a result, but no gain in efficiency.
    ``quality`` is a gain in quality, not in cost ("10X lower MSEs", "34% higher success rates"): it ranks below
    every gain in cost, and a report never calls it a topic's largest gain.
    """

    phrase: str
    kind: str
    value: float
    sentence: str

    @property
    def rank(self) -> tuple[int, float]:
        """Order of strength: a multiplier beats a percentage, which beats a bit-width; then the size."""
        order = {"times": 4, "verb": 3, "percent": 3, "retain": 1, "bits": 2, "quality": 1, "level": 0}
        value = self.value if self.kind in ("times", "bits") or "×" in self.phrase else self.value / 10
        if self.kind == "bits":
            value = 16 - self.value  # fewer bits is the stronger claim
        return order[self.kind], value


def _value(text: str) -> float:
    """The claim's number; of a range, its larger end."""
    m = re.search(_RANGE_TIMES, text)
    if not m:
        return 0.0
    return max(float(n.replace(",", "")) for n in re.findall(_NUM, m.group(0)))


def _noun_phrase(words: list[str], most: int = 3) -> list[str]:
    """The leading words that are not function words (at most ``most``)."""
    out: list[str] = []
    for w in words:
        if w.lower() in FUNCTION_WORDS or re.search(r"\d", w) or len(out) == most:
            break
        out.append(w)
    return out


def _tail(text: str) -> list[str]:
    """The words after a match up to the next punctuation."""
    cut = _BOUNDARY.search(text)
    return (text[: cut.start()] if cut else text).split()


def _after_number(head: str, rest: list[str]) -> str | None:
    """The words completing a multiplier or percentage into a claim, or None when nothing says what it measures."""
    if not rest:
        return None
    first = rest[0].lower()
    if first in _COMPARATIVE:
        noun = _noun_phrase(rest[1:])
        if not noun or noun[0].lower() in _NOT_NOUNS:
            return None
        return " ".join([rest[0], *noun])
    if first in _HEADS:
        words = [rest[0]]
        if first not in _TAKES_OBJECT and len(rest) > 1 and rest[1].lower() in _TAKES_OBJECT:
            words.append(rest[1])  # "13.7% memory reduction"
        elif first in _TAKES_OBJECT and len(rest) > 2 and rest[1].lower() in ("in", "of"):
            noun = _noun_phrase(rest[2:])
            if noun:
                words += [rest[1], *noun]
        elif first in _OPTIONAL_NOUN:
            words += _noun_phrase(rest[1:], 2)
        return " ".join(words)
    if head == "percent" and first in _LEVEL_NOUNS:
        more = rest[1:2] if len(rest) > 1 and rest[1].lower() in _SUCCESS_NOUNS else []
        return " ".join([rest[0], *more])
    compound = _noun_phrase(rest, 4)
    for i, w in enumerate(compound[1:], start=1):
        if w.lower() in _COMPOUND_HEADS:
            return " ".join(compound[: i + 1])  # "KV-cache memory reduction"
    return None


def _kind(kind: str, phrase: str) -> str:
    """``quality`` for a gain in quality rather than cost, else ``kind``."""
    words = " ".join(w for w in phrase.split() if not re.search(r"\d", w))
    return "quality" if _QUALITY.search(words) and not _COST.search(words) else kind


def _trim(phrase: str) -> str:
    words = phrase.split()
    while words and words[-1].lower() in FUNCTION_WORDS:
        words.pop()
    return " ".join(words)


def sentence_claims(sentence: str) -> list[Claim]:
    """Every whole quantitative claim phrase of one sentence."""
    if (_PRIOR_WORK.search(sentence) and not _OWN_WORK.search(sentence)) or _ABLATION.match(sentence):
        return []
    found: list[Claim] = []
    spans: list[tuple[int, int]] = []

    def add(start: int, end: int, phrase: str, kind: str) -> None:
        phrase = _trim(phrase)
        if kind == "retain" and not re.search(r"%\s+of\s+(?:(?:the|its|their)\s+)?\w", phrase):
            return  # "keeps 100% of the" says nothing
        if phrase and re.search(r"\d", phrase) and not any(a <= start < b for a, b in spans):
            spans.append((start, end))
            found.append(Claim(phrase, kind, _value(phrase), sentence))

    for m in _VERB_BY.finditer(sentence):
        add(m.start(), m.end(), m.group(0), _kind("verb", m.group(0)))
    for m in _RETAIN.finditer(sentence):
        add(m.start(), m.end(), " ".join(_tail(m.group(0))), "retain")
    for pattern, kind in ((_TIMES, "times"), (_PERCENT, "percent")):
        for m in pattern.finditer(sentence):
            if any(a <= m.start() < b for a, b in spans):
                continue
            following = _after_number(kind, _tail(sentence[m.end() :]))
            if following:
                level = kind == "percent" and following.split()[0].lower() in _LEVEL_NOUNS
                phrase = f"{m.group(0)} {following}"
                add(m.start(), m.end(), phrase, "level" if level else _kind(kind, phrase))
    for m in _BITS.finditer(sentence):
        bits = _value(m.group(1))
        after = sentence[m.end() :].lstrip()
        if 1 <= bits <= 8 and _BIT_NOUNS.match(after):
            noun = _noun_phrase(_tail(after), 2)
            add(m.start(), m.end(), " ".join([m.group(0), *noun]), "bits")
    return found


def claims_in(text: str) -> list[Claim]:
    """Every claim of a text, strongest first, read with its TeX turned into characters (``$2\\times$``,
    ``45\\%``, ``\\emph{2x}``): each phrase is verbatim in ``plain_tex(text)``."""
    from paperradar.summarize import plain_tex, split_sentences

    out = [c for s in split_sentences(plain_tex(text)) for c in sentence_claims(s)]
    return sorted(out, key=lambda c: c.rank, reverse=True)


def headline_claim(text: str) -> str | None:
    """The strongest whole claim phrase in ``text`` (verbatim), or None."""
    found = claims_in(text)
    return found[0].phrase if found else None


def claim_sentence(claim: str, text: str) -> str | None:
    """The sentence of ``text`` (TeX turned into characters) a claim phrase was taken from."""
    from paperradar.summarize import plain_tex, split_sentences

    return next((s for s in split_sentences(plain_tex(text)) if claim in s), None)


__all__ = ["FUNCTION_WORDS", "Claim", "claim_sentence", "claims_in", "headline_claim", "sentence_claims"]
