/* run.c - `cgrun [run] [OPTIONS] IMAGE [COMMAND [ARG...]]`. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "foreground.h"
#include "parse.h"
#include "spec.h"

enum {
	OPT_CPU_QUOTA = 1000, OPT_CPU_PERIOD, OPT_CPUS, OPT_CPU_SHARES, OPT_CPUSET_CPUS,
	OPT_MEMORY_SWAP, OPT_PIDS_LIMIT, OPT_NAME, OPT_HOSTNAME, OPT_RM, OPT_CAP_ADD,
	OPT_CAP_DROP, OPT_PRIVILEGED, OPT_CGROUP_PARENT, OPT_HELP,
};

static const struct option opts[] = {
	{ "cpu-quota", required_argument, NULL, OPT_CPU_QUOTA },
	{ "cpu-period", required_argument, NULL, OPT_CPU_PERIOD },
	{ "cpus", required_argument, NULL, OPT_CPUS },
	{ "cpu-shares", required_argument, NULL, OPT_CPU_SHARES },
	{ "cpuset-cpus", required_argument, NULL, OPT_CPUSET_CPUS },
	{ "memory", required_argument, NULL, 'm' },
	{ "memory-swap", required_argument, NULL, OPT_MEMORY_SWAP },
	{ "pids-limit", required_argument, NULL, OPT_PIDS_LIMIT },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "hostname", required_argument, NULL, OPT_HOSTNAME },
	{ "env", required_argument, NULL, 'e' },
	{ "workdir", required_argument, NULL, 'w' },
	{ "user", required_argument, NULL, 'u' },
	{ "volume", required_argument, NULL, 'v' },
	{ "rm", no_argument, NULL, OPT_RM },
	{ "interactive", no_argument, NULL, 'i' },
	{ "tty", no_argument, NULL, 't' },
	{ "cap-add", required_argument, NULL, OPT_CAP_ADD },
	{ "cap-drop", required_argument, NULL, OPT_CAP_DROP },
	{ "privileged", no_argument, NULL, OPT_PRIVILEGED },
	{ "cgroup-parent", required_argument, NULL, OPT_CGROUP_PARENT },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static void run_usage(void)
{
	fputs("Usage: cgrun [run] [OPTIONS] IMAGE [COMMAND [ARG...]]\n"
	      "\n"
	      "Run COMMAND (default: the image's, /bin/sh) in a new container: new mount,\n"
	      "PID, UTS, IPC, network and cgroup namespaces, an overlay of IMAGE as its root,\n"
	      "and a cgroup holding the limits below. With a terminal on stdin and stdout\n"
	      "and neither -i nor -t, the run is interactive on a pseudo-terminal.\n"
	      "\n"
	      "Limits:\n"
	      "      --cpu-quota=US       CPU time per period in microseconds (>= 1000)\n"
	      "      --cpu-period=US      the period (default 100000, 1000..1000000)\n"
	      "      --cpus=N             CPUs as a decimal: quota = N x period\n"
	      "      --cpu-shares=N       relative CPU weight (2..262144; v2: cpu.weight)\n"
	      "      --cpuset-cpus=LIST   CPUs allowed, e.g. 0-1,3\n"
	      "  -m, --memory=SIZE        memory limit (b, k, m, g suffixes; >= 6m)\n"
	      "      --memory-swap=SIZE   memory plus swap limit, or -1 for unlimited swap\n"
	      "      --pids-limit=N       maximum number of processes (-1: unlimited)\n"
	      "      --cgroup-parent=NAME cgroup below cgrun's own to create containers in\n"
	      "                           (default cgrun)\n"
	      "\n"
	      "Container:\n"
	      "      --name=NAME          name the container (unique)\n"
	      "      --hostname=NAME      host name (default: the first 12 digits of the id)\n"
	      "  -e, --env=KEY[=VALUE]    set an environment variable (KEY alone: copy ours)\n"
	      "  -w, --workdir=DIR        working directory (created if missing)\n"
	      "  -u, --user=USER[:GROUP]  user name or uid, from the image's /etc/passwd\n"
	      "  -v, --volume=SRC:DST[:ro] bind mount a host path\n"
	      "      --rm                 remove the container's files when it exits\n"
	      "  -i, --interactive        keep stdin attached\n"
	      "  -t, --tty                allocate a pseudo-terminal\n"
	      "      --cap-add=CAP        add a capability (or ALL)\n"
	      "      --cap-drop=CAP       drop a capability (or ALL)\n"
	      "      --privileged         all capabilities, nothing masked, /sys writable\n"
	      "      --help               show this help\n"
	      "\n"
	      "Exit status: the command's; 128+N if it was killed by signal N; 125 if cgrun\n"
	      "itself failed; 126 if the command cannot be executed; 127 if it is not found.\n", stdout);
}

static int fail(const cg_err_t *err)
{
	die_msg("%s", err->msg);
	return err->exit_code ? err->exit_code : EXIT_CGRUN;
}

int cmd_run(int argc, char **argv)
{
	struct cg_spec spec;
	cg_err_t err = { 0 };
	const char *cpus = NULL;
	int c, status = 0, r = 0;

	cg_spec_init(&spec);
	opterr = 0;
	optind = 1;
	/* '+': options end at the image name; the command's own follow it. */
	while (r == 0 && (c = getopt_long(argc, argv, "+:m:e:w:u:v:it", opts, NULL)) != -1) {
		switch (c) {
		case OPT_CPU_QUOTA:
			r = parse_int_range("--cpu-quota", optarg, 1000, 1000000LL * 1000000LL,
					    &spec.limits.cpu_quota, &err);
			break;
		case OPT_CPU_PERIOD:
			r = parse_int_range("--cpu-period", optarg, 1000, 1000000, &spec.limits.cpu_period, &err);
			break;
		case OPT_CPUS:
			cpus = optarg;
			break;
		case OPT_CPU_SHARES:
			r = parse_int_range("--cpu-shares", optarg, 2, 262144, &spec.limits.cpu_shares, &err);
			break;
		case OPT_CPUSET_CPUS:
			r = parse_cpu_list(optarg, &err);
			free(spec.limits.cpuset_cpus);
			spec.limits.cpuset_cpus = strdup(optarg);
			break;
		case 'm':
			r = parse_size(optarg, &spec.limits.memory, &err);
			if (r < 0)
				snprintf(err.msg, sizeof(err.msg),
					 "invalid --memory '%s': expected a positive size such as 512m or 2g", optarg);
			break;
		case OPT_MEMORY_SWAP:
			if (!strcmp(optarg, "-1"))
				spec.limits.memory_swap = CG_UNLIMITED;
			else
				r = parse_size(optarg, &spec.limits.memory_swap, &err);
			break;
		case OPT_PIDS_LIMIT:
			if (!strcmp(optarg, "-1") || !strcmp(optarg, "max"))
				spec.limits.pids_limit = CG_UNLIMITED;
			else
				r = parse_int_range("--pids-limit", optarg, 1, 4194304, &spec.limits.pids_limit, &err);
			break;
		case OPT_NAME:
			spec.name = optarg;
			break;
		case OPT_HOSTNAME:
			spec.hostname = optarg;
			break;
		case 'e':
			r = cg_spec_add_env(&spec, optarg, &err);
			break;
		case 'w':
			spec.workdir = optarg;
			break;
		case 'u':
			spec.user = optarg;
			break;
		case 'v':
			r = cg_spec_add_volume(&spec, optarg, &err);
			break;
		case OPT_RM:
			spec.remove = true;
			break;
		case 'i':
			spec.interactive = true;
			break;
		case 't':
			spec.tty = true;
			break;
		case OPT_CAP_ADD:
			r = cg_caps_add(&spec.caps, optarg, &err);
			break;
		case OPT_CAP_DROP:
			r = cg_caps_drop(&spec.caps, optarg, &err);
			break;
		case OPT_PRIVILEGED:
			spec.privileged = true;
			break;
		case OPT_CGROUP_PARENT:
			if (!valid_container_name(optarg)) {
				r = cg_error(&err, 0, "invalid --cgroup-parent '%s': one path component of letters, digits, '.', '_' or '-'", optarg);
				break;
			}
			spec.cgroup_parent = optarg;
			break;
		case OPT_HELP:
			run_usage();
			cg_spec_free(&spec);
			return 0;
		default:
			cg_spec_free(&spec);
			return usage_error("run", c, argv[optind - 1]);
		}
	}
	if (r == 0 && cpus) {
		int64_t period = spec.limits.cpu_period == CG_UNSET ? CG_DEFAULT_PERIOD : spec.limits.cpu_period;

		if (spec.limits.cpu_quota != CG_UNSET)
			r = cg_error(&err, 0, "--cpus and --cpu-quota both set the quota; use one of them");
		else
			r = parse_cpus(cpus, period, &spec.limits.cpu_quota, &err);
		if (r == 0 && spec.limits.cpu_quota < 1000)
			r = cg_error(&err, 0, "--cpus=%s is below the minimum quota of 1000 microseconds per period", cpus);
	}
	if (r == 0 && optind >= argc)
		r = cg_error(&err, 0, "no image given; usage: cgrun [run] [OPTIONS] IMAGE [COMMAND [ARG...]]");
	if (r < 0) {
		cg_spec_free(&spec);
		return fail(&err);
	}
	spec.image = argv[optind];
	spec.argv = optind + 1 < argc ? argv + optind + 1 : NULL;
	if (geteuid() != 0) {
		cg_spec_free(&spec);
		die_msg("running containers needs root (cgrund, which lets group cgrun do it, comes later)");
		return EXIT_CGRUN;
	}
	r = cg_foreground_run(&spec, &status, &err);
	cg_spec_free(&spec);
	return r < 0 ? fail(&err) : status;
}
