/* extract-entry.h - one tar entry (as libarchive's reader gives it) made in
 * the layer's root, by our own code (layer-extract.h says how it is kept
 * inside the root). */
#ifndef CGRUN_IMAGE_EXTRACT_ENTRY_H
#define CGRUN_IMAGE_EXTRACT_ENTRY_H

#include <archive.h>
#include <archive_entry.h>

#include "extract-fs.h"

/* Make the entry e (its data read from a); the error names the entry. */
int cg_x_entry(struct cg_extract_ctx *x, struct archive *a, struct archive_entry *e, cg_err_t *err);

#endif
