-- The Note and NoteMessage JSON now live in the statements themselves
-- (sql/statements.cpp): as SQL functions holding sub-selects they could not
-- be inlined and cost six times as much. The inlinable helpers (notes_iso,
-- notes_user_json, notes_assignee_json, notes_customer_json, ...) stay.
DROP FUNCTION notes_note_json(notes);
DROP FUNCTION notes_message_json(note_messages);
