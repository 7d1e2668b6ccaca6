-- Papers, their version history, quarantined input, harvest state, and the FTS5 keyword index.
CREATE TABLE papers (
    pk               INTEGER PRIMARY KEY,
    id               TEXT NOT NULL UNIQUE,      -- arXiv id without version, or "title:<hash>"
    dedup_key        TEXT NOT NULL,             -- normalized title | first author's last name
    version          INTEGER,
    title            TEXT NOT NULL,
    abstract         TEXT NOT NULL DEFAULT '',
    authors          TEXT NOT NULL DEFAULT '[]', -- JSON list of names
    categories       TEXT NOT NULL DEFAULT '[]', -- JSON list
    primary_category TEXT,
    published        TEXT,
    updated          TEXT,
    announced        TEXT,
    comment          TEXT,
    doi              TEXT,
    journal_ref      TEXT,
    links            TEXT NOT NULL DEFAULT '{}',
    source           TEXT NOT NULL DEFAULT '',
    withdrawn        INTEGER NOT NULL DEFAULT 0,
    status           TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'updated')),
    extra            TEXT NOT NULL DEFAULT '{}',
    raw              TEXT,
    content_hash     TEXT NOT NULL,
    first_seen       TEXT NOT NULL,
    changed_at       TEXT NOT NULL
);
CREATE INDEX papers_dedup ON papers (dedup_key);
CREATE INDEX papers_published ON papers (published);
CREATE INDEX papers_announced ON papers (announced);

CREATE TABLE paper_categories (
    pk       INTEGER NOT NULL REFERENCES papers (pk) ON DELETE CASCADE,
    category TEXT NOT NULL,
    PRIMARY KEY (category, pk)
) WITHOUT ROWID;

CREATE TABLE paper_versions (
    paper_id TEXT NOT NULL,
    version  INTEGER NOT NULL,
    date     TEXT,
    size     TEXT,
    PRIMARY KEY (paper_id, version)
) WITHOUT ROWID;

CREATE TABLE quarantine (
    qid          INTEGER PRIMARY KEY,
    source       TEXT NOT NULL,
    locator      TEXT NOT NULL,
    reason       TEXT NOT NULL,
    payload      TEXT NOT NULL DEFAULT '',
    payload_hash TEXT NOT NULL,
    created      TEXT NOT NULL,
    UNIQUE (source, locator, payload_hash)
);

CREATE TABLE harvest_state (
    name    TEXT PRIMARY KEY,
    value   TEXT NOT NULL,
    updated TEXT NOT NULL
);

CREATE VIRTUAL TABLE papers_fts USING fts5 (
    title, abstract, authors,
    content = 'papers', content_rowid = 'pk',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
-- The keyword index is filled in bulk by PaperRepo.sync_fts() (tokenizing abstracts is most of an ingest's cost),
-- so inserts are not indexed by a trigger. Rows up to the watermark are indexed; updates and deletes of those rows
-- keep the index exact through these triggers, rows past it are indexed with their latest values on the next sync.
CREATE TABLE fts_watermark (id INTEGER PRIMARY KEY CHECK (id = 1), pk INTEGER NOT NULL);
INSERT INTO fts_watermark VALUES (1, 0);
CREATE TRIGGER papers_ad AFTER DELETE ON papers
WHEN old.pk <= (SELECT pk FROM fts_watermark) BEGIN
    INSERT INTO papers_fts (papers_fts, rowid, title, abstract, authors)
    VALUES ('delete', old.pk, old.title, old.abstract, old.authors);
END;
CREATE TRIGGER papers_au AFTER UPDATE OF title, abstract, authors ON papers
WHEN old.pk <= (SELECT pk FROM fts_watermark) BEGIN
    INSERT INTO papers_fts (papers_fts, rowid, title, abstract, authors)
    VALUES ('delete', old.pk, old.title, old.abstract, old.authors);
    INSERT INTO papers_fts (rowid, title, abstract, authors) VALUES (new.pk, new.title, new.abstract, new.authors);
END;
