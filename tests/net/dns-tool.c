/* dns-tool.c - tests/net/dns.bats's driver for the DNS responder:
 *
 *   dns-tool serve --listen IP[#PORT] [--upstream IP[#PORT]]... [--set NAME=IP]...
 *                  [--allow CIDR] [--timeout-ms N]
 *       the responder in an epoll loop of its own, as cgrund runs it; prints
 *       "ready" once listening; reads "set NAME IP" / "rm NAME" / "stats"
 *       lines on stdin (answering "ok", or the error); ends on SIGTERM or EOF.
 *   dns-tool query SERVER[#PORT] NAME [A|AAAA|MX|TXT] [--wait MS]
 *       one query (res_mkquery); prints the rcode, then each A address; exit
 *       0 on an answer, 2 if none came within MS (default 3000).
 *   dns-tool garbage SERVER[#PORT]
 *       sends malformed packets (truncated, pointer loops, oversized, random).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <resolv.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>

#include "dns-responder.h"

static int usage(void)
{
	fputs("usage: dns-tool serve --listen IP[#PORT] [--upstream IP[#PORT]]... [--set NAME=IP]... [--allow CIDR] [--timeout-ms N]\n"
	      "       dns-tool query SERVER[#PORT] NAME [TYPE] [--wait MS]\n"
	      "       dns-tool garbage SERVER[#PORT]\n", stderr);
	return 64;
}

static void command(struct cg_dns_responder *r, char *line)
{
	char *save = NULL, *verb = strtok_r(line, " \t\n", &save);
	char *name = strtok_r(NULL, " \t\n", &save), *ip = strtok_r(NULL, " \t\n", &save);
	cg_err_t err = { 0 };

	if (verb && !strcmp(verb, "set") && name && ip) {
		if (cg_dns_responder_set(r, name, ip, &err) < 0)
			printf("error: %s\n", err.msg);
		else
			puts("ok");
	} else if (verb && !strcmp(verb, "rm") && name) {
		cg_dns_responder_remove(r, name);
		puts("ok");
	} else if (verb && !strcmp(verb, "stats")) {
		struct cg_dns_stats s = cg_dns_responder_stats(r);

		printf("tcp %llu queries %llu answered %llu forwarded %llu relayed %llu timeouts %llu dropped %llu\n",
		       (unsigned long long)s.tcp,
		       (unsigned long long)s.queries, (unsigned long long)s.answered,
		       (unsigned long long)s.forwarded, (unsigned long long)s.relayed,
		       (unsigned long long)s.timeouts, (unsigned long long)s.dropped);
	} else {
		puts("error: set NAME IP | rm NAME | stats");
	}
	fflush(stdout);
}

static int loop(struct cg_dns_responder *r)
{
	sigset_t mask;
	int sfd, ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = { .events = EPOLLIN };
	char line[512];
	FILE *in = stdin;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	if (ep < 0 || (sfd = signalfd(-1, &mask, SFD_CLOEXEC)) < 0) {
		perror("dns-tool: epoll/signalfd");
		return 1;
	}
	ev.data.fd = cg_dns_responder_fd(r);
	epoll_ctl(ep, EPOLL_CTL_ADD, ev.data.fd, &ev);
	ev.data.fd = sfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev);
	ev.data.fd = STDIN_FILENO;
	epoll_ctl(ep, EPOLL_CTL_ADD, STDIN_FILENO, &ev);
	setvbuf(in, NULL, _IONBF, 0);
	puts("ready");
	fflush(stdout);
	for (;;) {
		int64_t now = cg_dns_now_ms(), next = cg_dns_responder_next_deadline(r);
		int timeout = next < 0 ? -1 : next <= now ? 0 : (int)(next - now);
		struct epoll_event got[4];
		int n = epoll_wait(ep, got, 4, timeout);

		if (n < 0 && errno != EINTR) {
			perror("dns-tool: epoll_wait");
			return 1;
		}
		for (int i = 0; i < n; i++) {
			if (got[i].data.fd == sfd)
				return 0;
			if (got[i].data.fd == STDIN_FILENO) {
				/* One line per readiness: the test writes a line and
				 * waits for the answer. */
				if (fgets(line, sizeof(line), in) == NULL)
					return 0;
				command(r, line);
			} else {
				cg_dns_responder_handle_readable(r, cg_dns_now_ms());
			}
		}
		cg_dns_responder_tick(r, cg_dns_now_ms());
	}
}

static int serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' }, { "upstream", required_argument, NULL, 'u' },
		{ "set", required_argument, NULL, 's' }, { "allow", required_argument, NULL, 'a' },
		{ "timeout-ms", required_argument, NULL, 't' }, { NULL, 0, NULL, 0 },
	};
	struct cg_dns_config cfg = { 0 };
	char **ups = NULL, **sets = NULL;
	struct cg_dns_responder *r;
	cg_err_t err = { 0 };
	int c, ret;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			cfg.listen = optarg;
			break;
		case 'u':
			cg_strv_push(&ups, optarg);
			break;
		case 's':
			cg_strv_push(&sets, optarg);
			break;
		case 'a':
			cfg.allow = optarg;
			break;
		case 't':
			cfg.timeout_ms = (unsigned)atoi(optarg);
			break;
		default:
			return usage();
		}
	}
	if (cfg.listen == NULL || optind != argc)
		return usage();
	cfg.upstreams = ups;
	if ((r = cg_dns_responder_open(&cfg, &err)) == NULL) {
		fprintf(stderr, "dns-tool: %s\n", err.msg);
		return 1;
	}
	for (size_t i = 0; sets && sets[i]; i++) {
		char *eq = strchr(sets[i], '=');

		if (eq == NULL)
			return usage();
		*eq = '\0';
		if (cg_dns_responder_set(r, sets[i], eq + 1, &err) < 0) {
			fprintf(stderr, "dns-tool: %s\n", err.msg);
			return 1;
		}
	}
	ret = loop(r);
	cg_dns_responder_close(r);
	cg_strv_free(ups);
	cg_strv_free(sets);
	return ret;
}

