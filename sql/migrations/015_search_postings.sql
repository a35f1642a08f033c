-- A search for one word, ranked, read from one ordered index instead of
-- from every matching note (docs/performance.md, "Search postings"): for
-- each word of each note's search vector, the rank ts_rank gives that note
-- for a query of that word alone, with what the visibility rule reads of
-- the note. A word's postings lie together in rank order, so the page, the
-- exact count and the confidentiality rule read a few index pages where
-- the notes table would give one heap page per match. Kept by the triggers
-- below in the transaction that writes the note, so a search never sees a
-- note as it no longer is (a note made confidential is hidden at once).
CREATE TABLE note_search_postings (
    company_id   bigint  NOT NULL,
    word         text    NOT NULL,
    rank         real    NOT NULL,
    note_id      bigint  NOT NULL,
    confidential boolean NOT NULL,
    user_id      bigint  NOT NULL
);
-- No primary key: it would be a second index to write for every word.
-- Logical replication identifies a posting by all its columns instead
-- (which costs WAL only when wal_level is logical).
ALTER TABLE note_search_postings REPLICA IDENTITY FULL;

-- The tsquery of the one lexeme `word`, quoted as tsquery's input wants
-- (backslashes and quotes doubled), so that no character of a lexeme is
-- read as an operator.
CREATE FUNCTION notes_word_query(word text) RETURNS tsquery
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ('''' || replace(replace(word, '\', '\\'), '''', '''''') || '''')::tsquery $$;

-- What a search for `word` alone ranks a note whose vector is `search`:
-- exactly the ts_rank the search would compute, stored so that it need not.
CREATE FUNCTION notes_word_rank(search tsvector, word text) RETURNS real
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT ts_rank(search, notes_word_query(word)) $$;

-- The lexeme of a one-operand tsquery, its quoting undone (a tsquery's
-- text is the lexeme in quotes, quotes and backslashes doubled).
CREATE FUNCTION notes_query_lexeme(query tsquery) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT replace(replace(substr(query::text, 2, length(query::text) - 2), '''''', ''''), '\\', '\') $$;

-- The word a parsed search is, when it is one word and nothing else (no
-- operator, weight or prefix): exactly the query notes_word_query(word)
-- gives, whose rank the postings hold. NULL otherwise; such a search reads
-- the notes (sql/work_queue.cpp).
CREATE FUNCTION notes_single_word(query tsquery) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN numnode(query) = 1 AND notes_word_query(notes_query_lexeme(query)) = query
              THEN notes_query_lexeme(query) END $$;

-- Keeps a note's postings, for the triggers below. A changed
-- confidentiality or author changes every posting of the note; so do an
-- insert and a delete, where OLD (or NEW) is NULL, its vector empty and
-- its columns distinct from the other side's. A changed vector changes
-- the postings of the words whose weights changed (a message's words; an
-- edited subject or details): a word's rank depends on its weights in the
-- order of its positions and on nothing else, so words that only moved
-- keep their postings.
--
-- Each word is ranked on its own. A vector as the row stores it may be
-- compressed, or out of line (a note with many messages); passed on like
-- that, every ts_rank would fetch and decompress all of it again, which
-- for a vector of 50,000 words took longer than the statement timeout.
-- Concatenated, it is rebuilt once, in memory, as it is.
CREATE FUNCTION note_search_postings_keep() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  old_search tsvector := coalesce(OLD.search, '') || ''::tsvector;
  new_search tsvector := coalesce(NEW.search, '') || ''::tsvector;
  every_posting boolean := OLD.confidential IS DISTINCT FROM NEW.confidential
                           OR OLD.user_id IS DISTINCT FROM NEW.user_id OR OLD.company_id IS DISTINCT FROM NEW.company_id;
BEGIN
  IF TG_OP <> 'INSERT' THEN
    -- A posting is found by its whole key (a word's postings can number
    -- tens of thousands): the rank is a function of the vector and the word.
    DELETE FROM note_search_postings p
     USING (SELECT lexeme, weights FROM unnest(old_search)
            EXCEPT SELECT lexeme, weights FROM unnest(new_search) WHERE NOT every_posting) gone
     WHERE p.company_id = OLD.company_id AND p.word = gone.lexeme
       AND p.rank = notes_word_rank(old_search, gone.lexeme) AND p.note_id = OLD.id;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO note_search_postings (company_id, word, rank, note_id, confidential, user_id)
      SELECT NEW.company_id, came.lexeme, notes_word_rank(new_search, came.lexeme), NEW.id, NEW.confidential,
             NEW.user_id
        FROM (SELECT lexeme, weights FROM unnest(new_search)
              EXCEPT SELECT lexeme, weights FROM unnest(old_search) WHERE NOT every_posting) came;
  END IF;
  RETURN NULL;
END $$;

INSERT INTO note_search_postings (company_id, word, rank, note_id, confidential, user_id)
  SELECT n.company_id, w.lexeme, notes_word_rank(n.search, w.lexeme), n.id, n.confidential, n.user_id
    FROM notes n, unnest(n.search) w;

-- A word's postings in the order a ranked page reads them, with what the
-- visibility rule needs, so that the page and the count read no table.
CREATE INDEX note_search_postings_ranked ON note_search_postings (company_id, word, rank DESC, note_id DESC)
    INCLUDE (confidential, user_id);

-- A page reads postings without the table only where the visibility map
-- says a page's rows are visible to all, which vacuum sets. With the
-- defaults a table of millions of postings waits for a fifth of its size
-- in new or changed rows; this keeps the map close behind the writes.
ALTER TABLE note_search_postings SET (autovacuum_vacuum_insert_scale_factor = 0.01,
                                      autovacuum_vacuum_scale_factor = 0.05);

CREATE TRIGGER note_search_postings_insert_or_delete AFTER INSERT OR DELETE ON notes
    FOR EACH ROW EXECUTE FUNCTION note_search_postings_keep();
CREATE TRIGGER note_search_postings_update AFTER UPDATE ON notes
    FOR EACH ROW
    WHEN (OLD.search IS DISTINCT FROM NEW.search OR OLD.confidential IS DISTINCT FROM NEW.confidential
          OR OLD.user_id IS DISTINCT FROM NEW.user_id OR OLD.company_id IS DISTINCT FROM NEW.company_id)
    EXECUTE FUNCTION note_search_postings_keep();
