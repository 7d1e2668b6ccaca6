"""Topic labels: the phrases that set a cluster apart, by class-based TF-IDF (BERTopic's c-TF-IDF idea)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

GENERIC = frozenset(
    [
        # abstract boilerplate that made labels like "Sacrificing Accuracy / Promising Future" or "Varying"
        "varying",
        "various",
        "different",
        "recent",
        "promising",
        "future",
        "sacrificing",
        "accuracy",
        "challenge",
        "challenges",
        "significant",
        "substantial",
        "model",
        "models",
        "method",
        "methods",
        "approach",
        "approaches",
        "paper",
        "propose",
        "proposed",
        "results",
        "result",
        "performance",
        "task",
        "tasks",
        "large",
        "language",
        "llm",
        "llms",
        "based",
        "using",
        "new",
        "novel",
        "framework",
        "study",
        "show",
        "shows",
        "existing",
        "data",
        "learning",
        "deep",
        "neural",
        "network",
        "networks",
        "efficient",
        "efficiency",
        "work",
        "achieve",
        "achieves",
        "significantly",
        "improve",
        "improves",
        "improved",
        "state",
        "art",
        "art",
        "sota",
        "baseline",
        "baselines",
        "experiments",
        "experimental",
        "demonstrate",
        "present",
        "introduce",
        "various",
        "different",
        "specific",
        "generation",
        "generative",
        "ai",
        "system",
        "systems",
        "problem",
        "problems",
        "analysis",
        "key",
        "also",
        "code",
        "available",
        "training",
        "inference",
        "evaluating",
        "evaluate",
        "evaluation",
        "called",
        "comprehensive",
        "recent",
        "recently",
        "proposes",
        "enables",
        "enable",
        "enabling",
        "leveraging",
        "leverage",
        "extensive",
        "effectively",
        "effective",
        "significant",
        "challenges",
        "challenge",
        "exhibit",
        "exhibits",
        "reveal",
        "reveals",
        "suggest",
        "suggests",
        "remain",
        "remains",
        "widely",
        "critical",
        "crucial",
        "times",
        "fold",
    ]
)
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "their",
        "this",
        "to",
        "via",
        "was",
        "we",
        "with",
        "without",
        "which",
        "while",
        "these",
        "those",
        "our",
        "can",
        "such",
        "than",
        "then",
        "through",
        "over",
        "under",
        "across",
        "between",
        "both",
        "each",
        "more",
        "most",
        "other",
        "some",
        "only",
        "also",
        "not",
        "no",
        "yet",
        "all",
        "any",
        "whether",
        "however",
        "thus",
        "used",
        "use",
        "given",
        "often",
        "well",
        "how",
        "what",
        "when",
        "where",
        "who",
        "why",
        "one",
        "two",
        "three",
        "first",
        "second",
        "they",
        "them",
        "there",
        "here",
        "may",
        "might",
        "must",
        "should",
        "could",
        "would",
        "will",
        "does",
        "been",
        "being",
        "were",
        "about",
        "like",
        "even",
        "much",
        "many",
        "less",
        "very",
        "still",
        "due",
        "per",
        "among",
        "within",
        "since",
        "because",
        "instead",
        "rather",
        "usually",
        "typically",
        "particularly",
        "especially",
        "specifically",
    ]
)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9\-]*")
_BREAK = re.compile(r"[^\w\s\-]")  # phrases never span punctuation: "quantization (PTQ)" is not a phrase


def _phrases(text: str) -> list[str]:
    out = []
    for segment in _BREAK.split(text.lower()):
        words = _WORD.findall(segment)
        for n in (1, 2, 3):
            for i in range(len(words) - n + 1):
                gram = words[i : i + n]
                if any(w in _STOP or len(w) < 2 for w in gram):
                    continue
                if n == 1 and (gram[0] in GENERIC or len(gram[0]) < 3):
                    continue
                if all(w in GENERIC for w in gram):
                    continue
                out.append(" ".join(gram))
    return out


def _content_words(phrase: str) -> set[str]:
    """The phrase's non-generic words, singular ("attacks" and "attack" count as one word)."""
    return {_singular(w) for w in phrase.split() if w not in GENERIC}


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") and not word.endswith("ss") and len(word) > 3 else word


def _title(phrase: str, forms: dict[str, Counter[str]]) -> str:
    """Title-case a phrase, keeping the spelling authors use for acronyms and names (LoRA, KV, GRPO)."""
    words = []
    for w in phrase.split():
        common = forms[w].most_common(1)[0][0] if forms.get(w) else w
        words.append(common if common[1:] != common[1:].lower() else w.capitalize())
    return " ".join(words)


def label_clusters(texts: Sequence[str], labels: np.ndarray, top: int = 4) -> dict[int, list[str]]:
    """Distinctive phrases per cluster by class-based TF-IDF: frequent in the cluster, rare in the others.

    Returns up to ``top`` title-cased phrases per cluster label, best first, no two sharing a content word
    (so "KV Cache Compression" is not followed by "Key-value KV Cache")."""
    per_class: dict[int, Counter[str]] = {}
    forms: dict[str, Counter[str]] = {}
    for text, lab in zip(texts, labels, strict=True):
        per_class.setdefault(int(lab), Counter()).update(set(_phrases(text)))
        for w in _WORD.findall(text):
            forms.setdefault(w.lower(), Counter())[w] += 1
    total = Counter[str]()
    for c in per_class.values():
        total.update(c)
    n_classes = len(per_class)
    sizes = Counter(int(x) for x in labels)
    out: dict[int, list[str]] = {}
    for lab, counts in per_class.items():
        size = max(1, sizes[lab])
        scored = []
        # a phrase should be in 15% of the cluster's papers; short texts (titles only) may need to settle for two
        for min_tf in (max(2.0, 0.15 * size), 2.0):
            for ph, tf in counts.items():
                if tf >= min_tf:
                    idf = np.log(1 + n_classes / (1 + total[ph] - tf)) if n_classes > 1 else 1.0
                    scored.append((tf / size * idf * (1 + 0.35 * (ph.count(" "))), ph))
            if scored:
                break
        scored.sort(reverse=True)
        chosen: list[str] = []
        for _s, ph in scored:
            if any(_content_words(ph) & _content_words(c) for c in chosen):
                continue
            chosen.append(ph)
            if len(chosen) == top:
                break
        out[lab] = [_title(p, forms) for p in chosen]
    return out


__all__ = ["GENERIC", "label_clusters"]
