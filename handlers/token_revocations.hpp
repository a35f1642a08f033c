#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "credentials/access_token.hpp"
#include "sql/connection.hpp"

namespace notes {

// What one worker knows of access tokens that no longer count although
// their signature and expiry say they do: users whose status, role or
// password changed (their token generation went up) and revoked token
// families, within an access token's lifetime. Asked of the database at
// most once per kFreshFor, never per request; docs/api.md, "Tokens", states
// the bound this gives.
class TokenRevocations {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds kFreshFor{1000};

  enum class Verdict {
    counts,
    revoked,
    unknown,  // what the worker knows is stale and the database did not answer
  };

  Verdict check(const AccessClaims& claims, sql::Connection& db, Clock::time_point now);

 private:
  bool refresh(sql::Connection& db);

  std::unordered_map<int64_t, int64_t> generation_of_user_;
  std::unordered_set<int64_t> revoked_families_;
  std::optional<Clock::time_point> asked_at_;
};

}  // namespace notes
