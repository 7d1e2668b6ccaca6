"""A web app on a real SQLite file with a few papers, and an in-process client."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from paperradar import Radar, Settings
from paperradar.models import Paper
from paperradar.store import Store
from paperradar.web import create_app

PAPERS = [
    Paper(
        id="2501.00001",
        title="<script>alert(1)</script> KV Cache & Eviction",
        abstract="We evict KV cache entries <b>fast</b> to cut memory 4x for long-context inference.",
        authors=["Zoë <img src=x> O'Neil"],
        categories=["cs.CL"],
        announced="2025-01-02",
    ),
    Paper(
        id="2501.00002",
        title="Speculative Decoding with Tiny Draft Models",
        abstract="A small draft model proposes tokens that the target verifies, 2.5x faster decoding.",
        authors=["Song Han"],
        categories=["cs.LG"],
        announced="2025-01-02",
    ),
    Paper(
        id="2501.00003",
        title="Post-Training Quantization to 4-bit",
        abstract="Weight quantization of large language models to 4-bit without retraining.",
        authors=["Bo Li"],
        categories=["cs.LG"],
        announced="2025-01-02",
    ),
    Paper(
        id="2501.00004",
        title="Protein Folding with Diffusion",
        abstract="A diffusion model folds proteins.",
        authors=["Cy Wu"],
        categories=["q-bio.BM"],
        announced="2025-01-02",
    ),
]


@pytest.fixture
def web_db(db_path):
    with Store(db_path) as s:
        s.papers.write_batch(PAPERS, source="t", now="2025-01-02T00:00:00+00:00")
    yield db_path


@pytest.fixture
def client(web_db):
    with TestClient(create_app(Radar(web_db, Settings(embedder="hashing")))) as c:
        yield c


@pytest.fixture
def multi_client(web_db):
    with Store(web_db) as s:
        s.accounts.add_user("alice", "correct horse", "t")
    with TestClient(create_app(Radar(web_db, Settings(embedder="hashing")), multi_user=True)) as c:
        yield c
