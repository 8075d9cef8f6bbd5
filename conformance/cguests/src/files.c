// files: files through wasi-libc.
//
//	files fopen DIR     each fopen mode on DIR/f.txt (refilled with
//	                    "0123456789" first): the rights the descriptor got,
//	                    a 4-byte read, a 2-byte write, the content after
//	files stat DIR      stat, lstat, fstatat and fstat of DIR's entries
//	files realpath P... realpath of each path
//	files cwd DIR       getcwd, chdir into DIR and back, relative opens
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>

// ename names the errnos the tests expect, as wasi-libc numbers them.
static const char *ename(int e) {
	switch (e) {
	case 0: return "ok";
	case EBADF: return "EBADF";
	case EEXIST: return "EEXIST";
	case ENOENT: return "ENOENT";
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case EROFS: return "EROFS";
	case ENOTDIR: return "ENOTDIR";
	case EISDIR: return "EISDIR";
	case ENOTCAPABLE: return "ENOTCAPABLE";
	case ELOOP: return "ELOOP";
	case ENOSYS: return "ENOSYS";
	case ENOTSUP: return "ENOTSUP";
	}
	static char buf[32];
	snprintf(buf, sizeof buf, "errno%d", e);
	return buf;
}

static void refill(const char *path) {
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) return; // a read-only directory: the file is as the test made it
	write(fd, "0123456789", 10);
	close(fd);
}

static void content(const char *path, char *out, size_t n) {
	out[0] = 0;
	int fd = open(path, O_RDONLY);
	if (fd < 0) { snprintf(out, n, "(%s)", ename(errno)); return; }
	ssize_t got = read(fd, out, n - 1);
	out[got < 0 ? 0 : got] = 0;
	close(fd);
}

static int fopens(const char *dir) {
	static const char *modes[] = {"r", "r+", "w", "w+", "a", "a+", "wx", "rx"};
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/f.txt", dir);
	for (size_t i = 0; i < sizeof modes / sizeof *modes; i++) {
		refill(path);
		errno = 0;
		FILE *f = fopen(path, modes[i]);
		if (!f) { printf("%s: open %s\n", modes[i], ename(errno)); continue; }
		__wasi_fdstat_t st;
		const char *rights = "?";
		if (__wasi_fd_fdstat_get(fileno(f), &st) == 0) {
			int r = (st.fs_rights_base & __WASI_RIGHTS_FD_READ) != 0, w = (st.fs_rights_base & __WASI_RIGHTS_FD_WRITE) != 0;
			rights = r && w ? "rw" : r ? "r-" : w ? "-w" : "--";
		}
		char buf[8] = {0};
		errno = 0;
		size_t n = fread(buf, 1, 4, f);
		const char *rerr = ferror(f) ? (errno ? ename(errno) : "error") : "ok";
		clearerr(f);
		fseek(f, 0, SEEK_CUR); // the switch from reading to writing
		errno = 0;
		int wfail = fputs("XY", f) < 0 || fflush(f) != 0;
		const char *werr = wfail ? (errno ? ename(errno) : "error") : "ok";
		fclose(f);
		char after[64];
		content(path, after, sizeof after);
		printf("%s: open ok rights=%s read=%zu\"%s\" %s write=%s content=%s\n", modes[i], rights, n, buf, rerr, werr, after);
	}
	return 0;
}

static char ftype(mode_t m) {
	return S_ISREG(m) ? 'f' : S_ISDIR(m) ? 'd' : S_ISLNK(m) ? 'l' : '?';
}

static int stats(const char *dir) {
	static const char *names[] = {"file", "dir", "link", "dangling", "missing"};
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	if (dfd < 0) { printf("open %s: %s\n", dir, ename(errno)); return 1; }
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		char path[PATH_MAX];
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		struct stat s, l, a;
		int se = stat(path, &s) ? errno : 0;
		int le = lstat(path, &l) ? errno : 0;
		int ae = fstatat(dfd, names[i], &a, AT_SYMLINK_NOFOLLOW) ? errno : 0;
		printf("%s: stat", names[i]);
		if (se) printf(" %s", ename(se));
		else printf(" %c size=%lld nlink=%llu ino=%llu", ftype(s.st_mode), (long long)s.st_size, (unsigned long long)s.st_nlink, (unsigned long long)s.st_ino);
		printf(" lstat");
		if (le) printf(" %s", ename(le));
		else printf(" %c size=%lld ino=%llu", ftype(l.st_mode), (long long)l.st_size, (unsigned long long)l.st_ino);
		printf(" fstatat %s\n", ae ? ename(ae) : (a.st_ino == l.st_ino && a.st_mode == l.st_mode ? "same" : "differs"));
		if (!se && S_ISREG(s.st_mode)) {
			int fd = open(path, O_RDONLY);
			struct stat f;
			if (fd >= 0 && fstat(fd, &f) == 0)
				printf("%s: fstat %c size=%lld ino=%llu\n", names[i], ftype(f.st_mode), (long long)f.st_size, (unsigned long long)f.st_ino);
			if (fd >= 0) close(fd);
		}
	}
	close(dfd);
	return 0;
}

// realpath is declared weak: the wasi-libc of Debian 12 (2022) has none;
// later ones do.
extern char *realpath(const char *restrict, char *restrict) __attribute__((weak));

static int realpaths(int n, char **paths) {
	if (!realpath) { printf("realpath: not in this wasi-libc\n"); return 0; }
	for (int i = 0; i < n; i++) {
		char out[PATH_MAX];
		errno = 0;
		if (realpath(paths[i], out)) printf("%s -> %s\n", paths[i], out);
		else printf("%s -> %s\n", paths[i], ename(errno));
	}
	return 0;
}

static int cwd(const char *dir) {
	char buf[PATH_MAX], data[64];
	printf("getcwd %s\n", getcwd(buf, sizeof buf) ? buf : ename(errno));
	printf("chdir %s %s\n", dir, ename(chdir(dir) ? errno : 0));
	printf("getcwd %s\n", getcwd(buf, sizeof buf) ? buf : ename(errno));
	content("inner.txt", data, sizeof data);
	printf("inner.txt %s\n", data);
	content("../top.txt", data, sizeof data);
	printf("../top.txt %s\n", data);
	printf("chdir missing %s\n", ename(chdir("missing") ? errno : 0));
	printf("chdir inner.txt %s\n", ename(chdir("inner.txt") ? errno : 0));
	printf("chdir .. %s\n", ename(chdir("..") ? errno : 0));
	printf("getcwd %s\n", getcwd(buf, sizeof buf) ? buf : ename(errno));
	content("top.txt", data, sizeof data);
	printf("top.txt %s\n", data);
	return 0;
}

int main(int argc, char **argv) {
	if (argc < 3) { fprintf(stderr, "usage: files fopen|stat|realpath|cwd ARG...\n"); return 2; }
	const char *cmd = argv[1];
	if (!strcmp(cmd, "fopen")) return fopens(argv[2]);
	if (!strcmp(cmd, "stat")) return stats(argv[2]);
	if (!strcmp(cmd, "realpath")) return realpaths(argc - 2, argv + 2);
	if (!strcmp(cmd, "cwd")) return cwd(argv[2]);
	fprintf(stderr, "files: unknown command %s\n", cmd);
	return 2;
}