static int open_to(const char *server, struct sockaddr_storage *ss, unsigned *len)
{
	cg_err_t err = { 0 };
	int fd;

	if (cg_dns_parse_addr(server, 53, ss, len, &err) < 0) {
		fprintf(stderr, "dns-tool: %s\n", err.msg);
		return -1;
	}
	if ((fd = socket(ss->ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		perror("dns-tool: socket");
	return fd;
}

static int query(int argc, char **argv)
{
	static const char *const rcodes[] = { "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED" };
	static const struct { const char *name; int type; } types[] = {
		{ "A", ns_t_a }, { "AAAA", ns_t_aaaa }, { "MX", ns_t_mx }, { "TXT", ns_t_txt }, { "ANY", ns_t_any },
	};
	int wait_ms = 3000, type = ns_t_a, n, fd;
	uint8_t q[512], a[65536];
	struct sockaddr_storage ss;
	unsigned len;
	ns_msg h;

	if (argc >= 2 && !strcmp(argv[argc - 2], "--wait")) {
		wait_ms = atoi(argv[argc - 1]);
		argc -= 2;
	}
	if (argc < 3 || argc > 4)
		return usage();
	for (size_t i = 0; argc == 4 && i < ARRAY_SIZE(types); i++)
		if (!strcmp(argv[3], types[i].name))
			type = types[i].type;
	if ((fd = open_to(argv[1], &ss, &len)) < 0)
		return 1;
	n = res_mkquery(ns_o_query, argv[2], ns_c_in, type, NULL, 0, NULL, q, sizeof(q));
	if (n < 0 || sendto(fd, q, (size_t)n, 0, (struct sockaddr *)&ss, len) != n) {
		perror("dns-tool: query");
		return 1;
	}
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t got;

		if (poll(&p, 1, wait_ms) <= 0) {
			puts("TIMEOUT");
			return 2;
		}
		got = recv(fd, a, sizeof(a), 0);
		if (got < 12 || a[0] != q[0] || a[1] != q[1])
			continue;   /* not ours */
		if (ns_initparse(a, (int)got, &h) < 0) {
			puts("MALFORMED");
			return 3;
		}
		break;
	}
	int rc = ns_msg_getflag(h, ns_f_rcode);

	if ((size_t)rc < ARRAY_SIZE(rcodes))
		puts(rcodes[rc]);
	else
		printf("RCODE%d\n", rc);
	for (int i = 0; i < ns_msg_count(h, ns_s_an); i++) {
		ns_rr rr;
		char ip[INET_ADDRSTRLEN];

		if (ns_parserr(&h, ns_s_an, i, &rr) == 0 && ns_rr_type(rr) == ns_t_a && ns_rr_rdlen(rr) == 4)
			puts(inet_ntop(AF_INET, ns_rr_rdata(rr), ip, sizeof(ip)));
	}
	close(fd);
	return 0;
}

static int garbage(int argc, char **argv)
{
	static const uint8_t loop1[] = { 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1 };
	static const uint8_t loop2[] = { 0, 2, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 'a', 0xc0, 16, 0xc0, 12, 0, 1, 0, 1 };
	static const uint8_t past[] = { 0, 3, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 200, 0, 1, 0, 1 };
	static const uint8_t counts[] = { 0, 4, 1, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 1, 0, 1 };
	static uint8_t big[60000];
	struct { const uint8_t *p; size_t n; } pk[] = {
		{ loop1, sizeof(loop1) }, { loop2, sizeof(loop2) }, { past, sizeof(past) },
		{ counts, sizeof(counts) }, { big, sizeof(big) }, { big, 513 }, { loop1, 5 }, { loop1, 0 },
	};
	struct sockaddr_storage ss;
	unsigned len;
	int fd;

	if (argc != 2 || (fd = open_to(argv[1], &ss, &len)) < 0)
		return argc != 2 ? usage() : 1;
	memset(big, 0xc0, sizeof(big));
	for (size_t i = 0; i < ARRAY_SIZE(pk); i++)
		sendto(fd, pk[i].p, pk[i].n, 0, (struct sockaddr *)&ss, len);
	srandom(18);
	for (int i = 0; i < 500; i++) {
		uint8_t b[100];
		size_t n = (size_t)(random() % sizeof(b));

		for (size_t k = 0; k < n; k++)
			b[k] = (uint8_t)random();
		if (n > 5) {
			b[2] &= 0x7f;
			b[4] = 0;
			b[5] = 1;
		}
		sendto(fd, b, n, 0, (struct sockaddr *)&ss, len);
		/* Paced: a burst would overflow the responder's socket buffer
		 * and the test could not tell lost packets from dropped ones. */
		if (i % 32 == 31)
			usleep(2000);
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	if (!strcmp(argv[1], "serve"))
		return serve(argc - 1, argv + 1);
	if (!strcmp(argv[1], "query"))
		return query(argc - 1, argv + 1);
	if (!strcmp(argv[1], "garbage"))
		return garbage(argc - 1, argv + 1);
	return usage();
}
