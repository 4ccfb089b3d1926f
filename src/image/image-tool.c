/* image-tool.c - cgrun-image: the verbs that talk to registries (pull,
 * login, logout) or read and write image archives (image load, save).
 * A program of its own, which cgrun execs, so that libcurl, libarchive,
 * libcrypto and libzstd (and the dozens of libraries libcurl loads) are
 * loaded by a pull and never by a container's start: cgrun itself stays
 * at the few libraries every run needs. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "cli-util.h"
#include "client.h"
#include "ctx.h"
#include "load.h"
#include "login.h"
#include "parse.h"
#include "pull.h"
#include "pull-client.h"
#include "save.h"

static void pull_usage(FILE *f)
{
	fputs("Usage: cgrun pull [OPTIONS] IMAGE\n"
	      "\n"
	      "Pull an image from a registry into the image store. IMAGE is a reference\n"
	      "as docker spells it: ubuntu (docker.io/library/ubuntu:latest), ubuntu:24.04,\n"
	      "quay.io/team/app:1, registry.local:5000/app@sha256:DIGEST.\n"
	      "\n"
	      "Options:\n"
	      "      --platform=OS/ARCH[/VARIANT]  the platform to pull from a multi-platform\n"
	      "                             image (default: this host's)\n"
	      "      --tls-verify=false     do not verify the registry's TLS certificate\n"
	      "  -q, --quiet                no progress; print the image's name only\n"
	      "      --help                 show this help\n"
	      "  (cgrund, pulling for a member of its group, adds --no-default-creds: no\n"
	      "  auth file of its own is read; --authfile-fd=N: the member's, open on fd N)\n"
	      "\n"
	      "Credentials come from $REGISTRY_AUTH_FILE, else\n"
	      "${XDG_RUNTIME_DIR}/containers/auth.json, ~/.config/containers/auth.json,\n"
	      "~/.docker/config.json. CGRUN_REGISTRY_CA names an extra CA bundle.\n"
	      "Registries listed in " CGRUN_CONF_DIR "/registries.conf as 'insecure HOST[:PORT]'\n"
	      "are reached without certificate checks, as 'insecure http://HOST[:PORT]' over\n"
	      "plain HTTP (CGRUN_REGISTRIES_CONF names another file).\n"
	      "\n"
	      "Exit status: 0 pulled (or already up to date); 125 on failure.\n", f);
}

/* Not root: only cgrund can write the store. It runs this program as root
 * with our stdout, stderr and auth file (pull-client.h). */
static int pull_as_member(const char *ref, const struct cg_pull_opts *o, bool for_run)
{
	struct pull_request p = { .image = ref, .platform = o->platform, .tls_verify = o->tls_verify,
				  .quiet = o->quiet, .for_run = for_run };
	cg_err_t err = { 0 };
	int code;

	if (!client_daemon_up()) {
		die_msg("pulling needs root or cgrund, and cgrund is not running: pull as root, or start cgrund as root with '%s'",
			client_start_hint());
		return EXIT_CGRUN;
	}
	if (pull_via_cgrund(&p, &code, &err) < 0)
		return cli_fail(&err);
	return code;
}

/* for_run: run's --pull (`cgrun-image run-pull IMAGE`): the error line
 * says what else the user can do, and the image's name is not printed. */
