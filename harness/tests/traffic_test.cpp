// SPDX-License-Identifier: GPL-2.0
// smc-traffic's options, protocol and reports, and its engines end to end over TCP on
// loopback (AF_SMC needs the testbed; the guest tests cover it).
#include "args.hpp"
#include "error.hpp"
#include "fallback_watch.hpp"
#include "traffic.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include <future>
#include <thread>

using namespace smcscale;

namespace {

TrafficOptions parse(std::vector<std::string> words)
{
	std::vector<char *> argv{const_cast<char *>("smc-traffic")};
	for (auto &w : words)
		argv.push_back(w.data());
	TrafficOptions opt;
	std::string help;
	EXPECT_TRUE(parse_traffic_options(static_cast<int>(argv.size()), argv.data(), opt, &help));
	return opt;
}

uint16_t free_port()
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	sockaddr_in a{};
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof(a));
	socklen_t len = sizeof(a);
	getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len);
	close(fd);
	return ntohs(a.sin_port);
}

} // namespace

TEST(TrafficOptions, Defaults)
{
	TrafficOptions o = parse({"client", "--host", "10.0.0.1"});
	EXPECT_FALSE(o.server);
	EXPECT_EQ(o.family, SocketFamily::smc);
	EXPECT_EQ(o.mode, TrafficMode::request_response);
	EXPECT_EQ(o.connections, 1u);
	EXPECT_EQ(o.request_size, 64u);
	EXPECT_EQ(o.port, 5555);
}

TEST(TrafficOptions, AllOptions)
{
	TrafficOptions o = parse({"client", "--host=::1", "--family", "tcp", "--port", "7", "--mode", "stream",
				  "--connections", "300", "--threads", "4", "--bytes", "2M", "--duration", "1.5",
				  "--seed", "9", "--json"});
	EXPECT_EQ(o.host, "::1");
	EXPECT_EQ(o.family, SocketFamily::tcp);
	EXPECT_EQ(o.mode, TrafficMode::stream);
	EXPECT_EQ(o.connections, 300u);
	EXPECT_EQ(o.threads, 4u);
	EXPECT_EQ(o.stream_bytes, 2u << 20);
	EXPECT_DOUBLE_EQ(o.duration, 1.5);
	EXPECT_EQ(o.seed, 9u);
	EXPECT_TRUE(o.json);
}

TEST(TrafficOptions, ThreadsCappedByConnections)
{
	EXPECT_EQ(parse({"client", "--host", "1.2.3.4", "--threads", "8", "--connections", "3"}).threads, 3u);
}

TEST(TrafficOptions, BadInputIsAUsageError)
{
	std::string help;
	auto bad = [&](std::vector<std::string> words) {
		std::vector<char *> argv{const_cast<char *>("smc-traffic")};
		for (auto &w : words)
			argv.push_back(w.data());
		TrafficOptions o;
		return parse_traffic_options(static_cast<int>(argv.size()), argv.data(), o, &help);
	};
	EXPECT_THROW(bad({}), UsageError);
	EXPECT_THROW(bad({"client"}), UsageError);			 // no --host
	EXPECT_THROW(bad({"both"}), UsageError);
	EXPECT_THROW(bad({"server", "--family", "udp"}), UsageError);
	EXPECT_THROW(bad({"server", "--mode", "pingpong"}), UsageError);
	EXPECT_THROW(bad({"server", "--port", "70000"}), UsageError);
	EXPECT_THROW(bad({"client", "--host", "h", "--connections", "0"}), UsageError);
	EXPECT_THROW(bad({"client", "--host", "h", "--request-size", "0"}), UsageError);
	EXPECT_THROW(bad({"server", "--frobnicate"}), UsageError);
	EXPECT_FALSE(bad({"--help"}));
	EXPECT_NE(help.find("--connections"), std::string::npos);
}

