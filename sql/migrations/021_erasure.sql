-- Erasure on request (docs/erasure.md): everything held about one customer
-- can be found and removed, their deleted notes' history included.

-- History learns whose notes it records. A note's customer never changes,
-- but once the note is deleted its row is gone and nothing else says whose
-- it was. NULL in what was written before this migration: a live note's
-- customer is in notes still, a note deleted before has none. (No rewrite
-- of the rows already there: adding a column without a default changes no
-- row, so this migration takes no time whatever history's size.)
ALTER TABLE note_history ADD COLUMN customer_id bigint;

-- The three history triggers of 008, each writing the customer too.
CREATE OR REPLACE FUNCTION notes_history_of_note() RETURNS trigger LANGUAGE plpgsql AS $$
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
  INSERT INTO note_history (company_id, note_id, customer_id, revision, change, actor_user_id,
                            actor_credential, request_id, before, after, restored_from)
  VALUES (note.company_id, note.id, note.customer_id, note.revision, change, notes_actor_user_id(),
          notes_actor_credential(), notes_request_id(), before, after,
          CASE WHEN change = 'restored' THEN restoring::bigint END);
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION notes_history_of_assignee() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  revision bigint;
  customer bigint;
  assignee note_assignees;
BEGIN
  IF TG_OP = 'INSERT' THEN
    assignee := NEW;
  ELSE
    assignee := OLD;
  END IF;
  SELECT n.revision, n.customer_id INTO revision, customer FROM notes n WHERE n.id = assignee.note_id;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  INSERT INTO note_history (company_id, note_id, customer_id, revision, change, actor_user_id,
                            actor_credential, request_id, before, after)
  VALUES (assignee.company_id, assignee.note_id, customer, revision,
          CASE WHEN TG_OP = 'INSERT' THEN 'assignee_added' ELSE 'assignee_removed' END,
          notes_actor_user_id(), notes_actor_credential(), notes_request_id(),
          CASE WHEN TG_OP = 'DELETE' THEN jsonb_build_object('user_id', OLD.user_id) END,
          CASE WHEN TG_OP = 'INSERT' THEN jsonb_build_object('user_id', NEW.user_id) END);
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION notes_history_of_message() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO note_history (company_id, note_id, customer_id, revision, change, actor_user_id,
                            actor_credential, request_id, after)
  SELECT NEW.company_id, NEW.note_id, n.customer_id, n.revision, 'message_posted', notes_actor_user_id(),
         notes_actor_credential(), notes_request_id(),
         jsonb_build_object('id', NEW.id, 'message', NEW.message, 'has_attachment', NEW.attachment IS NOT NULL)
  FROM notes n WHERE n.id = NEW.note_id;
  RETURN NULL;
END $$;

-- History and read records stay append-only, with one exception: the
-- schema's owner, in a transaction that says it is erasing (notesctl
-- customer erase, admin/customer_erase.cpp), may delete rows. UPDATE and
-- TRUNCATE stay refused to everyone; the service's role holds no DELETE
-- right on these tables at all (020).
CREATE OR REPLACE FUNCTION notes_history_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('notes.erasing', true) = 'on'
     AND (SELECT c.relowner FROM pg_class c WHERE c.oid = TG_RELID) = (SELECT r.oid FROM pg_roles r WHERE r.rolname = current_user) THEN
    RETURN NULL;
  END IF;
  RAISE EXCEPTION 'history is append-only: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$;
