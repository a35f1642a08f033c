-- notes_api_instant (008) was declared IMMUTABLE over to_char, which is
-- STABLE, so PostgreSQL never inlined it: called from the history trigger
-- it was parsed and planned again in every transaction, about 50 us of
-- each POST note (docs/performance.md, "The per-transaction cost, found").
-- STABLE is what it is; declared so, it inlines into its callers.
CREATE OR REPLACE FUNCTION notes_api_instant(at timestamptz) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$;
