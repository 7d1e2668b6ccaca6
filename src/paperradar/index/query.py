"""The search query language: words, "exact phrases", field:value, -exclusions; compiled to FTS5 safely."""

from __future__ import annotations

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

    @property
    def semantic_text(self) -> str:
        """What the vector side embeds: the query without its operators."""
        parts = self.phrases + self.words + [v for c, v in self.fields if c != "authors"]
        return " ".join(parts) or self.text

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
            q.words.extend(w for w in words if w.lower() not in STOPWORDS or len(words) == 1)
    if not (q.words or q.phrases or q.fields or q.categories):
        raise QueryError(f'nothing to search for in {text!r}: use words, "phrases" or field:value')
    return q


def to_fts(q: Query, *, mode: str = "or") -> str | None:
    """An FTS5 MATCH expression (every term quoted, so user input can never inject FTS syntax)."""
    required = [f"{col}: {_quote(v)}" for col, v in q.fields] + [_quote(p) for p in q.phrases]
    words = [_quote(w) for w in q.words]
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
