-- Derived indexes kept outside SQLite (the tantivy keyword index of large collections) add new papers past a
-- pk watermark, and learn about updates and deletes of papers they already hold from this log: each reads the
-- entries past the sequence number it last applied, then prunes them.
CREATE TABLE paper_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    pk  INTEGER NOT NULL
);
CREATE TRIGGER papers_changes_au AFTER UPDATE OF title, abstract, authors, categories, announced, published ON papers
BEGIN
    INSERT INTO paper_changes (pk) VALUES (new.pk);
END;
CREATE TRIGGER papers_changes_ad AFTER DELETE ON papers
BEGIN
    INSERT INTO paper_changes (pk) VALUES (old.pk);
END;
-- Search filters compare this expression (the paper's day) with a date range; indexing it keeps a narrow range
-- from scanning every paper of a large collection.
CREATE INDEX papers_day ON papers (substr(COALESCE(announced, published, first_seen), 1, 10));
-- A vector index (HNSW beside the database) is reused while this version is unchanged, and extended with the
-- vectors written since it was built: a version per model (bumped by every save) and an index by write time.
CREATE TABLE embedding_versions (
    model   TEXT PRIMARY KEY,
    version INTEGER NOT NULL
);
CREATE INDEX embeddings_created ON embeddings (model, created);
