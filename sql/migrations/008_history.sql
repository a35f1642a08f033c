-- History (docs/api.md, "History"): every change to a customer note or an
-- account note is recorded by a trigger in the transaction that makes it,
-- whoever makes it (a route, notesctl, psql), with who made it and the
-- request that asked. History rows are never changed or removed.

-- Who is acting, as the worker tells the transaction before each write
-- (Connection::act_for): the user id, the credential ("key:<id>" or
-- "token:<family id>") and nginx's request id. NULL outside the service.
CREATE FUNCTION notes_actor_user_id() RETURNS bigint LANGUAGE sql STABLE AS $$
  SELECT nullif(current_setting('notes.actor_user_id', true), '')::bigint $$;
CREATE FUNCTION notes_actor_credential() RETURNS text LANGUAGE sql STABLE AS $$
  SELECT nullif(current_setting('notes.actor_credential', true), '') $$;
CREATE FUNCTION notes_request_id() RETURNS text LANGUAGE sql STABLE AS $$
  SELECT nullif(current_setting('notes.request_id', true), '') $$;

-- An instant as the API writes it (sql/pg_timestamp.hpp): milliseconds, Z.
CREATE FUNCTION notes_api_instant(at timestamptz) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$;

-- A note's writable fields as the Note writes them: what history keeps and
-- a restore brings back.
CREATE FUNCTION notes_fields_json(n notes) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'reference_type', n.reference_type, 'reference_id', n.reference_id, 'type', n.type,
    'details', n.details, 'status', n.status, 'reminder', notes_api_instant(n.reminder),
    'confidential', n.confidential, 'priority', n.priority, 'tags', to_jsonb(n.tags),
    'subject', n.subject) $$;

CREATE TABLE note_history (
    id               bigserial PRIMARY KEY,
    company_id       bigint NOT NULL REFERENCES companies (id),
    -- No foreign key: a deleted note's history stays.
    note_id          bigint NOT NULL,
    -- The note's revision once the change was made (its ETag); a change of
    -- several rows in one statement (assignees) shares one.
    revision         bigint NOT NULL,
    change           text NOT NULL CHECK (change IN ('recorded', 'created', 'updated', 'restored',
                         'assignee_added', 'assignee_removed', 'message_posted', 'deleted')),
    changed_at       timestamptz NOT NULL DEFAULT now(),
    actor_user_id    bigint,
    actor_credential text,
    request_id       text,
    -- The fields the change touched, before and after ('recorded': the
    -- note as history began; 'created': all of them).
    before           jsonb,
    after            jsonb,
    -- 'restored': the revision whose fields came back.
    restored_from    bigint,
    -- The transaction that wrote the row. Ids are taken in start order but
    -- committed in any order, so a reader that follows history (a change
    -- feed) must go by transaction, up to the oldest one still running
    -- (pg_current_snapshot()), to never skip a change committed late.
    -- Defined with the table: a volatile default added later would rewrite
    -- the whole table.
    written_by_xact  xid8 NOT NULL DEFAULT pg_current_xact_id()
);
CREATE INDEX note_history_note ON note_history (note_id, id DESC);

-- One trigger function per table, each with its INSERT written out: a
-- plpgsql function keeps its statements' plans for the session, where a
-- shared SQL helper was planned again on every call (a PATCH cost twice
-- what it did without history; docs/performance.md, "History").
CREATE FUNCTION notes_history_of_note() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  note notes;
  change text;
  before jsonb;
  after jsonb;
  -- A restore says which revision it brought back (sql/statements.cpp,
  -- note_restore); any other change of the fields is an update.
  restoring text := current_setting('notes.restoring', true);
