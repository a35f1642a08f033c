// The change feed's cursor (handlers/change_feed.hpp) and the shared
// places where feed readers wait (sql/change_listeners.hpp).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "views/feed_item.hpp"
#include "sql/change_listeners.hpp"

namespace notes {
namespace {

TEST(FeedCursor, ReadsBackWhatItWrote) {
  sql::FeedPosition position{"18446744073709551615", 9223372036854775807};
  auto read = feed_item::parse_cursor(feed_item::cursor_text(position));
  ASSERT_TRUE(read);
  EXPECT_EQ(read->transaction, position.transaction);
  EXPECT_EQ(read->id, position.id);
  EXPECT_EQ(feed_item::cursor_text({}), "0.0");
}

TEST(FeedCursor, RefusesWhatItNeverWrites) {
  for (const char* text : {"", ".", "1", "1.", ".1", "a.1", "1.a", "-1.1", "1.-1", "+1.1", "1.2.3", "1 .2",
                           "18446744073709551616.1", "1.9223372036854775808", "0x1.1"}) {
    EXPECT_FALSE(feed_item::parse_cursor(text)) << text;
  }
  // Leading zeros name the same transaction, written canonically.
  EXPECT_EQ(feed_item::parse_cursor("007.5")->transaction, "7");
}

TEST(ChangeListeners, PlacesAreLimitedAndFreedWhenTheirHolderDies) {
  sql::ChangeListeners listeners(2);
  EXPECT_EQ(listeners.enter(7), 0u);
  // Another process takes the second place and dies holding it.
  pid_t child = fork();
  if (child == 0) _exit(listeners.enter(8) && !listeners.enter(8) ? 0 : 1);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the child found no free place, or two";
  EXPECT_FALSE(listeners.enter(9)) << "more places than made";
  EXPECT_TRUE(listeners.claim_announcement(8)) << "the dead child's place still counts";
  listeners.forget(child);
  EXPECT_TRUE(listeners.enter(9));
  listeners.leave();
  EXPECT_TRUE(listeners.enter(9)) << "leave() frees every place of the process";
}

TEST(ChangeListeners, AWriteAnnouncesOncePerLookAndOnlyForTheWaitersCompany) {
  sql::ChangeListeners listeners(4);
  EXPECT_FALSE(listeners.claim_announcement(7)) << "no one waits";
  auto place = listeners.enter(7);
  auto other = listeners.enter(7);
  ASSERT_TRUE(place && other);
  EXPECT_FALSE(listeners.claim_announcement(8)) << "another company's write";
  EXPECT_TRUE(listeners.claim_announcement(7));
  EXPECT_FALSE(listeners.claim_announcement(7)) << "announced already, until the reader looks again";
  listeners.arm(*other);
  EXPECT_TRUE(listeners.claim_announcement(7));
  listeners.leave();
  listeners.arm(*place);  // a stale arm of a freed place
  EXPECT_FALSE(listeners.claim_announcement(7));
}

}  // namespace
}  // namespace notes
