/* seccomp-profile.c - the default seccomp profile as data.
 *
 * docker's default (moby's profiles/seccomp/default.json, with the calls
 * of Linux 5.17 to 6.7 it added in 2024 and without io_uring, which it
 * removed in 2023), for the x86 family only: default EPERM; the list
 * below allowed to everyone; groups allowed by a capability of the
 * container's bounding set; clone refused with any CLONE_NEW* flag and
 * clone3 answered with ENOSYS, unless CAP_SYS_ADMIN; socket refused for
 * AF_VSOCK (docker) and AF_ALG (the kernel's crypto API, a recurring
 * source of kernel bugs); personality limited to docker's values. Two
 * differences of form: ptrace and process_vm_* are allowed outright (docker
 * allows them from Linux 4.8 on, older than any kernel cgrun runs on), and
 * arch_prctl is allowed to x86 processes too (docker: x86_64 and x32; an
 * x86 process's arch_prctl has only the shadow-stack and vDSO calls).
 * seccomp.c adds what is not a table: ENOSYS for every call newer than
 * the newest the profile names. */
#include "config.h"

#include "seccomp-profile.h"

#include <linux/capability.h>
#include <sched.h>
#include <string.h>

static const char *const allowed[] = {
	"accept", "accept4", "access", "adjtimex", "alarm", "bind", "brk", "cachestat", "capget",
	"capset", "chdir", "chmod", "chown", "chown32", "clock_adjtime", "clock_adjtime64",
	"clock_getres", "clock_getres_time64", "clock_gettime", "clock_gettime64",
	"clock_nanosleep", "clock_nanosleep_time64", "close", "close_range", "connect",
	"copy_file_range", "creat", "dup", "dup2", "dup3", "epoll_create", "epoll_create1",
	"epoll_ctl", "epoll_ctl_old", "epoll_pwait", "epoll_pwait2", "epoll_wait", "epoll_wait_old",
	"eventfd", "eventfd2", "execve", "execveat", "exit", "exit_group", "faccessat", "faccessat2",
	"fadvise64", "fadvise64_64", "fallocate", "fanotify_mark", "fchdir", "fchmod", "fchmodat",
	"fchmodat2", "fchown", "fchown32", "fchownat", "fcntl", "fcntl64", "fdatasync", "fgetxattr",
	"flistxattr", "flock", "fork", "fremovexattr", "fsetxattr", "fstat", "fstat64", "fstatat64",
	"fstatfs", "fstatfs64", "fsync", "ftruncate", "ftruncate64", "futex", "futex_requeue",
	"futex_time64", "futex_wait", "futex_waitv", "futex_wake", "futimesat", "getcpu", "getcwd",
	"getdents", "getdents64", "getegid", "getegid32", "geteuid", "geteuid32", "getgid",
	"getgid32", "getgroups", "getgroups32", "getitimer", "getpeername", "getpgid", "getpgrp",
	"getpid", "getppid", "getpriority", "getrandom", "getresgid", "getresgid32", "getresuid",
	"getresuid32", "getrlimit", "get_robust_list", "getrusage", "getsid", "getsockname",
	"getsockopt", "get_thread_area", "gettid", "gettimeofday", "getuid", "getuid32", "getxattr",
	"inotify_add_watch", "inotify_init", "inotify_init1", "inotify_rm_watch", "io_cancel",
	"ioctl", "io_destroy", "io_getevents", "io_pgetevents", "io_pgetevents_time64", "ioprio_get",
	"ioprio_set", "io_setup", "io_submit", "ipc", "kill", "landlock_add_rule",
	"landlock_create_ruleset", "landlock_restrict_self", "lchown", "lchown32", "lgetxattr",
	"link", "linkat", "listen", "listxattr", "llistxattr", "_llseek", "lremovexattr", "lseek",
	"lsetxattr", "lstat", "lstat64", "madvise", "map_shadow_stack", "membarrier",
	"memfd_create", "memfd_secret", "mincore", "mkdir", "mkdirat", "mknod", "mknodat", "mlock",
	"mlock2", "mlockall", "mmap", "mmap2", "mprotect", "mq_getsetattr", "mq_notify", "mq_open",
	"mq_timedreceive", "mq_timedreceive_time64", "mq_timedsend", "mq_timedsend_time64",
	"mq_unlink", "mremap", "msgctl", "msgget", "msgrcv", "msgsnd", "msync", "munlock",
	"munlockall", "munmap", "name_to_handle_at", "nanosleep", "newfstatat", "_newselect",
	"open", "openat", "openat2", "pause", "pidfd_open", "pidfd_send_signal", "pipe", "pipe2",
	"pkey_alloc", "pkey_free", "pkey_mprotect", "poll", "ppoll", "ppoll_time64", "prctl",
	"pread64", "preadv", "preadv2", "prlimit64", "process_mrelease", "pselect6",
	"pselect6_time64", "pwrite64", "pwritev", "pwritev2", "read", "readahead", "readlink",
	"readlinkat", "readv", "recv", "recvfrom", "recvmmsg", "recvmmsg_time64", "recvmsg",
	"remap_file_pages", "removexattr", "rename", "renameat", "renameat2", "restart_syscall",
	"rmdir", "rseq", "rt_sigaction", "rt_sigpending", "rt_sigprocmask", "rt_sigqueueinfo",
	"rt_sigreturn", "rt_sigsuspend", "rt_sigtimedwait", "rt_sigtimedwait_time64",
	"rt_tgsigqueueinfo", "sched_getaffinity", "sched_getattr", "sched_getparam",
	"sched_get_priority_max", "sched_get_priority_min", "sched_getscheduler",
	"sched_rr_get_interval", "sched_rr_get_interval_time64", "sched_setaffinity",
	"sched_setattr", "sched_setparam", "sched_setscheduler", "sched_yield", "seccomp",
	"select", "semctl", "semget", "semop", "semtimedop", "semtimedop_time64", "send",
	"sendfile", "sendfile64", "sendmmsg", "sendmsg", "sendto", "setfsgid", "setfsgid32",
	"setfsuid", "setfsuid32", "setgid", "setgid32", "setgroups", "setgroups32", "setitimer",
	"setpgid", "setpriority", "setregid", "setregid32", "setresgid", "setresgid32",
	"setresuid", "setresuid32", "setreuid", "setreuid32", "setrlimit", "set_robust_list",
	"setsid", "setsockopt", "set_thread_area", "set_tid_address", "setuid", "setuid32",
	"setxattr", "shmat", "shmctl", "shmdt", "shmget", "shutdown", "sigaltstack", "signalfd",
	"signalfd4", "sigprocmask", "sigreturn", "socketcall", "socketpair", "splice", "stat",
	"stat64", "statfs", "statfs64", "statx", "symlink", "symlinkat", "sync", "sync_file_range",
	"syncfs", "sysinfo", "tee", "tgkill", "time", "timer_create", "timer_delete",
	"timer_getoverrun", "timer_gettime", "timer_gettime64", "timer_settime", "timer_settime64",
	"timerfd_create", "timerfd_gettime", "timerfd_gettime64", "timerfd_settime",
	"timerfd_settime64", "times", "tkill", "truncate", "truncate64", "ugetrlimit", "umask",
	"uname", "unlink", "unlinkat", "utime", "utimensat", "utimensat_time64", "utimes", "vfork",
	"vmsplice", "wait4", "waitid", "waitpid", "write", "writev",
	/* docker: from Linux 4.8 on, where seccomp runs after ptrace's
	 * changes of a call, so ptrace cannot get around the filter. */
	"process_vm_readv", "process_vm_writev", "ptrace",
	/* The x86 family's own. */
	"arch_prctl", "modify_ldt",
	NULL
};