static int cmd_pull(int argc, char **argv, bool for_run)
{
	static const struct option opts[] = {
		{ "platform", required_argument, NULL, 'p' },
		{ "tls-verify", required_argument, NULL, 't' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "no-default-creds", no_argument, NULL, 'N' },
		{ "authfile-fd", required_argument, NULL, 'A' },
		{ NULL, 0, NULL, 0 },
	};
	char authfile[64];
	const char *files[2] = { NULL, NULL };
	bool no_default = false;
	struct cg_pull_opts o = { .tls_verify = true, .out = stderr, .ca_file = getenv("CGRUN_REGISTRY_CA") };
	cleanup_free char *name = NULL;
	cg_err_t err = { 0 };
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+:q", opts, NULL)) != -1) {
		switch (c) {
		case 'p': o.platform = optarg; break;
		case 't':
			if (!strcmp(optarg, "true")) {
				o.tls_verify = true;
			} else if (!strcmp(optarg, "false")) {
				o.tls_verify = false;
			} else {
				die_msg("--tls-verify takes true or false, not '%s'", optarg);
				return EXIT_CGRUN;
			}
			break;
		case 'q': o.quiet = true; break;
		case 'N': no_default = true; break;
		case 'A': {
			int64_t fd;
			cg_err_t ferr = { 0 };

			if (parse_int_range("--authfile-fd", optarg, 3, INT32_MAX, &fd, &ferr) < 0 ||
			    fcntl((int)fd, F_GETFD) < 0) {
				die_msg("--authfile-fd takes an open file descriptor above 2, not '%s'", optarg);
				return EXIT_CGRUN;
			}
			snprintf(authfile, sizeof(authfile), "/proc/self/fd/%d", (int)fd);
			files[0] = authfile;
			break;
		}
		case 'h': pull_usage(stdout); return 0;
		default: return usage_error("pull", c, argv[optind - 1]);
		}
	}
	if (argc - optind != 1) {
		die_msg("usage: cgrun pull [OPTIONS] IMAGE; see 'cgrun pull --help'");
		return EXIT_CGRUN;
	}
	if (geteuid() != 0 && !no_default && files[0] == NULL)
		return pull_as_member(argv[optind], &o, for_run);
	if (o.ca_file && o.ca_file[0] == '\0')
		o.ca_file = NULL;
	if (no_default || files[0])
		o.creds_files = files;
	o.registries_conf = getenv("CGRUN_REGISTRIES_CONF");
	if (o.registries_conf == NULL || o.registries_conf[0] != '/')
		o.registries_conf = CGRUN_CONF_DIR "/registries.conf";
	if (cg_pull(cli_ctx(), argv[optind], &o, &name, &err) < 0) {
		if (!for_run)
			return cli_fail(&err);
		die_msg("image '%s' is not in the store, and pulling it failed: %s; or import one with 'cgrun image import NAME ROOTFS.tar'",
			argv[optind], err.msg);
		return EXIT_CGRUN;
	}
	if (!for_run)
		printf("%s\n", name);
	return 0;
}

static void login_usage(FILE *f)
{
	fputs("Usage: cgrun login [-u USER] [-p PASSWORD | --password-stdin] REGISTRY\n"
	      "\n"
	      "Log in to a registry: the user name and password are checked against\n"
	      "it (its /v2/ endpoint, answering its challenge) and only then stored\n"
	      "where pulls look for them: $REGISTRY_AUTH_FILE, else\n"
	      "${XDG_RUNTIME_DIR}/containers/auth.json (podman's file). Asked for on\n"
	      "the terminal when not given.\n"
	      "\n"
	      "Options:\n"
	      "  -u, --username=USER        the user name\n"
	      "  -p, --password=PASSWORD    the password (visible to other users in ps:\n"
	      "                             prefer --password-stdin)\n"
	      "      --password-stdin       read the password from stdin\n"
	      "      --tls-verify=false     do not verify the registry's TLS certificate\n"
	      "      --help                 show this help\n"
	      "\n"
	      "Exit status: 0 logged in; 125 on failure (a refused password included:\n"
	      "nothing is stored then).\n", f);
}

