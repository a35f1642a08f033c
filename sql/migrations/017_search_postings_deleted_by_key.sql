-- note_search_postings_keep (015) deleted a note's gone postings with one
-- join of the gone words against the postings. How the planner ran that
-- join followed its statistics: once they knew many companies with few
-- postings each, it scanned all of the note's postings and, for each one,
-- every gone word. A long message then took seconds to post, and a note of
-- 10,000 words could not be made confidential or deleted within the
-- statement timeout (tests/pg/search_index_test.cpp).
--
-- Each gone posting is now deleted by itself, found by the whole key of
-- note_search_postings_ranked, a plan that statistics cannot change. The
-- new postings stay one INSERT: it joins nothing.
CREATE OR REPLACE FUNCTION note_search_postings_keep() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  old_search tsvector := coalesce(OLD.search, '') || ''::tsvector;
  new_search tsvector := coalesce(NEW.search, '') || ''::tsvector;
  every_posting boolean := OLD.confidential IS DISTINCT FROM NEW.confidential
                           OR OLD.user_id IS DISTINCT FROM NEW.user_id OR OLD.company_id IS DISTINCT FROM NEW.company_id;
  gone_word text;
BEGIN
  IF TG_OP <> 'INSERT' THEN
    FOR gone_word IN SELECT gone.lexeme
                       FROM (SELECT lexeme, weights FROM unnest(old_search)
                             EXCEPT SELECT lexeme, weights FROM unnest(new_search) WHERE NOT every_posting) gone
    LOOP
      DELETE FROM note_search_postings
       WHERE company_id = OLD.company_id AND word = gone_word
         AND rank = notes_word_rank(old_search, gone_word) AND note_id = OLD.id;
    END LOOP;
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