#define NAMES(...) ((const char *const[]){ __VA_ARGS__, NULL })

const struct cg_sc_group cg_sc_groups[] = {
	{ allowed, 0 },
	{ NAMES("open_by_handle_at"), CG_SC_CAP(CAP_DAC_READ_SEARCH) },
	{ NAMES("bpf", "clone", "clone3", "fanotify_init", "fsconfig", "fsmount", "fsopen", "fspick",
		"lookup_dcookie", "mount", "mount_setattr", "move_mount", "open_tree",
		"perf_event_open", "quotactl", "quotactl_fd", "setdomainname", "sethostname", "setns",
		"syslog", "umount", "umount2", "unshare"), CG_SC_CAP(CAP_SYS_ADMIN) },
	{ NAMES("reboot"), CG_SC_CAP(CAP_SYS_BOOT) },
	{ NAMES("chroot"), CG_SC_CAP(CAP_SYS_CHROOT) },
	{ NAMES("delete_module", "init_module", "finit_module"), CG_SC_CAP(CAP_SYS_MODULE) },
	{ NAMES("acct"), CG_SC_CAP(CAP_SYS_PACCT) },
	{ NAMES("kcmp", "pidfd_getfd", "process_madvise", "process_vm_readv", "process_vm_writev",
		"ptrace"), CG_SC_CAP(CAP_SYS_PTRACE) },
	{ NAMES("iopl", "ioperm"), CG_SC_CAP(CAP_SYS_RAWIO) },
	{ NAMES("settimeofday", "stime", "clock_settime", "clock_settime64"), CG_SC_CAP(CAP_SYS_TIME) },
	{ NAMES("vhangup"), CG_SC_CAP(CAP_SYS_TTY_CONFIG) },
	{ NAMES("get_mempolicy", "mbind", "set_mempolicy", "set_mempolicy_home_node"),
	  CG_SC_CAP(CAP_SYS_NICE) },
	{ NAMES("syslog"), CG_SC_CAP(CAP_SYSLOG) },
	{ NAMES("bpf"), CG_SC_CAP(CAP_BPF) },
	{ NAMES("perf_event_open"), CG_SC_CAP(CAP_PERFMON) },
};
const size_t cg_sc_ngroups = sizeof(cg_sc_groups) / sizeof(cg_sc_groups[0]);

