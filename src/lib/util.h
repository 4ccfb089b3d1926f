/* util.h - cleanup attributes, the error type and small file helpers. */
#ifndef CGRUN_UTIL_H
#define CGRUN_UTIL_H

#include <dirent.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* An error climbs the call chain collecting context, so the final message
 * reads like a path: "creating cgroup cgrun/3f..: mkdir ...: Permission denied".
 * exit_code is what the CLI should exit with (125 unless set otherwise). */
typedef struct cg_err {
	int code;          /* errno-style, positive */
	int exit_code;     /* 125 own error, 126 not executable, 127 not found */
	char msg[1024];
} cg_err_t;

/* Sets err from errnum (0: no strerror suffix) and returns -errnum (or -1). */
int cg_error(cg_err_t *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prepends "context: " to err->msg; returns -err->code. */
int cg_error_wrap(cg_err_t *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static inline void cg_freep(void *p) { free(*(void **)p); }
static inline void cg_closep(int *fd) { if (*fd >= 0) close(*fd); }
static inline void cg_fclosep(FILE **f) { if (*f) fclose(*f); }
static inline void cg_closedirp(DIR **d) { if (*d) closedir(*d); }

#define cleanup_free __attribute__((cleanup(cg_freep)))
#define cleanup_close __attribute__((cleanup(cg_closep)))
#define cleanup_fclose __attribute__((cleanup(cg_fclosep)))
#define cleanup_closedir __attribute__((cleanup(cg_closedirp)))

/* Hand ownership on: returns the value and clears the variable. */
#define steal_pointer(pp) ({ __typeof__(*(pp)) _p = *(pp); *(pp) = NULL; _p; })
#define steal_fd(fdp) ({ int _fd = *(fdp); *(fdp) = -1; _fd; })

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define container_of(ptr, type, member) ((type *)(void *)((char *)(ptr) - offsetof(type, member)))

/* xasprintf aborts on out-of-memory, like every allocation helper here:
 * there is nothing sensible to undo when malloc fails for a path string. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xstrdup(const char *s);
void *xcalloc(size_t n, size_t size);
/* NULL-terminated vectors of owned strings; NULL is the empty one. */
void cg_strv_push(char ***v, const char *s);
size_t cg_strv_len(char *const *v);
void cg_strv_free(char **v);

/* Write all of buf to path (O_WRONLY|O_TRUNC|O_CLOEXEC, no O_CREAT). */
int write_file(const char *path, const char *buf, cg_err_t *err);
/* renameat2's flag (glibc's stdio.h has it only with _GNU_SOURCE). */
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

/* Create path with buf and mode; fails if it exists (EEXIST). For files in a
 * directory just made, which nobody else can be reading. */
int write_new_file(const char *path, const char *buf, mode_t mode, cg_err_t *err);
/* Create or replace path with buf, mode, atomically (temp file, then an
 * exchange of names and an unlink, or a rename). */
int write_file_atomic(const char *path, const char *buf, mode_t mode, cg_err_t *err);
/* The same for name relative to dirfd (no path walk: cgrund's stats files
 * are rewritten every second for every container). */
int write_file_atomic_at(int dirfd, const char *name, const char *buf, size_t len, mode_t mode,
			 cg_err_t *err);
/* Read a whole (small) regular file; *out is NUL-terminated and owned by
 * the caller. Anything else (a FIFO, a device) is refused, never waited on. */
int read_file(const char *path, char **out, size_t max, cg_err_t *err);
int read_fd(int fd, char **out, size_t max, const char *what, cg_err_t *err);
int read_file_at(int dirfd, const char *path, char **out, size_t max, cg_err_t *err);
int mkdir_p(const char *path, mode_t mode, cg_err_t *err);
/* Remove a tree without following symlinks or crossing mount points. */
int rm_rf(const char *path, cg_err_t *err);
/* rm_rf of NAME relative to the directory fd PARENT. */
int rm_rf_at(int parent, const char *name, cg_err_t *err);
bool path_exists(const char *path);
/* Run argv (no shell) and wait; returns 0 when it exited 0. */
int run_command(char *const argv[], cg_err_t *err);

/* Remember argv's memory (call from main), then overwrite it: the title
 * /proc/PID/cmdline shows. */
void cg_proc_title_init(int argc, char **argv);
void cg_proc_title_set(const char *title);

#endif
