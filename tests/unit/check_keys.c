/*
 * check_keys.c — interning under forced hash collisions, institution
 * resolution, key scoping, the snapshot rule, frequencies.
 */
#include <stdio.h>
#include <string.h>

#include "keys.h"
#include "unit.h"

static KeyHash
constant_hash(const void *bytes, size_t len)
{
	KeyHash		h = {7, 7};

	(void) bytes;
	(void) len;
	return h;
}

START_TEST(test_interner_forced_collision)
{
	Interner	in;
	bool		is_new;
	char		buf[32];
	uint32_t	ids[300];

	keys_interner_init(&in, constant_hash);
	for (int i = 0; i < 300; i++)
	{
		int			n = snprintf(buf, sizeof(buf), "key-%d", i);

		ids[i] = keys_intern(&in, buf, (size_t) n, &is_new);
		ck_assert(is_new);
		ck_assert_uint_eq(ids[i], (uint32_t) i);
	}
	for (int i = 0; i < 300; i++)
	{
		int			n = snprintf(buf, sizeof(buf), "key-%d", i);

		ck_assert_uint_eq(keys_intern(&in, buf, (size_t) n, &is_new), ids[i]);
		ck_assert(!is_new);
		ck_assert_uint_eq(keys_lookup(&in, buf, (size_t) n), ids[i]);
	}
	ck_assert_uint_eq(keys_lookup(&in, "key-300", 7), KEY_NONE);
	ck_assert_uint_eq(keys_lookup(&in, "key-1\0x", 7), KEY_NONE);	/* bytes after a NUL count */
	ck_assert(in.collisions > 0);
	keys_interner_free(&in);
}
END_TEST

START_TEST(test_institution_resolution)
{
	Dataset		ds;
	InstitutionMap map;
	uint32_t	i;

	keys_dataset_init(&ds, NULL);
	keys_map_init(&map);
	keys_map_add(&map, "wells", "ins_4");
	i = unit_add(&ds, "a", "o", NULL, "{\"accounts\":[{\"meta\":{\"name\":\"x\",\"number\":\"1234\"},"
				 "\"institution_type\":\"wells\"}]}", &map);
	ck_assert_str_eq(ds.institutions.bytes[DS_ITEM(&ds, i)->institution], "ins_4");
	i = unit_add(&ds, "b", "o", NULL, "{\"accounts\":[{\"meta\":{\"name\":\"x\",\"number\":\"1234\"},"
				 "\"institution_type\":\"svb\"}]}", &map);
	ck_assert_str_eq(ds.institutions.bytes[DS_ITEM(&ds, i)->institution], "legacy:svb");
	i = unit_add(&ds, "c", "o", NULL, "{\"accounts\":[{\"name\":\"x\",\"mask\":\"1234\"}],"
				 "\"item\":{\"institution_id\":\"ins_9\"}}", &map);
	ck_assert_str_eq(ds.institutions.bytes[DS_ITEM(&ds, i)->institution], "ins_9");
	/* no institution at all: every account unkeyable, no_institution */
	i = unit_add(&ds, "d", "o", NULL, "{\"accounts\":[{\"name\":\"x\",\"mask\":\"1234\"}],"
				 "\"item\":{\"institution_id\":null}}", &map);
	ck_assert_uint_eq(DS_ITEM(&ds, i)->institution, KEY_NONE);
	ck_assert_int_eq(DS_ACCOUNT(&ds, DS_ITEM(&ds, i)->first_account)->unkeyable, UNK_NO_INSTITUTION);
	ck_assert_uint_eq(DS_ITEM(&ds, i)->n_keyable, 0);
	keys_count_unkeyable(&ds);
	ck_assert_uint_eq(ds.unkeyable[UNK_NO_INSTITUTION], 1);

	/* the source column wins over the payload */
	{
		Arena		scratch;
		PayloadItem p;
		char		detail[100];
		const char *json = "{\"accounts\":[{\"name\":\"x\",\"mask\":\"1234\"}],\"item\":{\"institution_id\":\"ins_9\"}}";
		SourceRow	row = {.item_id = "e", .item_id_len = 1, .environment = "production",
		.environment_len = 10, .institution_id = "ins_1", .institution_id_len = 5};

		arena_init(&scratch);
		ck_assert_int_eq(payload_parse(json, strlen(json), &scratch, &p, detail, sizeof(detail)), REJECT_NONE);
		i = keys_add_item(&ds, &row, REJECT_NONE, &p, &map);
		ck_assert_str_eq(ds.institutions.bytes[DS_ITEM(&ds, i)->institution], "ins_1");
		arena_free(&scratch);
	}
	keys_map_free(&map);
	keys_dataset_free(&ds);
}
END_TEST

START_TEST(test_keys_scoped_by_environment_and_institution)
{
	Dataset		ds;
	const char *at1 = "{\"accounts\":[{\"name\":\"Total Checking\",\"mask\":\"1234\"}],\"item\":{\"institution_id\":\"ins_1\"}}";
	const char *at2 = "{\"accounts\":[{\"name\":\"total  checking\",\"mask\":\"1234\"}],\"item\":{\"institution_id\":\"ins_2\"}}";
	uint32_t	a, b, c, d;

	keys_dataset_init(&ds, NULL);
	a = unit_add(&ds, "a", NULL, "production", at1, NULL);
	b = unit_add(&ds, "b", NULL, "sandbox", at1, NULL);
	c = unit_add(&ds, "c", NULL, "production", at2, NULL);
	d = unit_add(&ds, "d", NULL, "production", at1, NULL);
	uint32_t	ka = DS_ACCOUNT(&ds, DS_ITEM(&ds, a)->first_account)->key;

	ck_assert_uint_ne(ka, DS_ACCOUNT(&ds, DS_ITEM(&ds, b)->first_account)->key);
	ck_assert_uint_ne(ka, DS_ACCOUNT(&ds, DS_ITEM(&ds, c)->first_account)->key);
	ck_assert_uint_eq(ka, DS_ACCOUNT(&ds, DS_ITEM(&ds, d)->first_account)->key);
	keys_dataset_free(&ds);
}
END_TEST

