-- Passwords and the original's tokens (docs/api.md, "Tokens"): a user logs
-- in with a password and gets a signed access token, which the auth
-- responder checks without the database, and a refresh token, which is
-- stored hashed and single-use.

ALTER TABLE users
    -- Argon2id in libsodium's string form; NULL: this user cannot log in.
    ADD COLUMN password_hash text CHECK (password_hash LIKE '$argon2id$%'),
    -- Login attempts in the window that started at login_window_start,
    -- counted before the password is checked (a per-user limit that holds
    -- however many attempts arrive at once).
    ADD COLUMN login_attempts integer NOT NULL DEFAULT 0,
    ADD COLUMN login_window_start timestamptz,
    -- Raised whenever status, role or password change. Access tokens carry
    -- the value they were issued under; a lower one no longer counts.
    ADD COLUMN token_generation integer NOT NULL DEFAULT 0,
    ADD COLUMN credentials_changed_at timestamptz;

-- Logins that name no company find the user by name alone.
CREATE INDEX users_username ON users (username);
-- What the workers read to learn which users changed within a token's life.
CREATE INDEX users_credentials_changed ON users (credentials_changed_at)
    WHERE credentials_changed_at IS NOT NULL;

CREATE FUNCTION users_raise_token_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.token_generation := OLD.token_generation + 1;
    NEW.credentials_changed_at := now();
    -- A new password ends every login made with the old one.
    IF OLD.password_hash IS DISTINCT FROM NEW.password_hash THEN
        UPDATE token_families SET revoked_at = now() WHERE user_id = NEW.id AND revoked_at IS NULL;
    END IF;
    RETURN NEW;
END
$$;

-- Whoever changes these (notesctl, a migration, psql), the tokens issued
-- before stop counting.
CREATE TRIGGER users_credentials_changed
    BEFORE UPDATE OF status, role, password_hash ON users
    FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status
          OR OLD.role IS DISTINCT FROM NEW.role
          OR OLD.password_hash IS DISTINCT FROM NEW.password_hash)
    EXECUTE FUNCTION users_raise_token_generation();

-- One login and the refresh tokens that descend from it. Presenting a used
-- refresh token again revokes the whole family, and the access tokens of
-- the family with it.
CREATE TABLE token_families (
    id          bigserial PRIMARY KEY,
    user_id     bigint NOT NULL,
    company_id  bigint NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz,
    FOREIGN KEY (company_id, user_id) REFERENCES users (company_id, id) ON DELETE CASCADE,
    UNIQUE (company_id, id)
);
CREATE INDEX token_families_user ON token_families (user_id);
CREATE INDEX token_families_revoked ON token_families (revoked_at) WHERE revoked_at IS NOT NULL;

-- Only the SHA-256 of a refresh token is stored; the token is shown once.
CREATE TABLE refresh_tokens (
    token_hash  bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    family_id   bigint NOT NULL,
    company_id  bigint NOT NULL,
    issued_at   timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    FOREIGN KEY (company_id, family_id) REFERENCES token_families (company_id, id) ON DELETE CASCADE
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_expiry ON refresh_tokens (expires_at);
