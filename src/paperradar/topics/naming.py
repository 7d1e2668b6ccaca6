"""Topic names a reader recognises: one noun phrase of the field, drawn from the papers, checked for coherence.

A name is the best phrase of a cluster by class-based TF-IDF (:func:`.labels.label_clusters`) that reads as a
noun phrase (it does not end on a function word, an adjective or a verb) and whose every content word occurs in at
least a quarter of the cluster's papers (:func:`coherent`). Names are in sentence case with the authors' spelling
of acronyms ("KV cache compression", "Speculative decoding"); two phrases are never joined by a slash.
"""

from __future__ import annotations

import re
from collections.abc import Sequence, Set

from paperradar.summarize.claims import FUNCTION_WORDS
from paperradar.topics.labels import GENERIC

MIN_SHARE = 0.25
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9\-]*")
# endings of words that do not close a noun phrase ("Efficient", "Based", "Achieves")
_NOT_HEAD = re.compile(r"(?:al|ive|ous|able|ible|ic|ful|less|ed|ly|es|ent|ant)$")
_HEAD_OK = frozenset(
    [
        "models",
        "model",
        "llms",
        "llm",
        "networks",
        "transformers",
        "experts",
        "agents",
        "graphs",
        "tokens",
        "caches",
        "heads",
        "layers",
        "weights",
        "activations",
        "languages",
        "images",
        "videos",
        "datasets",
        "benchmarks",
        "features",
        "attacks",
        "systems",
        "modes",
        "codes",
        "processes",
        "kernels",
        "matrices",
        "gradients",
        "rules",
        "fine-tuning",
        "learning",
        "reasoning",
        "decoding",
        "pruning",
        "quantization",
        "inference",
        "retrieval",
        "generation",
        "diffusion",
        "distillation",
        "compression",
        "sparsity",
        "attention",
        "speculative",
    ]
)
# lone words that are a field's own name
_FIELD_WORDS = frozenset(
    [
        "quantization",
        "pruning",
        "distillation",
        "sparsity",
        "diffusion",
        "retrieval",
        "caching",
        "offloading",
        "routing",
        "merging",
        "decoding",
        "compression",
        "attention",
        "agents",
        "transformers",
        "benchmarks",
        "kernels",
    ]
)
# head nouns of phrases that measure something rather than name a subject
_WEAK_HEADS = frozenset(
    [
        "time",
        "times",
        "cost",
        "costs",
        "dataset",
        "datasets",
        "overhead",
        "overheads",
        "usage",
        "size",
        "sizes",
        "budget",
        "budgets",
        "footprint",
        "consumption",
        "requirements",
        "speed",
        "gains",
        "results",
        "performance",
        "settings",
        "scenarios",
        "applications",
        "quality",
        "capacity",
        "complexity",
        "degradation",
        "limitations",
        "limitation",
        "challenges",
        "constraints",
    ]
)
# generic heads a lone adjective cannot make a name of: "Transformer-based models", "Training-free methods"
_GENERIC_HEADS = frozenset(["models", "model", "methods", "approaches", "frameworks", "techniques", "networks"])
# words every paper of an efficiency (or any ML) week may use, which name no sub-field: a pruning cluster seen
# named "Features", "Resource constraints" or "Fine-tuning" takes its next phrase ("Structured pruning") instead
_WEAK_NAMES = frozenset(GENERIC) | {
    "reasoning",
    "tokens",
    "token",
    "models",
    "features",
    "feature",
    "fine-tuning",
    "training",
    "inference",
    "resource constraints",
    "computational cost",
    "computational costs",
    "computational overhead",
    "memory",
    "latency",
    "trade-off",
    "execution",
    "performance",
    "accuracy",
    "scalability",
}


def _norm(word: str) -> str:
    w = word.lower().replace("-", "")
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    return w[:-1] if w.endswith("s") and not w.endswith("ss") and len(w) > 3 else w


def content_words(name: str) -> list[str]:
    """The words of a name that must be found in its papers (not function words, not one-letter)."""
    return [w for w in _WORD.findall(name) if w.lower() not in FUNCTION_WORDS and len(w) > 1]


def _cased(word: str) -> bool:
    """Whether a word is an acronym or a method name, spelled with capitals inside ("SET", "KV", "LoRA", "MoE"):
    such a word is found only as spelled ("SET" is not the verb "set"); "Low-Rank" is an ordinary word."""
    return any(len(p) > 1 and p[1:] != p[1:].lower() for p in word.split("-"))