/* add a snapshot row of item "x" with updated_at */
static uint32_t
add_snapshot(Dataset *ds, int64_t updated_at, uint64_t hash)
{
	SourceRow	row = {.item_id = "x", .item_id_len = 1, .environment = "production",
	.environment_len = 10, .updated_at = updated_at, .row_hash = hash};

	return keys_add_item(ds, &row, REJECT_NULL_PAYLOAD, NULL, NULL);
}

START_TEST(test_snapshot_rule)
{
	Dataset		ds;
	uint32_t	old, new;

	/* latest updated_at wins whatever the order */
	keys_dataset_init(&ds, NULL);
	old = add_snapshot(&ds, 100, 5);
	new = add_snapshot(&ds, 200, 1);
	ck_assert(DS_ITEM(&ds, old)->superseded);
	ck_assert(!DS_ITEM(&ds, new)->superseded);
	keys_dataset_free(&ds);

	keys_dataset_init(&ds, NULL);
	new = add_snapshot(&ds, 200, 1);
	old = add_snapshot(&ds, 100, 5);
	ck_assert(DS_ITEM(&ds, old)->superseded);
	ck_assert(!DS_ITEM(&ds, new)->superseded);
	keys_dataset_free(&ds);

	/* a tie goes to the larger row hash, in either order */
	keys_dataset_init(&ds, NULL);
	old = add_snapshot(&ds, 100, 9);
	new = add_snapshot(&ds, 100, 3);
	ck_assert(!DS_ITEM(&ds, old)->superseded);
	ck_assert(DS_ITEM(&ds, new)->superseded);
	keys_dataset_free(&ds);
}
END_TEST

START_TEST(test_environment_and_item_id_rules)
{
	Environment e;
	char		detail[100];
	char		big[300];

	ck_assert(keys_parse_environment("sandbox", 7, &e) && e == ENV_SANDBOX);
	ck_assert(keys_parse_environment("production", 10, &e) && e == ENV_PRODUCTION);
	ck_assert(keys_parse_environment("development", 11, &e) && e == ENV_DEVELOPMENT);
	ck_assert(!keys_parse_environment("Production", 10, &e));
	ck_assert(!keys_parse_environment("prod", 4, &e));
	ck_assert(!keys_parse_environment(NULL, 0, &e));
	ck_assert(keys_check_item_id("Ed6bjNrDLJfGvZWwnkQlfxwoNz54B5C97ejBr", 37, detail, sizeof(detail)));
	ck_assert(!keys_check_item_id("", 0, detail, sizeof(detail)));
	ck_assert(!keys_check_item_id("a\nb", 3, detail, sizeof(detail)));
	memset(big, 'a', 256);
	ck_assert(!keys_check_item_id(big, 256, detail, sizeof(detail)));
	ck_assert(keys_check_item_id(big, 255, detail, sizeof(detail)));
}
END_TEST

START_TEST(test_stats)
{
	Dataset		ds;
	KeyStats	st;
	const char *two = "{\"accounts\":[{\"name\":\"Checking\",\"mask\":\"1111\"},{\"name\":\"checking\",\"mask\":\"2222\"}],\"item\":{\"institution_id\":\"ins_1\"}}";
	const char *one = "{\"accounts\":[{\"name\":\"Checking\",\"mask\":\"1111\"}],\"item\":{\"institution_id\":\"ins_1\"}}";
	uint32_t	a;

	keys_dataset_init(&ds, NULL);
	a = unit_add(&ds, "a", NULL, NULL, two, NULL);
	(void) unit_add(&ds, "b", NULL, NULL, one, NULL);
	keys_stats_compute(&ds, &st);
	const Account *acc = DS_ACCOUNT(&ds, DS_ITEM(&ds, a)->first_account);

	ck_assert_uint_eq(st.name_items[acc->name], 2);	/* "a" counts its name once */
	ck_assert_uint_eq(st.key_items[acc->key], 2);
	ck_assert_uint_eq(st.institution_items[DS_ITEM(&ds, a)->institution], 2);
	ck_assert_uint_eq(st.live_items, 2);
	keys_stats_free(&st);
	keys_dataset_free(&ds);
}
END_TEST

Suite *
keys_suite(void)
{
	Suite	   *s = suite_create("keys");
	TCase	   *tc = tcase_create("core");

	tcase_add_test(tc, test_interner_forced_collision);
	tcase_add_test(tc, test_institution_resolution);
	tcase_add_test(tc, test_keys_scoped_by_environment_and_institution);
	tcase_add_test(tc, test_snapshot_rule);
	tcase_add_test(tc, test_environment_and_item_id_rules);
	tcase_add_test(tc, test_stats);
	suite_add_tcase(s, tc);
	return s;
}
