-- Reads of confidential notes (docs/api.md, "Who read a confidential
-- note"): every answer that carries a confidential note's content to
-- someone other than its author is recorded before it leaves. Append-only,
-- like history.
CREATE TABLE note_reads (
    id          bigserial PRIMARY KEY,
    company_id  bigint NOT NULL REFERENCES companies (id),
    -- No foreign key: the record outlives the note.
    note_id     bigint NOT NULL,
    read_at     timestamptz NOT NULL DEFAULT now(),
    user_id     bigint NOT NULL,
    credential  text,
    request_id  text,
    -- What carried the content: the note itself, a list or queue entry, a
    -- search hit, its messages, an attachment, its history, or the answer
    -- of a write.
    via         text NOT NULL CHECK (via IN ('note', 'list', 'queue', 'search', 'messages', 'attachment',
                                            'history', 'write'))
);
CREATE INDEX note_reads_note ON note_reads (note_id, id DESC);

CREATE TRIGGER note_reads_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON note_reads
    FOR EACH STATEMENT EXECUTE FUNCTION notes_history_is_append_only();
