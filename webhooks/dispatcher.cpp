#include "webhooks/dispatcher.hpp"

#include <algorithm>
#include <vector>

#include "log/log.hpp"
#include "sql/note_columns.hpp"
#include "views/feed_item.hpp"
#include "views/json_cells.hpp"
#include "views/note_json.hpp"
#include "webhooks/events.hpp"

namespace notes::webhooks {

using namespace json_cells;
namespace column = feed_item::column;

struct Dispatcher::Endpoint {
  int64_t id = 0;
  int64_t company_id = 0;
  std::vector<std::string> events;
  sql::FeedPosition notes_after, accounts_after;

  bool wants(const std::string& event) const { return std::find(events.begin(), events.end(), event) != events.end(); }
};

namespace {

// The deliveries of one feed page.
struct Batch {
  std::vector<std::string> events, subjects, bodies;
  std::size_t bytes = 0;
};

std::string text_of(rapidjson::StringBuffer& buffer) { return {buffer.GetString(), buffer.GetSize()}; }

void string_value(JsonWriter& out, std::string_view text) {
  out.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

// The assignees and messages of the notes of `rows` whose
// NOTES_FULL_NOTE_COLUMNS start at `base`, for their Notes.
std::vector<sql::Result> note_parts_of(sql::Connection& db, const sql::Result& rows, int base, int64_t company_id) {
  const int id = base + sql::full_note::note + sql::note_column::id;
  std::vector<int64_t> ids;
  for (int row = 0; row < rows.rows(); ++row) {
    if (!rows.is_null(row, id)) ids.push_back(rows.int64(row, id));
  }
  return db.execute_pipeline(sql::query::with_note_parts({}, ids, company_id));
}

bool all_ok(const std::vector<sql::Result>& results) {
  return std::all_of(results.begin(), results.end(), [](const sql::Result& result) { return result.ok(); });
}

}  // namespace

bool Dispatcher::holds_dispatch_lock() {
  // The lock lives as long as the session that took it.
  if (lock_connection_ != 0 && lock_connection_ == db_.connects() && db_.connected()) return true;
  lock_connection_ = 0;
  sql::Result taken = db_.execute(sql::query::webhook_dispatch_lock());
  if (taken.ok() && taken.boolean(0, 0)) lock_connection_ = db_.connects();
  return lock_connection_ != 0;
}

void Dispatcher::dispatch() {
  if (!holds_dispatch_lock()) return;
  sql::Result rows = db_.execute(sql::query::webhook_endpoints_active());
  if (!rows.ok()) return;
  enum : int { kId, kCompany, kEvents, kNotesXact, kNotesId, kAccountsXact, kAccountsId };
  bool reminders_wanted = false;
  for (int row = 0; row < rows.rows(); ++row) {
    Endpoint endpoint;
    endpoint.id = rows.int64(row, kId);
    endpoint.company_id = rows.int64(row, kCompany);
    std::string_view events = rows.text(row, kEvents);
    while (!events.empty()) {
      auto comma = events.find(',');
      endpoint.events.emplace_back(events.substr(0, comma));
      events = comma == std::string_view::npos ? std::string_view() : events.substr(comma + 1);
    }
    endpoint.notes_after = {std::string(rows.text(row, kNotesXact)), rows.int64(row, kNotesId)};
    endpoint.accounts_after = {std::string(rows.text(row, kAccountsXact)), rows.int64(row, kAccountsId)};
    for (int page = 0; page < kPagesPerRound && enqueue_note_changes(endpoint); ++page) {
    }
    for (int page = 0; page < kPagesPerRound && enqueue_account_note_changes(endpoint); ++page) {
    }
    reminders_wanted = reminders_wanted || endpoint.wants("note.reminder_due");
  }
  // Reminders are looked for only while an endpoint asks for them: the
  // query reads every reminder of the last day.
  if (reminders_wanted) fire_due_reminders();
}

// Queues the deliveries of one feed `page` for `endpoint`, moving its
// position `after` (of the notes feed, or with `accounts` of the account
// notes feed) past the page. `event_of` names a row's event (none: no
// event stands for it); `write_fields` writes a delivery's fields after its
// event, company and cursor. False when nothing was queued: the database
// failed, or the endpoint was disabled meanwhile.
template <class EventOf, class WriteFields>
bool Dispatcher::enqueue_page(Endpoint& endpoint, bool accounts, const sql::Result& page, EventOf event_of,
                              const char* subject, WriteFields write_fields) {
  sql::FeedPosition& after = accounts ? endpoint.accounts_after : endpoint.notes_after;
  Batch batch;
  sql::FeedPosition to = after;
  for (int row = 0; row < page.rows() && batch.bytes < kMaxPageBytes; ++row) {
    to = feed_item::position_of(page, row);
    auto event = event_of(page.text(row, column::change));
    if (!event || !endpoint.wants(*event)) continue;
    rapidjson::StringBuffer buffer;
    JsonWriter out(buffer);
    out.StartObject();
    key(out, "event");
    string_value(out, *event);
    key(out, "company_id");
    out.Int64(endpoint.company_id);
    key(out, "cursor");
    string_value(out, feed_item::cursor_text(to));
    write_fields(out, Cells(page, row, 0), row);
    out.EndObject();
    batch.events.push_back(*event);
    batch.subjects.push_back(subject + std::string(page.text(row, column::subject_id)));
    batch.bodies.push_back(text_of(buffer));
    batch.bytes += batch.bodies.back().size();
  }
  sql::Result queued = db_.execute(
      sql::query::webhook_enqueue(accounts, endpoint.id, after, to, batch.events, batch.subjects, batch.bodies));
  if (!queued.ok() || queued.int64(0, 0) == 0) return false;
  after = to;
  return true;
}

bool Dispatcher::enqueue_note_changes(Endpoint& endpoint) {
  // Read and queued in one transaction under the endpoint's lock: erasing a
  // customer (admin/customer_erase.cpp) takes the company's endpoints
  // first, so no page read before an erasure is queued after it.
  if (!db_.begin()) return false;
  sql::Result held = db_.execute(sql::query::webhook_endpoint_hold(endpoint.id));
  if (!held.ok() || held.rows() != 1 || !enqueue_note_page(endpoint)) {
    db_.rollback();
    return false;
  }
  return db_.commit();
}

bool Dispatcher::enqueue_note_page(Endpoint& endpoint) {
  // As an owner of the company: every note, confidential ones included. An
  // endpoint is the company's own (docs/webhooks.md, "What is sent").
  sql::Caller company{endpoint.company_id, 0, "owner"};
  sql::Result page = db_.execute(sql::query::note_changes(company, endpoint.notes_after, kPageSize));
  if (!page.ok() || page.rows() == 0) return false;
  auto parts = note_parts_of(db_, page, column::note::full_note, endpoint.company_id);
  if (!all_ok(parts)) return false;
  note_json::NoteParts note_parts = note_json::parts_of(parts);
  const int note_id = column::note::full_note + sql::full_note::note + sql::note_column::id;
  return enqueue_page(endpoint, false, page, note_event, "note:", [&](JsonWriter& out, const Cells& c, int row) {
    feed_item::note_change_fields(out, c);
    // What the change itself did, as history keeps it; the Note is as it
    // is now (docs/webhooks.md, "What is sent").
    key(out, "before");
    raw_or_null(out, c, column::note::before, rapidjson::kObjectType);
    key(out, "after");
    raw_or_null(out, c, column::note::after, rapidjson::kObjectType);
    key(out, "note");
    if (c.null(note_id)) {
      out.Null();  // deleted since
    } else {
      std::string note = note_json::note(page, row, column::note::full_note, note_parts);
      out.RawValue(note.data(), note.size(), rapidjson::kObjectType);
    }
  });
}

bool Dispatcher::enqueue_account_note_changes(Endpoint& endpoint) {
  sql::Caller company{endpoint.company_id, 0, "owner"};
  sql::Result page = db_.execute(sql::query::account_note_changes(company, endpoint.accounts_after, kPageSize));
  if (!page.ok() || page.rows() == 0) return false;
  return enqueue_page(endpoint, true, page, account_note_event, "account:", [](JsonWriter& out, const Cells& c, int) {
    feed_item::account_change_fields(out, c);
    // The text as the change left it (null: removed), not as it is now:
    // the receiver may see no other copy of it.
    key(out, "note");
    string_or_null(out, c, column::account::note_after);
  });
}

void Dispatcher::fire_due_reminders() {
  sql::Result due = db_.execute(sql::query::webhook_reminders_due(kPageSize));
  if (!due.ok() || due.rows() == 0) return;
  constexpr int kReminder = 0, kNote = 1;
  namespace nc = sql::note_column;
  const int note = kNote + sql::full_note::note;
  // Notes of several companies: their parts are read company by company.
  for (int row = 0; row < due.rows(); ++row) {
    int64_t company_id = due.int64(row, note + nc::company_id);
    int64_t note_id = due.int64(row, note + nc::id);
    auto parts = db_.execute_pipeline(sql::query::with_note_parts({}, {note_id}, company_id));
    if (!all_ok(parts)) return;
    rapidjson::StringBuffer buffer;
    JsonWriter out(buffer);
    Cells c(due, row, 0);
    out.StartObject();
    key(out, "event");
    out.String("note.reminder_due");
    key(out, "company_id");
    out.Int64(company_id);
    key(out, "note_id");
    out.Int64(note_id);
    key(out, "reminder");
    timestamp_or_null(out, c, kReminder);
    key(out, "note");
    std::string json = note_json::note(due, row, kNote, note_json::parts_of(parts));
    out.RawValue(json.data(), json.size(), rapidjson::kObjectType);
    out.EndObject();
    sql::Result queued = db_.execute(
        sql::query::webhook_enqueue_reminder(note_id, due.text(row, kReminder), company_id, text_of(buffer)));
    if (!queued.ok()) return;
  }
}

}  // namespace notes::webhooks