BEGIN
  IF TG_OP = 'INSERT' THEN
    note := NEW;
    change := 'created';
    after := notes_fields_json(NEW);
  ELSIF TG_OP = 'DELETE' THEN
    note := OLD;
    change := 'deleted';
    before := notes_fields_json(OLD);
  ELSE
    note := NEW;
    change := CASE WHEN restoring <> '' THEN 'restored' ELSE 'updated' END;
    before := '{}';
    after := '{}';
    IF OLD.reference_type IS DISTINCT FROM NEW.reference_type THEN
      before := before || jsonb_build_object('reference_type', OLD.reference_type);
      after := after || jsonb_build_object('reference_type', NEW.reference_type);
    END IF;
    IF OLD.reference_id IS DISTINCT FROM NEW.reference_id THEN
      before := before || jsonb_build_object('reference_id', OLD.reference_id);
      after := after || jsonb_build_object('reference_id', NEW.reference_id);
    END IF;
    IF OLD.type IS DISTINCT FROM NEW.type THEN
      before := before || jsonb_build_object('type', OLD.type);
      after := after || jsonb_build_object('type', NEW.type);
    END IF;
    IF OLD.details IS DISTINCT FROM NEW.details THEN
      before := before || jsonb_build_object('details', OLD.details);
      after := after || jsonb_build_object('details', NEW.details);
    END IF;
    IF OLD.status IS DISTINCT FROM NEW.status THEN
      before := before || jsonb_build_object('status', OLD.status);
      after := after || jsonb_build_object('status', NEW.status);
    END IF;
    IF OLD.reminder IS DISTINCT FROM NEW.reminder THEN
      before := before || jsonb_build_object('reminder', notes_api_instant(OLD.reminder));
      after := after || jsonb_build_object('reminder', notes_api_instant(NEW.reminder));
    END IF;
    IF OLD.confidential IS DISTINCT FROM NEW.confidential THEN
      before := before || jsonb_build_object('confidential', OLD.confidential);
      after := after || jsonb_build_object('confidential', NEW.confidential);
    END IF;
    IF OLD.priority IS DISTINCT FROM NEW.priority THEN
      before := before || jsonb_build_object('priority', OLD.priority);
      after := after || jsonb_build_object('priority', NEW.priority);
    END IF;
    IF OLD.tags IS DISTINCT FROM NEW.tags THEN
      before := before || jsonb_build_object('tags', to_jsonb(OLD.tags));
      after := after || jsonb_build_object('tags', to_jsonb(NEW.tags));
    END IF;
    IF OLD.subject IS DISTINCT FROM NEW.subject THEN
      before := before || jsonb_build_object('subject', OLD.subject);
      after := after || jsonb_build_object('subject', NEW.subject);
    END IF;
  END IF;
  INSERT INTO note_history (company_id, note_id, revision, change, actor_user_id, actor_credential,
                            request_id, before, after, restored_from)
  VALUES (note.company_id, note.id, note.revision, change, notes_actor_user_id(), notes_actor_credential(),
          notes_request_id(), before, after, CASE WHEN change = 'restored' THEN restoring::bigint END);
  RETURN NULL;
END $$;

CREATE TRIGGER notes_history_insert AFTER INSERT ON notes
    FOR EACH ROW EXECUTE FUNCTION notes_history_of_note();
CREATE TRIGGER notes_history_delete AFTER DELETE ON notes
    FOR EACH ROW EXECUTE FUNCTION notes_history_of_note();
-- Revision bumps alone (assignees, messages) and the search vectors are
-- recorded by their own triggers or not at all.
CREATE TRIGGER notes_history_update AFTER UPDATE ON notes
    FOR EACH ROW
    WHEN (OLD.reference_type IS DISTINCT FROM NEW.reference_type
          OR OLD.reference_id IS DISTINCT FROM NEW.reference_id
          OR OLD.type IS DISTINCT FROM NEW.type OR OLD.details IS DISTINCT FROM NEW.details
          OR OLD.status IS DISTINCT FROM NEW.status OR OLD.reminder IS DISTINCT FROM NEW.reminder
          OR OLD.confidential IS DISTINCT FROM NEW.confidential OR OLD.priority IS DISTINCT FROM NEW.priority
          OR OLD.tags IS DISTINCT FROM NEW.tags OR OLD.subject IS DISTINCT FROM NEW.subject)
    EXECUTE FUNCTION notes_history_of_note();

-- Assignees and messages: recorded under the note's revision once the
-- statement that changed them has bumped it. Assignees removed because
-- their note was deleted are part of the deletion.
CREATE FUNCTION notes_history_of_assignee() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  revision bigint;
  assignee note_assignees;
