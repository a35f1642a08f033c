#pragma once
// A test suite whose tests share one company (a user of each role with a
// key, an account) and one customer of it, made through notesctl as the
// suite starts, named after the suite so failures are readable.
#include <gtest/gtest.h>

#include <string>

#include "tests/support/cli.hpp"
#include "tests/support/fixtures.hpp"

namespace notes::test {

class ClubSuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string tag = ::testing::UnitTest::GetInstance()->current_test_suite()->name();
    club = new Company(make_company(tag));
    customer = notesctl_ok("customer add --company " + club->id + " --first-name " + tag);
  }
  static void TearDownTestSuite() {
    delete club;
    club = nullptr;
  }

  static inline Company* club = nullptr;
  static inline std::string customer;
};

}  // namespace notes::test
