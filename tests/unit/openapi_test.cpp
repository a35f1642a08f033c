// The OpenAPI document and the route table describe the same routes: a
// route added to one and not the other fails here.
#include "handlers/openapi.hpp"

#include <gtest/gtest.h>

#include <set>

#include "handlers/routes.hpp"
#include "http/json.hpp"

namespace notes {

TEST(OpenApi, EveryRouteIsDocumentedAndEveryDocumentedRouteExists) {
  rapidjson::Document document;
  document.Parse(openapi::document_text().data(), openapi::document_text().size());
  ASSERT_FALSE(document.HasParseError());
  EXPECT_STREQ(document["openapi"].GetString(), "3.1.0");
  std::set<std::string> documented;
  for (const auto& path : document["paths"].GetObject()) {
    for (const auto& operation : path.value.GetObject()) {
      std::string method = operation.name.GetString();
      if (method == "parameters" || method.rfind("x-", 0) == 0) continue;  // not operations
      for (auto& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      documented.insert(method + " " + path.name.GetString());
    }
  }
  std::set<std::string> routed;
  for (const Route& route : route_table().routes()) routed.insert(route.name);
  EXPECT_EQ(documented, routed);
  EXPECT_GE(routed.size(), 21u);
}

}  // namespace notes
