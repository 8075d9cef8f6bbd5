// dirs: directory listing through wasi-libc.
//
//	dirs list DIR      every entry with its type (readdir)
//	dirs telldir DIR   telldir after every entry, kept in a long, then
//	                   seekdir back to each (scrambled order) and rewinddir
//	dirs scandir DIR   scandir with alphasort
//	dirs nftw DIR      nftw with FTW_PHYS: type, depth and path of each file
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char kind(unsigned char t) {
	switch (t) {
	case DT_DIR: return 'd';
	case DT_REG: return 'f';
	case DT_LNK: return 'l';
	default: return '?';
	}
}

static int list(const char *path) {
	DIR *d = opendir(path);
	if (!d) { printf("opendir %s: %s\n", path, strerror(errno)); return 1; }
	for (;;) {
		errno = 0; // printf may set it
		struct dirent *e = readdir(d);
		if (!e) break;
		printf("%c %s\n", kind(e->d_type), e->d_name);
	}
	if (errno) { printf("readdir: %s\n", strerror(errno)); return 1; }
	return closedir(d) != 0;
}

static long gcd(long a, long b) {
	while (b) { long t = a % b; a = b; b = t; }
	return a;
}

static int telldirs(const char *path) {
	DIR *d = opendir(path);
	if (!d) { printf("opendir %s: %s\n", path, strerror(errno)); return 1; }
	size_t cap = 1024, n = 0;
	long *pos = malloc(cap * sizeof *pos); // pos[k]: telldir after entry k
	char **names = malloc(cap * sizeof *names);
	struct dirent *e;
	while ((e = readdir(d))) {
		if (n == cap) {
			cap *= 2;
			pos = realloc(pos, cap * sizeof *pos);
			names = realloc(names, cap * sizeof *names);
		}
		names[n] = strdup(e->d_name);
		pos[n] = telldir(d);
		if (pos[n] < 0) { printf("telldir after %s: %ld\n", names[n], pos[n]); return 1; }
		n++;
	}
	// seekdir to every position, in a scrambled order, and read one entry.
	long stride = 7919 % (long)(n ? n : 1);
	while (gcd(stride, (long)n) != 1) stride++;
	size_t k = 0;
	for (size_t i = 0; i < n; i++, k = (k + stride) % n) {
		seekdir(d, pos[k]);
		e = readdir(d);
		if (k == n - 1) {
			if (e) { printf("after the last entry, position %ld lists %s\n", pos[k], e->d_name); return 1; }
		} else if (!e || strcmp(e->d_name, names[k + 1]) != 0) {
			printf("position %ld (after %s) lists %s, want %s\n", pos[k], names[k], e ? e->d_name : "(end)", names[k + 1]);
			return 1;
		}
	}
	rewinddir(d);
	e = readdir(d);
	if (n && (!e || strcmp(e->d_name, names[0]) != 0)) { printf("rewinddir: %s, want %s\n", e ? e->d_name : "(end)", names[0]); return 1; }
	closedir(d);
	printf("%zu entries, %zu telldir positions kept in a %zu-byte long, all revisited, rewinddir ok\n", n, n, sizeof(long));
	return 0;
}

static int scan(const char *path) {
	struct dirent **list;
	int n = scandir(path, &list, NULL, alphasort);
	if (n < 0) { printf("scandir %s: %s\n", path, strerror(errno)); return 1; }
	for (int i = 0; i < n; i++) { printf("%s\n", list[i]->d_name); free(list[i]); }
	free(list);
	return 0;
}

static int visit(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
	const char *t = "?";
	switch (flag) {
	case FTW_F: t = "F"; break;
	case FTW_D: t = "D"; break;
	case FTW_SL: t = "SL"; break;
	case FTW_SLN: t = "SLN"; break;
	case FTW_DNR: t = "DNR"; break;
	case FTW_NS: t = "NS"; break;
	}
	printf("%s %d %s %lld\n", t, ftw->level, path, flag == FTW_F ? (long long)st->st_size : 0LL);
	return 0;
}

int main(int argc, char **argv) {
	if (argc != 3) { fprintf(stderr, "usage: dirs list|telldir|scandir|nftw DIR\n"); return 2; }
	const char *cmd = argv[1], *dir = argv[2];
	if (!strcmp(cmd, "list")) return list(dir);
	if (!strcmp(cmd, "telldir")) return telldirs(dir);
	if (!strcmp(cmd, "scandir")) return scan(dir);
	if (!strcmp(cmd, "nftw")) return nftw(dir, visit, 16, FTW_PHYS) != 0;
	fprintf(stderr, "dirs: unknown command %s\n", cmd);
	return 2;
}
