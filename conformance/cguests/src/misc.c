// misc: the process and time through wasi-libc.
//
//	misc env        the environment, one NAME=VALUE a line
//	misc isatty F   isatty of the standard streams and of the file F
//	misc poll F     poll stdin (which holds data), the file F, and nothing
//	                with a 30 ms timeout
//	misc sleep      clock_nanosleep relative and absolute, nanosleep
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static long long now(clockid_t c) {
	struct timespec ts;
	clock_gettime(c, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static const char *ename(int e) {
	switch (e) {
	case 0: return "ok";
	case ENOTTY: return "ENOTTY";
	case EBADF: return "EBADF";
	case ENOTSUP: return "ENOTSUP";
	case EINVAL: return "EINVAL";
	}
	return "other";
}

int main(int argc, char **argv) {
	if (argc < 2) { fprintf(stderr, "usage: misc env|isatty|poll|sleep [FILE]\n"); return 2; }
	const char *cmd = argv[1];
	if (!strcmp(cmd, "env")) {
		for (char **e = environ; *e; e++) printf("%s\n", *e);
		return 0;
	}
	if (!strcmp(cmd, "isatty") && argc == 3) {
		for (int fd = 0; fd < 3; fd++) {
			errno = 0;
			int t = isatty(fd);
			printf("isatty(%d) %d %s\n", fd, t, ename(t ? 0 : errno));
		}
		int fd = open(argv[2], O_RDONLY);
		errno = 0;
		int t = isatty(fd);
		printf("isatty(file) %d %s\n", t, ename(t ? 0 : errno));
		return 0;
	}
	if (!strcmp(cmd, "poll") && argc == 3) {
		struct pollfd p[2] = {{.fd = 0, .events = POLLIN}};
		int n = poll(p, 1, 5000);
		printf("stdin: poll %d revents%s\n", n, p[0].revents & POLLIN ? " IN" : "");
		char buf[16] = {0};
		printf("stdin: read %zd\n", read(0, buf, sizeof buf - 1));
		p[0] = (struct pollfd){.fd = open(argv[2], O_RDWR), .events = POLLIN | POLLOUT};
		n = poll(p, 1, 5000);
		printf("file: poll %d revents%s%s\n", n, p[0].revents & POLLIN ? " IN" : "", p[0].revents & POLLOUT ? " OUT" : "");
		long long t0 = now(CLOCK_MONOTONIC);
		n = poll(NULL, 0, 30);
		long long el = now(CLOCK_MONOTONIC) - t0;
		printf("nothing: poll %d after at least 30 ms: %s\n", n, el >= 30000000 ? "yes" : "no");
		return 0;
	}
	if (!strcmp(cmd, "sleep")) {
		struct timespec d = {0, 20000000};
		long long t0 = now(CLOCK_MONOTONIC);
		int r = clock_nanosleep(CLOCK_MONOTONIC, 0, &d, NULL);
		printf("relative monotonic: %s, at least 20 ms: %s\n", ename(r), now(CLOCK_MONOTONIC) - t0 >= 20000000 ? "yes" : "no");
		for (int i = 0; i < 2; i++) {
			clockid_t c = i ? CLOCK_REALTIME : CLOCK_MONOTONIC;
			long long until = now(c) + 20000000;
			struct timespec abs = {until / 1000000000, until % 1000000000};
			r = clock_nanosleep(c, TIMER_ABSTIME, &abs, NULL);
			printf("absolute %s: %s, reached: %s\n", i ? "realtime" : "monotonic", ename(r), now(c) >= until ? "yes" : "no");
		}
		t0 = now(CLOCK_MONOTONIC);
		r = nanosleep(&d, NULL);
		printf("nanosleep: %s, at least 20 ms: %s\n", ename(r ? errno : 0), now(CLOCK_MONOTONIC) - t0 >= 20000000 ? "yes" : "no");
		return 0;
	}
	fprintf(stderr, "misc: unknown command %s\n", cmd);
	return 2;
}
