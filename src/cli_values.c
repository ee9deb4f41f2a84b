/*
 * cli_values.c — option values: numbers, durations, names, timestamps.
 */
#define _DEFAULT_SOURCE
#include "cli_values.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitcode.h"

bool
cli_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char	   *end;
	unsigned long long v;

	if (s == NULL || !isdigit((unsigned char) *s))
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return false;
	*out = v;
	return true;
}

bool
cli_parse_int(const char *s, int min, int max, int *out)
{
	uint64_t	v;

	if (min < 0 || !cli_parse_u64(s, (uint64_t) min, (uint64_t) max, &v))
		return false;
	*out = (int) v;
	return true;
}

bool
cli_parse_double(const char *s, double min, double max, double *out)
{
	char	   *end;
	double		v;

	if (s == NULL || *s == '\0' || isspace((unsigned char) *s))
		return false;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || !isfinite(v) || v < min || v > max)
		return false;
	*out = v;
	return true;
}

bool
cli_parse_prune_margin(const char *s, double *out)
{
	if (s != NULL && strcmp(s, "off") == 0)
	{
		*out = -1.0;
		return true;
	}
	return cli_parse_double(s, 0.0, 1000.0, out);
}

/* Digits (1-9 of them) then one of units (NULL-terminated; "" allowed if listed). */
static bool
number_with_unit(const char *s, const char *const *units, uint64_t *n, int *unit)
{
	size_t		len = strspn(s, "0123456789");

	if (len == 0 || len > 9)
		return false;
	*n = strtoull(s, NULL, 10);
	for (int i = 0; units[i] != NULL; i++)
		if (strcmp(s + len, units[i]) == 0)
		{
			*unit = i;
			return true;
		}
	return false;
}

bool
cli_valid_duration(const char *s)
{
	static const char *const units[] = {"", "ms", "s", "min", "h", "d", NULL};
	uint64_t	n;
	int			u;

	return s != NULL && number_with_unit(s, units, &n, &u);
}

bool
cli_parse_age(const char *s, int64_t *seconds)
{
	static const char *const units[] = {"", "s", "min", "h", "d", NULL};
	static const int64_t mult[] = {1, 1, 60, 3600, 86400};
	uint64_t	n;
	int			u;

	if (s == NULL || !number_with_unit(s, units, &n, &u) || n == 0)
		return false;
	*seconds = (int64_t) n * mult[u];
	return true;
}

bool
cli_valid_port(const char *s)
{
	int			p;

	return cli_parse_int(s, 1, 65535, &p);
}

/* One identifier of a qualified name at *s; advances past it. */
static bool
relation_part(const char **s)
{
	const unsigned char *p = (const unsigned char *) *s;

	if (*p == '"')
	{
		size_t		len = 0;

		for (p++;; p++)
		{
			if (*p == '\0')
				return false;
			if (*p == '"' && p[1] == '"')
				p++;
			else if (*p == '"')
				break;
			len++;
		}
		*s = (const char *) p + 1;
		return len > 0;
	}
	if (!(isalpha(*p) || *p == '_' || *p >= 0x80))
		return false;
	while (isalnum(*p) || *p == '_' || *p == '$' || *p >= 0x80)
		p++;
	*s = (const char *) p;
	return true;
}

bool
cli_valid_relation(const char *s)
{
	if (s == NULL || !relation_part(&s) || *s != '.')
		return false;
	s++;
	return relation_part(&s) && *s == '\0';
}

/* n digits at *s into *v; advances. */
static bool
digits(const char **s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++)
	{
		if (!isdigit((unsigned char) (*s)[i]))
			return false;
		*v = *v * 10 + ((*s)[i] - '0');
	}
	*s += n;
	return true;
}

