#pragma once
#include <libpq-fe.h>

#include <string>

namespace notes::test {

// A PostgreSQL connection of the test's own to the test stack's database
// (as the cluster's superuser), for holding locks and transactions open
// while the service works.
class SecondConnection {
 public:
  SecondConnection();
  ~SecondConnection();
  SecondConnection(const SecondConnection&) = delete;
  SecondConnection& operator=(const SecondConnection&) = delete;

  // Runs `sql`, failing the test if it fails.
  void run(const std::string& sql);
  // The first cell of `sql`'s answer ("" for none).
  std::string value(const std::string& sql);

 private:
  PGconn* conn_;
};

// Waits (up to 5 s) until a session of the database waits for a lock; with
// `application_name`, only such a session counts. False if none did.
bool someone_waits_for_a_lock(const std::string& application_name = "");

}  // namespace notes::test
