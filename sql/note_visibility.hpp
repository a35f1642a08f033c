#pragma once
// The customer notes' visibility rule (docs/api.md, "Who may"), as SQL
// text for the statements of sql/statements.cpp and sql/work_queue.cpp.

// Whether caller `caller` with role `role` may see note `n`: confidential
// notes only to their author, their assignees and owners. Spelled out, not
// called (notes_visible): PostgreSQL cannot inline a function holding a
// sub-select, and a SQL function it does not inline is parsed and started
// afresh in every statement that calls it.
#define NOTES_VISIBLE(n, caller, role) NOTES_VISIBLE_BY(n ".id", n, caller, role)

// The same rule where the note's id is the expression `id` and its
// confidentiality and author are columns of `n` (a search posting,
// migration 015).
#define NOTES_VISIBLE_BY(id, n, caller, role) \
  "(NOT " n ".confidential OR " NOTES_MAY_SEE_CONFIDENTIAL_BY(id, n, caller, role) ")"

// Whether the caller could see note `n` were it confidential (now): its
// owners, its author and its assignees. What was written while a note was
// confidential stays theirs after it is made public (history, restore).
#define NOTES_MAY_SEE_CONFIDENTIAL(n, caller, role) NOTES_MAY_SEE_CONFIDENTIAL_BY(n ".id", n, caller, role)
#define NOTES_MAY_SEE_CONFIDENTIAL_BY(id, n, caller, role)                               \
  "(" role "::text = 'owner' OR " n ".user_id = " caller "::bigint"                      \
  " OR EXISTS (SELECT 1 FROM note_assignees va WHERE va.note_id = " id                   \
  "            AND va.user_id = " caller "::bigint))"

// Whether history entry `h` was written while its note was confidential:
// before the change (its `before` says so when it made the note public)
// or after it (the newest `confidential` any entry up to it set).
#define NOTES_HISTORY_CONFIDENTIAL_THEN(h)                                                         \
  "(coalesce((" h ".before ->> 'confidential')::boolean, false)"                                  \
  " OR coalesce((SELECT (p.after ->> 'confidential')::boolean FROM note_history p"                \
  "              WHERE p.note_id = " h ".note_id AND p.id <= " h ".id AND p.after ? 'confidential'" \
  "              ORDER BY p.id DESC LIMIT 1), false))"
