// The start-up check of database connections (sql/connection_capacity.hpp)
// and how a read-only session is classed (sql/connection.hpp).
#include "sql/connection_capacity.hpp"

#include <gtest/gtest.h>

#include "sql/connection.hpp"

namespace notes::sql {
namespace {

TEST(ConnectionCapacity, EnoughSaysNothing) {
  ConnectionCapacity capacity{100, 3, -1};
  EXPECT_EQ(connection_shortfall(capacity, 1, 97), "");
  EXPECT_EQ(connection_shortfall(capacity, 3, 32), "");
}

TEST(ConnectionCapacity, TooFewNamesWhatIsNeededAndWhatLimitsIt) {
  ConnectionCapacity capacity{100, 3, -1};
  std::string said = connection_shortfall(capacity, 2, 49);
  EXPECT_NE(said.find("2 app hosts x 49 processes need 98 database connections, but the database allows 97"),
            std::string::npos)
      << said;
  EXPECT_NE(said.find("max_connections 100"), std::string::npos) << said;
}

TEST(ConnectionCapacity, TheRolesOwnLimitCountsWhenItIsLower) {
  ConnectionCapacity capacity{100, 3, 20};
  std::string said = connection_shortfall(capacity, 3, 7);
  EXPECT_NE(said.find("allows 20 (the role's CONNECTION LIMIT 20)"), std::string::npos) << said;
  EXPECT_EQ(connection_shortfall(capacity, 4, 5), "");
}

TEST(ConnectionFailures, AReadOnlySessionIsAConnectionToLeave) {
  // A standby, or a primary since demoted: another connection may reach the
  // primary, as a broken one does.
  EXPECT_EQ(failure_from_sqlstate("25006"), Failure::unavailable);
  EXPECT_EQ(failure_from_sqlstate("57P01"), Failure::unavailable);
  EXPECT_EQ(failure_from_sqlstate("25P02"), Failure::other);
}

}  // namespace
}  // namespace notes::sql
