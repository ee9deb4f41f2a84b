# itemdup check: the corpus of link inputs (fixtures/check_links.tsv) gives
# the expected verdicts and exit codes; a link made after the last run is
# caught; bad input is a usage error (64), never a crash.
plan 17
run_rc migrate >/dev/null
load_fixture basic
load_fixture check_source
link() { printf '%s' "$2" | "$ITEMDUP" check --owner "$1" --environment production --format json >"$WORK/out" 2>"$WORK/err"; echo $?; }
I1_LINK='{"institution":{"institution_id":"ins_1"},"accounts":[{"id":"n1","name":"Total Checking","mask":"1111"},{"id":"n2","name":"Savings","mask":"2222"}]}'
check_eq "no published run yet: exit 1" 1 "$(link u1 "$I1_LINK")"
check "... saying run itemdup run first" grep -q "run itemdup run first" "$WORK/err"
check_eq "run exits 0" 0 "$(run_rc run)"

# the corpus: expected verdict, exit code (0 none, 2 duplicate), matches best first
bad=""
while IFS=$'\t' read -r name owner env inst expected json; do
	case "$name" in '#'*|'') continue ;; esac
	args=(--owner "$owner" --environment "$env" --format json)
	[ "$inst" != - ] && args+=(--institution "$inst")
	printf '%s' "$json" | "$ITEMDUP" check "${args[@]}" >"$WORK/out" 2>"$WORK/err"
	rc=$?
	want=0; [ "$expected" = duplicate ] && want=2
	got=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); s=[m["score"] for m in d["matches"]]; ok=s==sorted(s,reverse=True) and all(x>=d["threshold"] for x in s) and (d["verdict"]=="duplicate")==bool(s); print(d["verdict"] if ok else "inconsistent")' "$WORK/out" 2>/dev/null)
	[ "$rc" = "$want" ] && [ "$got" = "$expected" ] || bad="$bad $name(rc=$rc,$got)"
done <tests/integration/fixtures/check_links.tsv
check_eq "every corpus link gets its expected verdict and exit code, matches best first" "" "$bad"

check_eq "a re-link by the same owner exits 2" 2 "$(link u1 "$I1_LINK")"
check_eq "... names I1 and I2 as the same owner's" "I1:True I2:True" \
	"$(python3 -c 'import json,sys; print(" ".join(m["item_id"]+":"+str(m["same_owner"]) for m in json.load(open(sys.argv[1]))["matches"]))' "$WORK/out")"
check_eq "another owner's link of the same accounts: same_owner false" "I1:False I2:False" \
	"$(link u99 "$I1_LINK" >/dev/null; python3 -c 'import json,sys; print(" ".join(m["item_id"]+":"+str(m["same_owner"]) for m in json.load(open(sys.argv[1]))["matches"]))' "$WORK/out")"
printf '%s' "$I1_LINK" | "$ITEMDUP" check --owner u1 --environment production >"$WORK/out" 2>/dev/null
check "text format says a duplicate is suspected" grep -q "^duplicate suspected" "$WORK/out"

# a link made after the last run: read from the source (rows newer than the snapshot)
NEW='{"institution":{"institution_id":"ins_8"},"accounts":[{"id":"n1","name":"Zebra Checking","mask":"4242"},{"id":"n2","name":"Zebra Savings","mask":"4343"}]}'
check_eq "before it is stored, a brand-new link is no duplicate" 0 "$(link u30 "$NEW")"
q "INSERT INTO app.items VALUES ('NEW1', 'u30', 'production', NULL, '{\"accounts\":[{\"name\":\"Zebra Checking\",\"mask\":\"4242\"},{\"name\":\"Zebra Savings\",\"mask\":\"4343\"}],\"item\":{\"institution_id\":\"ins_8\",\"item_id\":\"NEW1\"}}', now(), now(), NULL)"
check_eq "the same link again after the first was stored (no run since): exit 2" 2 "$(link u30 "$NEW")"
check_eq "... matching the new Item, seen in the source since the snapshot" "NEW1 source_since_snapshot" \
	"$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1]))["matches"][0]; print(m["item_id"], m["evidence"]["seen_in"])' "$WORK/out")"
q "UPDATE app.items SET removed_at = now(), updated_at = now() WHERE item_id = 'U2'"
check_eq "an Item removed since the run is no longer matched" 0 \
	"$(link u21 '{"institution":{"institution_id":"ins_7"},"accounts":[{"name":"Girokonto","mask":"1357"}]}')"

check_eq "input that is not JSON: exit 64" 64 "$(link u1 '{"accounts": [')"
check "... with a clear message" grep -q "not a usable link (not_json" "$WORK/err"
check_eq "a \\u0000 in a name: exit 64 (nul_in_string)" 64 \
	"$(link u1 '{"institution":{"institution_id":"ins_1"},"accounts":[{"name":"Total\u0000 Checking","mask":"1111"}]}')"
check_eq "no --owner: exit 64" 64 "$(printf '{}' | "$ITEMDUP" check --environment production >/dev/null 2>&1; echo $?)"
check "sanitizers quiet" no_sanitizer_report
