// A session run by a client generated from the OpenAPI document at test
// time (openapi-typescript for the types, openapi-fetch for the calls), as a
// new user of the service would write it: no cast, no `any`, no non-null
// assertion (client_session_check.mjs refuses them), so every field used
// here is typed by the document alone.
//
//   node client_session.js   (with NOTES_URL, NOTES_KEY, NOTES_CUSTOMER_ID,
//                             NOTES_STAFF_ID and NOTES_ACCOUNT_ID set)
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/notes.js";

type Note = components["schemas"]["Note"];
type Paging = components["schemas"]["Paging"];

const setting = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === "") throw new Error(`${name} is not set`);
  return value;
};
const client = createClient<paths>({ baseUrl: setting("NOTES_URL"), headers: { Authorization: setting("NOTES_KEY") } });
const customerId = Number(setting("NOTES_CUSTOMER_ID"));
const staffId = Number(setting("NOTES_STAFF_ID"));
const accountId = setting("NOTES_ACCOUNT_ID");

const failures: string[] = [];
const expect = (holds: boolean, what: string): void => {
  if (!holds) failures.push(what);
  console.log(`${holds ? "ok  " : "FAIL"} ${what}`);
};
function present<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`${what}: missing`);
  return value;
}

// Create: the whole Note back, with its ETag.
const created = await client.POST("/api/customers/{customer_id}/notes", {
  params: { path: { customer_id: customerId } },
  body: { subject: "Locker 12 key", details: "Lost twice", tags: ["keys"], priority: true },
});
expect(created.response.status === 201, "create answers 201");
const note: Note = present(created.data, "the created note");
expect(note.subject === "Locker 12 key" && note.customer_id === customerId, "the created note holds what was sent");
const firstEtag = present(created.response.headers.get("ETag"), "the create's ETag");

// Assign a staff user.
const assigned = await client.POST("/api/customers/notes/{note_id}/assignees", {
  params: { path: { note_id: note.id } },
  body: { assignees: [staffId] },
});
expect(assigned.data?.assignees.some((assignee) => assignee.id === staffId) === true, "the staff user is assigned");

// A message with an attachment, and the attachment's bytes back.
const bytes = Buffer.from("the key's photo");
const posted = await client.POST("/api/customers/notes/{note_id}/messages", {
  params: { path: { note_id: note.id }, header: { "Idempotency-Key": `session-${note.id}` } },
  body: { message: "Found it in the sauna", attachment: bytes.toString("base64") },
});
expect(posted.response.status === 201, "the message is posted");
const message = present(posted.data, "the posted message");
expect(message.attachment !== null, "the message has an attachment");
const attachment = await client.GET("/api/customers/notes/{note_id}/messages/{message_id}/attachment", {
  params: { path: { note_id: note.id, message_id: message.id } },
  parseAs: "arrayBuffer",
});
expect(attachment.data !== undefined && Buffer.from(attachment.data).equals(bytes), "the attachment comes back byte for byte");

// If-Match: the first ETag is stale now (assignee and message changed the note).
const stale = await client.PATCH("/api/customers/notes/{note_id}", {
  params: { path: { note_id: note.id }, header: { "If-Match": firstEtag } },
  body: { status: "closed" },
});
expect(stale.response.status === 412 && stale.error?.error !== undefined, "a stale If-Match is 412 in the family's envelope");
const current = await client.GET("/api/customers/notes/{note_id}", { params: { path: { note_id: note.id } } });
const currentEtag = present(current.response.headers.get("ETag"), "the current ETag");
const closed = await client.PATCH("/api/customers/notes/{note_id}", {
  params: { path: { note_id: note.id }, header: { "If-Match": currentEtag } },
  body: { status: "closed" },
});
expect(closed.data?.status === "closed", "the current If-Match changes the note");

// Paging: two more notes, read two at a time through the Pagination header.
for (const subject of ["second", "third"]) {
  await client.POST("/api/customers/{customer_id}/notes", { params: { path: { customer_id: customerId } }, body: { subject } });
}
const subjects: string[] = [];
for (let page = 1; ; ++page) {
  const listed = await client.GET("/api/customers/{customer_id}/notes", {
    params: { path: { customer_id: customerId }, query: { page_number: page, page_size: 2 } },
  });
  const paging: Paging = JSON.parse(present(listed.response.headers.get("Pagination"), "the Pagination header"));
  for (const listedNote of listed.data ?? []) subjects.push(listedNote.subject ?? "");
  if (!paging.has_next_page) {
    expect(paging.total_count === 3 && paging.total_pages === 2, "Pagination counts 3 notes on 2 pages");
    break;
  }
}
expect(subjects.join(",") === "third,second,Locker 12 key", "the pages hold every note once, newest first");

// History: the change to closed, with before and after typed.
const history = await client.GET("/api/customers/notes/{note_id}/history", { params: { path: { note_id: note.id } } });
const newest = history.data?.[0];
expect(newest?.change === "updated" && newest.after?.status === "closed" && newest.before?.status === "open",
  "history records the change with before and after");

// The change feed, walked to its end, then resumed from `next`.
let since: string | undefined;
const seen = new Set<number>();
for (;;) {
  const feed = await client.GET("/api/customers/notes/changes", { params: { query: since ? { since, limit: 1000 } : { limit: 1000 } } });
  const changes = present(feed.data, "a feed page");
  for (const change of changes.changes) seen.add(change.note_id);
  if (changes.changes.length === 0) break;
  since = changes.next;
}
expect(seen.has(note.id), "the feed names the note");

// The account note: its id a string, intact above 2^53.
const account = { params: { path: { account_id: accountId } } };
const made = await client.POST("/api/v2/account/{account_id}/note", { ...account, body: { note: "gate code 4711", account_id: accountId } });
expect(made.data?.result === "success", "the account note is created");
const read = await client.GET("/api/v2/account/{account_id}/note", account);
expect(read.data?.note === "gate code 4711", "the account note reads back");
const accountHistory = await client.GET("/api/v2/account/{account_id}/note/history", account);
expect(typeof accountHistory.data?.history[0]?.account_note_id === "string", "account history ids are strings");
let accountSince: string | undefined;
let named = false;
for (;;) {
  const feed = await client.GET("/api/v2/account_notes/changes", { params: { query: accountSince ? { since: accountSince } : {} } });
  const changes = present(feed.data, "an account feed page");
  if (changes.changes.some((change) => change.account_id === accountId)) named = true;
  if (changes.changes.length === 0) break;
  accountSince = changes.next;
}
expect(named, `the account feed names account ${accountId} exactly`);

console.log(failures.length ? `${failures.length} failures` : "the session passed");
process.exit(failures.length ? 1 : 0);
