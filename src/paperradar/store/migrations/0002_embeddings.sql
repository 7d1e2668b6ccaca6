-- One vector per paper and model, keyed by the content it was computed from (title + abstract hash).
CREATE TABLE embeddings (
    model        TEXT NOT NULL,
    paper_id     TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    dim          INTEGER NOT NULL,
    vector       BLOB NOT NULL,   -- float32, L2-normalized, little-endian
    created      TEXT NOT NULL,
    PRIMARY KEY (model, paper_id)
) WITHOUT ROWID;
