/* registry.c - the OCI distribution API client (registry.h says what it does).
 *
 * Redirects are followed here, not by libcurl: libcurl drops its own
 * credentials (CURLOPT_USERPWD) on a cross-host redirect but keeps a custom
 * "Authorization:" header, and a bearer token must never reach a blob CDN.
 * So every request is one hop; the Authorization header is added only when
 * the hop's scheme://host:port is the registry's own. */
#include "config.h"

#include "registry.h"
#include "registry-util.h"
#include "www-auth.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <openssl/evp.h>

#define MAX_REDIRECTS 5
#define MAX_ERROR_BODY (64 * 1024)

struct cg_registry {
	CURL *curl;
	char *host;   /* api host[:port] */
	char *repo;
	char *origin; /* "https://host[:port]" */
	char *user, *pass, *ca_file;
	bool tls_verify;
	char *auth;   /* "Authorization: ..." for the registry's origin, or NULL */
	char errbuf[CURL_ERROR_SIZE];
};

/* What a blob transfer has received so far; survives hops and resumes. */
struct blob_state {
	cg_blob_sink sink;
	cg_blob_reset reset;
	void *arg;
	int64_t size;
	int64_t offset;   /* bytes sunk (and hashed) */
	int64_t start;    /* the Range start asked for in this hop */
	EVP_MD_CTX *md;
	int rc;           /* first error inside a callback */
	char msg[256];
};

/* One hop's reply: the last header block's fields and, unless streamed,
 * the body (bounded by max). */
struct resp {
	long status;
	bool headers_done;
	char *content_type, *www_auth, *location, *content_range, *docker_digest;
	long retry_after; /* seconds, -1 none */
	char *body;
	size_t len, max;
	bool too_big;
	struct blob_state *blob; /* stream 200/206 bodies here */
};

/* cg_error without the strerror suffix: these messages say what happened
 * themselves; code is still the errno-style value returned. */
