// SPDX-License-Identifier: GPL-2.0
// The client side of smc-traffic: each thread connects its share of the connections
// (retrying refused connects until --connect-timeout), all threads start traffic
// together, and every response byte is checked against the expected stream.
#include "epoll.hpp"
#include "error.hpp"
#include "fallback_watch.hpp"
#include "payload.hpp"
#include "traffic.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <barrier>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <thread>

namespace smcscale {

namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t kStreamChunk = 64 * 1024;
constexpr auto kRetryDelay = std::chrono::milliseconds(200);
// A run in which nothing at all happens for this long is reported as stuck.
constexpr auto kStallLimit = std::chrono::seconds(60);

uint64_t ns_between(Clock::time_point a, Clock::time_point b)
{
	return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(b - a).count());
}

bool transient_connect_error(int err)
{
	return err == ECONNREFUSED || err == ETIMEDOUT || err == EHOSTUNREACH ||
	       err == ENETUNREACH || err == ECONNRESET || err == ECONNABORTED;
}

struct Connection {
	enum class State { waiting_retry, connecting, connected, sending, receiving, trailer, done, failed };

	uint32_t id = 0;
	UniqueFd fd;
	State state = State::waiting_retry;
	Clock::time_point first_attempt{};
	Clock::time_point retry_at{};
	Clock::time_point request_start{};
	int last_error = 0;
	PayloadStream tx, rx;
	std::vector<uint8_t> out;
	size_t out_pos = 0;
	size_t out_payload = 0; // payload bytes in 'out' (the hello is not payload)
	bool hello_sent = false;
	uint64_t in_remaining = 0;
	uint64_t requests_done = 0;
	uint64_t stream_sent = 0;
	uint8_t trailer[Trailer::kSize] = {};
	size_t trailer_got = 0;
};

class ClientWorker {
public:
	ClientWorker(const TrafficOptions &opt, const Endpoint &ep, uint32_t first, uint32_t count,
		     const std::atomic<bool> &stop)
		: opt_(opt), ep_(ep), stop_(stop), buffer_(256 * 1024)
	{
		result_.options = opt;
		for (uint32_t i = 0; i < count; i++) {
			auto c = std::make_unique<Connection>();
			c->id = first + i;
			c->tx = PayloadStream(stream_key(opt.seed, c->id, Direction::request));
			c->rx = PayloadStream(stream_key(opt.seed, c->id, Direction::response));
			conns_.push_back(std::move(c));
		}
	}

	void connect_all();
	void run_traffic(Clock::time_point deadline, bool timed);
	TrafficResult &result() { return result_; }

private:
	void start_connect(Connection &c);
	void on_connect_event(Connection &c);
	void connect_failed(Connection &c, int err);
	void begin_message(Connection &c);
	void start_request(Connection &c);
	void fill_stream_chunk(Connection &c);
	void on_writable(Connection &c);
	void on_readable(Connection &c);
	void read_response(Connection &c);
	void read_trailer(Connection &c);
	void finish(Connection &c);
	void fail(Connection &c, const std::string &why);
	bool should_stop(const Connection &c) const;
	bool active(const Connection &c) const
	{
		return c.state != Connection::State::done && c.state != Connection::State::failed;
	}

	const TrafficOptions &opt_;
	const Endpoint &ep_;
	const std::atomic<bool> &stop_;
	Epoll epoll_;
	std::vector<std::unique_ptr<Connection>> conns_;
	std::vector<uint8_t> buffer_;
	TrafficResult result_;
	Clock::time_point deadline_{};
	bool timed_ = false;
};

void ClientWorker::start_connect(Connection &c)
{
	c.fd = open_stream_socket(opt_.family, ep_);
	if (c.first_attempt == Clock::time_point{})
		c.first_attempt = Clock::now();
	if (::connect(c.fd.get(), reinterpret_cast<const sockaddr *>(&ep_.addr), ep_.len) == 0) {
		c.state = Connection::State::connecting;
		epoll_.add(c.fd.get(), EPOLLOUT, c.id);
		return;
	}
	if (errno != EINPROGRESS) {
		connect_failed(c, errno);
		return;
	}
	c.state = Connection::State::connecting;
	epoll_.add(c.fd.get(), EPOLLOUT, c.id);
}

