"""The optional LLM backend against a real local HTTP server that speaks the chat-completions protocol."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from paperradar.llm import LLM, LLMConfig, substance_problems
from paperradar.models import Paper
from paperradar.summarize import METHOD, ensure_summaries

PAPER = Paper(
    id="2501.00001",
    title="SqueezeLLM: Dense-and-Sparse Quantization",
    abstract="Large language models are costly to serve. We propose SqueezeLLM, a post-training "
    "quantization framework. SqueezeLLM reaches 3-bit precision with a 2.1x speedup.",
)
GOOD = {
    "bullets": [
        "Large language models are costly to serve.",
        "SqueezeLLM quantizes after training.",
        "3-bit precision and 2.1x speedup.",
    ],
    "headline": "2.1x speedup",
}


@pytest.fixture
def chat_server():
    """Answers each POST /chat/completions with the next scripted (status, content) and records requests."""
    state = {"script": [], "requests": []}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            state["requests"].append((self.path, body, self.headers.get("Authorization")))
            status, content = state["script"].pop(0) if state["script"] else (500, "")
            payload = json.dumps(
                {"choices": [{"message": {"role": "assistant", "content": content}}], "usage": {"total_tokens": 120}}
            ).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *a):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state["url"] = f"http://127.0.0.1:{server.server_address[1]}/v1"
    yield state
    server.shutdown()
    server.server_close()


def test_valid_answer_is_used_and_cached(store, chat_server):
    store.papers.write_batch([PAPER], source="t", now="t")
    chat_server["script"] = [(200, json.dumps(GOOD))]
    llm = LLM(LLMConfig(chat_server["url"], "local-model", key="sk-test"), store)
    s = ensure_summaries(store, ["2501.00001"], llm=llm)["2501.00001"]
    assert s.bullets == GOOD["bullets"] and s.method == "llm:local-model"
    path, body, auth = chat_server["requests"][0]
    assert path == "/v1/chat/completions" and body["model"] == "local-model" and auth == "Bearer sk-test"
    again = LLM(LLMConfig(chat_server["url"], "local-model"), store)
    assert again.summarize(PAPER).bullets == GOOD["bullets"] and again.calls == 0  # served from the cache


@pytest.mark.parametrize(
    "answer, reason",
    [
        ({**GOOD, "bullets": ["Costly.", "SqueezeLLM.", "4-bit with 3.5x speedup."]}, "number"),
        ({**GOOD, "bullets": ["Costly.", "Beats GPTQ.", "3-bit."]}, "GPTQ"),
        ("{not json", "not JSON"),
        ({"bullets": "one string"}, "expected fields"),
    ],
)
def test_invalid_answers_fall_back_to_the_offline_summary(store, chat_server, answer, reason):
    store.papers.write_batch([PAPER], source="t", now="t")
    chat_server["script"] = [(200, answer if isinstance(answer, str) else json.dumps(answer))]
    llm = LLM(LLMConfig(chat_server["url"], "m"), store)
    s = ensure_summaries(store, ["2501.00001"], llm=llm)["2501.00001"]
    assert s.method == METHOD and any(reason in f for f in llm.failures)


def test_server_errors_timeouts_and_the_token_budget(store, chat_server):
    chat_server["script"] = [(500, "")]
    llm = LLM(LLMConfig(chat_server["url"], "m"), store)
    assert llm.summarize(PAPER) is None and "HTTPStatusError" in llm.failures[0]
    down = LLM(LLMConfig("http://127.0.0.1:9", "m", timeout=2), store)
    assert down.summarize(PAPER) is None and down.failures
    chat_server["script"] = [(200, json.dumps(GOOD))] * 3
    capped = LLM(LLMConfig(chat_server["url"], "m", max_tokens_per_run=100), store)
    assert capped.summarize(PAPER) is not None  # the first call spends 120 tokens
    other = Paper(id="2501.00002", title=PAPER.title, abstract=PAPER.abstract + " More.")
    assert capped.summarize(other) is None and "budget" in capped.failures[-1]


def test_prose_must_cite_only_inputs(store, chat_server):
    chat_server["script"] = [
        (200, json.dumps({"text": "SqueezeLLM reaches 3-bit precision.", "cited": ["2401.99999"]})),
        (200, json.dumps({"text": "SqueezeLLM reaches 3-bit precision.", "cited": ["2501.00001"]})),
    ]
    llm = LLM(LLMConfig(chat_server["url"], "m"), store)
    assert llm.prose("facts", {"2501.00001"}, [PAPER.abstract]) is None
    assert llm.prose("facts 2", {"2501.00001"}, [PAPER.abstract]) == "SqueezeLLM reaches 3-bit precision."


@pytest.mark.parametrize(
    "sentence, problem",
    [  # what Gemma 3 270M wrote as bullets of real dev papers (tests/llm/test_real_model.py)
        ("Machine Learning", "too short"),
        ("method", "too short"),
        ("See https://www.youtube.com/watch?v=4Q4_1Q4_YpQ for the talk.", "link"),
        ("SqueezeLLM: Dense-and-Sparse Quantization", "repeats the title"),
        ("Large language models are costly to serve.", "repeats an earlier sentence"),
        ("The framework revolutionizes hospital logistics and farming yields.", "words in no source"),
    ],
)
def test_sentences_that_say_nothing_checkable_are_rejected(sentence, problem):
    sources = [PAPER.title, PAPER.abstract]
    problems = substance_problems(sentence, sources, ["Large language models are costly to serve."], title=PAPER.title)
    assert any(problem in p for p in problems), problems
    assert substance_problems("SqueezeLLM reaches 3-bit precision with a 2.1x speedup.", sources, []) == []
