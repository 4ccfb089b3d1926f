/* seccomp-cache.c - compiled seccomp filters, kept in RUN_DIR/seccomp/.
 *
 * Compiling costs milliseconds (libseccomp resolves the names on three
 * architectures, and builds and optimises its tree where the compact
 * program cannot be had), loading microseconds: the program is cached
 * in RUN_DIR/seccomp/, one file per key (the profile's content hash,
 * bounding set, libseccomp version, kernel release), as crun does, so a
 * host pays for compiling once per profile and set of capabilities. The
 * file starts with the key in full and is used only if it matches, so a
 * hash collision or a stale file only costs a recompile. */
#include "config.h"

#include "seccomp.h"

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "seccomp-json.h"
#include "seccomp-model.h"
#include "seccomp-profile.h"

/* The cache's key in full: what the compiled program depends on. The
 * profile is named by what identifies its content: the hash of the
 * built-in table's model, or of a JSON profile's text (the same text is
 * the same profile, so a start that finds its filter need not parse it).
 * The first line names the generator: 3 is the compact program
 * (seccomp-bpfgen.c), 2 was libseccomp's alone, whose files are not read. */
static char *cache_key(const char *kind, uint64_t profile, uint64_t caps)
{
	const struct scmp_version *v = seccomp_version();
	struct utsname u;

	if (uname(&u) < 0)
		snprintf(u.release, sizeof(u.release), "?");
	return xasprintf("cgrun seccomp 3\nprofile %s %016llx\ncaps %016llx\nlibseccomp %u.%u.%u\n"
			 "arch %u\nkernel %s\n", kind, (unsigned long long)profile,
			 (unsigned long long)caps, v->major, v->minor, v->micro,
			 seccomp_arch_native(), u.release);
}

/* 1 with out filled from the cache, 0 when there is no usable entry. */
static int cache_read(int dirfd, const char *name, const char *key, struct cg_seccomp *out)
{
	cleanup_close int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	size_t klen = strlen(key) + 1;
	cleanup_free char *buf = NULL;
	struct stat st;
	size_t plen;

	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < (off_t)klen ||
	    st.st_size > (off_t)(klen + BPF_MAXINSNS * sizeof(struct sock_filter)))
		return 0;
	plen = (size_t)st.st_size - klen;
	if (plen == 0 || plen % sizeof(struct sock_filter))
		return 0;
	buf = xcalloc(1, (size_t)st.st_size);
	if (pread(fd, buf, (size_t)st.st_size, 0) != st.st_size || memcmp(buf, key, klen))
		return 0;
	out->insns = xcalloc(1, plen);
	memcpy(out->insns, buf + klen, plen);
	out->len = (unsigned short)(plen / sizeof(struct sock_filter));
	return 1;
}

static int cache_write(int dirfd, const char *name, const char *key, const struct cg_seccomp *f,
		       cg_err_t *err)
{
	size_t klen = strlen(key) + 1, plen = f->len * sizeof(struct sock_filter);
	cleanup_free char *buf = xcalloc(1, klen + plen);

	memcpy(buf, key, klen);
	memcpy(buf + klen, f->insns, plen);
	return write_file_atomic_at(dirfd, name, buf, klen + plen, 0600, err);
}

/* Where a profile comes from: the built-in table's model, or a JSON text
 * parsed only when its filter is not in the cache. */
struct source {
	const struct cg_sc_profile *model;
	const char *text, *file;
};

static int compile_source(const struct source *src, uint64_t caps, struct cg_seccomp *out, cg_err_t *err)
{
	struct cg_sc_profile p;
	int r;

	if (src->model)
		return cg_seccomp_compile(src->model, caps, out, err);
	if (cg_sc_profile_parse(src->text, src->file, &p, err) < 0)
		return -1;
	r = cg_seccomp_compile(&p, caps, out, err);
	cg_sc_profile_free(&p);
	return r < 0 ? cg_error_wrap(err, "seccomp profile %s", src->file) : 0;
}

static int get_cached(const char *run_dir, const struct source *src, uint64_t caps,
		      struct cg_seccomp *out, bool *cached, cg_err_t *err)
{
	cleanup_free char *dir = xasprintf("%s/seccomp", run_dir);
	cleanup_free char *key = src->model ? cache_key("model", cg_sc_profile_hash(src->model), caps) :
				 cache_key("json", cg_fnv1a(CG_FNV_BASIS, src->text, strlen(src->text)), caps);
	cleanup_free char *name = NULL;
	cleanup_close int dirfd = -1;

	if (cached)
		*cached = false;
	/* Root's only: a filter written here is what containers run under. */
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return cg_error(err, errno, "mkdir %s", dir);
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (dirfd < 0)
		return cg_error(err, errno, "open %s", dir);
	name = xasprintf("%016llx.bpf", (unsigned long long)cg_fnv1a(CG_FNV_BASIS, key, strlen(key)));
	if (cache_read(dirfd, name, key, out)) {
		if (cached)
			*cached = true;
		return 0;
	}
	if (compile_source(src, caps, out, err) < 0)
		return -1;
	if (cache_write(dirfd, name, key, out, err) < 0) {
		cg_seccomp_free(out);
		return cg_error_wrap(err, "caching the seccomp filter in %s", dir);
	}
	return 0;
}

int cg_seccomp_get(const char *run_dir, const struct cg_sc_profile *p, uint64_t caps,
		   struct cg_seccomp *out, bool *cached, cg_err_t *err)
{
	struct source src = { .model = p };

	return get_cached(run_dir, &src, caps, out, cached, err);
}

int cg_seccomp_get_json(const char *run_dir, const char *text, const char *file, uint64_t caps,
			struct cg_seccomp *out, bool *cached, cg_err_t *err)
{
	struct source src = { .text = text, .file = file };

	return get_cached(run_dir, &src, caps, out, cached, err);
}

int cg_seccomp_default(const char *run_dir, uint64_t caps, struct cg_seccomp *out, bool *cached,
		       cg_err_t *err)
{
	struct cg_sc_profile p;
	int r;

	cg_sc_profile_builtin(&p);
	r = cg_seccomp_get(run_dir, &p, caps, out, cached, err);
	cg_sc_profile_free(&p);
	return r;
}