/* Days of month m (1-12) of year y, Gregorian. */
static int
days_in_month(int y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool		leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : d[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static int64_t
days_from_civil(int y, int m, int d)
{
	int64_t		era,
				yoe,
				doy,
				doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* [T| ]HH:MM[:SS[.frac]] at *s into seconds of the day; advances. */
static bool
time_of_day(const char **s, double *secs)
{
	int			h,
				mi,
				sec = 0;
	double		frac = 0;

	if (!digits(s, 2, &h) || **s != ':' || (++*s, !digits(s, 2, &mi)) || h > 23 || mi > 59)
		return false;
	if (**s == ':')
	{
		++*s;
		if (!digits(s, 2, &sec) || sec > 59)
			return false;
		if (**s == '.')
		{
			double		scale = 0.1;

			if (!isdigit((unsigned char) (*s)[1]))
				return false;
			for (++*s; isdigit((unsigned char) **s); ++*s, scale /= 10)
				frac += (**s - '0') * scale;
		}
	}
	*secs = h * 3600 + mi * 60 + sec + frac;
	return true;
}

/* Z, +HH[:MM] or -HH[:MM] at *s (or nothing: UTC) into seconds east of UTC. */
static bool
zone_offset(const char **s, int *offset)
{
	int			h,
				m = 0;
	int			sign;

	*offset = 0;
	if (**s == '\0')
		return true;
	if (**s == 'Z' || **s == 'z')
		return (*s)[1] == '\0';
	if (**s != '+' && **s != '-')
		return false;
	sign = **s == '-' ? -1 : 1;
	++*s;
	if (!digits(s, 2, &h) || h > 15)
		return false;
	if (**s == ':')
		++*s;
	if (**s != '\0' && (!digits(s, 2, &m) || m > 59))
		return false;
	*offset = sign * (h * 3600 + m * 60);
	return **s == '\0';
}

bool
cli_parse_timestamp(const char *s, double *epoch)
{
	int			y,
				mo,
				d,
				offset;
	double		secs = 0;

	if (s == NULL || !digits(&s, 4, &y) || *s++ != '-' || !digits(&s, 2, &mo) ||
		*s++ != '-' || !digits(&s, 2, &d))
		return false;
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return false;
	if (*s == 'T' || *s == 't' || *s == ' ')
	{
		s++;
		if (!time_of_day(&s, &secs))
			return false;
	}
	if (!zone_offset(&s, &offset))
		return false;
	if (epoch != NULL)
		*epoch = (double) days_from_civil(y, mo, d) * 86400 + secs - offset;
	return true;
}

bool
cli_parse_log_format(const char *s, LogFormat *out)
{
	if (strcmp(s, "auto") == 0)
		*out = LOG_FORMAT_AUTO;
	else if (strcmp(s, "text") == 0)
		*out = LOG_FORMAT_TEXT;
	else if (strcmp(s, "json") == 0)
		*out = LOG_FORMAT_JSON;
	else
		return false;
	return true;
}

int
cli_usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "itemdup: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry \"itemdup --help\" or \"itemdup COMMAND --help\".\n");
	return EXIT_USAGE;
}

int
cli_usage_error_about(const char *name, const char *value, const char *hint)
{
	fprintf(stderr, "itemdup: bad --%s \"%s\"%s%s%s\n", name, value,
			*hint ? " (" : "", hint, *hint ? ")" : "");
	fprintf(stderr, "Try \"itemdup --help\" or \"itemdup COMMAND --help\".\n");
	return EXIT_USAGE;
}

const char *
cli_value_hint(const char *name)
{
	static const char *const hints[][2] = {
		{"source", "SCHEMA.NAME, e.g. app.itemdup_source"},
		{"kind", "nightly or backfill"},
		{"read-path", "auto, text, flat or flat-sql"},
		{"created-since", "ISO 8601: 2024-01-31, 2024-01-31T12:00:00Z, 2024-01-31 12:00+02:00"},
		{"created-until", "ISO 8601: 2024-01-31, 2024-01-31T12:00:00Z, 2024-01-31 12:00+02:00"},
		{"hot-key-cap", "2-1000000"},
		{"max-pairs", "1-4000000000"},
		{"partitions", "1-256"},
		{"max-reject-ratio", "0-1"},
		{"min-items", "0-1000000000000"},
		{"keep-runs", "1-100000"},
		{"threshold", "a number, log2 odds"},
		{"prune-margin", "0-1000 (log2 odds below --threshold), or off"},
	};

	for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++)
		if (strcmp(hints[i][0], name) == 0)
			return hints[i][1];
	return "";
}

const char *
cli_value_hint_list(const char *const *values)
{
	static char buf[200];
	size_t		n = 0;

	buf[0] = '\0';
	for (int i = 0; values[i] != NULL; i++)
		n += snprintf(buf + n, sizeof(buf) - n, "%s%s", i == 0 ? "" : values[i + 1] ? ", " : " or ",
					  values[i]);
	return buf;
}
