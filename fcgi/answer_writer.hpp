#pragma once
#include <fcgiapp.h>

#include <string_view>

namespace notes {

// Writes a whole answer on the request's connection with one system call:
// the answer as FastCGI STDOUT records of up to 64 KiB, the end of STDOUT and
// the end-of-request record. libfcgi's own stream writes an answer in 8 KiB
// records, one system call each, and nginx wakes up for every one: a list
// page of 25 Notes took several (docs/performance-log.md, "Lists").
//
// Afterwards libfcgi's streams count as closed, so FCGX_Finish_r writes
// nothing more; were the write to fail (nginx gone), the connection is
// closed by FCGX_Finish_r. Nothing may have been written through
// `request.out` before.
void write_answer(FCGX_Request& request, std::string_view answer);

}  // namespace notes
