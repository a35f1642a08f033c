-- The change feeds (docs/api.md, "Change feed"): history read in the order
-- of the transactions that wrote it, by company, up to the oldest
-- transaction still running, so that a change committed late is never
-- skipped and none is delivered twice.
CREATE INDEX note_history_feed ON note_history (company_id, written_by_xact, id);

-- Account note history learns its transaction too. What it held before
-- reads as transaction 0, in the order it was written: a default that is a
-- constant rewrites nothing, and history is never updated (008).
ALTER TABLE account_note_history ADD COLUMN written_by_xact xid8 NOT NULL DEFAULT '0';
ALTER TABLE account_note_history ALTER COLUMN written_by_xact SET DEFAULT pg_current_xact_id();
CREATE INDEX account_note_history_feed ON account_note_history (company_id, written_by_xact, id);

-- A feed reader that long-polls listens on "notes_changes"; a change
-- announces its company there as it commits. NOTIFY makes every committing
-- transaction take one lock in turn, so the service announces only while a
-- reader waits: it sets notes.announce to 'off' otherwise
-- (Connection::announce_changes_while). Changes made outside the service
-- are always announced.
CREATE FUNCTION notes_announce_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('notes_changes', NEW.company_id::text);
  RETURN NULL;
END $$;

CREATE TRIGGER note_history_announce AFTER INSERT ON note_history
    FOR EACH ROW WHEN (current_setting('notes.announce', true) IS DISTINCT FROM 'off')
    EXECUTE FUNCTION notes_announce_change();
CREATE TRIGGER account_note_history_announce AFTER INSERT ON account_note_history
    FOR EACH ROW WHEN (current_setting('notes.announce', true) IS DISTINCT FROM 'off')
    EXECUTE FUNCTION notes_announce_change();