void ClientWorker::connect_failed(Connection &c, int err)
{
	c.last_error = err;
	if (c.fd) {
		epoll_.remove(c.fd.get());
		c.fd.reset();
	}
	const auto now = Clock::now();
	const auto limit = c.first_attempt + std::chrono::duration<double>(opt_.connect_timeout);
	if (transient_connect_error(err) && now + kRetryDelay < limit && !stop_) {
		c.state = Connection::State::waiting_retry;
		c.retry_at = now + kRetryDelay;
		result_.connect_retries++;
		return;
	}
	fail(c, "connection " + std::to_string(c.id) + ": " +
		       errno_message("connect to " + ep_.text, err) + " (gave up after " +
		       std::to_string(opt_.connect_timeout) + " s)");
}

void ClientWorker::on_connect_event(Connection &c)
{
	int err = 0;
	socklen_t len = sizeof(err);
	if (getsockopt(c.fd.get(), SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err) {
		connect_failed(c, err);
		return;
	}
	c.state = Connection::State::connected;
	epoll_.modify(c.fd.get(), 0, c.id);
	result_.connections_established++;
	result_.connect_latency.record(ns_between(c.first_attempt, Clock::now()));
}

void ClientWorker::connect_all()
{
	auto stall_since = Clock::now();
	for (;;) {
		bool pending = false;
		uint32_t in_flight = 0;
		auto next_retry = Clock::now() + std::chrono::milliseconds(100);
		for (auto &c : conns_)
			in_flight += c->state == Connection::State::connecting;
		for (auto &c : conns_) {
			if (c->state == Connection::State::waiting_retry) {
				pending = true;
				if (Clock::now() < c->retry_at) {
					next_retry = std::min(next_retry, c->retry_at);
				} else if (in_flight < opt_.connect_parallel) {
					start_connect(*c);
					in_flight += c->state == Connection::State::connecting;
				}
			} else if (c->state == Connection::State::connecting) {
				pending = true;
			}
		}
		if (!pending)
			return;
		if (stop_) {
			for (auto &c : conns_)
				if (c->state == Connection::State::waiting_retry ||
				    c->state == Connection::State::connecting)
					fail(*c, "connection " + std::to_string(c->id) + ": interrupted while connecting");
			return;
		}
		const int timeout = static_cast<int>(std::max<int64_t>(
			1, std::chrono::duration_cast<std::chrono::milliseconds>(next_retry - Clock::now()).count()));
		const auto &events = epoll_.wait(timeout);
		if (!events.empty())
			stall_since = Clock::now();
		for (const epoll_event &ev : events) {
			Connection &c = *conns_[ev.data.u64 - conns_.front()->id];
			if (c.state == Connection::State::connecting)
				on_connect_event(c);
		}
		if (Clock::now() - stall_since > kStallLimit + std::chrono::duration<double>(opt_.connect_timeout)) {
			for (auto &c : conns_)
				if (c->state == Connection::State::connecting)
					fail(*c, "connection " + std::to_string(c->id) + ": connect to " + ep_.text +
							 " never completed");
		}
	}
}

bool ClientWorker::should_stop(const Connection &c) const
{
	if (stop_)
		return true;
	if (opt_.mode == TrafficMode::request_response) {
		if (opt_.requests)
			return c.requests_done >= opt_.requests;
	} else if (opt_.stream_bytes) {
		return c.stream_sent >= opt_.stream_bytes;
	}
	return timed_ && Clock::now() >= deadline_;
}

void ClientWorker::begin_message(Connection &c)
{
	c.out.clear();
	c.out_pos = 0;
	if (c.hello_sent)
		return;
	// the connection's first bytes tell the server how to verify it
	Hello h;
	h.mode = opt_.mode;
	h.connection = c.id;
	h.request_size = opt_.request_size;
	h.response_size = opt_.response_size;
	h.seed = opt_.seed;
	auto bytes = h.encode();
	c.out.assign(bytes.begin(), bytes.end());
	c.hello_sent = true;
}

void ClientWorker::start_request(Connection &c)
{
	begin_message(c);
	const size_t header = c.out.size();
	c.out.resize(header + opt_.request_size);
	c.tx.fill(c.out.data() + header, opt_.request_size);
	c.out_payload = opt_.request_size;
	c.request_start = Clock::now();
	c.state = Connection::State::sending;
	epoll_.modify(c.fd.get(), EPOLLOUT, c.id);
}

void ClientWorker::fill_stream_chunk(Connection &c)
{
	begin_message(c);
	size_t chunk = kStreamChunk;
	if (opt_.stream_bytes)
		chunk = static_cast<size_t>(std::min<uint64_t>(chunk, opt_.stream_bytes - c.stream_sent));
	const size_t header = c.out.size();
	c.out.resize(header + chunk);
	c.tx.fill(c.out.data() + header, chunk);
	c.out_payload = chunk;
}

void ClientWorker::on_writable(Connection &c)
{
	while (c.out_pos < c.out.size()) {
		ssize_t n = ::send(c.fd.get(), c.out.data() + c.out_pos, c.out.size() - c.out_pos, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			fail(c, errno_message("connection " + std::to_string(c.id) + ": send", errno));
			return;
		}
		c.out_pos += static_cast<size_t>(n);
		if (c.out_pos == c.out.size()) {
			result_.bytes_sent += c.out_payload;
			if (opt_.mode == TrafficMode::request_response) {
				c.in_remaining = opt_.response_size;
				c.state = Connection::State::receiving;
				epoll_.modify(c.fd.get(), EPOLLIN, c.id);
				return;
			}
			c.stream_sent += c.out_payload;
			if (should_stop(c)) {
				::shutdown(c.fd.get(), SHUT_WR);
				c.state = Connection::State::trailer;
				epoll_.modify(c.fd.get(), EPOLLIN, c.id);
				return;
			}
			fill_stream_chunk(c);
		}
	}
}

void ClientWorker::read_response(Connection &c)
{
	while (c.in_remaining) {
		const size_t want = static_cast<size_t>(std::min<uint64_t>(c.in_remaining, buffer_.size()));
		ssize_t n = ::recv(c.fd.get(), buffer_.data(), want, 0);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			fail(c, errno_message("connection " + std::to_string(c.id) + ": recv", errno));
			return;
		}
		if (n == 0) {
			fail(c, "connection " + std::to_string(c.id) + ": server closed the connection " +
					std::to_string(c.in_remaining) + " bytes before the end of response " +
					std::to_string(c.requests_done + 1));
			return;
		}
		const size_t got = static_cast<size_t>(n);
		result_.bytes_received += got;
		const uint64_t at = c.rx.offset();
		const size_t good = c.rx.verify(buffer_.data(), got);
		result_.bytes_verified += good;
		if (good != got) {
			fail(c, "connection " + std::to_string(c.id) + ": response byte at stream offset " +
					std::to_string(at + good) + " differs from what the server must send");
			return;
		}
		c.in_remaining -= got;
	}
	result_.latency.record(ns_between(c.request_start, Clock::now()));
	result_.requests++;
	c.requests_done++;
	if (should_stop(c))
		finish(c);
	else
		start_request(c);
}

