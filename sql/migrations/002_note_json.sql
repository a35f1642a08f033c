-- The JSON shapes of customer notes (docs/api.md, "The Note"), built where the data is:
-- one statement answers a whole Note with its customer, author, assignees
-- and messages, with no query per assignee or message.

-- ISO 8601 in UTC with milliseconds and Z: 2024-10-06T20:25:26.131Z
CREATE FUNCTION notes_iso(t timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
$$;

-- A phone as {country_code, number, full}; null when there is no number.
CREATE FUNCTION notes_phone_json(country_code text, number text) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN number IS NULL THEN NULL ELSE json_build_object(
    'country_code', country_code,
    'number', number,
    'full', CASE WHEN country_code IS NULL THEN number ELSE '+' || country_code || number END) END
$$;

-- The seed's User object.
CREATE FUNCTION notes_user_json(u users) RETURNS json
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT json_build_object(
    'id', u.id,
    'status', u.status,
    'first_name', u.first_name,
    'last_name', u.last_name,
    'full_name', nullif(concat_ws(' ', u.first_name, u.last_name), ''),
    'email', u.email,
    'username', u.username,
    'profile_photo', u.profile_photo,
    'employee_id', u.employee_id,
    'mobile_number', u.mobile_number,
    'business_location_id', u.business_location_id,
    'enable2_fa', u.enable2_fa,
    'modified_on', notes_iso(u.modified_on),
    'created_by', u.created_by,
    'role', u.role)
$$;

-- The seed's NoteAssignee: the user and when they were assigned.
CREATE FUNCTION notes_assignee_json(u users, assigned_on timestamptz) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT notes_user_json(u)::jsonb || jsonb_build_object('created_on', notes_iso(assigned_on))
$$;

-- The seed's CustomerSummary.
CREATE FUNCTION notes_customer_json(c customers) RETURNS json
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT json_build_object(
    'id', c.id,
    'company_name', c.company_name,
    'company_title', c.company_title,
    'first_name', c.first_name,
    'middle_name', c.middle_name,
    'last_name', c.last_name,
    'full_name', nullif(concat_ws(' ', c.first_name, c.middle_name, c.last_name), ''),
    'locale', c.locale,
    'is_member', c.is_member,
    'was_member', c.was_member,
    'has_applied', c.has_applied,
    'flag', c.flag,
    'email', c.email,
    'mobile', notes_phone_json(c.mobile_country_code, c.mobile_number),
    'phone', notes_phone_json(c.phone_country_code, c.phone_number),
    'profile_photo', c.profile_photo,
    'vip', c.vip,
    'home_house_id', c.home_house_id,
    'birthdate', to_char(c.birthdate, 'YYYY-MM-DD'),
    'anniversary_date', to_char(c.anniversary_date, 'YYYY-MM-DD'),
    'created_on', notes_iso(c.created_on))
$$;

-- The seed's NoteMessage. The attachment is not inlined (it may be 5 MiB):
-- `attachment` is the path that downloads it, or null.
CREATE FUNCTION notes_message_json(m note_messages) RETURNS json
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT json_build_object(
    'id', m.id,
    'message', m.message,
    'attachment', CASE WHEN m.attachment IS NULL THEN NULL
                       ELSE '/api/customers/notes/' || m.note_id || '/messages/' || m.id || '/attachment' END,
    'posted_by', (SELECT notes_user_json(u) FROM users u WHERE u.id = m.posted_by),
    'created_on', notes_iso(m.created_on))
$$;

-- The seed's Note, whole: assignees in the order they were added, messages
-- oldest first.
CREATE FUNCTION notes_note_json(n notes) RETURNS json
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT json_build_object(
    'id', n.id,
    'reference_type', n.reference_type,
    'reference_id', n.reference_id,
    'type', n.type,
    'details', n.details,
    'created_on', notes_iso(n.created_on),
    'status', n.status,
    'reminder', notes_iso(n.reminder),
    'user_id', n.user_id,
    'company_id', n.company_id,
    'customer_id', n.customer_id,
    'confidential', n.confidential,
    'priority', n.priority,
    'tags', n.tags,
    'subject', n.subject,
    'customer', (SELECT notes_customer_json(c) FROM customers c WHERE c.id = n.customer_id),
    'user', (SELECT notes_user_json(u) FROM users u WHERE u.id = n.user_id),
    'assignees', coalesce((
      SELECT json_agg(notes_assignee_json(u, a.created_on) ORDER BY a.created_on, a.user_id)
      FROM note_assignees a JOIN users u ON u.id = a.user_id
      WHERE a.note_id = n.id), '[]'),
    'messages', coalesce((
      SELECT json_agg(notes_message_json(m) ORDER BY m.created_on, m.id)
      FROM note_messages m WHERE m.note_id = n.id), '[]'))
$$;

-- Whether a caller may see a note: confidential notes only to their author,
-- their assignees and owners.
CREATE FUNCTION notes_visible(n notes, caller_id bigint, caller_role text) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT NOT n.confidential OR caller_role = 'owner' OR n.user_id = caller_id
      OR EXISTS (SELECT 1 FROM note_assignees a WHERE a.note_id = n.id AND a.user_id = caller_id)
$$;

-- The list index: its order is the list's order, and with the columns that
-- visibility and the common filters read riding along, count and offset
-- come from the index alone.
DROP INDEX notes_customer_newest;
CREATE INDEX notes_customer_newest ON notes (customer_id, created_on DESC, id DESC)
  INCLUDE (confidential, user_id, status, priority);
