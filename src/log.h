/*
 * log.h — logs on stderr: text lines on a terminal, JSON lines otherwise
 * (--log-format auto|text|json).  stdout is for results only.
 *
 * Nothing logged here may hold a password, a token or payload content:
 * callers pass ids, counts and the server's terse messages only.
 */
#ifndef ITEMDUP_LOG_H
#define ITEMDUP_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

typedef enum LogLevel
{
	LOG_DEBUG = 0,
	LOG_INFO,
	LOG_WARN,
	LOG_ERROR,
	LOG_NONE
} LogLevel;

typedef enum LogFormat
{
	LOG_FORMAT_AUTO = 0,
	LOG_FORMAT_TEXT,
	LOG_FORMAT_JSON
} LogFormat;

void		log_init(LogFormat format, LogLevel min_level);
bool		log_is_json(void);
bool		log_enabled(LogLevel level);

/*
 * The numbered phase the next lines belong to ("STEP n name").  Starting a
 * step ends the previous one with its end line ("STEP n name done" and
 * elapsed_s); log_step_end ends the last one (ok false: "ended (failed)").
 */
void		log_step(int n, const char *name);
void		log_step_end(bool ok);

void		log_msg(LogLevel level, const char *fmt,...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

/*
 * log_counts — one line with a message and named counts (keys and values
 * borrowed), as JSON fields or "key=value" text.
 */
void		log_counts(LogLevel level, const char *msg, int n,
					   const char *const *keys, const int64_t *values);

/*
 * log_progress — progress of a long step: on a terminal (text format) one
 * line rewritten in place at most 4 times a second; otherwise a log line
 * every 5 seconds.  total <= 0 when unknown.  log_progress_end closes the
 * terminal line.
 */
void		log_progress(const char *what, int64_t done, int64_t total, double started);
void		log_progress_end(void);

/*
 * Seconds since an arbitrary fixed point, monotonic.  Inline, so that the
 * core's modules, which link no log.c, time their phases with the same
 * clock (match.c).
 */
static inline double
log_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Test hooks, compiled only into the sanitizer build the tests use
 * (-DITEMDUP_TEST_HOOKS): ITEMDUP_FAILPOINT=NAME makes the job SIGKILL itself
 * at the named point, so tests can kill it anywhere deterministically;
 * ITEMDUP_PAUSEPOINT=NAME sleeps 3 s there (to act on its connection or
 * signal it; a signal ends the sleep early); ITEMDUP_SANITIZER_SELFTEST=NAME
 * writes past a heap block there (the harness must see the sanitizers'
 * exit code, 86).
 */
#ifdef ITEMDUP_TEST_HOOKS
void		testhook_failpoint(const char *name);
bool		testhook_enabled(const char *var);
#define FAILPOINT(name) testhook_failpoint(name)
#else
#define FAILPOINT(name) ((void) 0)
#endif
#endif
