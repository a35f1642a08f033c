#include "handlers/token_revocations.hpp"

#include <string>

#include "sql/queries.hpp"

namespace notes {
namespace {

// A minute past an access token's life: a change older than that can only
// concern tokens that have expired anyway.
constexpr int64_t kLookBackSeconds = kAccessTokenSeconds + 60;

}  // namespace

TokenRevocations::Verdict TokenRevocations::check(const AccessClaims& claims, sql::Connection& db,
                                                  Clock::time_point now) {
  if (!asked_at_ || now - *asked_at_ >= kFreshFor) {
    // The time the question is asked, not answered: what comes back is at
    // least that fresh.
    auto asking = Clock::now();
    if (!refresh(db)) return Verdict::unknown;
    asked_at_ = asking;
  }
  if (revoked_families_.count(claims.family_id)) return Verdict::revoked;
  auto changed = generation_of_user_.find(claims.user_id);
  if (changed != generation_of_user_.end() && claims.generation < changed->second) return Verdict::revoked;
  return Verdict::counts;
}

bool TokenRevocations::refresh(sql::Connection& db) {
  auto result = db.execute(sql::query::token_revocations(kLookBackSeconds));
  if (!result.ok()) return false;
  generation_of_user_.clear();
  revoked_families_.clear();
  for (int row = 0; row < result.rows(); ++row) {
    int64_t id = result.int64(row, 1);
    if (result.text(row, 0) == "u") {
      generation_of_user_[id] = result.int64(row, 2);
    } else {
      revoked_families_.insert(id);
    }
  }
  return true;
}

}  // namespace notes
