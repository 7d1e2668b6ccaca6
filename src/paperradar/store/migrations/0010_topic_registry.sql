-- The topic registry: topics tracked week over week within a scope (an interest profile), each with a stable id,
-- a name, a description, the profile sub-area it is anchored to, and its papers per week.
CREATE TABLE topic_registry (
    scope       TEXT NOT NULL,
    topic_id    TEXT NOT NULL,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    anchor      TEXT,                       -- key of the profile sub-area, NULL for a discovered topic
    keyphrases  TEXT NOT NULL DEFAULT '[]',
    centroid    BLOB,
    model       TEXT NOT NULL DEFAULT '',
    first_week  TEXT NOT NULL,
    last_week   TEXT NOT NULL,
    PRIMARY KEY (scope, topic_id)
);

-- Each paper's topic in the week it was grouped in ('other' when it fits none).
CREATE TABLE topic_weeks (
    scope    TEXT NOT NULL,
    week     TEXT NOT NULL,
    paper_id TEXT NOT NULL,
    topic_id TEXT NOT NULL,
    PRIMARY KEY (scope, week, paper_id)
) WITHOUT ROWID;
CREATE INDEX topic_weeks_topic ON topic_weeks (scope, topic_id, week);

-- Which weeks of a scope have been grouped, and from how many papers (0 is a real, empty week).
CREATE TABLE topic_weeks_built (
    scope  TEXT NOT NULL,
    week   TEXT NOT NULL,
    papers INTEGER NOT NULL,
    model  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (scope, week)
) WITHOUT ROWID;
