# labs/lab.mk - the build and the check that every lab shares.
#
# A lab's Makefile sets, then includes this file:
#
#   LAB_FILES   the strategy files the student writes, each named as its
#               reference in src/strategies/ (sysv-sem.c, ...)
#   LAB_TSAN    1: also build a ThreadSanitizer binary (lab 04)
#   LAB_DB      postgres: also build the PostgreSQL store and its
#               strategies (src/store/postgres.c, src/strategies/pg/),
#               which need libpq (lab 07); LAB_FILES may then name
#               pg/FILE.c. The other labs need only gcc and make.
#
# and the lab directory holds check.sh, the checker. Then, in the lab:
#
#   make                   build build/racelab with YOUR files
#   make check             build it, then run ./check.sh against it
#   make check SOLUTION=1  the same with the reference files from src/
#                          (the teacher's answer key; nothing is copied)
#   make clean             remove build/
#
# build/racelab is the whole racelab (every src/*/*.c and every strategy in
# src/strategies/, found by wildcard, so strategies added later come along)
# except that each file of LAB_FILES is compiled from the lab directory
# instead of from src/strategies/. It must export what the reference does
# (the same `strategy_...` symbol, and anything other files use from it).
#
# STUDENT_DIR (default: the lab directory) is where those files are read
# from; BUILD (default: build) where everything goes. labs/mistakes.sh uses
# both to check deliberately broken copies without touching the lab.
# COMMON_BUILD (default: BUILD) is where the objects of everything else go:
# they are the same for every lab (one object per file of src/, built with
# the same flags; a lab only links a different set), so `make labs-check`
# builds them once for all labs and all mistakes.

LAB_MK := $(lastword $(MAKEFILE_LIST))
TOP := $(patsubst %/,%,$(dir $(LAB_MK)))/..
LAB_DIR := $(CURDIR)
LAB_NAME := $(notdir $(LAB_DIR))

CFLAGS ?= -O2 -g
CPPFLAGS ?=
LDFLAGS ?=
LDLIBS ?=
STUDENT_DIR ?= .
BUILD ?= build
COMMON_BUILD ?= $(BUILD)
SOLUTION ?=
LAB_TSAN ?=

# The same project flags as the top-level Makefile: includes are named from
# src/ ("core/strategy.h"), in the student's files as in the references.
RL_CPPFLAGS = -D_GNU_SOURCE -I$(TOP)/src
RL_CFLAGS = -std=c11 -Wall -Wextra -MMD -MP
RL_LDLIBS = -lpthread -lm
ifneq ($(CI),)
RL_CFLAGS += -Werror
endif

