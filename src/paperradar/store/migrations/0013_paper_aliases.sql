-- Other names of a stored paper. A library item keeps its identity across edits through its item key
-- ("zotero:<user>:<key>"), whose title (and so its title:<hash> id) may change; and a title-only record merged into
-- the arXiv record of the same paper leaves its old id here, so seed files and links that name it still find it.
CREATE TABLE paper_aliases (
    alias    TEXT PRIMARY KEY,
    paper_id TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX paper_aliases_paper ON paper_aliases (paper_id);
