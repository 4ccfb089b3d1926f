/* helper-path.h - where the programs cgrun and cgrund run live. */
#ifndef CGRUN_HELPER_PATH_H
#define CGRUN_HELPER_PATH_H

/* name (say "cgrun-image") beside the running program (a build tree), or
 * in libexec_dir when the running program is the one make install put in
 * install_dir. Never another installation's: a copied cgrun (as the VM
 * tests run) must not pick up a helper built against libraries its
 * machine lacks. malloc'd. */
char *cg_helper_path(const char *name, const char *install_dir, const char *libexec_dir);

#endif
