# itemdup — one Makefile.  `make` builds build/itemdup; `make test` installs
# what is missing, builds with sanitizers and runs every unit and integration
# test against a throwaway PostgreSQL; `make demo` runs the job on generated
# sample data.  See README.md.

CC      ?= cc
PKGS    := libcjson libxxhash libutf8proc
PG_INC  := $(shell pg_config --includedir 2>/dev/null)
PG_LIB  := $(shell pg_config --libdir 2>/dev/null)

WARN    := -Wall -Wextra -Werror
STD     := -std=c11 -D_POSIX_C_SOURCE=200809L
CFLAGS  ?= -O2 -g
ALL_CFLAGS = $(STD) $(WARN) $(CFLAGS) -pthread -MMD -MP -Isrc -Ibuild \
             $(shell pkg-config --cflags $(PKGS) 2>/dev/null) -I$(PG_INC)
LIBS     = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -L$(PG_LIB) -lpq -lm -pthread
SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all \
           -DITEMDUP_TEST_HOOKS

# The pure core: no libpq, no I/O (docs/STYLE.md).  Unit tests and the fuzzer link it.
CORE    := arena normalize payload keys idtable score match prune nearmiss model model_pack groups copyfmt textesc
# The edges and the program.
EDGE    := log db loader loader_flat partition publish publish_model model_spill published migrate report report_out \
           report_html report_html_charts explain check run status cli cli_usage cli_values main
