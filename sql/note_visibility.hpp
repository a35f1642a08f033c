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
#define NOTES_VISIBLE_BY(id, n, caller, role)                                                  \
  "(NOT " n ".confidential OR " role "::text = 'owner' OR " n ".user_id = " caller "::bigint"  \
  " OR EXISTS (SELECT 1 FROM note_assignees va WHERE va.note_id = " id                         \
  "            AND va.user_id = " caller "::bigint))"
