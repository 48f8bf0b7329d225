// SPDX-License-Identifier: GPL-2.0
// A plain-text table: a header row, then rows, columns padded to their widest cell.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace smcscale {

class Table {
public:
	explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
	void add(std::vector<std::string> row);
	void print(std::ostream &out) const;
	bool empty() const { return rows_.empty(); }

private:
	std::vector<std::string> header_;
	std::vector<std::vector<std::string>> rows_;
};

} // namespace smcscale
