// SPDX-License-Identifier: GPL-2.0
// The server side of smc-traffic: threads share one listening socket (EPOLLEXCLUSIVE),
// each serves the connections it accepted. A connection's hello says how to verify
// it; requests are verified before they are answered, streams are verified to the end
// and answered with a trailer of what was verified.
#include "epoll.hpp"
#include "error.hpp"
#include "fallback_watch.hpp"
#include "payload.hpp"
#include "traffic.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <memory>
#include <thread>
#include <unordered_map>

namespace smcscale {

namespace {

using Clock = std::chrono::steady_clock;
constexpr uint64_t kListenToken = 0;

struct ServerConnection {
	enum class State { hello, request, respond, stream, trailer };

	uint64_t token = 0;
	UniqueFd fd;
	std::string peer;
	State state = State::hello;
	uint8_t hello[Hello::kSize] = {};
	size_t hello_got = 0;
	Hello params;
	PayloadStream rx, tx;
	uint64_t in_remaining = 0;
	std::vector<uint8_t> out;
	size_t out_pos = 0;
	uint64_t stream_verified = 0;
	uint64_t stream_errors = 0;
};

std::string peer_name(const sockaddr_storage &ss)
{
	char host[INET6_ADDRSTRLEN] = "?";
	uint16_t port = 0;
	if (ss.ss_family == AF_INET) {
		const auto *a = reinterpret_cast<const sockaddr_in *>(&ss);
		inet_ntop(AF_INET, &a->sin_addr, host, sizeof(host));
		port = ntohs(a->sin_port);
	} else if (ss.ss_family == AF_INET6) {
		const auto *a = reinterpret_cast<const sockaddr_in6 *>(&ss);
		inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof(host));
		port = ntohs(a->sin6_port);
	}
	return std::string(host) + ":" + std::to_string(port);
}

class ServerWorker {
public:
	ServerWorker(const TrafficOptions &opt, int listen_fd, const std::atomic<bool> &stop,
		     std::atomic<uint64_t> &ended, std::atomic<uint64_t> &next_token)
		: opt_(opt), listen_fd_(listen_fd), stop_(stop), ended_(ended), next_token_(next_token),
		  buffer_(256 * 1024)
	{
		result_.options = opt;
		epoll_.add(listen_fd_, EPOLLIN | EPOLLEXCLUSIVE, kListenToken);
	}

	void run();
	TrafficResult &result() { return result_; }

private:
	void accept_all();
	void on_event(ServerConnection &c);
	bool read_hello(ServerConnection &c);
	bool read_request(ServerConnection &c);
	bool write_out(ServerConnection &c);
	bool read_stream(ServerConnection &c);
	void close(ServerConnection &c, bool completed, const std::string &error = {});
	bool finished() const
	{
		return stop_ || (opt_.exit_after && ended_.load() >= opt_.exit_after);
	}

	const TrafficOptions &opt_;
	int listen_fd_;
	const std::atomic<bool> &stop_;
	std::atomic<uint64_t> &ended_;
	std::atomic<uint64_t> &next_token_;
	Epoll epoll_;
	std::unordered_map<uint64_t, std::unique_ptr<ServerConnection>> conns_;
	std::vector<uint8_t> buffer_;
	TrafficResult result_;
};

void ServerWorker::accept_all()
{
	for (;;) {
		sockaddr_storage ss{};
		socklen_t len = sizeof(ss);
		int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr *>(&ss), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EAGAIN || errno == EINTR || errno == ECONNABORTED)
				return;
			result_.add_error(errno_message("accept", errno));
			return;
		}
		auto c = std::make_unique<ServerConnection>();
		c->token = next_token_++;
		c->fd.reset(fd);
		c->peer = peer_name(ss);
		epoll_.add(fd, EPOLLIN, c->token);
		result_.connections_established++;
		conns_.emplace(c->token, std::move(c));
	}
}