#define CLONE_NEW_ANY ((uint64_t)(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | \
				  CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP))
#define ADMIN CG_SC_CAP(CAP_SYS_ADMIN)
/* linux/socket.h's AF_ALG and AF_VSOCK. socket's family is an int: the
 * kernel looks at the low 32 bits only, so must the filter (a family of
 * 0x100000026 is AF_ALG to the kernel). */
#define FAMILY_ALG 38
#define FAMILY_VSOCK 40

const struct cg_sc_argrule cg_sc_argrules[] = {
	{ "clone", ADMIN, 0, CG_SC_MASKED_EQ, CLONE_NEW_ANY, 0 },
	{ "socket", 0, 0, CG_SC_LT32, 0, FAMILY_ALG },
	{ "socket", 0, 0, CG_SC_EQ32, 0, FAMILY_ALG + 1 },
	{ "socket", 0, 0, CG_SC_GT32, 0, FAMILY_VSOCK },
	/* PER_LINUX, PER_LINUX32, UNAME26 with either, and the query. */
	{ "personality", 0, 0, CG_SC_EQ, 0, 0x0 },
	{ "personality", 0, 0, CG_SC_EQ, 0, 0x8 },
	{ "personality", 0, 0, CG_SC_EQ, 0, 0x20000 },
	{ "personality", 0, 0, CG_SC_EQ, 0, 0x20008 },
	{ "personality", 0, 0, CG_SC_EQ, 0, 0xffffffff },
};
const size_t cg_sc_nargrules = sizeof(cg_sc_argrules) / sizeof(cg_sc_argrules[0]);

const struct cg_sc_enosys cg_sc_enosys_calls[] = {
	{ "clone3", ADMIN },
};
const size_t cg_sc_nenosys = sizeof(cg_sc_enosys_calls) / sizeof(cg_sc_enosys_calls[0]);

const char *const cg_sc_never[] = {
	"keyctl", "add_key", "request_key", "io_uring_setup", "io_uring_enter", "io_uring_register",
	"userfaultfd", "kexec_load", "kexec_file_load", NULL
};

static bool in_list(const char *const *names, const char *name)
{
	for (; *names; names++)
		if (!strcmp(*names, name))
			return true;
	return false;
}

enum cg_sc_verdict cg_sc_verdict(const char *name, uint64_t caps)
{
	if (in_list(cg_sc_never, name))
		return CG_SC_DENY;
	for (size_t i = 0; i < cg_sc_ngroups; i++)
		if ((!cg_sc_groups[i].caps || (cg_sc_groups[i].caps & caps)) &&
		    in_list(cg_sc_groups[i].names, name))
			return CG_SC_ALLOW;
	for (size_t i = 0; i < cg_sc_nenosys; i++)
		if (!strcmp(cg_sc_enosys_calls[i].name, name) && !(cg_sc_enosys_calls[i].unless_caps & caps))
			return CG_SC_ENOSYS;
	for (size_t i = 0; i < cg_sc_nargrules; i++)
		if (!strcmp(cg_sc_argrules[i].name, name) && !(cg_sc_argrules[i].unless_caps & caps))
			return CG_SC_ARGS;
	return CG_SC_DENY;
}

uint64_t cg_fnv1a(uint64_t h, const void *p, size_t len)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < len; i++) {
		h ^= b[i];
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}
