-- The company-wide work queue (docs/api.md, "The work queue"): full-text
-- search over a note's subject, details and messages, and the indexes that
-- let a company's queue be paged like one customer's list.

-- The text-search configuration every note is indexed with, and every
-- search parses its words with: 'english' until `notesctl search-language
-- --set` redefines this function (notes_set_search_language below). A
-- constant, so that the planner folds it into each statement: looked up
-- from a table instead, it ran once per candidate note, 60 ms for a search
-- matching 1,000 notes.
CREATE FUNCTION notes_search_language() RETURNS regconfig
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 'english'::regconfig $$;

ALTER TABLE notes
    -- The words of the note's messages, weight C, added as each is posted
    -- (a posted message is never edited or removed on its own).
    ADD COLUMN messages_search tsvector NOT NULL DEFAULT '',
    -- What `q` searches: subject (weight A), details (B) and messages (C).
    ADD COLUMN search tsvector NOT NULL DEFAULT '';

-- How a note's text is indexed, in one place for the triggers and the
-- rebuild below: a message's words (weight C), and what `q` searches, the
-- subject (A) and details (B) with the messages' words.
CREATE FUNCTION notes_message_words(message text) RETURNS tsvector
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT setweight(to_tsvector(notes_search_language(), message), 'C') $$;

CREATE FUNCTION notes_search_of(subject text, details text, messages_search tsvector) RETURNS tsvector
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT setweight(to_tsvector(notes_search_language(), coalesce(subject, '')), 'A')
      || setweight(to_tsvector(notes_search_language(), coalesce(details, '')), 'B')
      || messages_search $$;

CREATE FUNCTION notes_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search := notes_search_of(NEW.subject, NEW.details, NEW.messages_search);
  RETURN NEW;
END $$;

CREATE TRIGGER notes_search_insert BEFORE INSERT ON notes
    FOR EACH ROW EXECUTE FUNCTION notes_search_vector();
-- Every PATCH names every column (handlers set unchanged ones to
-- themselves), so the WHEN, not UPDATE OF, decides whether to re-parse.
CREATE TRIGGER notes_search_update BEFORE UPDATE ON notes
    FOR EACH ROW
    WHEN (OLD.subject IS DISTINCT FROM NEW.subject OR OLD.details IS DISTINCT FROM NEW.details
          OR OLD.messages_search IS DISTINCT FROM NEW.messages_search)
    EXECUTE FUNCTION notes_search_vector();

-- A posted message's words join its note's vector. A tsvector holds at most
-- 1 MB; a note whose vector would pass 512 KiB takes no more words, so that
-- a stream of messages of made-up words cannot make posting fail
-- (docs/api.md, "The work queue").
CREATE FUNCTION notes_search_add_message() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  words tsvector := notes_message_words(NEW.message);
BEGIN
  UPDATE notes SET messages_search = messages_search || words
   WHERE id = NEW.note_id AND pg_column_size(messages_search) + pg_column_size(words) < 512 * 1024;
  RETURN NULL;
END $$;

CREATE TRIGGER note_messages_search AFTER INSERT ON note_messages
    FOR EACH ROW EXECUTE FUNCTION notes_search_add_message();

-- Every note's vectors made anew from its text, in the language of
-- notes_search_language(): for the notes written before this migration, and after
-- `notesctl search-language --set` changed the language.
CREATE FUNCTION notes_search_rebuild() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  rebuilt bigint;
BEGIN
  -- Both columns from one reading of the messages (a note without any
  -- gets the empty vector).
  UPDATE notes n SET (messages_search, search) = (
    SELECT words, notes_search_of(n.subject, n.details, words)
      FROM (SELECT coalesce((SELECT notes_message_words(string_agg(m.message, ' ' ORDER BY m.id))
                               FROM note_messages m WHERE m.note_id = n.id), '') AS words) w);
  GET DIAGNOSTICS rebuilt = ROW_COUNT;
  RETURN rebuilt;
END $$;

SELECT notes_search_rebuild();

CREATE INDEX notes_search ON notes USING gin (search);

-- The queue of a company, newest first (and oldest first, read backwards),
-- with what visibility tests riding along.
CREATE INDEX notes_company_newest ON notes (company_id, created_on DESC, id DESC) INCLUDE (confidential, user_id);

-- What falls due, soonest first; notes without a reminder after them
-- (sort=reminder's order, sql/work_queue.cpp).
CREATE INDEX notes_company_reminder ON notes (company_id, coalesce(reminder, 'infinity'::timestamptz), id);

-- assignee=me, newest first: a user's assignments in the order of their
-- notes' creation, so that a page reads 26 assignments and 26 notes
-- instead of every note the user was ever given. A note's created_on never
-- changes, so it is copied once, as the assignment is made.
ALTER TABLE note_assignees ADD COLUMN note_created_on timestamptz;
UPDATE note_assignees a SET note_created_on = n.created_on FROM notes n WHERE n.id = a.note_id;

CREATE FUNCTION note_assignees_note_created_on() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT created_on INTO NEW.note_created_on FROM notes WHERE id = NEW.note_id;
  RETURN NEW;
END $$;

CREATE TRIGGER note_assignees_note_created_on BEFORE INSERT ON note_assignees
    FOR EACH ROW EXECUTE FUNCTION note_assignees_note_created_on();

CREATE INDEX note_assignees_user_newest ON note_assignees (user_id, note_created_on DESC, note_id DESC);

-- A new search language: the function above redefined (which also
-- invalidates every plan that folded the old one) and every note
-- re-indexed, in the caller's transaction, since a note indexed in one
-- language does not match words parsed in another. Answers how many notes
-- were re-indexed.
CREATE FUNCTION notes_set_search_language(language text) RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = language) THEN
    RAISE EXCEPTION 'PostgreSQL has no text search configuration named %', quote_literal(language)
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  EXECUTE format('CREATE OR REPLACE FUNCTION notes_search_language() RETURNS regconfig'
                 ' LANGUAGE sql IMMUTABLE PARALLEL SAFE AS %L',
                 format('SELECT %L::regconfig', language));
  RETURN notes_search_rebuild();
END $$;