BEGIN
  IF TG_OP = 'INSERT' THEN
    assignee := NEW;
  ELSE
    assignee := OLD;
  END IF;
  SELECT n.revision INTO revision FROM notes n WHERE n.id = assignee.note_id;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  INSERT INTO note_history (company_id, note_id, revision, change, actor_user_id, actor_credential,
                            request_id, before, after)
  VALUES (assignee.company_id, assignee.note_id, revision,
          CASE WHEN TG_OP = 'INSERT' THEN 'assignee_added' ELSE 'assignee_removed' END,
          notes_actor_user_id(), notes_actor_credential(), notes_request_id(),
          CASE WHEN TG_OP = 'DELETE' THEN jsonb_build_object('user_id', OLD.user_id) END,
          CASE WHEN TG_OP = 'INSERT' THEN jsonb_build_object('user_id', NEW.user_id) END);
  RETURN NULL;
END $$;

CREATE TRIGGER note_assignees_history AFTER INSERT OR DELETE ON note_assignees
    FOR EACH ROW EXECUTE FUNCTION notes_history_of_assignee();

CREATE FUNCTION notes_history_of_message() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO note_history (company_id, note_id, revision, change, actor_user_id, actor_credential,
                            request_id, after)
  SELECT NEW.company_id, NEW.note_id, n.revision, 'message_posted', notes_actor_user_id(),
         notes_actor_credential(), notes_request_id(),
         jsonb_build_object('id', NEW.id, 'message', NEW.message, 'has_attachment', NEW.attachment IS NOT NULL)
  FROM notes n WHERE n.id = NEW.note_id;
  RETURN NULL;
END $$;

CREATE TRIGGER note_messages_history AFTER INSERT ON note_messages
    FOR EACH ROW EXECUTE FUNCTION notes_history_of_message();

-- Account notes: created, modified (the text) and removed.
CREATE TABLE account_note_history (
    id               bigserial PRIMARY KEY,
    company_id       bigint NOT NULL REFERENCES companies (id),
    account_id       bigint NOT NULL,
    account_note_id  bigint NOT NULL,
    change           text NOT NULL CHECK (change IN ('recorded', 'created', 'modified', 'removed')),
    changed_at       timestamptz NOT NULL DEFAULT now(),
    actor_user_id    bigint,
    actor_credential text,
    request_id       text,
    note_before      text,
    note_after       text
);
CREATE INDEX account_note_history_account ON account_note_history (account_id, id DESC);

CREATE FUNCTION notes_history_of_account_note() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  change text;
BEGIN
  IF TG_OP = 'INSERT' THEN
    change := 'created';
  ELSIF NEW.removed AND NOT OLD.removed THEN
    change := 'removed';
  ELSIF NEW.note IS DISTINCT FROM OLD.note THEN
    change := 'modified';
  ELSE
    RETURN NULL;
  END IF;
  INSERT INTO account_note_history (company_id, account_id, account_note_id, change, actor_user_id,
                                    actor_credential, request_id, note_before, note_after)
  VALUES (NEW.company_id, NEW.account_id, NEW.id, change, notes_actor_user_id(), notes_actor_credential(),
          notes_request_id(),
          CASE WHEN TG_OP = 'UPDATE' THEN OLD.note END,
          CASE WHEN change = 'removed' THEN NULL ELSE NEW.note END);
  RETURN NULL;
END $$;

CREATE TRIGGER account_notes_history AFTER INSERT OR UPDATE ON account_notes
    FOR EACH ROW EXECUTE FUNCTION notes_history_of_account_note();

-- Append-only: any UPDATE, DELETE or TRUNCATE of history is refused, even
-- one that matches no row, whoever sends it. Only the tables' owner could
-- drop or disable these triggers, and the service never does
-- (docs/reliability.md, "History").
CREATE FUNCTION notes_history_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'history is append-only: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER note_history_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON note_history
    FOR EACH STATEMENT EXECUTE FUNCTION notes_history_is_append_only();
CREATE TRIGGER account_note_history_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON account_note_history
    FOR EACH STATEMENT EXECUTE FUNCTION notes_history_is_append_only();

-- What existed before history did: one 'recorded' row each, the state a
-- restore can go back to at the earliest.
INSERT INTO note_history (company_id, note_id, revision, change, after)
SELECT n.company_id, n.id, n.revision, 'recorded', notes_fields_json(n) FROM notes n ORDER BY n.id;
INSERT INTO account_note_history (company_id, account_id, account_note_id, change, note_after)
SELECT company_id, account_id, id, 'recorded', CASE WHEN NOT removed THEN note END
FROM account_notes ORDER BY id;
