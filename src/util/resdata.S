/*
 * resdata.S - data files compiled into the binary (see res.h).  Keep the list
 * in name order; every file named here is also a dependency in the Makefile,
 * and the Makefile refuses to build when one of its data files is missing here.
 */
	.macro RES path
	.section .rodata
.Lname\@:
	.asciz "\path"
.Ldata\@:
	.incbin "\path"
.Lend\@:
	.byte 0
	.section .data.rel.ro,"aw"
	.quad .Lname\@, .Ldata\@, .Lend\@ - .Ldata\@
	.endm

	.section .data.rel.ro,"aw"
	.balign 8
	.global dip_resources
dip_resources:
	RES "data/cn-holidays.txt"
	RES "data/gbt4754-2017.tsv"
	RES "data/openapi.json"
	RES "data/rules/beijing.conf"
	RES "data/rules/shanghai.conf"
	RES "data/rules/zhejiang.conf"
	RES "migrations/pg/001_init.sql"
	RES "migrations/sqlite/001_init.sql"
	/* statistics (issue 12); each backend's migrations stay in number order */
	RES "migrations/pg/002_stats.sql"
	RES "migrations/sqlite/002_stats.sql"
	/* search (issue 7) */
	RES "migrations/pg/003_search.sql"
	RES "migrations/sqlite/003_search.sql"
	/* benchmarks (issue 10): the log's tiles in a rowid table (SQLite only) */
	RES "migrations/sqlite/004_ledger_tiles_rowid.sql"
	/* benchmarks (issue 10): the statistics' index without drafts */
	RES "migrations/pg/004_stats_without_drafts.sql"
	RES "migrations/sqlite/005_stats_without_drafts.sql"
	/* requests after registration (Art. 16): an account's requests */
	RES "migrations/pg/005_requests_by_account.sql"
	RES "migrations/sqlite/006_requests_by_account.sql"
	/* benchmarks (issue 10): upload links keyed by the application */
	RES "migrations/pg/006_upload_links_by_application.sql"
	RES "migrations/sqlite/007_upload_links_by_application.sql"
	/* receipts on witnessed checkpoints */
	RES "migrations/pg/007_witnessed_checkpoints.sql"
	RES "migrations/sqlite/008_witnessed_checkpoints.sql"
	/* the announcements listed without walking past the deposits */
	RES "migrations/pg/008_ledger_announcements.sql"
	RES "migrations/sqlite/009_ledger_announcements.sql"
	.quad 0, 0, 0

	.section .note.GNU-stack,"",@progbits
