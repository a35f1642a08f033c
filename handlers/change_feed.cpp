#include "handlers/change_feed.hpp"

#include "handlers/note_answers.hpp"
#include "handlers/list_query.hpp"
#include "views/feed_item.hpp"
#include "views/json_cells.hpp"
#include "views/note_json.hpp"
#include "http/query_string.hpp"
#include "sql/change_listeners.hpp"
#include "sql/note_columns.hpp"

namespace notes::change_feed {
namespace {

using namespace json_cells;
using namespace feed_item;

// The channel changes are announced on (sql/migrations/010_change_feed.sql).
constexpr const char* kChannel = "notes_changes";
// A page stops growing past this many bytes of JSON (a Note may take up to
// 1 MiB); its cursor then names the last change it holds. The statements
// end their pages near the same size, so no more is read than answered.
constexpr std::size_t kMaxPageBytes = sql::kFeedPageBytes;

// What a feed request asks (docs/api.md, "Change feed").
struct FeedRequest {
  sql::FeedPosition after;
  int limit = kDefaultLimit;
  std::chrono::seconds wait{0};
};

FeedRequest feed_request(const Request& request) {
  auto query = parse_query_string(request.query_string());
  if (!query) throw ApiError::bad_request("The query string is not valid.");
  FeedRequest asked;
  std::vector<std::string> seen;
  for (const auto& [name, value] : *query) {
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
      throw bad_query_parameter(name, "is given more than once");
    }
    seen.push_back(name);
    if (name == "since") {
      auto position = parse_cursor(value);
      if (!position) throw bad_query_parameter(name, "must be a cursor this feed answered");
      asked.after = *position;
    } else if (name == "limit") {
      auto limit = parse_whole_number(value, 1, kMaxLimit);
      if (!limit) throw bad_query_parameter(name, "must be a whole number from 1 to " + std::to_string(kMaxLimit));
      asked.limit = static_cast<int>(*limit);
    } else if (name == "wait") {
      auto wait = parse_whole_number(value, 0, kMaxWaitSeconds);
      if (!wait) throw bad_query_parameter(name, "must be a whole number of seconds from 0 to " +
                                                     std::to_string(kMaxWaitSeconds));
      asked.wait = std::chrono::seconds(*wait);
    } else {
      throw bad_query_parameter(name, "is not known to this route");
    }
  }
  return asked;
}

// Listens for announcements while it lives.
class Listening {
 public:
  explicit Listening(sql::Connection& db) : db_(db), listening_(db.listen(kChannel)) {}
  ~Listening() {
    if (listening_) db_.unlisten_all();
  }
  Listening(const Listening&) = delete;
  Listening& operator=(const Listening&) = delete;
  explicit operator bool() const { return listening_; }

 private:
  sql::Connection& db_;
  bool listening_;
};

using FeedStatement = sql::Query (*)(const sql::Caller&, const sql::FeedPosition&, int);

// The changes after the asked position; when there are none and the reader
// would wait, the first that come within `wait`. A reader waits only in a
// free place of the shared ChangeListeners: with every place held (each
// one a worker answering nothing else), it is answered at once, and asks a
// company holding more places than its own to give one way; a reader so
// asked is answered at its next look.
sql::Result changes(HandlerContext& context, FeedStatement statement, const FeedRequest& asked) {
  auto read = [&] { return checked(context.db.execute(statement(context.sql_caller(), asked.after, asked.limit))); };
  sql::Result page = read();
  if (page.rows() > 0) return page;
  // An empty page for a cursor the feed never gave (a later transaction)
  // would come back empty forever: the reader is told instead.
  if (asked.after.transaction != "0" &&
      !checked(context.db.execute(sql::query::feed_position_answerable(asked.after))).boolean(0, 0)) {
    throw bad_query_parameter("since", "must be a cursor this feed answered");
  }
  if (asked.wait.count() == 0) return page;
  sql::ListeningPlace place(context.services.change_listeners, context.caller.company_id);
  if (!place) {
    if (context.services.change_listeners) context.services.change_listeners->ask_to_give_way(context.caller.company_id);
    return page;
  }
  Listening listening(context.db);
  if (!listening) return page;
  using Clock = std::chrono::steady_clock;
  auto deadline = Clock::now() + asked.wait;
  std::string company = std::to_string(context.caller.company_id);
  // Read again once listening: a change committed before is announced to
  // no one. Each look is armed first, so that the next write of the
  // company after it announces itself.
  for (page = read(); page.rows() == 0; page = read()) {
    auto now = Clock::now();
    if (now >= deadline || place.asked_to_give_way() ||
        (context.services.stop_pending && context.services.stop_pending())) {
      break;
    }
    context.db.await_notification(company, std::min(deadline, now + kLookAgainEvery));
    place.arm();
  }
  return page;
}

// {"changes": [...], "next": cursor}, the items written by `write_item`
// (which answers whether the item shows what changed), up to
// kMaxPageBytes; `envelope_start` opens the object.
template <class WriteItem>
std::string feed_json(const sql::Result& page, const FeedRequest& asked, const char* envelope_start,
                      WriteItem write_item) {
  rapidjson::StringBuffer buffer;
  JsonWriter out(buffer);
  sql::FeedPosition next = asked.after;
  buffer.Put('{');
  for (const char* c = envelope_start; *c; ++c) buffer.Put(*c);
  buffer.Put('[');
  for (int row = 0; row < page.rows(); ++row) {
    if (row > 0) {
      if (buffer.GetSize() > kMaxPageBytes) break;
      buffer.Put(',');
    }
    out.Reset(buffer);
    next = position_of(page, row);
    out.StartObject();
    key(out, "cursor");
    std::string cursor = cursor_text(next);
    out.String(cursor.data(), static_cast<rapidjson::SizeType>(cursor.size()));
    write_item(out, row);
    out.EndObject();
  }
  std::string body(buffer.GetString(), buffer.GetSize());
  body += "],\"next\":\"" + cursor_text(next) + "\"}";
  return body;
}

}  // namespace

Response note_changes(const Request& request, HandlerContext& context) {
  FeedRequest asked = feed_request(request);
  sql::Result page = changes(context, sql::query::note_changes, asked);
  constexpr int kNote = column::note::full_note;
  auto parts = note_answers::page_parts(context, "feed", page, kNote);
  note_json::NoteParts note_parts = note_json::parts_of(parts);
  const int note_id_column = kNote + sql::full_note::note + sql::note_column::id;
  std::string body = feed_json(page, asked, "\"changes\":", [&](JsonWriter& out, int row) {
    Cells c(page, row, 0);
    // A note deleted, or no longer visible to the caller, is a tombstone:
    // its id and nothing more.
    if (c.null(note_id_column)) return note_tombstone(out, c);
    note_change_fields(out, c);
    key(out, "note");
    std::string note = note_json::note(page, row, kNote, note_parts);
    out.RawValue(note.data(), note.size(), rapidjson::kObjectType);
  });
  return Response::json(200, std::move(body));
}

Response account_note_changes(const Request& request, HandlerContext& context) {
  FeedRequest asked = feed_request(request);
  sql::Result page = changes(context, sql::query::account_note_changes, asked);
  std::string body = feed_json(page, asked, "\"result\":\"success\",\"changes\":", [&](JsonWriter& out, int row) {
    Cells c(page, row, 0);
    // Removed, or no longer readable by the caller: a tombstone.
    if (c.null(column::account::note)) return account_tombstone(out, c);
    account_change_fields(out, c);
    key(out, "note");
    string_or_null(out, c, column::account::note);
  });
  return Response::json(200, std::move(body));
}

}  // namespace notes::change_feed