TEST(TrafficProtocol, HelloRoundTrip)
{
	Hello h;
	h.mode = TrafficMode::stream;
	h.connection = 77;
	h.request_size = 1000;
	h.response_size = 2;
	h.seed = 0x0102030405060708ULL;
	auto bytes = h.encode();
	EXPECT_EQ(bytes[0], 'S');
	auto back = Hello::decode(bytes.data());
	ASSERT_TRUE(back.has_value());
	EXPECT_EQ(back->mode, TrafficMode::stream);
	EXPECT_EQ(back->connection, 77u);
	EXPECT_EQ(back->request_size, 1000u);
	EXPECT_EQ(back->response_size, 2u);
	EXPECT_EQ(back->seed, h.seed);
	bytes[6] = 9; // unknown mode
	EXPECT_FALSE(Hello::decode(bytes.data()).has_value());
	bytes = h.encode();
	bytes[0] = 'X';
	EXPECT_FALSE(Hello::decode(bytes.data()).has_value());
}

TEST(TrafficReport, KeyValueRecordsOptionsAndResults)
{
	TrafficResult r;
	r.options = parse({"client", "--host", "10.0.0.1", "--connections", "2", "--requests", "5"});
	r.connections_established = r.connections_completed = 2;
	r.requests = 10;
	r.bytes_sent = r.bytes_received = r.bytes_verified = 640;
	r.elapsed = 2.0;
	r.latency.record(1000);
	const std::string kv = format_key_value(r);
	for (const char *line : {"host=10.0.0.1\n", "connections=2\n", "requests=10\n", "ok=true\n",
				 "qps=5.0\n", "bytes_verified=640\n", "latency_us_p50=1.0\n"})
		EXPECT_NE(kv.find(line), std::string::npos) << line << " in\n" << kv;
	EXPECT_TRUE(r.ok());
	r.add_error("boom");
	EXPECT_FALSE(r.ok());
	EXPECT_EQ(traffic_json(r)["results"]["error_messages"][0], "boom");
}

TEST(TrafficReport, ClientMissingConnectionsIsNotOk)
{
	TrafficResult r;
	r.options = parse({"client", "--host", "10.0.0.1", "--connections", "2"});
	r.connections_established = 2;
	r.connections_completed = 1;
	EXPECT_FALSE(r.ok());
}

class TrafficOverTcp : public ::testing::Test {
protected:
	TrafficResult serve_and_run(TrafficOptions client, uint64_t exit_after)
	{
		const uint16_t port = free_port();
		TrafficOptions server = parse({"server", "--family", "tcp", "--host", "127.0.0.1"});
		server.port = port;
		server.threads = 2;
		server.exit_after = exit_after;
		client.port = port;
		std::atomic<bool> stop{false};
		auto srv = std::async(std::launch::async, [&] { return run_traffic_server(server, stop); });
		TrafficResult r = run_traffic_client(client, stop);
		server_result = srv.get();
		return r;
	}
	TrafficResult server_result;
};

TEST_F(TrafficOverTcp, RequestResponseVerifiesEveryByte)
{
	TrafficOptions c = parse({"client", "--family", "tcp", "--host", "127.0.0.1", "--connections", "6",
				  "--threads", "3", "--requests", "50", "--request-size", "3000",
				  "--response-size", "70000"});
	TrafficResult r = serve_and_run(c, 6);
	EXPECT_TRUE(r.ok()) << format_key_value(r);
	EXPECT_EQ(r.requests, 300u);
	EXPECT_EQ(r.bytes_verified, 300u * 70000);
	EXPECT_EQ(r.bytes_received, r.bytes_verified);
	EXPECT_EQ(r.latency.count(), 300u);
	EXPECT_TRUE(server_result.ok());
	EXPECT_EQ(server_result.requests, 300u);
	EXPECT_EQ(server_result.bytes_verified, 300u * 3000);
	EXPECT_EQ(server_result.connections_completed, 6u);
}

TEST_F(TrafficOverTcp, StreamIsConfirmedByTheServer)
{
	TrafficOptions c = parse({"client", "--family", "tcp", "--host", "127.0.0.1", "--mode", "stream",
				  "--connections", "3", "--bytes", "5M"});
	TrafficResult r = serve_and_run(c, 3);
	EXPECT_TRUE(r.ok()) << format_key_value(r);
	EXPECT_EQ(r.bytes_sent, 3u * (5u << 20));
	EXPECT_EQ(r.peer_bytes_verified, r.bytes_sent);
	EXPECT_EQ(server_result.bytes_verified, r.bytes_sent);
}

