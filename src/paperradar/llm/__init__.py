"""Optional LLM prose through any OpenAI-compatible chat API (Ollama, vLLM, llama.cpp server, OpenAI).

The offline text is always computed first; the LLM may only replace it with output that passes validation:
valid JSON of the expected shape, every cited paper among the inputs, every number and named method present in a
source abstract (:func:`paperradar.summarize.check_grounded`). Responses are cached in the database; a token
budget per run stops calls once spent. Any failure (server down, timeout, bad JSON, ungrounded text) falls back to
the offline text.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson

from paperradar.models import Paper
from paperradar.store import Store, now_iso
from paperradar.summarize import Summary, check_grounded

SUMMARY_SCHEMA = {"bullets": list, "headline": (str, type(None))}


@dataclass
class LLMConfig:
    """Where the server is and what it may spend."""

    url: str
    model: str
    key: str = ""
    max_tokens_per_run: int = 200_000
    timeout: float = 60.0


@dataclass
class LLM:
    """A chat client with a response cache, a token budget and validation."""

    config: LLMConfig
    store: Store
    tokens_used: int = 0
    calls: int = 0
    failures: list[str] = field(default_factory=list)
    transport: httpx.BaseTransport | None = None

    @property
    def method(self) -> str:
        """The summary method name: which model wrote it."""
        return f"llm:{self.config.model}"

    def _post(self, messages: list[dict[str, str]]) -> str | None:
        key = hashlib.sha256(orjson.dumps([self.config.model, messages])).hexdigest()
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
            "response_format": {"type": "json_object"},
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

    def complete_json(self, messages: list[dict[str, str]], schema: dict[str, Any]) -> dict[str, Any] | None:
        """The model's JSON answer if it has every key of ``schema`` with the right type, else None."""
        content = self._post(messages)
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
                '{"bullets": [problem, method, result], "headline": the main quantitative claim or null}. '
                "Use only facts and numbers stated in the abstract.",
            },
            {"role": "user", "content": f"Title: {paper.title}\n\nAbstract: {paper.abstract}"},
        ]
        obj = self.complete_json(messages, SUMMARY_SCHEMA)
        if obj is None:
            return None
        bullets = [str(b) for b in obj["bullets"]][:3]
        if len(bullets) != 3:
            self.failures.append("not three bullets")
            return None
        text = " ".join(bullets) + " " + (obj["headline"] or "")
        problems = check_grounded(text, [paper.title, paper.abstract])
        if problems:
            self.failures.append(f"{paper.id}: " + "; ".join(problems[:2]))
            return None
        return Summary(bullets, obj["headline"], self.method)

    def prose(self, facts: str, allowed_ids: set[str], sources: list[str]) -> str | None:
        """A paragraph written from ``facts``; None unless it cites only ``allowed_ids`` and is grounded."""
        messages = [
            {
                "role": "system",
                "content": 'Write one paragraph for a research report. Answer with JSON {"text": '
                '..., "cited": [arXiv ids you mention]}. Use only the facts given; cite only their ids.',
            },
            {"role": "user", "content": facts},
        ]
        obj = self.complete_json(messages, {"text": str, "cited": list})
        if obj is None:
            return None
        if not set(map(str, obj["cited"])) <= allowed_ids:
            self.failures.append("cites papers outside the input")
            return None
        problems = check_grounded(obj["text"], [*sources, facts])
        if problems:
            self.failures.append("; ".join(problems[:2]))
            return None
        return str(obj["text"])


__all__ = ["LLM", "LLMConfig"]
