plan 15
# README you can paste: every block marked readme-test runs as it is, in
# order, against this database: as its owner (sh, sql) and from a cron-like
# empty environment (cron).  The only rewrite: /usr/local becomes the
# DESTDIR of a `make install` here, since a test may not write /usr/local.
# plan: 1 + one check per marked block (9 today) + 4 + 1 (the link-time check block).
dest="$WORK/readme-root"
make -s install DESTDIR="$dest" >/dev/null
export HOME="$WORK/home"
mkdir -p "$HOME"
export PATH="$dest/usr/local/bin:$PATH"

# a made-up app schema, shaped as the README's view expects: I-a and I-b are
# one owner's re-link of the same login, I-c someone else's
psql -X -q -v ON_ERROR_STOP=1 <<'SQL'
CREATE SCHEMA app;
CREATE TABLE app.plaid_items (id serial PRIMARY KEY, plaid_item_id text NOT NULL, user_id int,
    access_token text, institution_id text, created_at timestamptz, deleted_at timestamptz);
CREATE TABLE app.plaid_accounts_responses (item_id int REFERENCES app.plaid_items,
    accounts_response jsonb, fetched_at timestamptz);
INSERT INTO app.plaid_items (plaid_item_id, user_id, access_token, institution_id, created_at) VALUES
 ('I-a', 7, 'access-production-11111111-2222-3333-4444-555555555555', 'ins_3', '2021-01-05'),
 ('I-b', 7, 'access-production-66666666-7777-8888-9999-000000000000', 'ins_3', '2021-03-01'),
 ('I-c', 8, 'access-production-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee', 'ins_3', '2021-02-01');
INSERT INTO app.plaid_accounts_responses SELECT id,
 CASE WHEN plaid_item_id = 'I-c'
      THEN '{"accounts":[{"account_id":"c1","name":"Gold Card","mask":"9876","type":"credit"}],"item":{"institution_id":"ins_3"}}'
      ELSE '{"accounts":[{"account_id":"x1","name":"Everyday Checking","mask":"0042","type":"depository"},{"account_id":"x2","name":"Way2Save","mask":"1234","type":"depository"}],"item":{"institution_id":"ins_3"}}'
 END::jsonb, created_at FROM app.plaid_items;
SQL

# the marked blocks, in order, as files NN.sh / NN.sql / NN.cron
mkdir -p "$WORK/readme"
awk -v dir="$WORK/readme" '
	/^```(sh|sql|cron) readme-test$/ { n++; lang = substr($1, 4); f = sprintf("%s/%02d.%s", dir, n, lang); next }
	/^```$/ { f = ""; next }
	f != "" { print > f }' README.md
sed -i "s|/usr/local|$dest/usr/local|g" "$WORK"/readme/*
check "the README marks at least 8 blocks to run" test "$(ls "$WORK/readme" | wc -l)" -ge 8

# run_block FILE — 0 when the block ran without error and, for SQL, without a psql warning
run_block() {
	local f=$1
	case "$f" in
	*.sh) bash -euo pipefail "$f" >"$WORK/block.out" 2>"$WORK/block.err" ;;
	*.sql) psql -X -q -v ON_ERROR_STOP=1 -f "$f" >"$WORK/block.out" 2>"$WORK/block.err" && [ ! -s "$WORK/block.err" ] ;;
	*.cron)
		# as cron runs it: the command after the five time fields, sh, a bare environment
		local line rc=0
		while IFS= read -r line; do
			case "$line" in '#'*|'') continue ;; esac
			env -i HOME="$HOME" LOGNAME=itemdup PATH=/usr/bin:/bin SHELL=/bin/sh \
				sh -c "$(printf '%s\n' "$line" | sed -E 's/^([^ ]+ +){5}//')" >"$WORK/block.out" 2>"$WORK/block.err" || rc=1
			[ -s "$WORK/block.out" ] && rc=1	# cron would mail it: the health check complained
		done <"$f"
		return $rc ;;
	esac
}
for f in "$WORK"/readme/*; do
	if run_block "$f"; then pass "README block $(basename "$f") runs"; else fail "README block $(basename "$f") runs" "$(grep -v "\"level\":\"info\"" "$WORK/block.err" | head -c 600)"; fi
	# "Check at link time": a stored Item's accounts linked again are refused
	if grep -q "itemdup check" "$f"; then
		check "the README's link-time check block says duplicate suspected, exit 2" \
			grep -qx "exit 2" "$WORK/block.out"
	fi
done

check_eq "the view's re-linked Items are one group" "I-a I-b" "$(current_groups)"
check_eq "every run the README started succeeded" "0" "$(q "SELECT count(*) FROM itemdup.runs WHERE status <> 'succeeded'")"
check "the cron line's log is JSON lines" python3 -c "import json,sys; [json.loads(l) for l in open(sys.argv[1])]" "$HOME/itemdup.jsonl"
check_eq "... of a run that published" "1" "$(grep -c 'run succeeded and published' "$HOME/itemdup.jsonl")"
