// SPDX-License-Identifier: GPL-2.0
// Every JSON document a tool prints says what it is: "schema" names the document kind
// ("smc-scale/<tool>.<what>"), "schema_version" counts incompatible changes of it, and
// "version" is the harness version that wrote it. Readers check the schema before they
// trust the rest.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace smcscale {

// 'body' is merged in when it is an object, put under 'key' otherwise.
nlohmann::json json_document(const std::string &schema, const nlohmann::json &body, const std::string &key = "");

// Throws Error naming 'what' when 'doc' is not a document of 'schema' (any version up
// to 'max_version').
void expect_schema(const nlohmann::json &doc, const std::string &schema, int max_version,
		   const std::string &what);

constexpr int kSchemaVersion = 1;

} // namespace smcscale
