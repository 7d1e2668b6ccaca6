"""The search query language: words, "exact phrases", field:value, -exclusions; compiled to FTS5 safely."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

FIELDS = {
    "title": "title",
    "ti": "title",
    "abstract": "abstract",
    "abs": "abstract",
    "author": "authors",
    "au": "authors",
    "authors": "authors",
    "cat": "cat",
    "category": "cat",
}
STOPWORDS = frozenset(
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
        "how",
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
        "what",
        "when",
        "which",
        "while",
        "with",
        "without",
        "using",
        "based",
        "towards",
        "toward",
        "do",
        "does",
        "can",
    ]
)
# Acronyms of the field and what they stand for. A query using either form also matches the other (on the keyword
# side as extra, optional terms; the meaning side embeds the spelled-out form beside the acronym, which the model
# knows better). Keys are lowercase single words; values are the expansions' words.
ACRONYMS: dict[str, tuple[str, ...]] = {
    "kv": ("key value",),
    "moe": ("mixture of experts",),
    "moes": ("mixtures of experts",),
    "vit": ("vision transformer",),
    "vits": ("vision transformers",),
    "peft": ("parameter efficient fine tuning",),
    "lora": ("low rank adaptation", "low rank adapters"),
    "llm": ("large language model",),
    "llms": ("large language models",),
    "vlm": ("vision language model",),
    "vlms": ("vision language models",),
    "mllm": ("multimodal large language model",),
    "mllms": ("multimodal large language models",),
    "lvlm": ("large vision language model",),
    "lvlms": ("large vision language models",),
    "rag": ("retrieval augmented generation",),
    "cot": ("chain of thought",),
    "ptq": ("post training quantization",),
    "qat": ("quantization aware training",),
    "rlhf": ("reinforcement learning from human feedback",),
    "rlvr": ("reinforcement learning with verifiable rewards",),
    "dpo": ("direct preference optimization",),
    "grpo": ("group relative policy optimization",),
    "gnn": ("graph neural network",),
    "gnns": ("graph neural networks",),
    "nas": ("neural architecture search",),
    "kd": ("knowledge distillation",),
    "ssm": ("state space model",),
    "ssms": ("state space models",),
    "snn": ("spiking neural network",),
    "snns": ("spiking neural networks",),
    "ttt": ("test time training",),
    "mtp": ("multi token prediction",),
    "nerf": ("neural radiance field",),
}
# "low-rank adapters" also stands for LoRA and PEFT methods; these extra pairs are one-way (phrase -> acronym)
_EXTRA_PHRASES: dict[str, str] = {"low rank adapters": "lora", "low rank adapter": "lora"}
_TOKEN = re.compile(r'-?[\w.]+:"[^"]*"|-?"[^"]*"|\S+')
_WORD = re.compile(r"[\w][\w.\-+]*", re.UNICODE)


class QueryError(ValueError):
    """A query that cannot be understood; the message says what to change."""


@dataclass
class Query:
    """A parsed query: free words, phrases, field constraints, exclusions, categories."""

    text: str
    words: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    fields: list[tuple[str, str]] = field(default_factory=list)  # (FTS column, phrase)
    excluded: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    # optional extras that only add to the ranking of a keyword search in "or" mode (never required, never used
    # to admit a paper): adjacent word pairs of the query as phrases (proximity) and acronym expansions
    boosts: list[str] = field(default_factory=list)
    expansions: list[str] = field(default_factory=list)
    free_text: str = ""  # the free words as typed, stopwords included (what the meaning side reads)
    synonyms: list[tuple[str, str]] = field(default_factory=list)  # (acronym, expansion) pairs the query touches

    @property
    def semantic_text(self) -> str:
        """What the vector side embeds: the query without its operators, acronyms followed by what they mean."""
        parts = self.phrases + [self.free_text] + [v for c, v in self.fields if c != "authors"]
        text = " ".join(p for p in parts if p) or self.text
        spelled = [e for e in self.expansions if " " in e and e.lower() not in text.lower()]
        return f"{text} ({', '.join(spelled)})" if spelled else text

    @property
    def free_terms(self) -> list[str]:
        """The words a paper may match to be found (lowercase, in query order, no duplicates)."""
        return list(dict.fromkeys(w.lower() for w in self.words))

    @property
    def has_keyword_part(self) -> bool:
        """Is there anything for BM25 to match?"""
        return bool(self.words or self.phrases or self.fields)


def _quote(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


def parse(text: str) -> Query:
    """Parse ``text``; raise QueryError with a one-line hint when it is malformed."""
    if not text or not text.strip():
        raise QueryError("empty query: type a few words, e.g. KV cache compression")
    if text.count('"') % 2:
        raise QueryError('unbalanced quote in query: close the "phrase" or remove the quote')
    # Only double quotes group words: apostrophes ("don't") are ordinary characters.
    tokens = [t.replace('"', "") for t in _TOKEN.findall(text)]
    q = Query(text=text)
    for tok in tokens:
        neg = tok.startswith("-") and len(tok) > 1
        tok = tok[1:] if neg else tok
        name, sep, value = tok.partition(":")
        if sep and name.lower() in FIELDS:
            if not value.strip():
                raise QueryError(f"'{name}:' needs a value, e.g. {name}:quantization")
            col = FIELDS[name.lower()]
            if col == "cat":
                if neg:
                    raise QueryError("-cat: is not supported; use cat:NAME to keep only a category")
                q.categories.append(value)
                continue
            if neg:
                q.excluded.append(value)
            else:
                q.fields.append((col, value))
            continue
        words = _WORD.findall(tok)
        if not words:
            continue  # punctuation-only tokens such as "AND(" or "*" carry nothing to search for
        if neg:
            q.excluded.append(" ".join(words))
        elif " " in tok.strip():
            q.phrases.append(" ".join(words))
        else:
            q.words.extend(words)
    content = [w for w in q.words if w.lower() not in STOPWORDS]
    if content or q.phrases or q.fields:  # a query of stopwords alone ("the who") keeps them
        q.words = content
    if not (q.words or q.phrases or q.fields or q.categories):
        raise QueryError(f'nothing to search for in {text!r}: use words, "phrases" or field:value')
    q.boosts, q.expansions = _proximity_pairs(tokens), _expand(tokens)
    q.synonyms = _synonyms(tokens)
    q.free_text = " ".join(_free_tokens(tokens))
    return q


def _free_tokens(tokens: list[str]) -> list[str]:
    """The free tokens of the query (not quoted, fielded or excluded), as typed."""
    out = []
    for tok in tokens:
        if (tok.startswith("-") and len(tok) > 1) or " " in tok.strip():
            continue
        name, sep, _value = tok.partition(":")
        if not (sep and name.lower() in FIELDS) and _WORD.search(tok):
            out.append(tok)
    return out


def _plain_words(tokens: list[str]) -> list[str]:
    """The free words of the query, lowercase, split at hyphens, stopwords kept."""
    return [w.lower() for tok in _free_tokens(tokens) for w in re.findall(r"[^\W_]+", tok)]


def _proximity_pairs(tokens: list[str]) -> list[str]:
    """Neighbouring content words as phrases, with the one stopword between them if any ("key value cache" ->
    "key value", "value cache"; "mixture of experts" -> itself): a paper where they stand together ranks above one
    where they are scattered."""
    words = _plain_words(tokens)
    content = [i for i, w in enumerate(words) if w not in STOPWORDS]
    pairs = [" ".join(words[a : b + 1]) for a, b in itertools.pairwise(content) if b - a <= 2]
    return list(dict.fromkeys(pairs))


def _synonyms(tokens: list[str]) -> list[tuple[str, str]]:
    """The (acronym, expansion) pairs of which the query uses one side."""
    words = _plain_words(tokens)
    joined = " " + " ".join(words) + " "
    out = []
    for short, longs in ACRONYMS.items():
        for phrase in longs:
            if short in words or f" {phrase} " in joined:
                out.append((short, " ".join(w for w in phrase.split() if w not in STOPWORDS)))
    return out


def _expand(tokens: list[str]) -> list[str]:
    """Acronym expansions both ways: "kv" -> "key value"; "mixture of experts" -> "moe"."""
    words = _plain_words(tokens)
    out: list[str] = []
    for w in words:
        out.extend(ACRONYMS.get(w, ()))
    joined = " " + " ".join(words) + " "
    for short, longs in ACRONYMS.items():
        if any(f" {phrase} " in joined for phrase in longs) and short not in words:
            out.append(short)
    out.extend(short for phrase, short in _EXTRA_PHRASES.items() if f" {phrase} " in joined and short not in words)
    return [e for e in dict.fromkeys(out) if e not in words]


def to_fts(q: Query, *, mode: str = "or") -> str | None:
    """An FTS5 MATCH expression (every term quoted, so user input can never inject FTS syntax)."""
    required = [f"{col}: {_quote(v)}" for col, v in q.fields] + [_quote(p) for p in q.phrases]
    words = [_quote(w) for w in q.words]
    if mode == "or":
        words += [_quote(x) for x in q.boosts + q.expansions]
    if mode == "and":
        parts = required + words
        expr = " AND ".join(parts)
    else:
        any_words = "(" + " OR ".join(words) + ")" if words else ""
        expr = " AND ".join(required + ([any_words] if any_words else []))
    if not expr:
        return None
    for ex in q.excluded:
        expr = f"({expr}) NOT {_quote(ex)}"
    return expr
