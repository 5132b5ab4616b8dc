# dipreg - one Makefile for building, testing, running and benchmarking.
#
#   make          build build/dipreg (installs missing Debian packages first)
#   make run      build and serve a demo registry on 127.0.0.1:8080
#   make test     build and run every test suite
#   make bench    benchmarks (bench/), slow
#   make fuzz     libFuzzer harnesses (clang)
#   make SAN=1 .. the same with AddressSanitizer and UndefinedBehaviorSanitizer

PREFIX ?= /usr/local
DESTDIR ?=
PKGS := libevent libevent_pthreads sqlite3 libpq libssl libcrypto jansson cairo pangocairo libqrencode zlib

# The allocator: jemalloc, in place of glibc's malloc for the whole process
# (the libraries' allocations included), except under the sanitizers, which
# bring their own.
ifneq ($(SAN),1)
PKGS += jemalloc
endif

BUILD ?= build
ifeq ($(SAN),1)
B := $(BUILD)/san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
OPT := -O1
else
B := $(BUILD)
SANFLAGS :=
OPT := -O2
endif

CC ?= cc
WARN := -Wall -Wextra -Werror -Wshadow -Wvla -Wformat=2 -Wno-format-nonliteral
# Recursive (=) so that pkg-config runs after "deps" installed what it needs.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS = $(shell pkg-config --libs $(PKGS))
CPPFLAGS += -Isrc -D_GNU_SOURCE -DDIP_SHAREDIR='"$(SHAREDIR)"' -DDIP_VERSION='"$(VERSION)"'
CFLAGS += -std=c11 $(OPT) -g $(WARN) $(SANFLAGS) $(PKG_CFLAGS) -MMD -MP
LDFLAGS += $(SANFLAGS)
LDLIBS += $(PKG_LIBS) -lpthread -lm
SHAREDIR ?= $(CURDIR)
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.1.0)

SRCS := $(sort $(wildcard src/*/*.c))
LIB_SRCS := $(filter-out src/cli/main.c,$(SRCS))
LIB_OBJS := $(LIB_SRCS:src/%.c=$(B)/obj/%.o) $(B)/obj/util/resdata.o
TESTS := $(patsubst test/unit/%.c,$(B)/test/%,$(sort $(wildcard test/unit/test_*.c)))
RES_FILES := $(wildcard data/*.txt data/*.tsv data/*.json data/rules/*.conf migrations/sqlite/*.sql migrations/pg/*.sql)

.PHONY: all deps deps-test deps-bench run test unit unit-bins check-banned bench fuzz clean install crash demo
all: deps $(B)/dipreg

deps:
	@sh mk/deps.sh build
deps-test:
	@sh mk/deps.sh test
deps-bench:
	@sh mk/deps.sh bench

ifeq ($(V),1)
Q :=
else
Q := @
endif

$(B)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# Data files (calendar, industry table, rules profiles, migrations) are
# compiled into the binary, so it runs from anywhere.
$(B)/obj/util/resdata.o: src/util/resdata.S $(RES_FILES)
	@mkdir -p $(dir $@)
	@for f in $(RES_FILES); do grep -q "RES \"$$f\"" $< \
		|| { echo "$$f is not listed in $<"; exit 1; }; done
	$(Q)$(CC) $(CPPFLAGS) $(SANFLAGS) -c -o $@ $<

$(B)/libdipreg.a: $(LIB_OBJS)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(B)/dipreg: $(B)/obj/cli/main.o $(B)/libdipreg.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/test/%: test/unit/%.c $(B)/libdipreg.a $(wildcard test/unit/*.h)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(CC) $(CPPFLAGS) -Itest/unit $(filter-out -MMD -MP,$(CFLAGS)) $(shell pkg-config --cflags cmocka) -o $@ $< $(B)/libdipreg.a $(LDFLAGS) $(LDLIBS) $(shell pkg-config --libs cmocka)

unit: deps-test $(B)/dipreg $(TESTS)
	@sh test/run-unit.sh $(B)

unit-bins: deps-test $(B)/dipreg $(TESTS)

test: deps-test $(B)/dipreg $(TESTS) check-banned
	@B=$(B) sh test/run-all.sh

check-banned:
	@! grep -rnE '\b(strcpy|strcat|sprintf|vsprintf|gets|strtok|atoi)[[:space:]]*\(' src | grep -v snprintf \
		|| { echo "banned functions in src/ (STYLE.md)"; exit 1; }

run: deps $(B)/dipreg
	@sh mk/run.sh $(B)/dipreg

bench: deps-bench $(B)/dipreg
	@B=$(B) sh bench/run.sh

crash: deps-test $(B)/dipreg
	@B=$(B) CRASH_KILLS=$${CRASH_KILLS:-100} node --test test/crash/

fuzz: deps-test
	@$(MAKE) --no-print-directory -f mk/fuzz.mk

# make install [PREFIX=/usr/local] [DESTDIR=]: the binary, the portal, the
# data files and migrations (also compiled in; here for reading), manual
# pages generated from the binary's own tables, bash completion, and the
# deployment samples.  An existing configuration file is never replaced.
# The binary finds the portal in ../share/dipreg beside it, wherever it
# was installed.
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/dipreg
MANDIR ?= $(PREFIX)/share/man
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/web $(DESTDIR)$(DATADIR)/data \
		$(DESTDIR)$(DATADIR)/migrations $(DESTDIR)$(DATADIR)/deploy $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(COMPLETIONDIR) $(DESTDIR)$(SYSCONFDIR)/dipreg
	install -m 0755 $(B)/dipreg $(DESTDIR)$(BINDIR)/dipreg
	if [ -d web ]; then cp -R web/. $(DESTDIR)$(DATADIR)/web/; fi
	cp -R data/. $(DESTDIR)$(DATADIR)/data/
	cp -R migrations/. $(DESTDIR)$(DATADIR)/migrations/
	chmod -R u=rwX,go=rX $(DESTDIR)$(DATADIR)
	$(B)/dipreg help --man dipreg >$(DESTDIR)$(MANDIR)/man1/dipreg.1
	for c in $$($(B)/dipreg help --commands); do \
		$(B)/dipreg help --man $$c >$(DESTDIR)$(MANDIR)/man1/dipreg-$$c.1 || exit 1; \
	done
	$(B)/dipreg help --man dipreg.conf >$(DESTDIR)$(MANDIR)/man5/dipreg.conf.5
	chmod 0644 $(DESTDIR)$(MANDIR)/man1/dipreg*.1 $(DESTDIR)$(MANDIR)/man5/dipreg.conf.5
	install -m 0644 deploy/dipreg.bash-completion $(DESTDIR)$(COMPLETIONDIR)/dipreg
	install -m 0644 deploy/dipreg.conf deploy/nginx-dipreg.conf $(DESTDIR)$(DATADIR)/deploy/
	sed 's|/usr/bin/dipreg|$(BINDIR)/dipreg|g' deploy/dipreg.service >$(DESTDIR)$(DATADIR)/deploy/dipreg.service
	[ -e $(DESTDIR)$(SYSCONFDIR)/dipreg/dipreg.conf ] || \
		install -m 0640 deploy/dipreg.conf $(DESTDIR)$(SYSCONFDIR)/dipreg/dipreg.conf

clean:
	rm -rf $(BUILD)

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)
