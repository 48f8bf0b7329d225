// SPDX-License-Identifier: GPL-2.0
#include "genl_socket.hpp"

#include "error.hpp"

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace smcscale {

nlmsghdr *NetlinkMessage::header()
{
	return reinterpret_cast<nlmsghdr *>(bytes.data());
}

const nlmsghdr *NetlinkMessage::header() const
{
	return reinterpret_cast<const nlmsghdr *>(bytes.data());
}

FamilyNotFound::FamilyNotFound(const std::string &family)
	: std::runtime_error("generic netlink family " + family +
			     " not found (is the module that provides it loaded?)"),
	  family_(family)
{
}

namespace {

using MsgPtr = std::unique_ptr<nl_msg, void (*)(nl_msg *)>;
using CbPtr = std::unique_ptr<nl_cb, void (*)(nl_cb *)>;

MsgPtr new_request(int family_id, uint8_t cmd, uint8_t version, int flags,
		   const AttributeWriter &attrs)
{
	MsgPtr msg(nlmsg_alloc(), nlmsg_free);
	if (!msg)
		throw Error("netlink: cannot allocate a message");
	if (!genlmsg_put(msg.get(), NL_AUTO_PORT, NL_AUTO_SEQ, family_id, 0, flags, cmd, version))
		throw Error("netlink: cannot put the generic netlink header");
	if (attrs)
		attrs(msg.get());
	return msg;
}

// libnl's receive hook has no argument; a transaction runs on one thread at a time.
thread_local size_t datagrams_received = 0;

// nl_recv, counting the datagrams (each a recvmsg) received.
int counting_recv(nl_sock *sk, sockaddr_nl *nla, unsigned char **buf, ucred **creds)
{
	const int n = nl_recv(sk, nla, buf, creds);
	if (n > 0)
		datagrams_received++;
	return n;
}

// State shared with libnl's callbacks during one transaction.
struct Transaction {
	std::vector<NetlinkMessage> replies;
	size_t reply_datagrams = 0; // datagrams that carried at least one reply
	size_t last_reply_datagram = 0;
	std::function<void(uint8_t, const NetlinkMessage &)> *recorder = nullptr;
	bool done = false;
	int error = 0; // positive errno from the kernel
	std::string extack;
};

NetlinkMessage copy_message(const nlmsghdr *nlh)
{
	const auto *p = reinterpret_cast<const uint8_t *>(nlh);
	return NetlinkMessage{std::vector<uint8_t>(p, p + nlh->nlmsg_len)};
}

int on_valid(nl_msg *msg, void *arg)
{
	auto *t = static_cast<Transaction *>(arg);
	NetlinkMessage m = copy_message(nlmsg_hdr(msg));
	if (t->recorder && *t->recorder) {
		const auto *gh = static_cast<const genlmsghdr *>(nlmsg_data(nlmsg_hdr(msg)));
		(*t->recorder)(gh->cmd, m);
	}
	t->replies.push_back(std::move(m));
	if (datagrams_received != t->last_reply_datagram) {
		t->last_reply_datagram = datagrams_received;
		t->reply_datagrams++;
	}
	return NL_OK;
}

int on_finish(nl_msg *, void *arg)
{
	static_cast<Transaction *>(arg)->done = true;
	return NL_STOP;
}

int on_ack(nl_msg *, void *arg)
{
	static_cast<Transaction *>(arg)->done = true;
	return NL_STOP;
}

// The extended ack (NLMSGERR_ATTR_MSG) follows the error and, unless capped, a copy
// of the request; its TLVs are parsed with libnl like any attribute stream.
std::string extack_message(const nlmsghdr *nlh, const nlmsgerr *err)
{
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return {};
	size_t offset = sizeof(*err);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		offset += err->msg.nlmsg_len - NLMSG_HDRLEN;
	const auto *base = reinterpret_cast<const uint8_t *>(err);
	const int payload = static_cast<int>(nlh->nlmsg_len) - NLMSG_HDRLEN;
	if (static_cast<int>(offset) >= payload)
		return {};
	nlattr *tb[NLMSGERR_ATTR_MAX + 1] = {};
	auto *attrs = reinterpret_cast<nlattr *>(const_cast<uint8_t *>(base + offset));
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, attrs, payload - static_cast<int>(offset), nullptr) < 0)
		return {};
	if (!tb[NLMSGERR_ATTR_MSG])
		return {};
	return nla_get_string(tb[NLMSGERR_ATTR_MSG]);
}