void ClientWorker::read_trailer(Connection &c)
{
	while (c.trailer_got < Trailer::kSize) {
		ssize_t n = ::recv(c.fd.get(), c.trailer + c.trailer_got, Trailer::kSize - c.trailer_got, 0);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			fail(c, errno_message("connection " + std::to_string(c.id) + ": recv of the trailer", errno));
			return;
		}
		if (n == 0) {
			fail(c, "connection " + std::to_string(c.id) + ": server closed without a trailer");
			return;
		}
		c.trailer_got += static_cast<size_t>(n);
	}
	const Trailer t = Trailer::decode(c.trailer);
	result_.peer_bytes_verified += t.bytes_verified;
	if (t.errors || t.bytes_verified != c.stream_sent) {
		fail(c, "connection " + std::to_string(c.id) + ": server verified " +
				std::to_string(t.bytes_verified) + " of " + std::to_string(c.stream_sent) +
				" bytes sent, " + std::to_string(t.errors) + " error(s)");
		return;
	}
	finish(c);
}

void ClientWorker::on_readable(Connection &c)
{
	if (c.state == Connection::State::receiving)
		read_response(c);
	else if (c.state == Connection::State::trailer)
		read_trailer(c);
}

void ClientWorker::finish(Connection &c)
{
	epoll_.remove(c.fd.get());
	c.fd.reset();
	c.state = Connection::State::done;
	result_.connections_completed++;
}

