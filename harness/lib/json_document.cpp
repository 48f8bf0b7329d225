// SPDX-License-Identifier: GPL-2.0
#include "json_document.hpp"

#include "error.hpp"
#include "version.hpp"

namespace smcscale {

nlohmann::json json_document(const std::string &schema, const nlohmann::json &body, const std::string &key)
{
	nlohmann::json doc = {{"schema", "smc-scale/" + schema},
			      {"schema_version", kSchemaVersion},
			      {"version", SMCSCALE_VERSION}};
	if (body.is_object() && key.empty())
		doc.update(body);
	else
		doc[key.empty() ? "data" : key] = body;
	return doc;
}

void expect_schema(const nlohmann::json &doc, const std::string &schema, int max_version, const std::string &what)
{
	const std::string want = "smc-scale/" + schema;
	if (!doc.is_object() || !doc.contains("schema") || !doc["schema"].is_string())
		throw Error(what + ": not a " + want + " document (no \"schema\" field)");
	if (doc["schema"] != want)
		throw Error(what + ": a " + doc["schema"].get<std::string>() + " document, expected " + want);
	if (!doc.contains("schema_version") || !doc["schema_version"].is_number_integer() ||
	    doc["schema_version"].get<int>() > max_version)
		throw Error(what + ": " + want + " schema_version " + doc.value("schema_version", nlohmann::json()).dump() +
			    " is not one this tool reads (up to " + std::to_string(max_version) + ")");
}

} // namespace smcscale
