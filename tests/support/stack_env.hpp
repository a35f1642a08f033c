#pragma once
#include <string>

namespace notes::test {

// A value from the test stack's stack.env (written by script/lib/stack up);
// fails the test when the stack is not running.
std::string stack_value(const std::string& name);

}  // namespace notes::test
