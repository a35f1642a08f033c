#include "tests/support/fixtures.hpp"

#include "tests/support/cli.hpp"

namespace notes::test {

Company make_company(const std::string& tag) {
  Company c;
  c.id = notesctl_ok("company add --name '" + tag + "'");
  auto user = [&](const std::string& role, std::string& id, std::string& key) {
    id = notesctl_ok("user add --company " + c.id + " --role " + role + " --username " + tag + "-" + role +
                     " --first-name " + role + " --last-name " + tag);
    key = notesctl_ok("key issue --user " + id);
  };
  user("owner", c.owner_id, c.owner_key);
  user("admin", c.admin_id, c.admin_key);
  user("staff", c.staff_id, c.staff_key);
  c.account_id = notesctl_ok("account add --company " + c.id);
  return c;
}

}  // namespace notes::test
