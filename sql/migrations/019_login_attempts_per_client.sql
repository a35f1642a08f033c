-- Login attempts counted per name and client (docs/api.md, "Tokens"). They
-- were counted on the user's row: an unknown name was never counted, so the
-- 429 after ten attempts told which names exist, and anyone could keep a
-- user out for the window. Now every name presented (known or not, a digest
-- of the company asked for and the name) is counted per client address (an
-- IPv6 client is its /64): an attacker spends their own allowance, and the
-- user logs in from elsewhere. users.login_attempts and login_window_start
-- are no longer written; a later contract migration drops them.
CREATE TABLE login_attempts (
    -- SHA-256 of the company id asked for (0: none) and the name.
    name_digest  bytea NOT NULL,
    -- The client, as credentials/failed_key_lookups.hpp reads an address.
    client       bigint NOT NULL,
    attempts     integer NOT NULL,
    window_start timestamptz NOT NULL,
    PRIMARY KEY (name_digest, client)
);
-- Old windows are deleted as attempts come (sql/statements.cpp).
CREATE INDEX login_attempts_age ON login_attempts (window_start);
