#pragma once
#include <string>

namespace notes::test {

// A company provisioned through notesctl, as an operator would.
struct Company {
  std::string id;
  std::string owner_id, owner_key;
  std::string admin_id, admin_key;
  std::string staff_id, staff_key;
  std::string account_id;  // an account of the company
};

// A fresh company with one user of each role, a key each, and one account.
// `tag` keeps usernames readable in failures.
Company make_company(const std::string& tag);

}  // namespace notes::test
