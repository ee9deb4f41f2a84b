/*
 * test_cli_values.c — option values checked before connecting: ISO 8601
 * timestamps, SCHEMA.NAME, ages, durations, numbers.
 */
#include <math.h>

#include "cli_values.h"
#include "suites.h"

START_TEST(test_timestamps_accepted)
{
	double		t;

	ck_assert(cli_parse_timestamp("1970-01-01", &t));
	ck_assert(t == 0);
	ck_assert(cli_parse_timestamp("2024-02-29T12:30:15Z", &t));
	ck_assert(t == 1709209815);
	ck_assert(cli_parse_timestamp("2024-02-29 14:30:15+02:00", &t));
	ck_assert(t == 1709209815);
	ck_assert(cli_parse_timestamp("2024-02-29T07:30:15.5-0500", &t));
	ck_assert(fabs(t - 1709209815.5) < 1e-6);
	ck_assert(cli_parse_timestamp("2000-02-29T00:00", NULL));
	ck_assert(cli_parse_timestamp("0001-01-01", NULL));
	ck_assert(cli_parse_timestamp("9999-12-31T23:59:59", NULL));
}
END_TEST

START_TEST(test_timestamps_refused)
{
	const char *bad[] = {
		"", "yesterday", "now", "2024", "2024-1-01", "2024-13-01", "2024-00-10",
		"2023-02-29", "1900-02-29", "2024-04-31", "0000-01-01", "2024-01-01T24:00",
		"2024-01-01T10:60", "2024-01-01T10:00:60", "2024-01-01T10", "2024-01-01T10:00:00.",
		"2024-01-01 10:00 EST", "2024-01-01Z1", "2024-01-01T10:00+2", "2024-01-01T10:00+16:00",
		"2024-01-01x", " 2024-01-01", "2024-01-01 ", "12/31/2024", NULL
	};

	for (int i = 0; bad[i] != NULL; i++)
		ck_assert_msg(!cli_parse_timestamp(bad[i], NULL), "accepted \"%s\"", bad[i]);
}
END_TEST

START_TEST(test_relation_names)
{
	ck_assert(cli_valid_relation("app.items"));
	ck_assert(cli_valid_relation("itemdup.source_items"));
	ck_assert(cli_valid_relation("\"My Schema\".\"a.b\"\"c\""));
	ck_assert(cli_valid_relation("_s$.t1"));
	ck_assert(!cli_valid_relation("items"));
	ck_assert(!cli_valid_relation("db.app.items"));
	ck_assert(!cli_valid_relation("app."));
	ck_assert(!cli_valid_relation(".items"));
	ck_assert(!cli_valid_relation("app.\"\""));
	ck_assert(!cli_valid_relation("app.\"open"));
	ck_assert(!cli_valid_relation("1app.items"));
	ck_assert(!cli_valid_relation("h.x\"; DROP TABLE h.items; --"));
	ck_assert(!cli_valid_relation("app.items;"));
	ck_assert(!cli_valid_relation("app. items"));
}
END_TEST

START_TEST(test_ages_and_durations)
{
	int64_t		s;

	ck_assert(cli_parse_age("26h", &s) && s == 26 * 3600);
	ck_assert(cli_parse_age("90min", &s) && s == 5400);
	ck_assert(cli_parse_age("2d", &s) && s == 172800);
	ck_assert(cli_parse_age("3600", &s) && s == 3600);
	ck_assert(cli_parse_age("15s", &s) && s == 15);
	ck_assert(!cli_parse_age("0h", &s));
	ck_assert(!cli_parse_age("soon", &s));
	ck_assert(!cli_parse_age("1h30min", &s));
	ck_assert(!cli_parse_age("-1h", &s));
	ck_assert(cli_valid_duration("10s") && cli_valid_duration("0") && cli_valid_duration("500ms"));
	ck_assert(!cli_valid_duration("10x") && !cli_valid_duration("s") && !cli_valid_duration("1234567890"));
}
END_TEST

START_TEST(test_numbers)
{
	uint64_t	u;
	double		d;
	int			i;

	ck_assert(cli_parse_u64("1000", 2, 1000000, &u) && u == 1000);
	ck_assert(!cli_parse_u64("1", 2, 1000000, &u));
	ck_assert(!cli_parse_u64("-5", 0, 10, &u));
	ck_assert(!cli_parse_u64("+5", 0, 10, &u));
	ck_assert(!cli_parse_u64(" 5", 0, 10, &u));
	ck_assert(!cli_parse_u64("99999999999999999999999", 0, UINT64_MAX, &u));
	ck_assert(cli_parse_int("30", 1, 100000, &i) && i == 30);
	ck_assert(!cli_parse_int("0", 1, 100000, &i));
	ck_assert(cli_parse_double("0.05", 0, 1, &d) && d == 0.05);
	ck_assert(!cli_parse_double("nan", -1e9, 1e9, &d));
	ck_assert(!cli_parse_double("1.5", 0, 1, &d));
	ck_assert(cli_valid_port("5432") && !cli_valid_port("0") && !cli_valid_port("65536"));
}
END_TEST

Suite *
cli_values_suite(void)
{
	Suite	   *s = suite_create("cli_values");
	TCase	   *tc = tcase_create("values");

	tcase_add_test(tc, test_timestamps_accepted);
	tcase_add_test(tc, test_timestamps_refused);
	tcase_add_test(tc, test_relation_names);
	tcase_add_test(tc, test_ages_and_durations);
	tcase_add_test(tc, test_numbers);
	suite_add_tcase(s, tc);
	return s;
}
