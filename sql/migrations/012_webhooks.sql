-- Webhooks (docs/webhooks.md): a company's endpoints, what each is sent and
-- every attempt to send it. The delivery process (webhooks/) turns the
-- change feeds into deliveries, one transaction per batch with the
-- endpoint's position, so each change becomes a delivery exactly once.
CREATE TABLE webhook_endpoints (
    id             bigserial PRIMARY KEY,
    company_id     bigint NOT NULL REFERENCES companies (id),
    url            text NOT NULL,
    events         text[] NOT NULL,
    -- The signing secret is derived from the host's webhook key and this
    -- salt (credentials/webhook_secret.hpp); it is never stored.
    secret_salt    bytea NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    -- Set by notesctl, or once a delivery has failed for the retry period.
    disabled_at    timestamptz,
    disabled_why   text,
    -- Where the endpoint has read the two change feeds up to (010): a new
    -- endpoint starts at the present.
    notes_after_xact     xid8 NOT NULL,
    notes_after_id       bigint NOT NULL,
    accounts_after_xact  xid8 NOT NULL,
    accounts_after_id    bigint NOT NULL
);
CREATE INDEX webhook_endpoints_company ON webhook_endpoints (company_id);

CREATE TABLE webhook_deliveries (
    id               bigserial PRIMARY KEY,
    company_id       bigint NOT NULL REFERENCES companies (id),
    endpoint_id      bigint NOT NULL REFERENCES webhook_endpoints (id),
    event            text NOT NULL,
    -- What the delivery is about ('note:12', 'account:7'): deliveries of
    -- one subject go out in order, each only once the one before it is
    -- delivered or given up.
    subject          text NOT NULL,
    body             text NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    -- A sender holds the delivery until then while it sends (a sender that
    -- died lets go when it passes).
    leased_until     timestamptz,
    delivered_at     timestamptz,
    given_up_at      timestamptz
);
-- The deliveries still to make, by endpoint and subject in order.
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (endpoint_id, subject, id)
    WHERE delivered_at IS NULL AND given_up_at IS NULL;
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
    WHERE delivered_at IS NULL AND given_up_at IS NULL;
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id DESC);

CREATE TABLE webhook_attempts (
    id            bigserial PRIMARY KEY,
    company_id    bigint NOT NULL REFERENCES companies (id),
    delivery_id   bigint NOT NULL REFERENCES webhook_deliveries (id),
    attempted_at  timestamptz NOT NULL DEFAULT now(),
    -- The receiver's HTTP status; NULL when no answer came (the error says why).
    status        integer,
    error         text,
    duration_ms   integer NOT NULL
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);

-- note.reminder_due fires once per note and reminder time: a reminder
-- moved to a new time fires again then.
CREATE TABLE webhook_reminders_fired (
    company_id  bigint NOT NULL REFERENCES companies (id),
    note_id   bigint NOT NULL,
    reminder  timestamptz NOT NULL,
    fired_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (note_id, reminder)
);
CREATE INDEX notes_reminder_due ON notes (reminder) WHERE reminder IS NOT NULL;