TEST_F(TrafficOverTcp, DurationBoundRun)
{
	TrafficOptions c = parse({"client", "--family", "tcp", "--host", "127.0.0.1", "--connections", "2",
				  "--duration", "0.3"});
	TrafficResult r = serve_and_run(c, 2);
	EXPECT_TRUE(r.ok()) << format_key_value(r);
	EXPECT_GT(r.requests, 0u);
	EXPECT_GE(r.elapsed, 0.3);
	EXPECT_LT(r.elapsed, 5.0);
}

TEST(TrafficErrors, UnreachablePeerFailsAfterTheConnectTimeout)
{
	TrafficOptions c = parse({"client", "--family", "tcp", "--host", "127.0.0.1", "--connect-timeout", "0.5"});
	c.port = free_port(); // nobody listens
	std::atomic<bool> stop{false};
	TrafficResult r = run_traffic_client(c, stop);
	EXPECT_FALSE(r.ok());
	ASSERT_FALSE(r.error_messages.empty());
	EXPECT_NE(r.error_messages[0].find("Connection refused"), std::string::npos) << r.error_messages[0];
	EXPECT_GT(r.connect_retries, 0u);
}

TEST(TrafficErrors, CorruptResponseIsDetected)
{
	// A fake server that answers the hello and request with bytes of the wrong stream.
	int lfd = socket(AF_INET, SOCK_STREAM, 0);
	sockaddr_in a{};
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ASSERT_EQ(bind(lfd, reinterpret_cast<sockaddr *>(&a), sizeof(a)), 0);
	socklen_t len = sizeof(a);
	getsockname(lfd, reinterpret_cast<sockaddr *>(&a), &len);
	listen(lfd, 1);
	std::thread fake([lfd] {
		int fd = accept(lfd, nullptr, nullptr);
		std::vector<uint8_t> buf(Hello::kSize + 64);
		size_t got = 0;
		while (got < buf.size()) {
			ssize_t n = recv(fd, buf.data() + got, buf.size() - got, 0);
			if (n <= 0)
				break;
			got += static_cast<size_t>(n);
		}
		std::vector<uint8_t> wrong(64, 0xab);
		send(fd, wrong.data(), wrong.size(), MSG_NOSIGNAL);
		char c;
		recv(fd, &c, 1, 0); // until the client gives up
		close(fd);
	});
	TrafficOptions c = parse({"client", "--family", "tcp", "--host", "127.0.0.1", "--requests", "1"});
	c.port = ntohs(a.sin_port);
	std::atomic<bool> stop{false};
	TrafficResult r = run_traffic_client(c, stop);
	fake.join();
	close(lfd);
	EXPECT_FALSE(r.ok());
	ASSERT_FALSE(r.error_messages.empty());
	EXPECT_NE(r.error_messages[0].find("differs"), std::string::npos) << r.error_messages[0];
	EXPECT_EQ(r.bytes_verified, 0u);
}

TEST(TrafficErrors, BadAddressIsAnError)
{
	TrafficOptions c = parse({"client", "--family", "tcp", "--host", "not-an-ip"});
	std::atomic<bool> stop{false};
	EXPECT_THROW(run_traffic_client(c, stop), Error);
}

TEST(TrafficErrors, UnreadableFallbackStatisticsAreAnErrorForSmc)
{
	// This host has no SMC netlink family: a watch cannot read the statistics. Over
	// AF_SMC that must not pass for "no fallback".
	FallbackWatch watch;
	if (watch.available())
		GTEST_SKIP() << "this host has SMC's netlink family; the test needs one without";
	TrafficResult r;
	r.options.family = SocketFamily::smc;
	note_fallbacks(r, watch, false);
	ASSERT_EQ(r.errors, 1u);
	EXPECT_NE(r.error_messages[0].find("cannot tell whether connections fell back to TCP"), std::string::npos)
		<< r.error_messages[0];
	EXPECT_FALSE(r.fallbacks.has_value());
	TrafficResult allowed;
	allowed.options.allow_fallback = true;
	note_fallbacks(allowed, watch, false);
	EXPECT_EQ(allowed.errors, 0u);
}