def _cased_norm(word: str) -> str:
    return word[:-1] if word.endswith("s") and len(word) > 2 and word[-2].isupper() else word  # LLMs -> LLM


def word_shares(name: str, texts: Sequence[str]) -> dict[str, float]:
    """For each content word of ``name``, the share of ``texts`` it occurs in (plural and hyphen insensitive;
    acronyms and method names case-sensitive)."""
    tokens = [_WORD.findall(t) for t in texts]
    bags = [{_norm(w) for w in ws} for ws in tokens]
    cased = [{_cased_norm(w) for w in ws} | {_cased_norm(p) for w in ws for p in w.split("-")} for ws in tokens]
    out = {}
    for w in content_words(name):
        if _cased(w):
            key = _cased_norm(w)
            hits = sum(1 for b in cased if key in b)
        else:
            parts = [_norm(p) for p in w.split("-") if p] if "-" in w else [_norm(w)]
            key = _norm(w)
            hits = sum(1 for b in bags if key in b or all(p in b for p in parts))
        out[w] = hits / max(1, len(bags))
    return out


def coherent(name: str, texts: Sequence[str], min_share: float = MIN_SHARE) -> bool:
    """Whether every content word of ``name`` occurs in at least ``min_share`` of ``texts``."""
    shares = word_shares(name, texts)
    return bool(shares) and min(shares.values()) >= min_share


# adjectives and verbs a cut-short phrase ends on; they close no noun phrase
_OPEN_ENDS = frozenset(
    [
        "large",
        "small",
        "new",
        "novel",
        "efficient",
        "different",
        "various",
        "existing",
        "significant",
        "recent",
        "substantial",
        "deep",
        "neural",
        "proposed",
        "show",
        "shows",
        "achieve",
        "achieves",
        "improve",
        "improves",
        "highlight",
        "highlights",
        "exploit",
        "reveal",
        "reveals",
        "suggest",
        "suggests",
        "enable",
        "outperform",
        "require",
        "leverage",
    ]
)

# a lower-case verb in the third person that cuts a phrase into subject and object ("reduces", "achieves")
_VERB_3RD = re.compile(
    r"(?:reduc|improv|achiev|enabl|outperform|accelerat|boost|enhanc|lower|speed|cut|yield|show|requir|leverag|"
    r"maintain|preserv|surpass|remov|increas|decreas|exploit|allow|provid|offer|compress|prun)e?s"
)


# quantities say how much, not what about: "Trillion tokens" names no sub-field
_QUANTITIES = frozenset(
    [
        "hundred",
        "hundreds",
        "thousand",
        "thousands",
        "million",
        "millions",
        "billion",
        "billions",
        "trillion",
        "trillions",
        "dozens",
        "orders",
        "magnitude",
        "times",
        "fold",
        "percent",
    ]
)


def is_noun_phrase(phrase: str) -> bool:
    """A cheap test that a phrase closes on a noun: not on a function word, adjective ending or verb form."""
    words = phrase.split()
    if not words:
        return False
    if any(w.lower() in _QUANTITIES or w.replace(".", "").replace(",", "").isdigit() for w in words):
        return False  # "Trillion tokens", "100 tokens" (but "GPT-4", "FP8", "4-bit" are parts of names)
    last = words[-1].lower()
    if len(words) == 1 and not (last in _FIELD_WORDS or last.endswith(("ization", "isation")) or _cased(words[0])):
        # a lone word names a topic only as a field's own term ("Quantization", "Distillation") or a method's name
        # ("LoRA"); any other noun is a task or a word of the abstracts ("Classification", "Superiority",
        # "Deploying", seen on dev weeks)
        return False
    if len(words) > 1 and last in _WEAK_HEADS:
        return False  # a measure, not a subject: "Training time", "Fine-tuning dataset", "Inference cost"
    if len(words) == 2 and last in _GENERIC_HEADS and words[0].lower().endswith(("-based", "-free", "-aware")):
        return False  # "Transformer-based models" names no sub-field
    if " ".join(words[-2:]).lower() in ("large language", "vision language", "language model", "large reasoning"):
        return False  # "Multimodal large language" is "... large language models" cut short
    if last in FUNCTION_WORDS or last in ("via", "based", "using", "towards", "toward") or last in _OPEN_ENDS:
        return False  # "Fine-tuning large" (... language models), "Reasoning benchmarks show" (... that)
    if len(words) > 1 and words[0].lower().endswith("ly"):
        return False  # an adverb opens a clause, not a name: "Fully exploit"
    if len(words) > 1 and (_VERB_3RD.fullmatch(last) or last in ("show", "shows", "demonstrate", "demonstrates")):
        return False
    if any(_VERB_3RD.fullmatch(w) for w in words[1:-1]):
        return False  # a clause, not a name: "Quantization reduces model", "Pruning improves efficiency"
    if last in _HEAD_OK or last.endswith(("tion", "sion", "ment", "ing", "ity", "ness", "ure", "ism", "ics")):
        return True
    if words[-1][1:] != words[-1][1:].lower() or words[-1].isupper():  # an acronym or a method name: KV, LoRA
        return True
    return not _NOT_HEAD.search(last)


