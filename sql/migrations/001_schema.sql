-- The whole data model of docs/api.md: tenants, people, keys, customer notes
-- and account notes. Every tenant table carries company_id, and every foreign
-- key between tenant tables includes it, so a row can never point into another
-- company.

CREATE TABLE companies (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
    created_on  timestamptz NOT NULL DEFAULT now()
);

-- Staff users; the fields are those of the User object (docs/api.md).
CREATE TABLE users (
    id                   bigserial PRIMARY KEY,
    company_id           bigint NOT NULL REFERENCES companies (id),
    role                 text NOT NULL CHECK (role IN ('owner', 'admin', 'staff')),
    status               text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
    username             text NOT NULL CHECK (length(username) BETWEEN 1 AND 255),
    first_name           text,
    last_name            text,
    email                text,
    profile_photo        text,
    employee_id          text,
    mobile_number        text,
    business_location_id text,
    enable2_fa           text,
    created_by           text,
    created_on           timestamptz NOT NULL DEFAULT now(),
    modified_on          timestamptz NOT NULL DEFAULT now(),
    UNIQUE (company_id, username),
    UNIQUE (company_id, id)
);

-- Only the SHA-256 of a key is stored; the key itself is shown once.
CREATE TABLE api_keys (
    id          bigserial PRIMARY KEY,
    user_id     bigint NOT NULL,
    company_id  bigint NOT NULL,
    key_hash    bytea NOT NULL UNIQUE CHECK (length(key_hash) = 32),
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz,
    revoked_at  timestamptz,
    FOREIGN KEY (company_id, user_id) REFERENCES users (company_id, id) ON DELETE CASCADE
);
CREATE INDEX api_keys_user ON api_keys (user_id);

-- Club members; the fields are those of the CustomerSummary (docs/api.md).
CREATE TABLE customers (
    id                  bigserial PRIMARY KEY,
    company_id          bigint NOT NULL REFERENCES companies (id),
    company_name        text,
    company_title       text,
    first_name          text,
    middle_name         text,
    last_name           text,
    locale              text,
    is_member           boolean NOT NULL DEFAULT false,
    was_member          boolean NOT NULL DEFAULT false,
    has_applied         boolean NOT NULL DEFAULT false,
    flag                text,
    email               text,
    mobile_country_code text,
    mobile_number       text,
    phone_country_code  text,
    phone_number        text,
    profile_photo       text,
    vip                 boolean NOT NULL DEFAULT false,
    home_house_id       text,
    birthdate           date,
    anniversary_date    date,
    created_on          timestamptz NOT NULL DEFAULT now(),
    UNIQUE (company_id, id)
);

CREATE TABLE notes (
    id              bigserial PRIMARY KEY,
    company_id      bigint NOT NULL,
    customer_id     bigint NOT NULL,
    user_id         bigint NOT NULL,
    reference_type  text NOT NULL CHECK (reference_type IN ('business', 'customer', 'membershipCard',
                        'order', 'point_earned', 'subscription', 'transaction', 'reservation',
                        'appointment', 'event')),
    reference_id    bigint,
    type            text,
    details         text,
    status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    reminder        timestamptz,
    confidential    boolean NOT NULL DEFAULT false,
    priority        boolean NOT NULL DEFAULT false,
    tags            text[],
    subject         text,
    created_on      timestamptz NOT NULL DEFAULT now(),
    -- Bumped by every change to the note, its assignees or its messages: the ETag.
    revision        bigint NOT NULL DEFAULT 1,
    UNIQUE (company_id, id),
    FOREIGN KEY (company_id, customer_id) REFERENCES customers (company_id, id),
    FOREIGN KEY (company_id, user_id) REFERENCES users (company_id, id)
);
-- Serves the newest-first list of a customer's notes (keyset and offset paging).
CREATE INDEX notes_customer_newest ON notes (customer_id, created_on DESC, id DESC);

CREATE TABLE note_assignees (
    note_id     bigint NOT NULL,
    user_id     bigint NOT NULL,
    company_id  bigint NOT NULL,
    created_on  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (note_id, user_id),
    FOREIGN KEY (company_id, note_id) REFERENCES notes (company_id, id) ON DELETE CASCADE,
    FOREIGN KEY (company_id, user_id) REFERENCES users (company_id, id)
);
CREATE INDEX note_assignees_user ON note_assignees (user_id);

CREATE TABLE note_messages (
    id          bigserial PRIMARY KEY,
    note_id     bigint NOT NULL,
    company_id  bigint NOT NULL,
    posted_by   bigint NOT NULL,
    message     text NOT NULL,
    attachment  bytea,
    created_on  timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (company_id, note_id) REFERENCES notes (company_id, id) ON DELETE CASCADE,
    FOREIGN KEY (company_id, posted_by) REFERENCES users (company_id, id)
);
CREATE INDEX note_messages_note_oldest ON note_messages (note_id, created_on, id);

-- Accounts of the access gateway; ids are 64-bit and may be chosen by the caller.
CREATE TABLE accounts (
    id          bigint PRIMARY KEY CHECK (id > 0),
    company_id  bigint NOT NULL REFERENCES companies (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (company_id, id)
);

-- Removed notes are kept for audit; at most one live note per account.
CREATE TABLE account_notes (
    id           bigserial PRIMARY KEY,
    account_id   bigint NOT NULL,
    company_id   bigint NOT NULL,
    note         text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    modified_at  timestamptz NOT NULL DEFAULT now(),
    removed      boolean NOT NULL DEFAULT false,
    FOREIGN KEY (company_id, account_id) REFERENCES accounts (company_id, id)
);
CREATE UNIQUE INDEX account_notes_one_live ON account_notes (account_id) WHERE NOT removed;

-- A user's rights on an account; 'modify' implies 'read'.
CREATE TABLE account_grants (
    user_id     bigint NOT NULL,
    account_id  bigint NOT NULL,
    company_id  bigint NOT NULL,
    access      text NOT NULL CHECK (access IN ('read', 'modify')),
    granted_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, account_id),
    FOREIGN KEY (company_id, user_id) REFERENCES users (company_id, id) ON DELETE CASCADE,
    FOREIGN KEY (company_id, account_id) REFERENCES accounts (company_id, id) ON DELETE CASCADE
);
