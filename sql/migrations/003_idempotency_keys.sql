-- The first answer to a POST sent with an Idempotency-Key, kept so that a
-- client's retry gets that answer again instead of making a second note.
-- Rows older than 24 hours no longer count (docs/api.md).
CREATE TABLE idempotency_keys (
    user_id       bigint NOT NULL,
    company_id    bigint NOT NULL,
    key           text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    request_hash  bytea NOT NULL,
    status        integer,
    headers       text NOT NULL DEFAULT '',
    body          text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key),
    FOREIGN KEY (company_id, user_id) REFERENCES users (company_id, id) ON DELETE CASCADE
);
CREATE INDEX idempotency_keys_age ON idempotency_keys (created_at);
