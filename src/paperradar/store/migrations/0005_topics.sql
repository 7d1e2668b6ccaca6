-- Named topics, matched across periods by their centroid, and each paper's topic per period.
CREATE TABLE topics (
    topic_id     TEXT PRIMARY KEY,
    label        TEXT NOT NULL,
    keyphrases   TEXT NOT NULL DEFAULT '[]',
    centroid     BLOB,
    model        TEXT NOT NULL DEFAULT '',
    first_period TEXT NOT NULL,
    last_period  TEXT NOT NULL
);

CREATE TABLE paper_topics (
    paper_id TEXT NOT NULL,
    period   TEXT NOT NULL,      -- e.g. 2025-W20, or FROM..TO
    topic_id TEXT NOT NULL,
    label    TEXT NOT NULL,
    PRIMARY KEY (period, paper_id)
) WITHOUT ROWID;
CREATE INDEX paper_topics_topic ON paper_topics (topic_id);

-- What each reader has been shown, so a digest never repeats a paper (a newer version is shown again).
CREATE TABLE shown (
    reader   TEXT NOT NULL,
    paper_id TEXT NOT NULL,
    version  INTEGER,
    shown_on TEXT NOT NULL,
    PRIMARY KEY (reader, paper_id)
) WITHOUT ROWID;

-- Summaries, computed once per paper content.
CREATE TABLE summaries (
    paper_id     TEXT NOT NULL,
    method       TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    bullets      TEXT NOT NULL,
    headline     TEXT,
    created      TEXT NOT NULL,
    PRIMARY KEY (paper_id, method)
) WITHOUT ROWID;

-- Cached LLM responses (key = hash of model and messages) and token use per run.
CREATE TABLE llm_cache (
    key      TEXT PRIMARY KEY,
    model    TEXT NOT NULL,
    response TEXT NOT NULL,
    tokens   INTEGER NOT NULL DEFAULT 0,
    created  TEXT NOT NULL
);
