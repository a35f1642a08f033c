-- notes_search_rebuild (007) parsed all of a note's messages as one text.
-- Posting a message adds its words only while the note's vector stays
-- under 512 KiB (notes_search_add_message), because PostgreSQL refuses a
-- vector over 1 MB; the rebuild did not, so one note of many long
-- messages made every rebuild, and so `notesctl search-language --set`,
-- fail. It now adds each message's words in order as posting does.
-- STABLE, as pg_column_size is.
CREATE FUNCTION notes_words_bounded(words tsvector, more tsvector) RETURNS tsvector
  LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN pg_column_size(words) + pg_column_size(more) < 512 * 1024 THEN words || more ELSE words END $$;

CREATE AGGREGATE notes_messages_words(tsvector) (SFUNC = notes_words_bounded, STYPE = tsvector, INITCOND = '');

CREATE OR REPLACE FUNCTION notes_search_rebuild() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  rebuilt bigint;
BEGIN
  -- Both columns from one reading of the messages (a note without any
  -- gets the empty vector).
  UPDATE notes n SET (messages_search, search) = (
    SELECT words, notes_search_of(n.subject, n.details, words)
      FROM (SELECT coalesce((SELECT notes_messages_words(notes_message_words(m.message) ORDER BY m.id)
                               FROM note_messages m WHERE m.note_id = n.id), '') AS words) w);
  GET DIAGNOSTICS rebuilt = ROW_COUNT;
  RETURN rebuilt;
END $$;
