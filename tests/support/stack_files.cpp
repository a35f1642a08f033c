#include "tests/support/stack_files.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "tests/support/database.hpp"
#include "tests/support/stack_env.hpp"

namespace notes::test {

StackFiles stack_files_holding(const std::vector<std::string>& secrets) {
  try {
    query_value("CHECKPOINT");  // PostgreSQL's pages on disk too
  } catch (const std::runtime_error&) {
    // It ran; query_value() only expected rows back.
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  StackFiles found;
  // The runtime directory first: nginx's cache manager removes auth-cache
  // entries a minute after their last use, and PostgreSQL's files take time.
  for (const std::string& root : {stack_value("NOTES_RUNTIME_DIR"), stack_value("NOTES_STACK_DIR")}) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(
             root, std::filesystem::directory_options::skip_permission_denied)) {
      if (!entry.is_regular_file()) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::string content(entry.file_size(), '\0');
      in.read(content.data(), static_cast<std::streamsize>(content.size()));
      content.resize(static_cast<std::size_t>(in.gcount()));
      ++found.read;
      for (const std::string& secret : secrets) {
        if (content.find(secret) != std::string::npos) {
          found.holding.push_back(entry.path().string());
          break;
        }
      }
    }
  }
  return found;
}

}  // namespace notes::test