# migrations (installed, applied by migrate) and the statements the job runs
# (sql/queries/, embedded by name: sql_file("queries/NAME.sql"))
SQL_MIGRATIONS := $(sort $(wildcard sql/*.sql))
SQL     := $(SQL_MIGRATIONS) $(sort $(wildcard sql/queries/*.sql))

CORE_O   = $(CORE:%=build/%.o)
EDGE_O   = $(EDGE:%=build/%.o) build/sql_files.o build/report_css.o
SCORE_O  = $(CORE:%=build/san/%.o)
SEDGE_O  = $(EDGE:%=build/san/%.o) build/san/sql_files.o build/san/report_css.o
UNIT_SRC = $(sort $(wildcard tests/unit/*.c))
# the embedded statements by name; what the previous runs left (read before grouping);
# Options into each command's config
EDGE    += sql_query history cli_config schema_version

.PHONY: all test unit integration lint demo clean deps bench eval fuzz fuzz-replay install uninstall ext ext-install

# make install [PREFIX=/usr/local] [DESTDIR=]: the binary, the man page and the
# SQL files (roles.sql for the DBA; the migrations are also embedded)
PREFIX  ?= /usr/local
BINDIR  := $(PREFIX)/bin
MANDIR  := $(PREFIX)/share/man/man1
SQLDIR  := $(PREFIX)/share/itemdup/sql

all: build/itemdup build/itemdup-gen

build/itemdup: $(CORE_O) $(EDGE_O)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS)

build/itemdup-gen: $(wildcard src/gen/*.c src/gen/*.h) | build
	$(CC) $(STD) $(WARN) -O2 -o $@ $(filter %.c,$^) -lm

build/%.o: src/%.c | build
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

build/sql_files.c: $(SQL) scripts/sql2c.sh | build
	sh scripts/sql2c.sh $(SQL) > $@

build/sql_files.o: build/sql_files.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

build/report_css.c: src/report_html.css scripts/embed.sh | build
	sh scripts/embed.sh report_html_css src/report_html.css > $@

build/report_css.o: build/report_css.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Sanitizer build used by the tests.
build/san/itemdup: $(SCORE_O) $(SEDGE_O)
	$(CC) $(ALL_CFLAGS) $(SAN) -o $@ $^ $(LIBS)

build/san/%.o: src/%.c | build/san
	$(CC) $(ALL_CFLAGS) $(SAN) -c -o $@ $<

build/san/sql_files.o: build/sql_files.c | build/san
	$(CC) $(ALL_CFLAGS) $(SAN) -c -o $@ $<

build/san/report_css.o: build/report_css.c | build/san
	$(CC) $(ALL_CFLAGS) $(SAN) -c -o $@ $<

build/san/unit_tests: $(UNIT_SRC) $(wildcard tests/unit/*.h) $(SCORE_O) build/san/cli_values.o | build/san
	$(CC) $(ALL_CFLAGS) $(SAN) -Itests/unit -o $@ $(filter %.c %.o,$^) \
	    $(shell pkg-config --cflags --libs check 2>/dev/null) $(LIBS)

build/san/fuzz_replay: tests/fuzz/fuzz_payload.c tests/fuzz/replay.c $(SCORE_O) | build/san
	$(CC) $(ALL_CFLAGS) $(SAN) -o $@ $^ $(LIBS)

# libFuzzer build of the same target (clang); not part of make test
FUZZ_SECONDS ?= 300
build/fuzz/fuzz_payload: tests/fuzz/fuzz_payload.c $(CORE:%=src/%.c) $(wildcard src/*.h)
	mkdir -p build/fuzz
	clang $(STD) $(WARN) -g -O1 -Isrc $(shell pkg-config --cflags $(PKGS)) \
	    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	    -o $@ tests/fuzz/fuzz_payload.c $(CORE:%=src/%.c) $(shell pkg-config --libs $(PKGS)) -lm

build build/san:
	mkdir -p $@

deps:
	sh scripts/install-deps.sh test

install: build/itemdup
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR) $(DESTDIR)$(SQLDIR)
	install -m 755 build/itemdup $(DESTDIR)$(BINDIR)/itemdup
	install -m 644 docs/itemdup.1 $(DESTDIR)$(MANDIR)/itemdup.1
	install -m 644 $(SQL_MIGRATIONS) $(DESTDIR)$(SQLDIR)/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/itemdup $(DESTDIR)$(MANDIR)/itemdup.1
	rm -rf $(DESTDIR)$(SQLDIR)
	-rmdir $(DESTDIR)$(PREFIX)/share/itemdup 2>/dev/null

# sanitizers exit 86, never the exit code a test expects (1)
SAN_ENV := ASAN_OPTIONS=detect_leaks=1:exitcode=86 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=86

# Check stops a test after 4 s unless its case sets its own bound; under the
# sanitizers the score and model cases take 1-3 s on this 2-core machine and
# went past 4 s while other work ran.  60 s bounds a hang; it times nothing.
unit: build/san/unit_tests
	CK_FORK=yes CK_DEFAULT_TIMEOUT=60 $(SAN_ENV) build/san/unit_tests

fuzz-replay: build/san/fuzz_replay
	$(SAN_ENV) build/san/fuzz_replay tests/fuzz/corpus

# crash inputs land in tests/fuzz/corpus (keep them: make test replays them)
fuzz: build/fuzz/fuzz_payload
	mkdir -p build/fuzz/corpus
	build/fuzz/fuzz_payload -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	    -artifact_prefix=tests/fuzz/corpus/crash- build/fuzz/corpus tests/fuzz/corpus

# itemdup.check_link in the server: the itemdup_check extension (ext/, PGXS),
# built from the same sources.  ext-install (as root) puts it into the
# system PostgreSQL the tests' throwaway cluster runs from (README).
ext:
	$(MAKE) -C ext

ext-install: ext
	$(MAKE) -C ext install

integration: build/san/itemdup build/itemdup build/itemdup-gen
	$(MAKE) -s ext >/dev/null
	@if [ "$$(id -u)" -eq 0 ]; then $(MAKE) -s ext-install >/dev/null; fi
	bash tests/integration/run.sh

# source rules: no SQL text in src/*.c (sql/queries/), no function over 80 lines
lint:
	sh scripts/lint.sh

# deps runs first and alone: the rest needs its packages.  lint runs last, so
# a rule broken does not hide what the tests say.
test:
	sh scripts/install-deps.sh test
	$(MAKE) unit
	$(MAKE) fuzz-replay
	$(MAKE) integration
	$(MAKE) lint

demo:
	sh scripts/install-deps.sh demo
	$(MAKE) all
	bash scripts/demo.sh

# precision/recall against planted truth: make eval [EVAL_ARGS="--items 100000"]
eval:
	sh scripts/install-deps.sh tools
	$(MAKE) all
	bash scripts/eval.sh $(EVAL_ARGS)

# speed and memory against the bare COPY and the SQL peer: make bench [BENCH_ARGS="--items 3000000 --write"]
bench:
	sh scripts/install-deps.sh test
	$(MAKE) all
	$(MAKE) -s ext >/dev/null
	@if [ "$$(id -u)" -eq 0 ]; then $(MAKE) -s ext-install >/dev/null; fi
	bash scripts/bench.sh $(BENCH_ARGS)

clean:
	rm -rf build
	$(MAKE) -C ext clean

-include $(wildcard build/*.d build/san/*.d)
