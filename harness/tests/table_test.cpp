// SPDX-License-Identifier: GPL-2.0
#include "error.hpp"
#include "table.hpp"

#include <gtest/gtest.h>

#include <sstream>

using namespace smcscale;

TEST(Table, PadsColumnsToWidestCell)
{
	Table t({"A", "LONGER"});
	t.add({"wide-cell", "x"});
	t.add({"b", "yy"});
	std::ostringstream out;
	t.print(out);
	EXPECT_EQ(out.str(), "A          LONGER\n"
			     "wide-cell  x\n"
			     "b          yy\n");
}

TEST(Table, RejectsRowOfWrongWidth)
{
	Table t({"A", "B"});
	EXPECT_THROW(t.add({"1"}), Error);
}
