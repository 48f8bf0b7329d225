// SPDX-License-Identifier: GPL-2.0
#include "table.hpp"

#include "error.hpp"

#include <algorithm>

namespace smcscale {

void Table::add(std::vector<std::string> row)
{
	if (row.size() != header_.size())
		throw Error("table: row of " + std::to_string(row.size()) + " cells for " +
			    std::to_string(header_.size()) + " columns");
	rows_.push_back(std::move(row));
}

void Table::print(std::ostream &out) const
{
	std::vector<size_t> width(header_.size());
	for (size_t c = 0; c < header_.size(); c++) {
		width[c] = header_[c].size();
		for (const auto &row : rows_)
			width[c] = std::max(width[c], row[c].size());
	}
	auto line = [&](const std::vector<std::string> &cells) {
		std::string text;
		for (size_t c = 0; c < cells.size(); c++) {
			text += cells[c];
			if (c + 1 < cells.size())
				text += std::string(width[c] - cells[c].size() + 2, ' ');
		}
		out << text << '\n';
	};
	line(header_);
	for (const auto &row : rows_)
		line(row);
}

} // namespace smcscale