void ServerWorker::close(ServerConnection &c, bool completed, const std::string &error)
{
	if (!error.empty())
		result_.add_error("connection " + std::to_string(c.params.connection) + " from " + c.peer + ": " + error);
	if (completed)
		result_.connections_completed++;
	epoll_.remove(c.fd.get());
	ended_++;
	conns_.erase(c.token); // destroys c, closing its socket
}

bool ServerWorker::read_hello(ServerConnection &c)
{
	while (c.hello_got < Hello::kSize) {
		ssize_t n = ::recv(c.fd.get(), c.hello + c.hello_got, Hello::kSize - c.hello_got, 0);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return true;
			close(c, false, errno_message("recv of the hello", errno));
			return false;
		}
		if (n == 0) {
			close(c, false, "closed before sending a complete hello");
			return false;
		}
		c.hello_got += static_cast<size_t>(n);
	}
	auto h = Hello::decode(c.hello);
	if (!h) {
		close(c, false, "did not start with an smc-traffic hello");
		return false;
	}
	c.params = *h;
	c.rx = PayloadStream(stream_key(h->seed, h->connection, Direction::request));
	c.tx = PayloadStream(stream_key(h->seed, h->connection, Direction::response));
	if (h->mode == TrafficMode::request_response) {
		if (!h->request_size || !h->response_size) {
			close(c, false, "hello asks for empty requests or responses");
			return false;
		}
		c.state = ServerConnection::State::request;
		c.in_remaining = h->request_size;
	} else {
		c.state = ServerConnection::State::stream;
	}
	return true;
}

bool ServerWorker::read_request(ServerConnection &c)
{
	while (c.in_remaining) {
		const size_t want = static_cast<size_t>(std::min<uint64_t>(c.in_remaining, buffer_.size()));
		ssize_t n = ::recv(c.fd.get(), buffer_.data(), want, 0);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return true;
			close(c, false, errno_message("recv", errno));
			return false;
		}
		if (n == 0) {
			// A client ends its connection between requests; anything else is an error.
			if (c.in_remaining == c.params.request_size)
				close(c, true);
			else
				close(c, false, "closed in the middle of a request");
			return false;
		}
		const size_t got = static_cast<size_t>(n);
		result_.bytes_received += got;
		const uint64_t at = c.rx.offset();
		const size_t good = c.rx.verify(buffer_.data(), got);
		result_.bytes_verified += good;
		if (good != got) {
			close(c, false, "request byte at stream offset " + std::to_string(at + good) +
						" differs from what the client must send");
			return false;
		}
		c.in_remaining -= got;
	}
	c.out.resize(c.params.response_size);
	c.tx.fill(c.out.data(), c.out.size());
	c.out_pos = 0;
	c.state = ServerConnection::State::respond;
	epoll_.modify(c.fd.get(), EPOLLOUT, c.token);
	return true;
}

bool ServerWorker::write_out(ServerConnection &c)
{
	while (c.out_pos < c.out.size()) {
		ssize_t n = ::send(c.fd.get(), c.out.data() + c.out_pos, c.out.size() - c.out_pos, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return true;
			close(c, false, errno_message("send", errno));
			return false;
		}
		c.out_pos += static_cast<size_t>(n);
	}
	if (c.state == ServerConnection::State::trailer) {
		close(c, c.stream_errors == 0);
		return false;
	}
	result_.bytes_sent += c.out.size();
	result_.requests++;
	c.state = ServerConnection::State::request;
	c.in_remaining = c.params.request_size;
	epoll_.modify(c.fd.get(), EPOLLIN, c.token);
	return true;
}

