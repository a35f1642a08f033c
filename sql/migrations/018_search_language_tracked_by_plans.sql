-- notes_search_language() (007) was IMMUTABLE, so the planner ran it once
-- and put its answer into each plan as a constant, but recorded nothing of
-- where the constant came from. Redefining the function (`notesctl
-- search-language --set`) therefore left every session that had already
-- planned with it on the old language: a running service went on indexing
-- new notes, in its triggers, in the language of before, until its workers
-- reconnected (tests/e2e/operations_test.cpp).
--
-- STABLE, a function whose body is a constant is inlined instead of run,
-- which gives the same constant in the plan and records that the plan
-- depends on the function: redefining it makes every session plan anew.
-- The two functions that call it must be STABLE too, or they could no
-- longer be inlined themselves.
ALTER FUNCTION notes_search_language() STABLE;
ALTER FUNCTION notes_message_words(text) STABLE;
ALTER FUNCTION notes_search_of(text, text, tsvector) STABLE;

CREATE OR REPLACE FUNCTION notes_set_search_language(language text) RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = language) THEN
    RAISE EXCEPTION 'PostgreSQL has no text search configuration named %', quote_literal(language)
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  EXECUTE format('CREATE OR REPLACE FUNCTION notes_search_language() RETURNS regconfig'
                 ' LANGUAGE sql STABLE PARALLEL SAFE AS %L',
                 format('SELECT %L::regconfig', language));
  RETURN notes_search_rebuild();
END $$;
