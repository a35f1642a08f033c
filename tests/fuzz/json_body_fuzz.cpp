// libFuzzer target: a request body through everything that reads one.
// Whatever the bytes, parsing and validation must return, not crash, hang or
// trip a sanitizer.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/json_body.hpp"
#include "handlers/account_note_body.hpp"
#include "http/base64.hpp"
#include "handlers/note_body.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  rapidjson::Document document;
  if (notes::parse_json_body(body, document)) return 0;
  if (!document.IsObject()) return 0;
  (void)notes::note_fields(document, true);
  (void)notes::note_fields(document, false);
  (void)notes::account_note_text(document, 9124292845052624908);
  if (document.HasMember("attachment") && document["attachment"].IsString()) {
    const auto& attachment = document["attachment"];
    (void)notes::decode_base64(std::string_view(attachment.GetString(), attachment.GetStringLength()));
  }
  return 0;
}
