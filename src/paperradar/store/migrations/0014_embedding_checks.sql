-- Every search asks whether some paper lacks a vector or changed since it was embedded, and answering that reads
-- every paper. The last "nothing is missing" is kept per model with the state of the papers table it was true
-- for (its largest pk and the last entry of the change log): while both are unchanged, nothing can be missing.
CREATE TABLE embedding_checks (
    model      TEXT PRIMARY KEY,
    papers_pk  INTEGER NOT NULL,
    change_seq INTEGER NOT NULL
);
-- A paper's embedded text can change without its title or abstract (a curated list's bullets stand in for a
-- missing abstract): log that too, so the check above sees it.
CREATE TRIGGER papers_changes_hash AFTER UPDATE OF content_hash ON papers
WHEN old.content_hash IS NOT new.content_hash
BEGIN
    INSERT INTO paper_changes (pk) VALUES (new.pk);
END;
