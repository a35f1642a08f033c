-- The running service holds only the rights it uses (docs/reliability.md,
-- "Roles"). The schema belongs to notes_owner, the role migrations run as;
-- notes, the role notesd, its delivery process and notesctl log in as, owns
-- nothing, so it cannot alter a table, disable a trigger or drop anything.
-- Every later migration that adds a table grants notes what it needs
-- (tests/pg/migrations_test.cpp checks each table).

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relowner <> current_user::regrole)
     OR EXISTS (SELECT 1 FROM pg_proc WHERE pronamespace = 'public'::regnamespace
                AND proowner <> current_user::regrole) THEN
    RAISE EXCEPTION 'the schema''s objects must belong to %, the role migrations run as', current_user
      USING HINT = 'As the database''s superuser: REASSIGN OWNED BY notes TO notes_owner (README, "Roles")';
  END IF;
END $$;

-- Whatever the role had before (as the old owner, or from an upgrade's
-- interim grants), it now has exactly this.
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM notes;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM notes;

GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO notes;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO notes;

-- Records nobody changes once written: the history, the read records, and
-- which migrations ran (the service only reads that one).
REVOKE UPDATE, DELETE ON note_history, account_note_history, note_reads FROM notes;
REVOKE INSERT, UPDATE, DELETE ON schema_migrations FROM notes;

-- Choosing the search language redefines notes_search_language(): a change
-- of the schema, for its owner (notesctl search-language --set).
REVOKE EXECUTE ON FUNCTION notes_set_search_language(text) FROM PUBLIC;
