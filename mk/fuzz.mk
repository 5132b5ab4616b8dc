# libFuzzer harnesses: every test/fuzz/fuzz_*.c is linked with the whole
# library built by clang with coverage, AddressSanitizer and
# UndefinedBehaviorSanitizer.  "make fuzz" builds them into build/fuzz/;
# test/fuzz/run.sh runs each over its seed corpus and for a bounded time.
FUZZ_CC ?= clang
FB := build/fuzz
PKGS := libevent libevent_pthreads sqlite3 libpq libssl libcrypto jansson cairo pangocairo libqrencode zlib
FCFLAGS := -std=c11 -g -O1 -Isrc -D_GNU_SOURCE -DDIP_SHAREDIR='"$(CURDIR)"' -DDIP_VERSION='"fuzz"' \
	-DDIP_FUZZ=1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined \
	$(shell pkg-config --cflags $(PKGS))
FLIBS := $(shell pkg-config --libs $(PKGS)) -lpthread -lm
SRCS := $(filter-out src/cli/main.c,$(sort $(wildcard src/*/*.c)))
OBJS := $(SRCS:src/%.c=$(FB)/obj/%.o) $(FB)/obj/util/resdata.o
HARNESSES := $(patsubst test/fuzz/%.c,$(FB)/%,$(sort $(wildcard test/fuzz/fuzz_*.c)))

all: $(HARNESSES)

$(FB)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $<"
	@$(FUZZ_CC) $(FCFLAGS) -c -o $@ $<

$(FB)/obj/util/resdata.o: src/util/resdata.S
	@mkdir -p $(dir $@)
	@$(FUZZ_CC) -Isrc -c -o $@ $<

$(FB)/libdipreg.a: $(OBJS)
	@rm -f $@
	@ar rcs $@ $^

$(FB)/fuzz_%: test/fuzz/fuzz_%.c $(FB)/libdipreg.a
	@echo "  FUZZLD  $@"
	@$(FUZZ_CC) $(FCFLAGS) -fsanitize=fuzzer -o $@ $< $(FB)/libdipreg.a $(FLIBS)
