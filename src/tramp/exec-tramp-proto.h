/* exec-tramp-proto.h - what cgrun and its exec trampoline
 * (exec-tramp-main.c) agree on. Shared by the freestanding trampoline and
 * the library: constants only. */
#ifndef CGRUN_EXEC_TRAMP_PROTO_H
#define CGRUN_EXEC_TRAMP_PROTO_H

/* argv[0] of a trampoline that cgrun started: anything else (a script's
 * "#!/proc/self/exe" puts "/proc/self/exe" there) is refused. */
#define CG_TRAMP_MAGIC "cgrun-exec-trampoline"

/* argv[0] of the container's init once it is this program too (spawn.c
 * execs it as its last step, after the command's start): argv = { MAGIC,
 * "<command pid>", "<exit fd>", "<oom fd>" }, an fd -1 when there is none.
 * Signals are all blocked (the mask survives the exec). */
#define CG_INIT_MAGIC "cgrun-init"

/* The failure message: kind, exit code, errno (4 bytes, little-endian),
 * then the command's name (not NUL-terminated), at most MSG_MAX bytes. */
#define CG_TRAMP_MSG_KIND 'T'
#define CG_TRAMP_MSG_MAX 512

#endif
