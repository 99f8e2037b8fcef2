# racelab - race conditions on purpose, every fix proven. See README.md.
#
#   make            build ./racelab
#   make demo       build and run every strategy side by side
#   make demo-db    the same in PostgreSQL and Redis (throwaway servers)
#   make test       install what the tests need (as root), run them all
#   make labs-check every lab's starter fails its checker, the reference passes,
#                   starters match references, each mistake gets its words
#   make doc-commands  run every racelab command README.md and docs/ show
#   make bench      racelab's hot loops against minimal hand-written loops
#   make docs-img   remake docs/img/ (the race picture, the cost charts)
#   make tsan       racelab-tsan (ThreadSanitizer); make sanitize: ASan+UBSan
#   make install    racelab, racelab.1 and the bash completion under
#                   $(DESTDIR)$(PREFIX)
#   make lint       cppcheck and clang-tidy (both run by make test)
#   make format     clang-format the tree (format-check: only check)
#
# Every conventional variable can be overridden (make CC=clang CFLAGS=-O3);
# racelab's own flags live in RL_* so overriding CFLAGS keeps them.

CFLAGS ?= -O2 -g
CPPFLAGS ?=
LDFLAGS ?=
LDLIBS ?=
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man/man1
# bash-completion loads completions/NAME on first use of NAME.
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions

RL_CPPFLAGS = -D_GNU_SOURCE -Isrc
RL_CFLAGS = -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wconversion -MMD -MP
RL_LDLIBS = -lpthread -lm
# Concurrency Kit (Debian libck-dev): the ck-* strategies are built when its
# header is there; without it they are listed with the reason they cannot
# run. (Installing it later: make clean all.)
HAVE_CK := $(shell printf '\043include <ck_spinlock.h>\n' | \
	$(CC) $(CPPFLAGS) -E -x c - >/dev/null 2>&1 && echo yes)
ifeq ($(HAVE_CK),yes)
CK_CPPFLAGS = -DRACELAB_HAVE_CK
endif
RL_CPPFLAGS += $(CK_CPPFLAGS)
# CI builds with -Werror; locally a new compiler's new warning should not
# stop a student's build.
ifneq ($(CI),)
RL_CFLAGS += -Werror
endif

# The database stores (docs/databases.md) are built when their client
# libraries are installed: libpq (Debian libpq-dev) for --store postgres,
# hiredis (libhiredis-dev) for --store redis. Without them racelab builds
# with only gcc and make, and `racelab list` says how to get them.
# make NO_DB=1 leaves them out even when present.
ifeq ($(NO_DB),)
PQ_OK := $(shell pkg-config --exists libpq 2>/dev/null && echo yes)
HIREDIS_OK := $(shell pkg-config --exists hiredis 2>/dev/null && echo yes)
ifeq ($(PQ_OK),yes)
DB_CPPFLAGS += -DRACELAB_HAVE_PQ $(shell pkg-config --cflags libpq)
DB_LDLIBS += $(shell pkg-config --libs libpq)
else ifneq ($(wildcard /usr/include/postgresql/libpq-fe.h),)
PQ_OK := yes
DB_CPPFLAGS += -DRACELAB_HAVE_PQ -I/usr/include/postgresql
DB_LDLIBS += -lpq
endif
ifeq ($(HIREDIS_OK),yes)
DB_CPPFLAGS += -DRACELAB_HAVE_HIREDIS $(shell pkg-config --cflags hiredis)
DB_LDLIBS += $(shell pkg-config --libs hiredis)
else ifneq ($(wildcard /usr/include/hiredis/hiredis.h),)
HIREDIS_OK := yes
DB_CPPFLAGS += -DRACELAB_HAVE_HIREDIS
DB_LDLIBS += -lhiredis
endif
endif
RL_CPPFLAGS += $(DB_CPPFLAGS)
RL_LDLIBS += $(DB_LDLIBS)

B = build
# Test cases run at once by make test and make sanitize (each case is
# hermetic as root: tests/support.c).
TEST_JOBS ?= 4
# The source tree (docs/design-notes.md says what lives where):
#   src/cli         main and one file per command
#   src/core        the strategy contract, the harness, calibration, traces
#   src/store       where the counter lives
#   src/strategies  one file per strategy; common/ what several share
#   src/out         the table, CSV and JSON writer; SVG charts
# Every .c but main.c (the tests link these), and every strategy.
SRC_DIRS = src/cli src/core src/store src/out src/strategies \
	   src/strategies/common src/strategies/pg src/strategies/redis
