#pragma once
#include <boost/program_options.hpp>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

namespace notes::admin {

// Parses a command's words against `options` (plus --help). On --help
// prints "usage: notesctl <usage>" and the options, and returns nothing;
// a bad word is a CommandError.
std::optional<boost::program_options::variables_map> parse_command(
    const std::vector<std::string>& args, const std::string& usage, boost::program_options::options_description options,
    const boost::program_options::positional_options_description& positional = {});

// The option's value, or nothing when it was not given.
std::optional<std::string> optional_value(const boost::program_options::variables_map& values, const char* name);

// `value` when it is one of `allowed`, else a CommandError naming them.
std::string one_of(const std::string& option, const std::string& value, std::initializer_list<const char*> allowed);

}  // namespace notes::admin
