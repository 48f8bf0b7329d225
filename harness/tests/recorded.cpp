// SPDX-License-Identifier: GPL-2.0
#include "recorded.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace smcscale::test {

Recording load_recording(const std::string &name)
{
	const std::string path = std::string(SMCSCALE_TEST_DATA) + "/" + name;
	std::ifstream in(path);
	if (!in)
		throw std::runtime_error("cannot open " + path);
	Recording rec;
	std::string line, section = "(none)";
	while (std::getline(in, line)) {
		if (line.rfind("# ", 0) == 0) {
			// Section headers are single words; longer comments describe the file.
			if (line.find(' ', 2) == std::string::npos) {
				section = line.substr(2);
				rec[section];
			}
			continue;
		}
		std::istringstream words(line);
		unsigned cmd;
		std::string hex;
		if (!(words >> cmd >> hex) || hex.size() % 2)
			throw std::runtime_error(path + ": bad line '" + line + "'");
		NetlinkMessage m;
		for (size_t i = 0; i < hex.size(); i += 2)
			m.bytes.push_back(static_cast<uint8_t>(std::stoul(hex.substr(i, 2), nullptr, 16)));
		rec[section].push_back(std::move(m));
	}
	return rec;
}

} // namespace smcscale::test