static int fail(cg_err_t *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(cg_err_t *err, int code, const char *fmt, ...)
{
	char buf[sizeof(err->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	cg_error(err, 0, "%s", buf);
	if (err != NULL)
		err->code = code;
	return -code;
}

static void resp_clear_headers(struct resp *p)
{
	free(p->content_type);
	free(p->www_auth);
	free(p->location);
	free(p->content_range);
	free(p->docker_digest);
	p->content_type = p->www_auth = p->location = p->content_range = p->docker_digest = NULL;
	p->status = 0;
	p->retry_after = -1;
	p->headers_done = false;
}

static void resp_reset(struct resp *p)
{
	resp_clear_headers(p);
	free(p->body);
	p->body = NULL;
	p->len = 0;
	p->too_big = false;
}

static char *trimmed(const char *s, size_t n)
{
	while (n > 0 && isspace((unsigned char)*s))
		s++, n--;
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	return strndup(s, n);
}

static size_t header_cb(char *buf, size_t size, size_t nitems, void *data)
{
	struct resp *p = data;
	size_t n = size * nitems;
	const char *colon;
	size_t nlen;
	char **slot = NULL;

	if (n >= 5 && strncmp(buf, "HTTP/", 5) == 0) {
		/* A new header block (after a 100 Continue, say): only the last counts. */
		const char *sp = memchr(buf, ' ', n);
		resp_clear_headers(p);
		p->status = sp ? strtol(sp + 1, NULL, 10) : 0;
		return n;
	}
	if (n <= 2 && (n == 0 || buf[0] == '\r' || buf[0] == '\n')) {
		p->headers_done = true;
		return n;
	}
	colon = memchr(buf, ':', n);
	if (colon == NULL)
		return n;
	nlen = colon - buf;
#define IS(name) (nlen == strlen(name) && strncasecmp(buf, name, nlen) == 0)
	if (IS("Content-Type"))
		slot = &p->content_type;
	else if (IS("WWW-Authenticate"))
		slot = &p->www_auth;
	else if (IS("Location"))
		slot = &p->location;
	else if (IS("Content-Range"))
		slot = &p->content_range;
	else if (IS("Docker-Content-Digest"))
		slot = &p->docker_digest;
	else if (IS("Retry-After")) {
		cleanup_free char *v = trimmed(colon + 1, n - nlen - 1);
		p->retry_after = cg_retry_after_parse(v);
	}
#undef IS
	if (slot != NULL && *slot == NULL)
		*slot = trimmed(colon + 1, n - nlen - 1);
	return n;
}

static int blob_take(struct resp *p, const char *buf, size_t n)
{
	struct blob_state *b = p->blob;

	if (b->offset == b->start && p->status == 200 && b->offset > 0) {
		/* We asked for bytes=N- and got the whole blob. */
		if (b->reset == NULL) {
			snprintf(b->msg, sizeof(b->msg),
				 "the server ignored Range (resuming at byte %" PRId64 ") and no restart is possible",
				 b->offset);
			return b->rc = -ESPIPE;
		}
		b->rc = b->reset(b->arg);
		if (b->rc < 0) {
			snprintf(b->msg, sizeof(b->msg), "restarting the blob failed");
			return b->rc;
		}
		EVP_DigestInit_ex(b->md, EVP_sha256(), NULL);
		b->offset = b->start = 0;
	}
	if (b->offset == b->start && p->status == 206) {
		char want[64];
		snprintf(want, sizeof(want), "bytes %" PRId64 "-", b->start);
		if (p->content_range == NULL || strncmp(p->content_range, want, strlen(want)) != 0) {
			snprintf(b->msg, sizeof(b->msg), "asked for bytes %" PRId64 "-, got Content-Range '%s'",
				 b->start, p->content_range ? p->content_range : "");
			return b->rc = -EPROTO;
		}
	}
	if (b->size >= 0 && b->offset + (int64_t)n > b->size) {
		snprintf(b->msg, sizeof(b->msg), "more than the %" PRId64 " bytes expected", b->size);
		return b->rc = -EBADMSG;
	}
	EVP_DigestUpdate(b->md, buf, n);
	b->offset += n;
	b->rc = b->sink(b->arg, buf, n);
	if (b->rc < 0)
		snprintf(b->msg, sizeof(b->msg), "writing the blob");
	return b->rc;
}

static size_t write_cb(char *buf, size_t size, size_t nmemb, void *data)
{
	struct resp *p = data;
	size_t n = size * nmemb;

	if (p->blob != NULL && (p->status == 200 || p->status == 206))
		return blob_take(p, buf, n) < 0 ? 0 : n;
	if (p->len + n > p->max) {
		p->too_big = true;
		return 0;
	}
	p->body = realloc(p->body, p->len + n + 1);
	if (p->body == NULL)
		abort();
	memcpy(p->body + p->len, buf, n);
	p->len += n;
	p->body[p->len] = '\0';
	return n;
}

static bool same_origin(struct cg_registry *r, const char *url)
{
	cleanup_free char *o = cg_url_origin(url);
	return o != NULL && strcmp(o, r->origin) == 0;
}

static int http_error(struct cg_registry *r, const struct resp *p, const char *what, cg_err_t *err)
{
	char desc[512];
	int code = p->status == 404 ? ENOENT : p->status == 401 || p->status == 403 ? EACCES : EIO;

	cg_registry_describe_body(p->body, p->len, desc, sizeof(desc));
	if (desc[0] == '\0')
		snprintf(desc, sizeof(desc), "%s",
			 p->status == 401 ? "unauthorized" : p->status == 404 ? "not found" : "request failed");
	return fail(err, code, "registry %s: %s (%s: HTTP %ld)%s", r->host, desc, what, p->status,
		    p->status == 401 ? ": check the user name and password" : "");
}

static int transport_error(struct cg_registry *r, CURLcode cc, const char *what, cg_err_t *err)
{
	const char *detail = r->errbuf[0] ? r->errbuf : curl_easy_strerror(cc);

	switch (cc) {
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
		return fail(err, EPROTO,
				"registry %s: TLS: %s (%s; pass the registry's CA, or --tls-verify=false to skip verification)",
				r->host, detail, what);
	default:
		return fail(err, EIO, "registry %s: %s: %s", r->host, what, detail);
	}
}

/* One hop: GET url; the Authorization header only to the registry's origin. */
static CURLcode perform(struct cg_registry *r, const char *url, const char *auth,
			const struct curl_slist *extra, struct resp *p)
{
	struct curl_slist *hdrs = NULL;
	CURLcode cc;

	for (const struct curl_slist *h = extra; h; h = h->next)
		hdrs = curl_slist_append(hdrs, h->data);
	if (auth != NULL)
		hdrs = curl_slist_append(hdrs, auth);
	resp_reset(p);
	r->errbuf[0] = '\0';
	curl_easy_setopt(r->curl, CURLOPT_URL, url);
	curl_easy_setopt(r->curl, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(r->curl, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(r->curl, CURLOPT_HEADERDATA, p);
	curl_easy_setopt(r->curl, CURLOPT_WRITEDATA, p);
	cc = curl_easy_perform(r->curl);
	curl_easy_setopt(r->curl, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(hdrs);
	return cc;
}

static char *base64(const char *s)
{
	size_t n = strlen(s);
	char *out = xcalloc(1, 4 * ((n + 2) / 3) + 1);

	EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)s, n);
	return out;
}

static char *basic_header(struct cg_registry *r)
{
	cleanup_free char *pair = xasprintf("%s:%s", r->user, r->pass);
	cleanup_free char *b = base64(pair);
	return xasprintf("Authorization: Basic %s", b);
}

/* GET realm?service=..&scope=.. (Basic credentials if we have them) and keep
 * the token from {"token": ...} or {"access_token": ...}. */
static int fetch_token(struct cg_registry *r, const struct cg_challenge *c, cg_err_t *err)
{
	struct resp p = { .max = 1024 * 1024, .retry_after = -1 };
	cleanup_free char *scope_dflt = r->repo[0] ? xasprintf("repository:%s:pull", r->repo) : NULL;
	const char *scope = c->scope ? c->scope : scope_dflt;
	char *svc = c->service ? curl_easy_escape(r->curl, c->service, 0) : NULL;
	char *sc = scope ? curl_easy_escape(r->curl, scope, 0) : NULL;
	cleanup_free char *url = NULL;
	cleanup_free char *basic = NULL;
	cleanup_free char *tok = NULL;
	CURLcode cc;
	int ret = 0;

	/* A token realm over plain http would see the credentials (and hand
	 * out a token) in clear: only for a registry that is plain http itself. */
	if (strncmp(c->realm, "https://", 8) != 0 &&
	    !(strncmp(c->realm, "http://", 7) == 0 && strncmp(r->origin, "http://", 7) == 0)) {
		curl_free(svc);
		curl_free(sc);
		return fail(err, EPROTO, "registry %s: refusing token realm '%s' (not https)", r->host, c->realm);
	}
	url = xasprintf("%s%s%s%s%s%s%s", c->realm, strchr(c->realm, '?') ? "&" : "?",
			svc ? "service=" : "", svc ? svc : "", svc && sc ? "&" : "", sc ? "scope=" : "",
			sc ? sc : "");
	curl_free(svc);
	curl_free(sc);
	if (r->user != NULL)
		basic = basic_header(r);
	cc = perform(r, url, basic, NULL, &p);
	if (cc != CURLE_OK) {
		ret = transport_error(r, cc, "fetching a token", err);
	} else if (p.status != 200) {
		ret = http_error(r, &p, "token server", err);
	} else if ((tok = cg_registry_token_parse(p.body)) == NULL) {
		ret = fail(err, EPROTO, "registry %s: the token server's reply has no token", r->host);
	} else {
		free(r->auth);
		r->auth = xasprintf("Authorization: Bearer %s", tok);
		explicit_bzero(tok, strlen(tok));
	}
	resp_reset(&p);
	return ret;
}

/* Answer a 401's challenge: a Bearer token, or Basic credentials. */
static int authenticate(struct cg_registry *r, const struct resp *p, const char *what, cg_err_t *err)
{
	struct cg_challenge *c = NULL;
	size_t n = 0;
	int ret;

	if (p->www_auth == NULL)
		return http_error(r, p, what, err);
	ret = cg_www_auth_parse(p->www_auth, &c, &n, err);
	if (ret < 0)
		return cg_error_wrap(err, "registry %s", r->host);
	ret = -1;
	for (size_t i = 0; i < n && ret == -1; i++) {
		if (strcmp(c[i].scheme, "bearer") == 0 && c[i].realm != NULL)
			ret = fetch_token(r, &c[i], err);
	}
	for (size_t i = 0; i < n && ret == -1; i++) {
		if (strcmp(c[i].scheme, "basic") == 0) {
			if (r->user == NULL) {
				ret = fail(err, EACCES, "registry %s: authentication required (%s): give a user name and password",
					       r->host, what);
			} else {
				free(r->auth);
				r->auth = basic_header(r);
				ret = 0;
			}
		}
	}
	if (ret == -1)
		ret = fail(err, ENOTSUP, "registry %s: no supported authentication scheme in '%s'", r->host,
			       p->www_auth);
	cg_challenges_free(c, n);
	return ret;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* A connection that failed or broke: worth another try. */
static bool transient(CURLcode cc)
{
	switch (cc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_PARTIAL_FILE:
	case CURLE_GOT_NOTHING:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return true;
	default:
		return false;
	}
}

/* GET url until a 200/206: redirects, 401 challenges, 429/5xx back-off.
 * On a transport error returns -EIO with *cc set (the blob resumes). */
static int request(struct cg_registry *r, const char *url, const struct curl_slist *hdrs,
		   struct resp *p, const char *what, CURLcode *cc, cg_err_t *err)
{
	cleanup_free char *cur = xstrdup(url);
	int attempts = 0, redirects = 0;
	bool answered_401 = false;

	*cc = CURLE_OK;
	for (;;) {
		bool own = same_origin(r, cur);

		*cc = perform(r, cur, own ? r->auth : NULL, hdrs, p);
		if (p->blob && p->blob->rc < 0)
			return fail(err, -p->blob->rc, "registry %s: %s: %s", r->host, what, p->blob->msg);
		if (*cc != CURLE_OK && !(*cc == CURLE_WRITE_ERROR && p->too_big)) {
			/* A blob resumes in cg_registry_get_blob; anything else
			 * is asked again, unless TLS failed (that will not mend). */
			if (p->blob != NULL || !transient(*cc) || ++attempts >= CG_REGISTRY_MAX_ATTEMPTS)
				return transport_error(r, *cc, what, err);
			sleep_ms(250L << (attempts - 1));
			free(cur);
			cur = xstrdup(url);
			continue;
		}
		if (p->too_big)
			return fail(err, EFBIG, "registry %s: %s: reply larger than %zu bytes", r->host, what,
					p->max);
		if (p->status == 200 || p->status == 206)
			return 0;
		if (p->status == 301 || p->status == 302 || p->status == 303 || p->status == 307 ||
		    p->status == 308) {
			char *next;

			if (++redirects > MAX_REDIRECTS)
				return fail(err, ELOOP, "registry %s: %s: too many redirects", r->host, what);
			next = p->location ? cg_url_redirect(cur, p->location) : NULL;
			if (next == NULL)
				return fail(err, EPROTO, "registry %s: %s: refusing a redirect to '%s' (not https, or malformed)",
					    r->host, what, p->location ? p->location : "");
			free(cur);
			cur = next;
			continue;
		}
		if (p->status == 401 && own && !answered_401) {
			/* No token yet, or it expired mid-pull: get one (once). */
			int ret = authenticate(r, p, what, err);
			if (ret < 0)
				return ret;
			answered_401 = true;
			free(cur);
			cur = xstrdup(url);
			continue;
		}
		if (p->status == 429 || (p->status >= 500 && p->status <= 599)) {
			long wait_ms;

			if (++attempts >= CG_REGISTRY_MAX_ATTEMPTS)
				return http_error(r, p, what, err);
			if (p->retry_after > CG_REGISTRY_MAX_RETRY_AFTER) {
				http_error(r, p, what, err);
				return cg_error_wrap(err, "asked to retry after %lds", p->retry_after);
			}
			wait_ms = p->retry_after >= 0 ? p->retry_after * 1000L : 250L << (attempts - 1);
			sleep_ms(wait_ms);
			free(cur);
			cur = xstrdup(url);
			continue;
		}
		return http_error(r, p, what, err);
	}
}

struct cg_registry *cg_registry_new(const char *api_host, const char *repo_path,
				    const struct cg_registry_opts *o, cg_err_t *err)
{
	struct cg_registry *r;
	cleanup_free char *url = NULL;

	if (*api_host == '\0' || strpbrk(api_host, "/?#@ ") != NULL) {
		fail(err, EINVAL, "bad registry host '%s'", api_host);
		return NULL;
	}
	if (repo_path != NULL && (*repo_path == '\0' || strpbrk(repo_path, "?#@: ") != NULL)) {
		fail(err, EINVAL, "bad repository '%s'", repo_path);
		return NULL;
	}
	if ((o->user == NULL) != (o->pass == NULL)) {
		fail(err, EINVAL, "registry %s: a user name needs a password and a password a user name",
			 api_host);
		return NULL;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fail(err, ENOMEM, "initialising libcurl");
		return NULL;
	}
	r = xcalloc(1, sizeof(*r));
	r->curl = curl_easy_init();
	if (r->curl == NULL) {
		free(r);
		fail(err, ENOMEM, "initialising libcurl");
		return NULL;
	}
	r->host = xstrdup(api_host);
	r->repo = xstrdup(repo_path ? repo_path : "");
	r->user = o->user ? xstrdup(o->user) : NULL;
	r->pass = o->pass ? xstrdup(o->pass) : NULL;
	r->ca_file = o->ca_file ? xstrdup(o->ca_file) : NULL;
	r->tls_verify = o->tls_verify;
	url = xasprintf("%s://%s/", o->plain_http ? "http" : "https", api_host);
	r->origin = cg_url_origin(url);
	if (r->origin == NULL) {
		fail(err, EINVAL, "bad registry host '%s'", api_host);
		cg_registry_free(r);
		return NULL;
	}

	curl_easy_setopt(r->curl, CURLOPT_ERRORBUFFER, r->errbuf);
	curl_easy_setopt(r->curl, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(r->curl, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(r->curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(r->curl, CURLOPT_UNRESTRICTED_AUTH, 0L);
	curl_easy_setopt(r->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(r->curl, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	curl_easy_setopt(r->curl, CURLOPT_USERAGENT, "cgrun/" PACKAGE_VERSION);
	curl_easy_setopt(r->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(r->curl, CURLOPT_CONNECTTIMEOUT, 30L);
	/* A stalled transfer (under 1 byte/s for 60 s) is a lost connection. */
	curl_easy_setopt(r->curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(r->curl, CURLOPT_LOW_SPEED_TIME, 60L);
	if (!o->tls_verify) {
		curl_easy_setopt(r->curl, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(r->curl, CURLOPT_SSL_VERIFYHOST, 0L);
	} else if (o->ca_file != NULL) {
		/* CAINFO replaces the built-in bundle; the system's directory of
		 * CAs stays trusted beside it, so ca_file adds to it. */
		curl_easy_setopt(r->curl, CURLOPT_CAINFO, r->ca_file);
		if (path_exists("/etc/ssl/certs"))
			curl_easy_setopt(r->curl, CURLOPT_CAPATH, "/etc/ssl/certs");
	}
	return r;
}

void cg_registry_free(struct cg_registry *r)
{
	if (r == NULL)
		return;
	curl_easy_cleanup(r->curl);
	free(r->host);
	free(r->repo);
	free(r->origin);
	free(r->user);
	if (r->pass)
		explicit_bzero(r->pass, strlen(r->pass));
	free(r->pass);
	free(r->ca_file);
	if (r->auth)
		explicit_bzero(r->auth, strlen(r->auth));
	free(r->auth);
	free(r);
}

int cg_registry_get_manifest(struct cg_registry *r, const char *ref, const char *const *accept,
			     char **body, size_t *len, char **content_type, char **digest,
			     cg_err_t *err)
{
	struct resp p = { .max = CG_REGISTRY_MAX_MANIFEST, .retry_after = -1 };
	struct curl_slist *hdrs = NULL;
	cleanup_free char *url = NULL;
	cleanup_free char *what = xasprintf("manifest %s", ref);
	unsigned char md[EVP_MAX_MD_SIZE];
	char *got;
	CURLcode cc;
	int ret;

	if (*ref == '\0' || strpbrk(ref, "/?#@ ") != NULL ||
	    (strchr(ref, ':') != NULL && !cg_digest_is_sha256(ref)))
		return fail(err, EINVAL, "registry %s: bad manifest reference '%s'", r->host, ref);
	url = xasprintf("%s/v2/%s/manifests/%s", r->origin, r->repo, ref);
	if (accept != NULL && accept[0] != NULL) {
		cleanup_free char *line = xstrdup("Accept: ");
		for (size_t i = 0; accept[i]; i++) {
			char *next = xasprintf("%s%s%s", line, i ? ", " : "", accept[i]);
			free(line);
			line = next;
		}
		hdrs = curl_slist_append(hdrs, line);
	}
	ret = request(r, url, hdrs, &p, what, &cc, err);
	curl_slist_free_all(hdrs);
	if (ret < 0) {
		resp_reset(&p);
		return ret;
	}
	if (EVP_Digest(p.body ? p.body : "", p.len, md, NULL, EVP_sha256(), NULL) != 1) {
		resp_reset(&p);
		return fail(err, EIO, "registry %s: %s: sha256 failed", r->host, what);
	}
	got = cg_digest_format_sha256(md);
	if (strchr(ref, ':') != NULL && strcmp(got, ref) != 0) {
		fail(err, EBADMSG, "registry %s: %s: the bytes received have digest %s", r->host, what, got);
		free(got);
		resp_reset(&p);
		return -EBADMSG;
	}
	/* By tag: the registry's own word on the digest (when it gives one)
	 * must be what the bytes hash to, or something between changed them. */
	if (p.docker_digest && cg_digest_is_sha256(p.docker_digest) && strcmp(got, p.docker_digest) != 0) {
		fail(err, EBADMSG, "registry %s: %s: the registry says its digest is %s but the bytes received have %s",
		     r->host, what, p.docker_digest, got);
		free(got);
		resp_reset(&p);
		return -EBADMSG;
	}
	*digest = got;
	*content_type = p.content_type ? steal_pointer(&p.content_type) : xstrdup("");
	*len = p.len;
	*body = p.body ? steal_pointer(&p.body) : xstrdup("");
	resp_reset(&p);
	return 0;
}

int cg_registry_get_blob(struct cg_registry *r, const char *digest, int64_t size,
			 cg_blob_sink sink, cg_blob_reset reset, void *arg, cg_err_t *err)
{
	struct blob_state b = { .sink = sink, .reset = reset, .arg = arg, .size = size };
	struct resp p = { .max = MAX_ERROR_BODY, .retry_after = -1, .blob = &b };
	cleanup_free char *url = NULL;
	cleanup_free char *what = xasprintf("blob %s", digest);
	cleanup_free char *got = NULL;
	unsigned char md[EVP_MAX_MD_SIZE];
	int failures = 0, ret;

	if (!cg_digest_is_sha256(digest))
		return fail(err, EINVAL, "registry %s: unsupported blob digest '%s'", r->host, digest);
	url = xasprintf("%s/v2/%s/blobs/%s", r->origin, r->repo, digest);
	b.md = EVP_MD_CTX_new();
	if (b.md == NULL || EVP_DigestInit_ex(b.md, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(b.md);
		return fail(err, ENOMEM, "registry %s: sha256 context", r->host);
	}
	for (;;) {
		struct curl_slist *hdrs = NULL;
		int64_t before = b.offset;
		CURLcode cc;

		if (size >= 0 && b.offset == size && size > 0)
			break; /* all there; the connection died just after */
		b.start = b.offset;
		if (b.offset > 0) {
			char range[64];
			snprintf(range, sizeof(range), "Range: bytes=%" PRId64 "-", b.offset);
			hdrs = curl_slist_append(hdrs, range);
		}
		ret = request(r, url, hdrs, &p, what, &cc, err);
		curl_slist_free_all(hdrs);
		if (ret == 0)
			break;
		/* A lost connection: resume where it stopped. Give up after
		 * CG_REGISTRY_MAX_ATTEMPTS tries in a row that brought nothing. */
		if (cc == CURLE_OK || b.rc < 0 || !transient(cc))
			goto out;
		if (b.offset > before)
			failures = 0;
		if (++failures >= CG_REGISTRY_MAX_ATTEMPTS)
			goto out;
		sleep_ms(b.offset > before ? 0 : 250L << (failures - 1));
	}
	ret = 0;
	if (size >= 0 && b.offset != size) {
		ret = fail(err, EBADMSG, "registry %s: %s: got %" PRId64 " bytes, expected %" PRId64,
			       r->host, what, b.offset, size);
		goto out;
	}
	if (EVP_DigestFinal_ex(b.md, md, NULL) != 1) {
		ret = fail(err, EIO, "registry %s: %s: sha256 failed", r->host, what);
		goto out;
	}
	got = cg_digest_format_sha256(md);
	if (strcmp(got, digest) != 0)
		ret = fail(err, EBADMSG, "registry %s: %s: the bytes received have digest %s", r->host,
			       what, got);
out:
	EVP_MD_CTX_free(b.md);
	resp_reset(&p);
	return ret;
}

int cg_registry_check_login(struct cg_registry *r, cg_err_t *err)
{
	struct resp p = { .max = 64 * 1024, .retry_after = -1 };
	cleanup_free char *url = xasprintf("%s/v2/", r->origin);
	CURLcode cc;
	int ret;

	ret = request(r, url, NULL, &p, "login", &cc, err);
	resp_reset(&p);
	return ret;
}
