"""Optional LLM prose through any OpenAI-compatible chat API (Ollama, vLLM, llama.cpp server, OpenAI).

The offline text is always computed first; the LLM may only replace it with output that passes validation:
valid JSON of the expected shape, every cited paper among the inputs, every number and named method present in a
source abstract (:func:`paperradar.summarize.check_grounded`). Each sentence of a prose answer is checked on its
own: grounded sentences are kept, the others dropped (none left: the offline text stays); a summary is used only
when all three of its bullets pass. Every sentence judged is recorded in :attr:`LLM.verdicts`. Responses are
cached in the database; a token budget per run stops calls once spent. Any failure (server down, timeout, bad
JSON, ungrounded text) falls back to the offline text.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson

from paperradar.models import Paper
from paperradar.store import Store, now_iso
from paperradar.summarize import Summary, check_grounded, numbers_in, split_sentences

SUMMARY_SCHEMA = {"bullets": list, "headline": (str, type(None))}
# JSON Schemas sent as the response format: servers that honour them (llama.cpp, vLLM, OpenAI) constrain the
# answer to this shape and length, so a small model neither rambles nor stops mid-JSON
SUMMARY_JSON_SCHEMA = {
    "type": "object",
    "properties": {
        "bullets": {"type": "array", "items": {"type": "string", "maxLength": 160}, "minItems": 3, "maxItems": 3},
        "headline": {"type": ["string", "null"], "maxLength": 60},
    },
    "required": ["bullets", "headline"],
}
PROSE_JSON_SCHEMA = {
    "type": "object",
    "properties": {
        "text": {"type": "string", "maxLength": 400},
        "cited": {"type": "array", "items": {"type": "string", "maxLength": 20}, "maxItems": 6},
    },
    "required": ["text", "cited"],
}


@dataclass
class LLMConfig:
    """Where the server is and what it may spend."""

    url: str
    model: str
    key: str = ""
    max_tokens_per_run: int = 200_000
    timeout: float = 60.0


_WORD = re.compile(r"[a-z]+")
_LINK = re.compile(r"https?://\S+|www\.\S+")
_STOP = frozenset(
    (
        "the",
        "a",
        "an",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "for",
        "with",
        "by",
        "from",
        "as",
        "at",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "we",
        "our",
        "they",
        "their",
        "which",
        "while",
        "than",
        "then",
        "into",
        "over",
        "under",
        "via",
        "using",
        "use",
        "used",
        "based",
        "both",
        "also",
        "such",
        "can",
        "may",
        "not",
        "no",
        "more",
        "most",
        "less",
        "new",
        "each",
        "all",
        "any",
        "other",
        "between",
        "across",
        "through",
        "without",
    )
)


def substance_problems(
    sentence: str, sources: list[str], earlier: list[str], *, title: str = "", phrase: bool = False
) -> list[str]:
    """What makes a model's sentence say nothing checkable, beyond :func:`check_grounded`'s numbers and names:
    too short, a link the sources lack, a repeat of an earlier sentence or of the title, or mostly words that
    occur in no source (a paraphrase keeps the abstract's terms; an invention brings its own)."""
    problems = []
    src = " ".join(sources)
    for link in _LINK.findall(sentence):
        if link.rstrip(".,;)") not in src:
            problems.append(f"link {link[:60]} not in the sources")
    words = _WORD.findall(_LINK.sub(" ", sentence.lower()))
    if not phrase and len(words) < 4:
        problems.append("too short to say anything")
    norm = " ".join(words)
    if norm and any(norm == " ".join(_WORD.findall(e.lower())) for e in earlier):
        problems.append("repeats an earlier sentence")
    if title and norm and norm == " ".join(_WORD.findall(title.lower())):
        problems.append("repeats the title")
    content = [w for w in words if len(w) > 3 and w not in _STOP]
    stems = {w[:5] for w in _WORD.findall(src.lower())}
    foreign = [w for w in content if w[:5] not in stems]
    if content and len(foreign) > 0.3 * len(content):
        problems.append(f"mostly words in no source ({', '.join(foreign[:4])})")
    return problems


@dataclass(frozen=True)
class Verdict:
    """One sentence of the model's answer and what validation found in it (no problems: kept)."""

    task: str  # "summary:<paper id>" or "prose"
    sentence: str
    problems: tuple[str, ...] = ()

    @property
    def kept(self) -> bool:
        """Whether the sentence passed the grounding check."""
        return not self.problems


@dataclass
class LLM:
    """A chat client with a response cache, a token budget and validation."""

    config: LLMConfig
    store: Store
    tokens_used: int = 0
    calls: int = 0
    failures: list[str] = field(default_factory=list)
    verdicts: list[Verdict] = field(default_factory=list)
    transport: httpx.BaseTransport | None = None

    @property
    def method(self) -> str:
        """The summary method name: which model wrote it."""
        return f"llm:{self.config.model}"

    def _post(self, messages: list[dict[str, str]], json_schema: dict[str, Any]) -> str | None:
        key = hashlib.sha256(orjson.dumps([self.config.model, messages, json_schema])).hexdigest()
        cached = self.store.summaries.cache_get(key)
        if cached is not None:
            return cached
        if self.tokens_used >= self.config.max_tokens_per_run:
            self.failures.append("token budget for this run is spent")
            return None
        headers = {"Authorization": f"Bearer {self.config.key}"} if self.config.key else {}
        body = {
            "model": self.config.model,
            "messages": messages,
            "temperature": 0,
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "answer", "strict": False, "schema": json_schema},
            },
        }
        try:
            with httpx.Client(timeout=self.config.timeout, transport=self.transport) as client:
                r = client.post(self.config.url.rstrip("/") + "/chat/completions", json=body, headers=headers)
            self.calls += 1
            r.raise_for_status()
            data = r.json()
            content = data["choices"][0]["message"]["content"]
            used = int((data.get("usage") or {}).get("total_tokens") or 0)
        except (httpx.HTTPError, KeyError, IndexError, TypeError, ValueError) as e:
            self.failures.append(f"{type(e).__name__}: {str(e)[:200]}")
            return None
        self.tokens_used += used
        self.store.summaries.cache_put(key, self.config.model, content, used, now_iso())
        return str(content)

    def complete_json(
        self, messages: list[dict[str, str]], schema: dict[str, Any], json_schema: dict[str, Any]
    ) -> dict[str, Any] | None:
        """The model's JSON answer (asked for in the shape of ``json_schema``) if it has every key of ``schema``
        with the right type, else None."""
        content = self._post(messages, json_schema)
        if content is None:
            return None
        try:
            obj = orjson.loads(content)
        except orjson.JSONDecodeError:
            self.failures.append("the answer is not JSON")
            return None
        if not isinstance(obj, dict) or any(not isinstance(obj.get(k), t) for k, t in schema.items()):
            self.failures.append("the answer does not have the expected fields")
            return None
        return obj

    def summarize(self, paper: Paper) -> Summary | None:
        """Three bullets by the model, or None when it fails validation (the caller falls back offline)."""
        if not paper.abstract:
            return None
        messages = [
            {
                "role": "system",
                "content": "You summarize ML papers for researchers. Answer with JSON: "
                '{"bullets": [three sentences: the problem the paper addresses; its method, by name; its main '
                'result], "headline": the main quantitative result in a few words, or null}. '
                "Use only facts, names and numbers stated in the abstract.",
            },
            {"role": "user", "content": f"Title: {paper.title}\n\nAbstract: {paper.abstract}"},
        ]
        obj = self.complete_json(messages, SUMMARY_SCHEMA, SUMMARY_JSON_SCHEMA)
        if obj is None:
            return None
        bullets = [str(b) for b in obj["bullets"]][:3]
        if len(bullets) != 3:
            self.failures.append("not three bullets")
            return None
        sources = [paper.title, paper.abstract]
        task = f"summary:{paper.id}"
        judged = [self._judge(task, b, sources, bullets[:i], title=paper.title) for i, b in enumerate(bullets)]
        if obj["headline"]:
            numberless = [] if numbers_in(obj["headline"]) else ["a headline states no number"]
            judged.append(self._judge(task, obj["headline"], sources, [], phrase=True, extra=numberless))
        bad = [v for v in judged if not v.kept]
        if bad:
            self.failures.append(f"{paper.id}: " + "; ".join(p for v in bad for p in v.problems)[:400])
            return None
        return Summary(bullets, obj["headline"], self.method)

    def _judge(
        self,
        task: str,
        sentence: str,
        sources: list[str],
        earlier: list[str],
        *,
        title: str = "",
        phrase: bool = False,
        extra: list[str] | None = None,
    ) -> Verdict:
        problems = check_grounded(sentence, sources) + substance_problems(
            sentence, sources, earlier, title=title, phrase=phrase
        )
        problems += extra or []
        verdict = Verdict(task, sentence, tuple(problems))
        self.verdicts.append(verdict)
        return verdict

    def prose(self, facts: str, allowed_ids: set[str], sources: list[str]) -> str | None:
        """A paragraph written from ``facts``: its grounded sentences (each checked on its own), or None when it
        cites a paper outside ``allowed_ids`` or no sentence passes."""
        messages = [
            {
                "role": "system",
                "content": 'Write one paragraph for a research report. Answer with JSON {"text": '
                '..., "cited": [arXiv ids you mention]}. Use only the facts given; cite only their ids.',
            },
            {"role": "user", "content": facts},
        ]
        obj = self.complete_json(messages, {"text": str, "cited": list}, PROSE_JSON_SCHEMA)
        if obj is None:
            return None
        if not set(map(str, obj["cited"])) <= allowed_ids:
            self.failures.append("cites papers outside the input")
            return None
        sentences = split_sentences(str(obj["text"]))
        judged = [self._judge("prose", s, [*sources, facts], sentences[:i]) for i, s in enumerate(sentences)]
        kept = [v.sentence for v in judged if v.kept]
        dropped = [v for v in judged if not v.kept]
        if dropped:
            self.failures.append(f"dropped {len(dropped)} of {len(judged)} sentences: {dropped[0].problems[0]}")
        return " ".join(kept) or None


__all__ = ["LLM", "LLMConfig", "Verdict", "substance_problems"]
