/*
 * log.c — stderr logging, text or JSON lines.
 */
#define _DEFAULT_SOURCE
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "textesc.h"

static LogLevel min_level = LOG_INFO;
static bool json_lines = false;
/* the step, read by the published model's writer thread too (publish.h) */
static _Atomic int current_step = 0;
static const char *_Atomic current_step_name = "";
static bool step_open = false;
static double step_started = 0;

static const char *const level_names[] = {"debug", "info", "warning", "error"};

void
log_init(LogFormat format, LogLevel level)
{
	min_level = level;
	if (format == LOG_FORMAT_AUTO)
		json_lines = !isatty(STDERR_FILENO);
	else
		json_lines = (format == LOG_FORMAT_JSON);
}

bool
log_is_json(void)
{
	return json_lines;
}

bool
log_enabled(LogLevel level)
{
	return level >= min_level && level != LOG_NONE;
}

static void
format_ts(char *buf, size_t size)
{
	struct timespec ts;
	struct tm	tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			 tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
}

/*
 * put_escaped — s on stderr escaped in style (textesc.h): user strings reach
 * log messages (ids in errors), so neither format lets a control or bidi
 * character through, and JSON lines stay valid JSON.
 */
static void
put_escaped(const char *s, TextEscStyle style)
{
	size_t		len = strlen(s);
	StrBuf		b;

	if (!textesc_needed(s, len, style))
	{
		fputs(s, stderr);
		return;
	}
	sb_init(&b);
	textesc_append(&b, s, len, style);
	fputs(b.data, stderr);
	sb_free(&b);
}

/*
 * Start a line: the prefix of both formats, up to the message.  stderr
 * stays locked until line_end, so a line of the model writer's thread
 * (publish.h) never lands inside another.
 */
static void
line_begin(LogLevel level, const char *msg, bool step_line)
{
	char		ts[80];

	format_ts(ts, sizeof(ts));
	flockfile(stderr);
	if (json_lines)
	{
		fprintf(stderr, "{\"ts\":\"%s\",\"level\":\"%s\",\"step\":%d,\"step_name\":\"",
				ts, level_names[level], current_step);
		put_escaped(current_step_name, TEXTESC_JSON_STRING);
		fputs("\",\"msg\":\"", stderr);
		put_escaped(msg, TEXTESC_JSON_STRING);
		fputc('"', stderr);
	}
	else
	{
		fprintf(stderr, "%s %-7s ", ts, level_names[level]);
		if (current_step > 0 && !step_line)
			fprintf(stderr, "[STEP %d] ", current_step);
		put_escaped(msg, TEXTESC_TEXT);
	}
}

static void
line_end(void)
{
	fputs(json_lines ? "}\n" : "\n", stderr);
	fflush(stderr);
	funlockfile(stderr);
}

void
log_step_end(bool ok)
{
	char		msg[200];

	if (!step_open)
		return;
	step_open = false;
	if (!log_enabled(LOG_INFO))
		return;
	snprintf(msg, sizeof(msg), "STEP %d %s %s", current_step, current_step_name,
			 ok ? "done" : "ended (failed)");
	line_begin(LOG_INFO, msg, true);
	fprintf(stderr, json_lines ? ",\"elapsed_s\":%.3f" : " elapsed_s=%.3f", log_now() - step_started);
	line_end();
}

void
log_step(int n, const char *name)
{
	char		msg[160];

	log_step_end(true);
	step_open = true;
	step_started = log_now();
	current_step = n;
	current_step_name = name;
	if (!log_enabled(LOG_INFO))
		return;
	snprintf(msg, sizeof(msg), "STEP %d %s", n, name);
	line_begin(LOG_INFO, msg, true);
	line_end();
}

void
log_msg(LogLevel level, const char *fmt,...)
{
	char		msg[2048];
	va_list		ap;

	if (!log_enabled(level))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	line_begin(level, msg, false);
	line_end();
}

static double next_progress = 0;
static bool progress_line_open = false;

void
log_progress(const char *what, int64_t done, int64_t total, double started)
{
	double		now = log_now();
	double		rate;
	bool		tty = !json_lines && isatty(STDERR_FILENO);

	if (!log_enabled(LOG_INFO) || now < next_progress)
		return;
	next_progress = now + (tty ? 0.25 : 5.0);
	rate = done / (now - started + 1e-9);
	if (tty)
	{
		fprintf(stderr, "\r[STEP %d] %s: %lld", current_step, what, (long long) done);
		if (total > 0)
			fprintf(stderr, " of ~%lld (%d%%), ETA %.0f s", (long long) total,
					(int) (100.0 * done / total > 100 ? 100 : 100.0 * done / total),
					done < total ? (total - done) / (rate + 1e-9) : 0.0);
		fprintf(stderr, ", %.0f/s   ", rate);
		fflush(stderr);
		progress_line_open = true;
	}
	else
	{
		const char *keys[4] = {"done", "estimated_total", "per_second", "eta_seconds"};
		int64_t		vals[4] = {done, total, (int64_t) rate,
			total > done ? (int64_t) ((total - done) / (rate + 1e-9)) : 0};

		log_counts(LOG_INFO, what, 4, keys, vals);
	}
}

void
log_progress_end(void)
{
	if (progress_line_open)
		fputc('\n', stderr);
	progress_line_open = false;
	next_progress = 0;
}

void
log_counts(LogLevel level, const char *msg, int n,
		   const char *const *keys, const int64_t *values)
{
	if (!log_enabled(level))
		return;
	line_begin(level, msg, false);
	for (int i = 0; i < n; i++)
	{
		if (json_lines)
			fprintf(stderr, ",\"%s\":%lld", keys[i], (long long) values[i]);
		else
			fprintf(stderr, " %s=%lld", keys[i], (long long) values[i]);
	}
	line_end();
}

#ifdef ITEMDUP_TEST_HOOKS
#include <signal.h>
#include <stdlib.h>

void
testhook_failpoint(const char *name)
{
	const char *want = getenv("ITEMDUP_FAILPOINT");

	const char *pause = getenv("ITEMDUP_PAUSEPOINT");
	const char *oob = getenv("ITEMDUP_SANITIZER_SELFTEST");

	if (want != NULL && strcmp(want, name) == 0)
	{
		fprintf(stderr, "itemdup: failpoint %s: killing myself\n", name);
		fflush(stderr);
		kill(getpid(), SIGKILL);
	}
	if (oob != NULL && strcmp(oob, name) == 0)
	{
		/* a deliberate heap overflow: the sanitizers must report it (exit 86) */
		volatile size_t n = strlen(name);
		char	   *p = malloc(n);

		fprintf(stderr, "itemdup: sanitizer self-test at %s\n", name);
		p[n] = '\0';
		free(p);
	}
	if (pause != NULL && strcmp(pause, name) == 0)
	{
		fprintf(stderr, "itemdup: pausepoint %s: sleeping 3 s\n", name);
		fflush(stderr);
		sleep(3);
	}
}

bool
testhook_enabled(const char *var)
{
	const char *v = getenv(var);

	return v != NULL && v[0] != '\0' && strcmp(v, "0") != 0;
}
#endif
