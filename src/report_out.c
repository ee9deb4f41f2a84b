/*
 * report_out.c — where a report goes: stdout, or --output FILE written to a
 * temporary file in the same directory and renamed over FILE only when the
 * report is complete, so a failed report (query error, full disk, out of
 * memory) never leaves FILE truncated: the old file stays as it was.
 */
#define _DEFAULT_SOURCE
#include "report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

bool
report_out_open(ReportOut *ro, const char *path)
{
	size_t		len;
	int			fd;
	mode_t		mask;

	memset(ro, 0, sizeof(*ro));
	ro->f = stdout;
	if (path == NULL)
		return true;
	ro->path = path;
	len = strlen(path);
	ro->tmp = malloc(len + sizeof(".tmp.XXXXXX"));
	if (ro->tmp == NULL)
	{
		log_error("report: out of memory");
		return false;
	}
	memcpy(ro->tmp, path, len);
	memcpy(ro->tmp + len, ".tmp.XXXXXX", sizeof(".tmp.XXXXXX"));
	fd = mkstemp(ro->tmp);
	if (fd < 0)
	{
		log_error("cannot write %s: %s", path, strerror(errno));
		free(ro->tmp);
		ro->tmp = NULL;
		return false;
	}
	/* the mode a plain fopen would give (mkstemp makes 0600) */
	mask = umask(022);
	umask(mask);
	(void) fchmod(fd, 0666 & ~mask);
	ro->f = fdopen(fd, "w");
	if (ro->f == NULL)
	{
		log_error("cannot write %s: %s", path, strerror(errno));
		close(fd);
		unlink(ro->tmp);
		free(ro->tmp);
		ro->tmp = NULL;
		return false;
	}
	return true;
}

bool
report_out_close(ReportOut *ro, bool complete)
{
	bool		ok = true;

	if (ro->tmp == NULL)
		return true;			/* stdout: main() checks it */
	if (ferror(ro->f) | (fflush(ro->f) != 0) | (fsync(fileno(ro->f)) != 0))
		ok = false;
	if (fclose(ro->f) != 0)
		ok = false;
	if (complete && !ok)
		log_error("writing %s failed: %s (the file is left as it was)", ro->path, strerror(errno));
	if (complete && ok && rename(ro->tmp, ro->path) != 0)
	{
		log_error("cannot replace %s: %s (the file is left as it was)", ro->path, strerror(errno));
		ok = false;
	}
	if (!complete || !ok)
	{
		unlink(ro->tmp);
		if (!complete)
			log_info("report failed: %s left as it was", ro->path);
	}
	free(ro->tmp);
	memset(ro, 0, sizeof(*ro));
	return ok;
}
