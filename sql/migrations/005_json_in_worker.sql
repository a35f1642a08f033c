-- The worker now writes the customer-note JSON itself from flat rows
-- (handlers/note_json.cpp, sql/note_columns.hpp), and the statements spell
-- visibility out, so these helpers have no caller left. Each SQL function
-- PostgreSQL did not inline was parsed again in every statement calling it.
DROP FUNCTION notes_assignee_json(users, timestamptz);
DROP FUNCTION notes_customer_json(customers);
DROP FUNCTION notes_user_json(users);
DROP FUNCTION notes_phone_json(text, text);
DROP FUNCTION notes_iso(timestamptz);
DROP FUNCTION notes_visible(notes, bigint, text);
