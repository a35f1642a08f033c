#pragma once
// A file with the given text under /tmp, removed when it goes out of scope.
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

namespace notes::test {

class TempFile {
 public:
  explicit TempFile(const std::string& text) {
    char name[] = "/tmp/notes-test.XXXXXX";
    close(mkstemp(name));
    path = name;
    std::ofstream(path) << text;
  }
  ~TempFile() { unlink(path.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  std::string path;
};

}  // namespace notes::test