REF_DIR = $(TOP)/src/strategies
# Everything but the replaced references: main.c included, every strategy
# that exists now or later.
# The database stores (src/store/postgres.c, redis.c, and their strategies
# in src/strategies/pg, redis) are left out: the labs need only gcc and
# make, and racelab without them says how to get them.
DB_SRC = $(TOP)/src/store/postgres.c $(TOP)/src/store/redis.c
COMMON_SRC = $(sort $(filter-out $(REF_DIR)/% $(DB_SRC),$(wildcard $(TOP)/src/*/*.c)) \
	$(wildcard $(REF_DIR)/common/*.c) \
	$(filter-out $(addprefix $(REF_DIR)/,$(LAB_FILES)), \
		$(wildcard $(REF_DIR)/*.c)))

# LAB_DB=postgres (lab 07): libpq, found as the top-level Makefile finds
# it. The store and the pg/ strategies come in, and the files that say
# `#ifdef RACELAB_HAVE_PQ` (the registry, the table of stores) are compiled
# with it, into objects of their own (DB_BUILD), so that the objects the
# other labs share stay as they are (no header tests RACELAB_HAVE_PQ today;
# one that did would need its includers among them). Without libpq, `make`
# says how to get it (lab-missing).
DB_BUILD = $(COMMON_BUILD)/$(LAB_DB)
DB_MISSING =
ifeq ($(LAB_DB),postgres)
ifeq ($(shell pkg-config --exists libpq 2>/dev/null && echo yes),yes)
DB_CPPFLAGS := -DRACELAB_HAVE_PQ $(shell pkg-config --cflags libpq)
DB_LDLIBS := $(shell pkg-config --libs libpq)
else ifneq ($(wildcard /usr/include/postgresql/libpq-fe.h),)
DB_CPPFLAGS = -DRACELAB_HAVE_PQ -I/usr/include/postgresql
DB_LDLIBS = -lpq
else
DB_MISSING = libpq (PostgreSQL's client library) is not installed: on \
	Debian or Ubuntu, as root: apt-get install libpq-dev (make deps at \
	the top of the tree installs it)
endif
# The checker starts a PostgreSQL server of its own (tests/dbserver.sh).
ifeq ($(wildcard $(PGBIN)/initdb /usr/lib/postgresql/*/bin/initdb),)
SERVER_MISSING = the PostgreSQL server is not installed, and the \
	checker starts one of its own: on Debian or Ubuntu, as root: apt-get \
	install postgresql (make deps at the top of the tree installs it)
endif
DB_FLAGGED := $(shell grep -l RACELAB_HAVE_PQ $(COMMON_SRC))
DB_OWN_SRC = $(TOP)/src/store/postgres.c \
	$(filter-out $(addprefix $(REF_DIR)/,$(LAB_FILES)), \
		$(wildcard $(REF_DIR)/pg/*.c))
else ifneq ($(LAB_DB),)
DB_MISSING = LAB_DB=$(LAB_DB): lab.mk knows only postgres
endif
COMMON_OBJ = $(patsubst $(TOP)/%.c,$(COMMON_BUILD)/%.o, \
		$(filter-out $(DB_FLAGGED),$(COMMON_SRC))) \
	$(patsubst $(TOP)/%.c,$(DB_BUILD)/%.o,$(DB_FLAGGED) $(DB_OWN_SRC))
STUDENT_OBJ = $(addprefix $(BUILD)/student/,$(LAB_FILES:.c=.o))
SOLUTION_OBJ = $(addprefix $(BUILD)/solution/,$(LAB_FILES:.c=.o))

# ThreadSanitizer: clang, objects of its own.
TSAN_CC = clang
TSAN_FLAGS = -fsanitize=thread -g -O1
TSAN_COMMON_OBJ = $(patsubst $(TOP)/%.c,$(COMMON_BUILD)/tsan/%.o,$(COMMON_SRC))
TSAN_STUDENT_OBJ = $(addprefix $(BUILD)/tsan/student/,$(LAB_FILES:.c=.o))
TSAN_SOLUTION_OBJ = $(addprefix $(BUILD)/tsan/solution/,$(LAB_FILES:.c=.o))

ifeq ($(SOLUTION),)
BIN = $(BUILD)/racelab
TSAN_BIN = $(BUILD)/racelab-tsan
WHOSE = your $(LAB_FILES)
SOURCES = $(addprefix $(STUDENT_DIR)/,$(LAB_FILES))
else
BIN = $(BUILD)/racelab-solution
TSAN_BIN = $(BUILD)/racelab-tsan-solution
WHOSE = the reference $(addprefix src/strategies/,$(LAB_FILES))
SOURCES = $(addprefix $(REF_DIR)/,$(LAB_FILES))
endif
BINS = $(BIN) $(if $(LAB_TSAN),$(TSAN_BIN))

.PHONY: all check clean lab-files lab-missing db-ready
.DEFAULT_GOAL := all

all: $(if $(DB_MISSING),db-ready,$(BINS))

# A lab whose LAB_DB library is missing says so, and how to get it, before
# anything is compiled.
db-ready:
ifneq ($(DB_MISSING),)
	@echo "$(LAB_NAME): $(DB_MISSING)" >&2; exit 1
endif

$(BUILD)/racelab: $(COMMON_OBJ) $(STUDENT_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(RL_LDLIBS) $(DB_LDLIBS)

$(BUILD)/racelab-solution: $(COMMON_OBJ) $(SOLUTION_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(RL_LDLIBS) $(DB_LDLIBS)

$(COMMON_BUILD)/src/%.o: $(TOP)/src/%.c
	@mkdir -p $(@D)
	$(CC) $(RL_CPPFLAGS) $(CPPFLAGS) $(RL_CFLAGS) $(CFLAGS) -c -o $@ $<

$(DB_BUILD)/src/%.o: $(TOP)/src/%.c
	@mkdir -p $(@D)
	$(CC) $(RL_CPPFLAGS) $(DB_CPPFLAGS) $(CPPFLAGS) $(RL_CFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/student/%.o: $(STUDENT_DIR)/%.c
	@mkdir -p $(@D)
	$(CC) $(RL_CPPFLAGS) $(DB_CPPFLAGS) $(CPPFLAGS) $(RL_CFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/solution/%.o: $(REF_DIR)/%.c
	@mkdir -p $(@D)
	$(CC) $(RL_CPPFLAGS) $(DB_CPPFLAGS) $(CPPFLAGS) $(RL_CFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/racelab-tsan: $(TSAN_COMMON_OBJ) $(TSAN_STUDENT_OBJ)
	$(TSAN_CC) $(TSAN_FLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(RL_LDLIBS)

$(BUILD)/racelab-tsan-solution: $(TSAN_COMMON_OBJ) $(TSAN_SOLUTION_OBJ)
	$(TSAN_CC) $(TSAN_FLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(RL_LDLIBS)

$(COMMON_BUILD)/tsan/src/%.o: $(TOP)/src/%.c
	@mkdir -p $(@D)
	$(TSAN_CC) $(RL_CPPFLAGS) $(CPPFLAGS) $(RL_CFLAGS) $(TSAN_FLAGS) -c -o $@ $<

$(BUILD)/tsan/student/%.o: $(STUDENT_DIR)/%.c
	@mkdir -p $(@D)
	$(TSAN_CC) $(RL_CPPFLAGS) $(CPPFLAGS) $(RL_CFLAGS) $(TSAN_FLAGS) -c -o $@ $<

$(BUILD)/tsan/solution/%.o: $(REF_DIR)/%.c
	@mkdir -p $(@D)
	$(TSAN_CC) $(RL_CPPFLAGS) $(CPPFLAGS) $(RL_CFLAGS) $(TSAN_FLAGS) -c -o $@ $<

# The checker gets the binaries and whose code they hold in its environment.
check: $(if $(DB_MISSING),db-ready,$(BINS))
	@RACELAB=$(BIN) RACELAB_TSAN=$(if $(LAB_TSAN),$(TSAN_BIN)) \
	LAB_NAME=$(LAB_NAME) LAB_WHOSE="$(WHOSE)" LAB_SOLUTION=$(SOLUTION) \
	LAB_SOURCES="$(SOURCES)" LAB_BUILD=$(BUILD) CC="$(CC)" \
	sh $(LAB_DIR)/check.sh

clean:
	rm -rf $(BUILD)

# For labs/mistakes.sh: which files the student writes.
lab-files:
	@echo $(LAB_FILES)

# For labs/check-all.sh and labs/mistakes.sh: what this machine lacks for
# this lab (nothing, for a lab that needs only gcc and make).
lab-missing:
	@echo "$(strip $(DB_MISSING))$(if $(and $(DB_MISSING),$(SERVER_MISSING)),; )$(strip $(SERVER_MISSING))"

-include $(sort $(shell find $(BUILD) $(COMMON_BUILD) -name '*.d' 2>/dev/null))