SRC = $(sort $(filter-out src/cli/main.c,$(foreach d,$(SRC_DIRS),$(wildcard $(d)/*.c))))
# A database store and its strategies only when its library is there.
PQ_SRC = src/store/postgres.c $(wildcard src/strategies/pg/*.c)
HIREDIS_SRC = src/store/redis.c $(wildcard src/strategies/redis/*.c)
ifneq ($(PQ_OK),yes)
SRC := $(filter-out $(PQ_SRC),$(SRC))
endif
ifneq ($(HIREDIS_OK),yes)
SRC := $(filter-out $(HIREDIS_SRC),$(SRC))
endif
OBJ = $(SRC:%.c=$(B)/%.o)
TEST_SRC = tests/support.c tests/servers.c $(sort $(wildcard tests/test_*.c))
TEST_OBJ = $(TEST_SRC:%.c=$(B)/%.o)
# bench/minimal/: one minimal loop per primitive (NAME.c, named as the
# strategy) around a shared driver; each its own program build/bench/minimal/NAME.
MINIMAL_SRC = $(sort $(filter-out bench/minimal/driver.c,$(wildcard bench/minimal/*.c)))
MINIMAL_BIN = $(MINIMAL_SRC:bench/minimal/%.c=$(B)/bench/minimal/%)

.PHONY: all demo test check deps doc-commands bench repro tsan sanitize docs-img \
	install uninstall format format-check clean labs-check lint demo-db \
	bench-db

all: racelab

racelab: $(B)/src/cli/main.o $(OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(RL_LDLIBS)

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(RL_CPPFLAGS) $(CPPFLAGS) $(RL_CFLAGS) $(CFLAGS) -c -o $@ $<

# The hot loops start on a 64-byte boundary: `none`'s inner loop is 19
# bytes, and where the linker happened to put it decided whether it
# straddled two lines of code, which measured 0.28 against 0.55 ns per
# increment (bench/minimal/driver.h says the same of the minimal loops).
$(B)/src/strategies/%.o: RL_CFLAGS += -falign-loops=64

# ThreadSanitizer build: clang, its own objects, the binary racelab-tsan.
TSAN_CC = clang
TSAN_FLAGS = -fsanitize=thread -g -O1
TSAN_OBJ = $(B)/tsan/src/cli/main.o $(SRC:%.c=$(B)/tsan/%.o)

tsan: racelab-tsan

racelab-tsan: $(TSAN_OBJ)
	$(TSAN_CC) $(TSAN_FLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(RL_LDLIBS)

$(B)/tsan/%.o: %.c
	@mkdir -p $(@D)
	$(TSAN_CC) $(RL_CPPFLAGS) $(CPPFLAGS) $(RL_CFLAGS) $(TSAN_FLAGS) -c -o $@ $<

# AddressSanitizer + UndefinedBehaviorSanitizer build: racelab-asan, and the
# test suite built the same way and run against it (make sanitize).
ASAN_CC = $(CC)
ASAN_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	     -fno-omit-frame-pointer -g -O1
ASAN_OBJ = $(SRC:%.c=$(B)/asan/%.o)

racelab-asan: $(B)/asan/src/cli/main.o $(ASAN_OBJ)
	$(ASAN_CC) $(ASAN_FLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(RL_LDLIBS)

$(B)/asan/racelab-tests: $(TEST_SRC:%.c=$(B)/asan/%.o) $(ASAN_OBJ)
	$(ASAN_CC) $(ASAN_FLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcriterion $(RL_LDLIBS)

$(B)/asan/%.o: %.c
	@mkdir -p $(@D)
	$(ASAN_CC) $(RL_CPPFLAGS) $(CPPFLAGS) $(RL_CFLAGS) $(ASAN_FLAGS) -c -o $@ $<

sanitize:
	$(MAKE) racelab-asan racelab-tsan $(B)/asan/racelab-tests
	RACELAB=./racelab-asan RACELAB_TSAN=./racelab-tsan LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan-criterion.supp $(B)/asan/racelab-tests --jobs $(TEST_JOBS) --short-filename

demo: racelab
	./racelab run --strategy all

# The same counter in PostgreSQL and in Redis, every database strategy side
# by side, on throwaway servers started and stopped around it
# (tests/dbserver.sh; needs postgresql and redis-server: make deps).
demo-db: racelab
	sh tests/dbserver.sh run both -- sh -c \
	  './racelab run --store postgres --procs 4 && ./racelab run --store redis --procs 4'

# racelab's database strategies against pgbench and redis-benchmark on the
# same statements at 1, 2 and 8 clients (docs/databases.md).
bench-db: racelab $(if $(filter yes,$(HIREDIS_OK)),$(B)/bench/redis-least)
	sh bench/db-compare.sh

# The least loop a person would write for Redis INCR (bench/redis-least.c).
$(B)/bench/redis-least: bench/redis-least.c
	@mkdir -p $(@D)
	$(CC) $(filter-out -MMD -MP,$(RL_CFLAGS)) $(CFLAGS) $(filter-out -DRACELAB_%,$(DB_CPPFLAGS)) $(LDFLAGS) -o $@ $< -lhiredis

# The tests: Criterion suites linked with the harness (not main.c); the
# system tests drive ./racelab itself.
$(B)/racelab-tests: $(TEST_OBJ) $(OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcriterion $(RL_LDLIBS)

deps:
	@sh tests/deps.sh

# Every check, each part timed (tests/make-test.sh): the build, the suite
# (cases in parallel, each in its own IPC namespace as root), the doc
# commands, the labs, lint, format-check, and the suite against ASan/UBSan.
test check: deps
	MAKE="$(MAKE)" B=$(B) TEST_JOBS=$(TEST_JOBS) sh tests/make-test.sh

# Every racelab command shown in README.md and docs/, run and its exit
# status checked (tests/doc-commands.sh says how, and which are skipped).
doc-commands: racelab racelab-tsan
	RACELAB=./racelab RACELAB_TSAN=./racelab-tsan sh tests/doc-commands.sh

# Minimal hand-written loops of each primitive, side by side with racelab.
# (A build tree from before the split has a file build/bench/minimal.)
$(B)/bench/minimal/%: bench/minimal/%.c bench/minimal/driver.c $(wildcard bench/minimal/*.h)
	@[ -d $(@D) ] || { rm -f $(@D); mkdir -p $(@D); }
	$(CC) -D_GNU_SOURCE $(CK_CPPFLAGS) $(CPPFLAGS) $(filter-out -MMD -MP,$(RL_CFLAGS)) $(CFLAGS) $(LDFLAGS) -o $@ bench/minimal/driver.c $< $(LDLIBS) -lpthread

bench: racelab $(MINIMAL_BIN)
	sh bench/compare.sh

# The pictures in README.md and docs/, remade by the commands the docs show
# (each writes its command under the picture; the run exits 3, lost
# updates, on purpose). About 2 minutes: the two bench sweeps take most of
# it, and their figures are this machine's.
docs-img: racelab
	./racelab run --strategy none --procs 2 --iters 3000 --window yield --trace --trace-svg docs/img/race.svg || [ $$? -eq 3 ]
	./racelab bench --strategies all --svg docs/img/overhead.svg
	./racelab bench --strategies all --pin spread --svg docs/img/overhead-spread.svg

# How often each recipe reproduces a lost update (20 runs each).
repro: racelab
	sh bench/repro.sh

install: racelab
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR) $(DESTDIR)$(BASHCOMPDIR)
	install -m 755 racelab $(DESTDIR)$(BINDIR)/racelab
	install -m 644 racelab.1 $(DESTDIR)$(MANDIR)/racelab.1
	install -m 644 completion/racelab.bash $(DESTDIR)$(BASHCOMPDIR)/racelab

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/racelab $(DESTDIR)$(MANDIR)/racelab.1 \
		$(DESTDIR)$(BASHCOMPDIR)/racelab

# The labs (labs/README.md): each builds its own racelab under labs/*/build.
# The objects every lab shares are built once, in $(B)/labs (lab.mk), by
# check-all.sh; then mistakes.sh runs one lab per process, side by side
# (its checkers mostly wait on watchdogs and probes), each lab's output
# printed whole, in order.
LABS_COMMON = $(abspath $(B))/labs
labs-check: racelab
	+COMMON_BUILD=$(LABS_COMMON) sh labs/check-all.sh; a=$$?; \
	rm -f $(B)/labs/mistakes-*.log; \
	for c in labs/*/check.sh; do l=$${c#labs/}; l=$${l%/check.sh}; \
		COMMON_BUILD=$(LABS_COMMON) sh labs/mistakes.sh $$l \
			>$(B)/labs/mistakes-$$l.log 2>&1 & \
	done; b=0; wait; \
	for f in $(B)/labs/mistakes-*.log; do \
		cat $$f; tail -n 1 $$f | grep -q ' 0 failed$$' || b=1; \
	done; [ $$a -eq 0 ] && [ $$b -eq 0 ]

# Static analysis: cppcheck and clang-tidy (.clang-tidy says which checks
# and why some are left out); part of make test, so CI runs it.
LINT_SRC = src/cli/main.c $(SRC)

# clang-tidy takes a few seconds a file: LINT_JOBS files at once.
LINT_JOBS ?= 2

lint:
	cppcheck -j $(LINT_JOBS) --enable=warning,portability,performance \
		--std=c11 $(RL_CPPFLAGS) --quiet --inline-suppr \
		--error-exitcode=1 -I src src
	printf '%s\n' $(LINT_SRC) | xargs -P $(LINT_JOBS) -n 4 \
		sh -c 'clang-tidy --quiet "$$@" -- $(RL_CPPFLAGS) -std=c11' clang-tidy
	@echo "lint: cppcheck and clang-tidy found nothing"

FORMAT_FILES = $(foreach d,$(SRC_DIRS),$(wildcard $(d)/*.[ch])) \
	$(wildcard tests/*.[ch] bench/*.c bench/minimal/*.[ch] labs/*/*.c labs/*/*/*.c)

format:
	clang-format -i $(FORMAT_FILES)

format-check:
	@clang-format --dry-run --Werror $(FORMAT_FILES) && echo "format-check: the tree is clang-formatted"

clean:
	rm -rf $(B) racelab racelab-tsan racelab-asan labs/*/build

-include $(shell find $(B) -name '*.d' 2>/dev/null)