int on_error(sockaddr_nl *, nlmsgerr *err, void *arg)
{
	auto *t = static_cast<Transaction *>(arg);
	const auto *nlh = reinterpret_cast<const nlmsghdr *>(reinterpret_cast<const uint8_t *>(err) -
							     NLMSG_HDRLEN);
	t->error = -err->error;
	t->extack = extack_message(nlh, err);
	t->done = true;
	return NL_STOP;
}

} // namespace

NetlinkMessage build_genl_request(int family_id, uint8_t cmd, uint8_t version, int flags,
				  const AttributeWriter &attrs)
{
	MsgPtr msg = new_request(family_id, cmd, version, flags, attrs);
	return copy_message(nlmsg_hdr(msg.get()));
}

NetlinkSocket::NetlinkSocket(int protocol) : sock_(nl_socket_alloc(), nl_socket_free)
{
	if (!sock_)
		throw Error("netlink: cannot allocate a socket");
	int rc = nl_connect(sock_.get(), protocol);
	if (rc < 0)
		throw Error("netlink: cannot connect a socket of protocol " + std::to_string(protocol) + ": " +
			    nl_geterror(rc));
	// We ask for acknowledgements ourselves, only where a request wants one.
	nl_socket_disable_auto_ack(sock_.get());
	int one = 1;
	// Extended acks carry the kernel's reason for a rejection; older kernels lack it.
	setsockopt(nl_socket_get_fd(sock_.get()), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl_socket_get_fd(sock_.get()), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
}

NetlinkSocket::~NetlinkSocket() = default;

GenlSocket::GenlSocket() : NetlinkSocket(NETLINK_GENERIC) {}

int GenlSocket::family_id(const std::string &name)
{
	int id = genl_ctrl_resolve(sock_.get(), name.c_str());
	if (id == -NLE_OBJ_NOTFOUND)
		throw FamilyNotFound(name);
	if (id < 0)
		throw Error("netlink: resolving family " + name + ": " + nl_geterror(id));
	return id;
}

void NetlinkSocket::limit_receive_buffer(size_t bytes)
{
	nl_socket_disable_msg_peek(sock_.get());
	const int rc = nl_socket_set_msg_buf_size(sock_.get(), bytes);
	if (rc < 0)
		throw Error("netlink: cannot set a receive buffer of " + std::to_string(bytes) +
			    " bytes: " + nl_geterror(rc));
}

void NetlinkSocket::set_recorder(std::function<void(uint8_t, const NetlinkMessage &)> recorder)
{
	recorder_ = std::move(recorder);
}

std::vector<NetlinkMessage> NetlinkSocket::transact(nl_msg *msg, const std::string &what)
{
	CbPtr cb(nl_cb_alloc(NL_CB_DEFAULT), nl_cb_put);
	if (!cb)
		throw Error("netlink: cannot allocate callbacks");
	Transaction t;
	t.recorder = &recorder_;
	nl_cb_set(cb.get(), NL_CB_VALID, NL_CB_CUSTOM, on_valid, &t);
	nl_cb_set(cb.get(), NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &t);
	nl_cb_set(cb.get(), NL_CB_ACK, NL_CB_CUSTOM, on_ack, &t);
	nl_cb_err(cb.get(), NL_CB_CUSTOM, on_error, &t);
	nl_cb_overwrite_recv(cb.get(), counting_recv);
	datagrams_received = 0;

	int rc = nl_send_auto(sock_.get(), msg);
	if (rc < 0)
		throw Error(what + ": sending the request failed: " + nl_geterror(rc));
	while (!t.done) {
		rc = nl_recvmsgs(sock_.get(), cb.get());
		if (rc < 0 && !t.done)
			throw Error(what + ": receiving the reply failed: " + nl_geterror(rc));
	}
	last_datagrams_ = t.reply_datagrams;
	if (t.error) {
		std::string text = errno_message(what, t.error);
		if (!t.extack.empty())
			text += " (" + t.extack + ")";
		throw Error(text);
	}
	return std::move(t.replies);
}

std::vector<NetlinkMessage> GenlSocket::dump(int family_id, uint8_t cmd, uint8_t version,
					     const AttributeWriter &attrs)
{
	MsgPtr msg = new_request(family_id, cmd, version, NLM_F_DUMP, attrs);
	return transact(msg.get(), "netlink dump (command " + std::to_string(cmd) + ")");
}

void GenlSocket::execute(int family_id, uint8_t cmd, uint8_t version,
			 const AttributeWriter &attrs, const std::string &what)
{
	MsgPtr msg = new_request(family_id, cmd, version, NLM_F_ACK, attrs);
	transact(msg.get(), what);
}

} // namespace smcscale