/* The password on stdin, its trailing newline(s) dropped, as docker. */
static char *read_password_stdin(cg_err_t *err)
{
	char *buf = NULL;
	size_t cap = 0, len = 0;
	ssize_t n;

	for (;;) {
		if (len + 1 >= cap) {
			cap = cap ? cap * 2 : 256;
			if (cap > 65536) {
				free(buf);
				cg_error(err, 0, "--password-stdin: more than 64 KiB on stdin");
				return NULL;
			}
			if ((buf = realloc(buf, cap)) == NULL)
				abort();
		}
		n = read(STDIN_FILENO, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			cg_error(err, errno, "--password-stdin: reading stdin");
			return NULL;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	buf[len] = '\0';
	return buf;
}

/* A line from the terminal (echo off for a password); NULL and err when
 * there is no terminal to ask on. */
static char *prompt(const char *what, bool secret, cg_err_t *err)
{
	cleanup_close int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	struct termios old, quiet;
	char line[1024];
	ssize_t n;
	size_t len = 0;
	bool restore = false;

	if (fd < 0 || !isatty(STDIN_FILENO)) {
		cg_error(err, 0, "no %s given and no terminal to ask on: use %s", what,
			 secret ? "-p or --password-stdin" : "-u");
		return NULL;
	}
	dprintf(fd, "%s: ", secret ? "Password" : "Username");
	if (secret && tcgetattr(fd, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		restore = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
	}
	while (len + 1 < sizeof(line) && (n = read(fd, line + len, 1)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || line[len] == '\n')
			break;
		len++;
	}
	line[len] = '\0';
	if (restore) {
		tcsetattr(fd, TCSAFLUSH, &old);
		dprintf(fd, "\n");
	}
	char *s = xstrdup(line);

	explicit_bzero(line, sizeof(line));
	return s;
}

static int cmd_login(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "username", required_argument, NULL, 'u' },
		{ "password", required_argument, NULL, 'p' },
		{ "password-stdin", no_argument, NULL, 'S' },
		{ "tls-verify", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cg_login_opts o = { .tls_verify = true, .ca_file = getenv("CGRUN_REGISTRY_CA") };
	cleanup_free char *user = NULL, *pass = NULL, *file = NULL;
	bool from_stdin = false, on_cli = false;
	cg_err_t err = { 0 };
	int c, r;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+:u:p:", opts, NULL)) != -1) {
		switch (c) {
		case 'u': free(user); user = xstrdup(optarg); break;
		case 'p':
			free(pass);
			pass = xstrdup(optarg);
			on_cli = true;
			break;
		case 'S': from_stdin = true; break;
		case 't':
			if (strcmp(optarg, "true") != 0 && strcmp(optarg, "false") != 0) {
				die_msg("--tls-verify takes true or false, not '%s'", optarg);
				return EXIT_CGRUN;
			}
			o.tls_verify = !strcmp(optarg, "true");
			break;
		case 'h': login_usage(stdout); return 0;
		default: return usage_error("login", c, argv[optind - 1]);
		}
	}
	if (argc - optind != 1) {
		die_msg("usage: cgrun login [-u USER] [-p PASSWORD | --password-stdin] REGISTRY; see 'cgrun login --help'");
		return EXIT_CGRUN;
	}
	if (on_cli && from_stdin) {
		die_msg("--password and --password-stdin cannot be used together");
		return EXIT_CGRUN;
	}
	if (from_stdin && user == NULL) {
		die_msg("--password-stdin needs --username (stdin holds the password)");
		return EXIT_CGRUN;
	}
	if (on_cli)
		fputs("WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n", stderr);
	if (o.ca_file && o.ca_file[0] == '\0')
		o.ca_file = NULL;
	if ((user == NULL && (user = prompt("user name", false, &err)) == NULL) ||
	    (pass == NULL && (pass = from_stdin ? read_password_stdin(&err) : prompt("password", true, &err)) == NULL))
		return cli_fail(&err);
	r = cg_login(argv[optind], user, pass, &o, &file, &err);
	explicit_bzero(pass, strlen(pass));
	if (r < 0) {
		if (r == -EACCES)
			die_msg("login to %s refused: %s", argv[optind], err.msg);
		else
			die_msg("login to %s failed: %s", argv[optind], err.msg);
		return EXIT_CGRUN;
	}
	fprintf(stderr, "Credentials stored (unencrypted) in %s\n", file);
	puts("Login Succeeded!");
	return 0;
}

static int cmd_logout(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	cleanup_free char *file = NULL;
	cg_err_t err = { 0 };
	int c, r;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+:", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			puts("Usage: cgrun logout REGISTRY\n"
			     "\n"
			     "Remove the credentials cgrun login stored for REGISTRY (from\n"
			     "$REGISTRY_AUTH_FILE, else ${XDG_RUNTIME_DIR}/containers/auth.json).\n"
			     "\n"
			     "      --help  show this help\n"
			     "\n"
			     "Exit status: 0 (also when there were none: it says so); 125 on failure.");
			return 0;
		default: return usage_error("logout", c, argv[optind - 1]);
		}
	}
	if (argc - optind != 1) {
		die_msg("usage: cgrun logout REGISTRY; see 'cgrun logout --help'");
		return EXIT_CGRUN;
	}
	if ((r = cg_logout(argv[optind], &file, &err)) < 0)
		return cli_fail(&err);
	if (r == 0)
		printf("Not logged in to %s (no credentials for it in %s)\n", argv[optind], file);
	else
		printf("Removed login credentials for %s from %s\n", argv[optind], file);
	return 0;
}

