/*
 * replay.c — runs every file of the given directories through the fuzz
 * target once (gcc + ASan/UBSan, no libFuzzer): the corpus as a regression
 * test in `make test`.  A crash or sanitizer report fails the run.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
replay_file(const char *path)
{
	FILE	   *f = fopen(path, "rb");
	long		n;
	uint8_t    *buf;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
		fseek(f, 0, SEEK_SET) != 0)
	{
		fprintf(stderr, "replay: cannot read %s\n", path);
		if (f)
			fclose(f);
		return 1;
	}
	buf = malloc((size_t) n + 1);
	if (buf == NULL || fread(buf, 1, (size_t) n, f) != (size_t) n)
	{
		fprintf(stderr, "replay: cannot read %s\n", path);
		free(buf);
		fclose(f);
		return 1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t) n);
	free(buf);
	return 0;
}

int
main(int argc, char **argv)
{
	int			files = 0,
				failed = 0;

	for (int i = 1; i < argc; i++)
	{
		DIR		   *d = opendir(argv[i]);
		struct dirent *e;

		if (d == NULL)
		{
			fprintf(stderr, "replay: cannot open %s\n", argv[i]);
			return 1;
		}
		while ((e = readdir(d)) != NULL)
		{
			char		path[4096];

			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
			failed += replay_file(path);
			files++;
		}
		closedir(d);
	}
	printf("fuzz replay: %d inputs replayed, %d unreadable\n", files, failed);
	return failed != 0 || files == 0;
}
