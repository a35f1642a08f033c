#include "admin/command_options.hpp"

#include <iostream>

#include "admin/admin_db.hpp"

namespace po = boost::program_options;

namespace notes::admin {

std::optional<po::variables_map> parse_command(const std::vector<std::string>& args, const std::string& usage,
                                               po::options_description options,
                                               const po::positional_options_description& positional) {
  options.add_options()("help,h", "print this help");
  po::variables_map values;
  try {
    po::store(po::command_line_parser(args).options(options).positional(positional).run(), values);
    if (values.count("help")) {
      std::cout << "usage: notesctl " << usage << "\n\n" << options;
      return std::nullopt;
    }
    po::notify(values);
  } catch (const po::error& e) {
    throw CommandError(std::string(e.what()) + " (see --help)");
  }
  return values;
}

std::optional<std::string> optional_value(const po::variables_map& values, const char* name) {
  if (!values.count(name)) return std::nullopt;
  return values[name].as<std::string>();
}

std::string one_of(const std::string& option, const std::string& value, std::initializer_list<const char*> allowed) {
  for (const char* candidate : allowed) {
    if (value == candidate) return value;
  }
  std::string list;
  for (const char* candidate : allowed) list += (list.empty() ? "" : ", ") + std::string(candidate);
  throw CommandError("--" + option + " must be one of " + list + ", not '" + value + "'");
}

}  // namespace notes::admin
