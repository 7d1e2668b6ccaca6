-- Web accounts (multi-user mode), browser sessions and API tokens. Secrets are stored hashed.
CREATE TABLE users (
    uid           INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created       TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    uid        INTEGER NOT NULL REFERENCES users (uid) ON DELETE CASCADE,
    csrf       TEXT NOT NULL,
    expires    TEXT NOT NULL
);

CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY,
    uid        INTEGER NOT NULL REFERENCES users (uid) ON DELETE CASCADE,
    label      TEXT NOT NULL DEFAULT '',
    created    TEXT NOT NULL
);