def sentence_case(phrase: str) -> str:
    """'KV Cache Compression' -> 'KV cache compression'; acronyms and names keep their spelling."""
    out = []
    for i, w in enumerate(phrase.split()):
        parts = []
        for j, p in enumerate(w.split("-")):  # "Low-Rank" -> "Low-rank", "KV-Cache" -> "KV-cache"
            keep = len(p) > 1 and p[1:] != p[1:].lower()  # LoRA, KV, GPT, FP8
            if keep:
                parts.append(p)
            elif i == 0 and j == 0:
                parts.append(p[:1].upper() + p[1:].lower())
            else:
                parts.append(p.lower())
        out.append("-".join(parts))
    return " ".join(out)


def choose_name(
    phrases: Sequence[str],
    texts: Sequence[str],
    *,
    taken: Set[str] = frozenset(),
    min_share: float = MIN_SHARE,
) -> str | None:
    """The first of ``phrases`` (best first) that is a coherent noun phrase of ``texts`` and not ``taken``; among
    the leading candidates a phrase of two or more words goes before a single word, as the field names its
    sub-fields ("speculative decoding" rather than "drafting", "KV cache compression" rather than "cache")."""
    lead = list(phrases[:8])
    ordered = [p for p in lead if len(p.split()) > 1] + [p for p in lead if len(p.split()) == 1] + list(phrases[8:])
    for ph in ordered:
        name = sentence_case(ph)
        if name.lower() not in taken and fits(name, texts, min_share):
            return name
    return None


def name_like(name: str) -> bool:
    """The name rule without the papers: a noun phrase of the field, not a generic word ("Performance",
    "Training"), not a lone adjective ("Memory-efficient", "Training-free"), not a quantity ("Trillion tokens")."""
    low = name.lower()
    lone_adjective = " " not in low and low.endswith(("-efficient", "-free", "-aware", "-based", "-level"))
    return bool(content_words(name)) and low not in _WEAK_NAMES and not lone_adjective and is_noun_phrase(name)


def fits(name: str, texts: Sequence[str], min_share: float = MIN_SHARE) -> bool:
    """Whether ``name`` may head these papers: :func:`name_like`, and every content word in ``min_share`` of
    them (:func:`coherent`). Every topic name and digest heading passes this, whatever it was drawn from (the
    cluster's phrases, a profile sub-area, an earlier week's topic)."""
    return name_like(name) and coherent(name, texts, min_share)


def describe(name: str, phrases: Sequence[str], texts: Sequence[str]) -> str:
    """A one-line description: the topic's other shared phrases that occur in at least two of its papers."""
    low = [t.lower() for t in texts]
    others = []
    for ph in phrases:
        if ph.lower() == name.lower() or sum(ph.lower() in t for t in low) < 2:
            continue
        others.append(sentence_case(ph).lower() if not re.search(r"[A-Z]{2}", ph) else sentence_case(ph))
        if len(others) == 3:
            break
    if not others:
        return f"Papers on {name[0].lower() + name[1:] if not name[:2].isupper() else name}."
    return f"{name}: {', '.join(others)}."


__all__ = [
    "MIN_SHARE",
    "choose_name",
    "coherent",
    "content_words",
    "describe",
    "fits",
    "is_noun_phrase",
    "name_like",
    "word_shares",
]