static void load_usage(FILE *f)
{
	fputs("Usage: cgrun image load [-q] [-i FILE]\n"
	      "\n"
	      "Load the images of an archive into the store: a docker save archive\n"
	      "(manifest.json, legacy or with blobs/) or an OCI image layout in a tar\n"
	      "(index.json: podman save --format oci-archive, skopeo's oci-archive:),\n"
	      "plain or compressed with gzip, zstd or xz. Each name the archive gives an\n"
	      "image (RepoTags; the io.containerd.image.name or a whole\n"
	      "org.opencontainers.image.ref.name annotation) is stored, normalised as pull\n"
	      "normalises it, and printed as 'Loaded image: NAME'; an image with none is\n"
	      "stored by its ID ('Loaded image ID: sha256:...'; run it by the 64 hex\n"
	      "digits). Every layer's content is checked against its config, and every\n"
	      "blob against its digest, before anything is stored.\n"
	      "\n"
	      "Options:\n"
	      "  -i, --input=FILE           read FILE (default, and '-': stdin)\n"
	      "  -q, --quiet                no line per layer\n"
	      "      --help                 show this help\n"
	      "\n"
	      "Exit status: 0 loaded; 125 on failure (nothing is stored then).\n", f);
}

static void print_loaded(void *arg, const char *name, const char *id)
{
	(void)arg;
	if (name)
		printf("Loaded image: %s\n", name);
	else
		printf("Loaded image ID: %s\n", id);
	fflush(stdout);
}

static int image_load(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "input", required_argument, NULL, 'i' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cg_load_opts o = { .out = stderr, .loaded = print_loaded };
	const char *input = "-";
	cleanup_free char *abs = NULL;
	cleanup_close int fd = -1;
	cg_err_t err = { 0 };
	struct stat st;
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+:i:q", opts, NULL)) != -1) {
		switch (c) {
		case 'i': input = optarg; break;
		case 'q': o.quiet = true; break;
		case 'h': load_usage(stdout); return 0;
		default: return usage_error("image load", c, argv[optind - 1]);
		}
	}
	if (optind != argc) {
		die_msg("usage: cgrun image load [-q] [-i FILE]; see 'cgrun image load --help'");
		return EXIT_CGRUN;
	}
	if (!strcmp(input, "-")) {
		if (isatty(STDIN_FILENO)) {
			die_msg("no archive to load: name one with -i FILE, or pipe one to stdin");
			return EXIT_CGRUN;
		}
		o.source = "stdin";
		fd = dup(STDIN_FILENO);
	} else {
		fd = open(input, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		abs = realpath(input, NULL);
		o.source = abs ? abs : input;
	}
	if (fd < 0 || fstat(fd, &st) < 0) {
		die_msg("cannot read %s: %s", input, strerror(errno));
		return EXIT_CGRUN;
	}
	if (S_ISDIR(st.st_mode)) {
		die_msg("%s is a directory, not an image archive (a tar: 'tar -cf - -C DIR .' makes one of a layout)", input);
		return EXIT_CGRUN;
	}
	if (cg_image_load(cli_ctx(), fd, &o, &err) < 0) {
		die_msg("loading %s: %s", !strcmp(input, "-") ? "stdin" : input, err.msg);
		return EXIT_CGRUN;
	}
	return 0;
}

