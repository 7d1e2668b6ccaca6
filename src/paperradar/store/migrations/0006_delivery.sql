-- E-mail subscriptions and what was delivered to whom for which period (so nothing is sent twice).
CREATE TABLE subscriptions (
    sid        INTEGER PRIMARY KEY,
    email      TEXT NOT NULL,
    interest   TEXT NOT NULL,
    frequency  TEXT NOT NULL CHECK (frequency IN ('daily', 'weekly')),
    reader     TEXT NOT NULL,              -- whose seen-set and profile the digest uses
    token      TEXT NOT NULL UNIQUE,       -- the unsubscribe token
    active     INTEGER NOT NULL DEFAULT 1,
    created    TEXT NOT NULL,
    UNIQUE (email, interest, frequency)
);

CREATE TABLE deliveries (
    sid      INTEGER NOT NULL REFERENCES subscriptions (sid) ON DELETE CASCADE,
    period   TEXT NOT NULL,                -- YYYY-MM-DD for daily, YYYY-Www for weekly
    status   TEXT NOT NULL CHECK (status IN ('sent', 'failed')),
    papers   INTEGER NOT NULL DEFAULT 0,
    error    TEXT,
    at       TEXT NOT NULL,
    PRIMARY KEY (sid, period)
);
