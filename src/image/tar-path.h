/* tar-path.h - pure rules for a layer's entry names: the path an entry may
 * be written to, whiteout names, and which extended attributes a layer may
 * set. No system calls: unit-tested in tests/unit/test_tar_path.c. */
#ifndef CGRUN_IMAGE_TAR_PATH_H
#define CGRUN_IMAGE_TAR_PATH_H

#include <stdbool.h>

/* The entry NAME as a clean relative path: "./" prefixes, "." components
 * and repeated or trailing slashes dropped ("./usr//bin/" -> "usr/bin");
 * "" for the layer's root itself. NULL, with *why set to the reason, for
 * an absolute name or one with a ".." component (which would leave the
 * root) or an empty name. The result is malloc'd. */
char *cg_tar_path_clean(const char *name, const char **why);

/* Splits a clean path in place at its last slash: *parent is "" for a
 * top-level name; *base the last component. */
void cg_tar_path_split(char *path, const char **parent, const char **base);

enum cg_whiteout {
	CG_WHITEOUT_NONE,   /* an ordinary name */
	CG_WHITEOUT_FILE,   /* ".wh.NAME": NAME of the lower layers is deleted */
	CG_WHITEOUT_OPAQUE, /* ".wh..wh..opq": the directory hides the lower layers' */
	CG_WHITEOUT_META,   /* ".wh..wh.*" else (aufs' own bookkeeping): skipped */
	CG_WHITEOUT_BAD,    /* ".wh." with no name, ".wh..", ".wh...": refused */
};

/* What the last component BASE is; for CG_WHITEOUT_FILE, *target is the
 * name it deletes (inside base). */
enum cg_whiteout cg_whiteout_kind(const char *base, const char **target);

/* Whether a layer's extended attribute NAME is applied: security.capability
 * (file capabilities) and user.*; never trusted.* (trusted.overlay.* would
 * let a layer forge whiteouts and redirects) nor security.selinux & co. */
bool cg_xattr_allowed(const char *name);

#endif
