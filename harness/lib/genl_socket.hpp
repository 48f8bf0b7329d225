// SPDX-License-Identifier: GPL-2.0
// A generic-netlink socket (libnl-genl-3) that sends one request and collects its
// replies. Messages are handed out as owned byte buffers so that parsers work the same
// on live replies and on recorded ones (tests, --record).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

struct nl_sock;
struct nl_msg;
struct nlmsghdr;

namespace smcscale {

// One netlink message: nlmsghdr, genlmsghdr and attributes, as received or built.
struct NetlinkMessage {
	std::vector<uint8_t> bytes;

	nlmsghdr *header();
	const nlmsghdr *header() const;
};

// Adds the attributes of a request to a message that already has its headers.
using AttributeWriter = std::function<void(nl_msg *)>;

// Builds a complete request message (headers and attributes) for a family id and
// command: what GenlSocket sends, exposed so tests can compare it byte by byte.
NetlinkMessage build_genl_request(int family_id, uint8_t cmd, uint8_t version, int flags,
				  const AttributeWriter &attrs);

// A netlink socket of one protocol (NETLINK_GENERIC, NETLINK_SOCK_DIAG, ...) that sends
// a request and collects its replies until the kernel is done.
class NetlinkSocket {
public:
	explicit NetlinkSocket(int protocol);
	~NetlinkSocket();
	NetlinkSocket(const NetlinkSocket &) = delete;
	NetlinkSocket &operator=(const NetlinkSocket &) = delete;

	// Sends 'msg'; returns every reply until NLMSG_DONE or the acknowledgement.
	// Throws Error prefixed with 'what', with the kernel's errno and extended ack.
	std::vector<NetlinkMessage> transact(nl_msg *msg, const std::string &what);

	// Called with every message received, for recording (generic netlink only).
	void set_recorder(std::function<void(uint8_t cmd, const NetlinkMessage &)> recorder);

	// Reads replies 'bytes' at a time (libnl's default: 16 KiB, or what a peek finds).
	// The kernel fills a dump's buffers up to the size its reader reads, so a small one
	// makes a large dump come in more datagrams.
	void limit_receive_buffer(size_t bytes);

	// How many datagrams carried the last transaction's replies (not counting one with
	// only NLMSG_DONE): a dump the kernel had to continue, because its table did not fit
	// one buffer, came in more than one.
	size_t last_datagrams() const { return last_datagrams_; }

protected:
	std::unique_ptr<nl_sock, void (*)(nl_sock *)> sock_;

private:
	std::function<void(uint8_t, const NetlinkMessage &)> recorder_;
	size_t last_datagrams_ = 0;
};

class GenlSocket : public NetlinkSocket {
public:
	GenlSocket();

	// Numeric id of a generic-netlink family; throws FamilyNotFound when the kernel
	// does not know it (module not loaded).
	int family_id(const std::string &name);

	// A dump request: every reply message until NLMSG_DONE.
	std::vector<NetlinkMessage> dump(int family_id, uint8_t cmd, uint8_t version,
					 const AttributeWriter &attrs = {});

	// A do request that wants only the kernel's acknowledgement.
	void execute(int family_id, uint8_t cmd, uint8_t version, const AttributeWriter &attrs,
		     const std::string &what);

};

class FamilyNotFound : public std::runtime_error {
public:
	explicit FamilyNotFound(const std::string &family);
	const std::string &family() const { return family_; }

private:
	std::string family_;
};

} // namespace smcscale