static void save_usage(FILE *f)
{
	fputs("Usage: cgrun image save [-o FILE] IMAGE...\n"
	      "\n"
	      "Write images of the store to a tar: an OCI image layout (oci-layout,\n"
	      "index.json naming each image with the org.opencontainers.image.ref.name\n"
	      "and io.containerd.image.name annotations, blobs/sha256/) with docker\n"
	      "save's manifest.json beside it, as docker 25 writes. podman load, skopeo\n"
	      "(oci-archive: and docker-archive:), docker load and cgrun image load read\n"
	      "it. Layers are written uncompressed, remade from the store's layers (an\n"
	      "imported image is one layer); when a remade layer's digest differs from\n"
	      "the diff_id its config records, the config written records the new one\n"
	      "(the image's ID changes, its files do not).\n"
	      "\n"
	      "Options:\n"
	      "  -o, --output=FILE          write FILE (replaced once complete); default,\n"
	      "                             and '-': stdout, unless it is a terminal\n"
	      "      --help                 show this help\n"
	      "\n"
	      "Exit status: 0 saved; 125 on failure (FILE is not written then).\n", f);
}

static int image_save(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *output = "-";
	cleanup_free char *tmp = NULL;
	cg_err_t err = { 0 };
	int c, fd, r;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+:o:", opts, NULL)) != -1) {
		switch (c) {
		case 'o': output = optarg; break;
		case 'h': save_usage(stdout); return 0;
		default: return usage_error("image save", c, argv[optind - 1]);
		}
	}
	if (optind == argc) {
		die_msg("usage: cgrun image save [-o FILE] IMAGE...; see 'cgrun image save --help'");
		return EXIT_CGRUN;
	}
	if (!strcmp(output, "-")) {
		if (isatty(STDOUT_FILENO)) {
			die_msg("refusing to write an image archive to a terminal: use -o FILE or redirect stdout");
			return EXIT_CGRUN;
		}
		fd = STDOUT_FILENO;
	} else {
		/* Beside FILE and renamed over it once complete: a failed save
		 * leaves no half archive, nor clobbers an old one. */
		tmp = xasprintf("%s.tmp-%d", output, (int)getpid());
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0644);
		if (fd < 0) {
			die_msg("cannot create %s: %s", tmp, strerror(errno));
			return EXIT_CGRUN;
		}
	}
	r = cg_image_save(cli_ctx(), (const char *const *)argv + optind, (size_t)(argc - optind), fd, &err);
	if (tmp) {
		if (r == 0 && fsync(fd) < 0)
			r = cg_error(&err, errno, "fsync %s", tmp);
		if (close(fd) < 0 && r == 0)
			r = cg_error(&err, errno, "close %s", tmp);
		if (r == 0 && rename(tmp, output) < 0)
			r = cg_error(&err, errno, "rename %s to %s", tmp, output);
		if (r < 0)
			unlink(tmp);
	}
	if (r < 0) {
		die_msg("saving to %s: %s", tmp ? output : "stdout", err.msg);
		return EXIT_CGRUN;
	}
	return 0;
}

int main(int argc, char **argv)
{
	/* A layer's extractor that fails closes its end of the pipe the
	 * download writes to: that is an error to report, not a signal. */
	signal(SIGPIPE, SIG_IGN);
	if (argc >= 2 && !strcmp(argv[1], "pull"))
		return cmd_pull(argc - 1, argv + 1, false);
	if (argc >= 2 && !strcmp(argv[1], "run-pull"))
		return cmd_pull(argc - 1, argv + 1, true);
	if (argc >= 2 && !strcmp(argv[1], "login"))
		return cmd_login(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "logout"))
		return cmd_logout(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "load"))
		return image_load(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "save"))
		return image_save(argc - 1, argv + 1);
	fprintf(stderr, "cgrun-image: usage: cgrun-image pull|login|logout|load|save ... (run by 'cgrun pull', 'cgrun login', 'cgrun logout', 'cgrun image load', 'cgrun image save')\n");
	return EXIT_CGRUN;
}
