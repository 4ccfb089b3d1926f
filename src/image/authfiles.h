/* authfiles.h - where registry credentials are (podman's and docker's auth
 * files) and which of them names a registry: the look-up rules, with json-c
 * only, shared by cgrun-image (credentials.h reads the credentials) and
 * cgrun (which opens its user's file for cgrund's pulls: built into both). */
#ifndef CGRUN_AUTHFILES_H
#define CGRUN_AUTHFILES_H

#include <stdbool.h>

#include "util.h"

/* Where the files are: the process environment, given explicitly so that
 * the choice is testable. NULL members are unset variables. */
struct cg_creds_env {
	const char *registry_auth_file; /* $REGISTRY_AUTH_FILE */
	const char *xdg_runtime_dir;    /* $XDG_RUNTIME_DIR */
	const char *xdg_config_home;    /* $XDG_CONFIG_HOME */
	const char *docker_config;      /* $DOCKER_CONFIG */
	const char *home;               /* $HOME, else the passwd entry's */
	unsigned uid;
	char home_buf[256];             /* cg_creds_env_from_process's copy of the passwd home */
};

/* This process's (getenv, getuid, getpwuid_r). */
void cg_creds_env_from_process(struct cg_creds_env *env);
/* The files read, in order, as containers/image's getAuthFilePaths:
 * $REGISTRY_AUTH_FILE alone when set; else ${XDG_RUNTIME_DIR}/containers/auth.json
 * (/run/containers/UID/auth.json without it), ${XDG_CONFIG_HOME:-~/.config}/containers/auth.json,
 * ${DOCKER_CONFIG:-~/.docker}/config.json. NULL-terminated; free each and the array. */
char **cg_creds_files(const struct cg_creds_env *env);
/* Does an auth file key name the registry domain? "quay.io",
 * "https://quay.io/v1/" and "http://quay.io" do; "quay.io/org" (a
 * namespace's) does not; docker.io's three names are one. */
bool cg_creds_key_matches(const char *key, const char *domain);
/* Which of files (cg_creds_files's) a look-up for domain reads its answer
 * from: the index of the first that exists and has an "auths" or
 * "credHelpers" key naming domain; -1 when none has. A file that cannot be
 * read or parsed is that file (the look-up stops there with its error). */
int cg_creds_file_for(const char *const *files, const char *domain);

#endif