bool ServerWorker::read_stream(ServerConnection &c)
{
	for (;;) {
		ssize_t n = ::recv(c.fd.get(), buffer_.data(), buffer_.size(), 0);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return true;
			close(c, false, errno_message("recv", errno));
			return false;
		}
		if (n == 0)
			break;
		const size_t got = static_cast<size_t>(n);
		result_.bytes_received += got;
		if (c.stream_errors)
			continue; // after a mismatch the stream cannot be followed; drain it
		const uint64_t at = c.rx.offset();
		const size_t good = c.rx.verify(buffer_.data(), got);
		c.stream_verified += good;
		result_.bytes_verified += good;
		if (good != got) {
			c.stream_errors++;
			result_.add_error("connection " + std::to_string(c.params.connection) + " from " + c.peer +
					  ": stream byte at offset " + std::to_string(at + good) + " differs");
		}
	}
	const Trailer t{c.stream_verified, c.stream_errors};
	const auto bytes = t.encode();
	c.out.assign(bytes.begin(), bytes.end());
	c.out_pos = 0;
	c.state = ServerConnection::State::trailer;
	epoll_.modify(c.fd.get(), EPOLLOUT, c.token);
	return true;
}

void ServerWorker::on_event(ServerConnection &c)
{
	bool alive = true;
	if (c.state == ServerConnection::State::hello)
		alive = read_hello(c);
	if (!alive)
		return;
	switch (c.state) {
	case ServerConnection::State::request:
		read_request(c);
		break;
	case ServerConnection::State::respond:
	case ServerConnection::State::trailer:
		write_out(c);
		break;
	case ServerConnection::State::stream:
		read_stream(c);
		break;
	case ServerConnection::State::hello:
		break;
	}
}

void ServerWorker::run()
{
	while (!finished()) {
		for (const epoll_event &ev : epoll_.wait(100)) {
			// epoll_event is packed on x86-64: copy the token, do not bind to it
			const uint64_t token = ev.data.u64;
			if (token == kListenToken) {
				accept_all();
				continue;
			}
			auto it = conns_.find(token);
			if (it != conns_.end())
				on_event(*it->second);
		}
	}
}

UniqueFd listen_socket(const TrafficOptions &opt)
{
	const Endpoint ep = parse_endpoint(opt.host, opt.port);
	UniqueFd fd = open_stream_socket(opt.family, ep);
	int one = 1;
	if (setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		throw_errno("setsockopt(SO_REUSEADDR)", errno);
	if (::bind(fd.get(), reinterpret_cast<const sockaddr *>(&ep.addr), ep.len) < 0)
		throw_errno("bind to " + ep.text, errno);
	if (::listen(fd.get(), 4096) < 0)
		throw_errno("listen on " + ep.text, errno);
	return fd;
}

} // namespace

TrafficResult run_traffic_server(const TrafficOptions &opt, const std::atomic<bool> &stop)
{
	std::optional<FallbackWatch> fallbacks;
	if (opt.family == SocketFamily::smc)
		fallbacks.emplace();
	UniqueFd lfd = listen_socket(opt);
	std::atomic<uint64_t> ended{0};
	std::atomic<uint64_t> next_token{1};
	std::vector<std::unique_ptr<ServerWorker>> workers;
	for (uint32_t t = 0; t < opt.threads; t++)
		workers.push_back(std::make_unique<ServerWorker>(opt, lfd.get(), stop, ended, next_token));
	std::vector<std::string> thread_errors(opt.threads);
	const auto start = Clock::now();
	{
		std::vector<std::jthread> threads;
		for (uint32_t t = 0; t < opt.threads; t++)
			threads.emplace_back([&, t] {
				try {
					workers[t]->run();
				} catch (const std::exception &e) {
					thread_errors[t] = e.what();
				}
			});
	}
	TrafficResult total;
	total.options = opt;
	for (uint32_t t = 0; t < opt.threads; t++) {
		total.merge(workers[t]->result());
		if (!thread_errors[t].empty())
			total.add_error("thread " + std::to_string(t) + ": " + thread_errors[t]);
	}
	total.elapsed = std::chrono::duration<double>(Clock::now() - start).count();
	if (fallbacks)
		note_fallbacks(total, *fallbacks, true);
	return total;
}

} // namespace smcscale
