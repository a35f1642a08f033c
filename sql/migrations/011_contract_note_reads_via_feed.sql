-- A feed page carries notes' content (docs/api.md, "Change feed"), so its
-- reads of confidential notes are recorded as 'feed'. Named a contract
-- migration because it drops a constraint, but it only widens one: no
-- binary before it writes a value the new constraint refuses.
ALTER TABLE note_reads DROP CONSTRAINT note_reads_via_check;
ALTER TABLE note_reads ADD CONSTRAINT note_reads_via_check
    CHECK (via IN ('note', 'list', 'queue', 'search', 'messages', 'attachment', 'history', 'write', 'feed'));
