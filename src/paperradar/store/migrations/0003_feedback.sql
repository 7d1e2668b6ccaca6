-- The reader's feedback per interest profile, and free-form tags on papers.
CREATE TABLE feedback (
    profile  TEXT NOT NULL,
    paper_id TEXT NOT NULL,
    value    TEXT NOT NULL CHECK (value IN ('like', 'dislike')),
    created  TEXT NOT NULL,
    PRIMARY KEY (profile, paper_id)
) WITHOUT ROWID;

CREATE TABLE tags (
    paper_id TEXT NOT NULL,
    tag      TEXT NOT NULL,
    created  TEXT NOT NULL,
    PRIMARY KEY (paper_id, tag)
) WITHOUT ROWID;
CREATE INDEX tags_by_tag ON tags (tag);
