#include "tests/support/stack_env.hpp"

#include <fstream>
#include <map>
#include <stdexcept>

namespace notes::test {

std::string stack_value(const std::string& name) {
  static const std::map<std::string, std::string> values = [] {
    std::map<std::string, std::string> parsed;
    std::ifstream file(NOTES_STACK_ENV);
    if (!file) throw std::runtime_error("no " NOTES_STACK_ENV ": run the tests through ctest, which starts the stack");
    std::string line;
    while (std::getline(file, line)) {
      auto equals = line.find('=');
      if (equals == std::string::npos) continue;
      std::string value = line.substr(equals + 1);
      if (value.size() >= 2 && value.front() == '\'' && value.back() == '\'') value = value.substr(1, value.size() - 2);
      parsed[line.substr(0, equals)] = value;
    }
    return parsed;
  }();
  auto found = values.find(name);
  if (found == values.end()) throw std::runtime_error(name + " is not in " NOTES_STACK_ENV);
  return found->second;
}

}  // namespace notes::test
