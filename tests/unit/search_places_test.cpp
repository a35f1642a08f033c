#include "handlers/search_places.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

namespace notes {
namespace {

constexpr int64_t kNow = 1'000'000;  // a steady-clock millisecond
constexpr int64_t kSlow = SearchPlaces::kSlowMs;

}  // namespace

TEST(SearchPlaces, ACompanysSlowSearchesHoldHalfThePoolAtLeastOne) {
  EXPECT_EQ(SearchPlaces(1).share(), 1u);
  EXPECT_EQ(SearchPlaces(2).share(), 1u);
  EXPECT_EQ(SearchPlaces(8).share(), 4u);
  EXPECT_EQ(SearchPlaces(9).share(), 4u);
}

// One process stands for several workers here: each enter() takes another
// place, and leave() frees all of them.
TEST(SearchPlaces, QuickSearchesAreNeverRefused) {
  SearchPlaces places(2);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(places.enter(7, kNow)) << i;
  places.leave(kNow + kSlow - 1);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(places.enter(7, kNow + kSlow)) << "still quick " << i;
  places.leave(kNow + kSlow);
}

TEST(SearchPlaces, ARunningSlowSearchLimitsItsCompanyToItsShare) {
  SearchPlaces places(4);  // a share of 2
  ASSERT_TRUE(places.enter(7, kNow));
  ASSERT_TRUE(places.enter(7, kNow + 1));
  EXPECT_TRUE(places.enter(7, kNow + 2)) << "none has run long yet";
  EXPECT_FALSE(places.enter(7, kNow + kSlow)) << "the first has run kSlowMs";
  EXPECT_TRUE(places.enter(8, kNow + kSlow)) << "another company";
  places.leave(kNow + kSlow);
}

TEST(SearchPlaces, ACompanyStaysSlowForAWhileAfterASlowSearch) {
  SearchPlaces places(2);  // a share of 1
  ASSERT_TRUE(places.enter(7, kNow));
  places.leave(kNow + kSlow);  // it took kSlowMs
  ASSERT_TRUE(places.enter(7, kNow + kSlow));
  EXPECT_FALSE(places.enter(7, kNow + kSlow + 1)) << "slow, and its share held";
  EXPECT_TRUE(places.enter(8, kNow + kSlow + 1)) << "another company is not slow";
  places.leave(kNow + kSlow + 2);
  int64_t later = kNow + kSlow + SearchPlaces::kSlowForMs;
  ASSERT_TRUE(places.enter(7, later));
  EXPECT_TRUE(places.enter(7, later)) << "no longer slow";
  places.leave(later);
}

// Workers are processes: a child holds a place as a worker would and dies
// holding it; the parent (the supervisor's part) frees it.
TEST(SearchPlaces, APlaceOfAWorkerThatDiedIsFreedByTheSupervisor) {
  SearchPlaces places(2);  // a share of 1
  int to_parent[2];
  ASSERT_EQ(pipe(to_parent), 0);
  pid_t child = fork();
  if (child == 0) {
    char entered = places.enter(7, kNow) ? 'y' : 'n';
    [[maybe_unused]] auto written = write(to_parent[1], &entered, 1);
    _exit(0);
  }
  char entered = 0;
  ASSERT_EQ(read(to_parent[0], &entered, 1), 1);
  EXPECT_EQ(entered, 'y');
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_FALSE(places.enter(7, kNow + kSlow)) << "the dead worker's search still counts, and has run long";
  places.forget(child);
  EXPECT_TRUE(places.enter(7, kNow + kSlow));
  places.leave(kNow + kSlow);
}

}  // namespace notes