void ClientWorker::fail(Connection &c, const std::string &why)
{
	if (c.fd) {
		epoll_.remove(c.fd.get());
		c.fd.reset();
	}
	c.state = Connection::State::failed;
	result_.add_error(why);
}

void ClientWorker::run_traffic(Clock::time_point deadline, bool timed)
{
	deadline_ = deadline;
	timed_ = timed;
	for (auto &c : conns_) {
		if (c->state != Connection::State::connected)
			continue;
		if (opt_.mode == TrafficMode::request_response) {
			start_request(*c);
		} else {
			fill_stream_chunk(*c);
			c->state = Connection::State::sending;
			epoll_.modify(c->fd.get(), EPOLLOUT, c->id);
		}
	}
	auto last_progress = Clock::now();
	for (;;) {
		bool any = false;
		for (auto &c : conns_)
			any = any || active(*c);
		if (!any)
			return;
		const auto &events = epoll_.wait(100);
		if (!events.empty())
			last_progress = Clock::now();
		for (const epoll_event &ev : events) {
			Connection &c = *conns_[ev.data.u64 - conns_.front()->id];
			if (c.state == Connection::State::sending)
				on_writable(c);
			else if (c.state == Connection::State::receiving || c.state == Connection::State::trailer)
				on_readable(c);
		}
		if (Clock::now() - last_progress > kStallLimit) {
			for (auto &c : conns_)
				if (active(*c))
					fail(*c, "connection " + std::to_string(c->id) + ": no progress for " +
							 std::to_string(kStallLimit.count()) + " s");
		}
	}
}

} // namespace

TrafficResult run_traffic_client(const TrafficOptions &opt, const std::atomic<bool> &stop)
{
	const Endpoint ep = parse_endpoint(opt.host, opt.port);
	std::optional<FallbackWatch> fallbacks;
	if (opt.family == SocketFamily::smc)
		fallbacks.emplace();
	std::vector<std::unique_ptr<ClientWorker>> workers;
	uint32_t first = 0;
	for (uint32_t t = 0; t < opt.threads; t++) {
		const uint32_t count = opt.connections / opt.threads + (t < opt.connections % opt.threads ? 1 : 0);
		workers.push_back(std::make_unique<ClientWorker>(opt, ep, first, count, stop));
		first += count;
	}
	const bool timed = opt.mode == TrafficMode::request_response ? opt.requests == 0 : opt.stream_bytes == 0;
	Clock::time_point start, end;
	// All connections are up before any traffic: the traffic phase measures traffic only.
	std::barrier sync(static_cast<std::ptrdiff_t>(opt.threads), [&]() noexcept { start = Clock::now(); });
	std::vector<std::string> thread_errors(opt.threads);
	{
		std::vector<std::jthread> threads;
		for (uint32_t t = 0; t < opt.threads; t++) {
			threads.emplace_back([&, t] {
				bool arrived = false;
				try {
					workers[t]->connect_all();
					sync.arrive_and_wait();
					arrived = true;
					const auto deadline = start + std::chrono::duration_cast<Clock::duration>(
									std::chrono::duration<double>(opt.duration));
					workers[t]->run_traffic(deadline, timed);
				} catch (const std::exception &e) {
					thread_errors[t] = e.what();
					if (!arrived)
						sync.arrive_and_drop();
				}
			});
		}
	}
	end = Clock::now();
	TrafficResult total;
	total.options = opt;
	for (uint32_t t = 0; t < opt.threads; t++) {
		total.merge(workers[t]->result());
		if (!thread_errors[t].empty())
			total.add_error("thread " + std::to_string(t) + ": " + thread_errors[t]);
	}
	total.elapsed = start == Clock::time_point{} ? 0.0 : std::chrono::duration<double>(end - start).count();
	if (fallbacks)
		note_fallbacks(total, *fallbacks, false);
	return total;
}

} // namespace smcscale
