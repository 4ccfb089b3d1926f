#!/usr/bin/env bats
# The docs held to the code. Option lists come from the sources' getopt_long
# tables (option-tables.awk), so an option added to the code and to no doc,
# or documented and gone from the code, fails here:
#   - every verb's --help against its table, both ways, long and short forms;
#   - cgrun --help's commands against main.c's verb table;
#   - README.md's run option tables and usage lines against the tables;
#   - cgrun(1)'s OPTIONS subsections and COMMANDS against the tables, and
#     cgrund --help and cgrund(8) against cgrund's table;
#   - the exit codes README.md and cgrun(1) document, for real (these run
#     containers in-process, as root, with a private run dir, so no cgrund
#     answers).

load helpers

SRC=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
: "${CGRUND:=$(command -v cgrund || true)}"

# helpers.bash's setup_file gives this file a run dir of its own: no cgrund
# (a system one or another suite's) answers, so the in-process paths are
# what run.

# ---------------------------------------------------------------------------
# What the code has.

# "VERB long NAME" / "VERB short C" lines of cgrun's option tables.
code_options()
{
	# cgrun-image's verbs (pull) are cgrun's too: cgrun execs it for them.
	awk -f "$BATS_TEST_DIRNAME/option-tables.awk" "$SRC"/src/lib/limit-table.c "$SRC"/src/cgrun/*.c \
		"$SRC"/src/image/image-tool.c
}

# The verbs of main.c's dispatch table, one a line.
code_verbs()
{
	grep -oE '\{ "[a-z]+", cmd_[a-z_]+ \}' "$SRC/src/cgrun/main.c" | sed -E 's/\{ "([a-z]+)".*/\1/'
}

# The long (L) or short (S) options of VERB in the code, sorted, one a line.
# "image" is the union of its subcommands' (they share one help).
table_of()
{
	local verb=$1 kind=long
	[ "$2" = S ] && kind=short
	awk -v v="$verb" -v k="$kind" '
		{ n = split($0, f, " "); name = f[n]; kk = f[n - 1]; vb = f[1]; if (n == 4) vb = vb " " f[2] }
		(vb == v || (v == "image" && vb ~ /^image /)) && kk == k { print name }
	' "$BATS_FILE_TMPDIR/code-options" | sort -u
}

# ---------------------------------------------------------------------------
# What the docs say.

# Long options (without --) and short letters named in text on stdin.
longs_in() { grep -oE -- '(^|[^A-Za-z0-9_-])--[a-z][a-z0-9-]*' | sed 's/.*--//' | sort -u; }
shorts_in() { grep -oE -- '(^|[][ ,(|`])-[A-Za-z]([^A-Za-z0-9_-]|$)' | sed -E 's/.*-([A-Za-z]).*/\1/' | sort -u; }

# The man source as text: \- is -, fonts and \c go.
man_text() { sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\c//g' -e 's/\\&//g' "$1"; }

# The tag lines (the line after .TP) of section $2 (.SH NAME) of man page
# $1, each prefixed with its .SS heading (unquoted) and a tab.
man_tags()
{
	man_text "$1" | awk -v sec="$2" '
		/^\.SH / { insec = ($0 == ".SH " sec); ss = ""; next }
		!insec { next }
		/^\.SS / { ss = substr($0, 5); gsub(/"/, "", ss); next }
		/^\.TP/ { tag = 1; next }
		tag { print ss "\t" $0; tag = 0 }
	'
}

# compare WHAT EXPECTED-FILE ACTUAL-FILE: both ways, naming what differs.
compare()
{
	local what=$1 want=$2 got=$3 missing extra
	missing=$(comm -23 "$want" "$got")
	extra=$(comm -13 "$want" "$got")
	if [ -n "$missing$extra" ]; then
		[ -z "$missing" ] || echo "$what: missing (in the code, not in the docs): $(tr '\n' ' ' <<<"$missing")" >&2
		[ -z "$extra" ] || echo "$what: not in the code: $(tr '\n' ' ' <<<"$extra")" >&2
		return 1
	fi
}

setup()
{
	cg_setup
	if [ ! -s "$BATS_FILE_TMPDIR/code-options" ]; then
		code_options >"$BATS_FILE_TMPDIR/code-options.tmp" || {
			cat "$BATS_FILE_TMPDIR/code-options.tmp" >&2
			return 1
		}
		mv "$BATS_FILE_TMPDIR/code-options.tmp" "$BATS_FILE_TMPDIR/code-options"
	fi
}

# ---------------------------------------------------------------------------
# --help against the code.

@test "the option tables are read from the sources" {
	# The extractor itself: it sees every table (a verb that grew one it
	# cannot read fails in setup), and knows the ones documented here.
	run -0 table_of run L
	[[ $output == *cpu-quota* && $output == *detach* && $output == *restart* ]]
	run -0 table_of stop S
	[ "$output" = t ]
	local n
	n=$(grep -c 'struct option [a-z_]*\[\] = {' "$SRC"/src/cgrun/*.c "$SRC"/src/image/image-tool.c |
		awk -F: '{ s += $2 } END { print s }')
	[ "$n" -eq "$(awk '{ print $1 ($2 ~ /^(import|load|save)$/ ? " " $2 : "") }' "$BATS_FILE_TMPDIR/code-options" | sort -u | wc -l)" ]
}

@test "cgrun --help lists every verb of main.c's table, and no other" {
	local d=$BATS_TEST_TMPDIR
	run -0 "$CGRUN" --help
	code_verbs | sort -u >"$d/want"
	# The Commands block: a verb at the start of each line, and any verb
	# named in passing ("unpause: thaw them").
	sed -n '/^Commands:/,/^$/p' <<<"$output" | grep -oE '(^  |; +)[a-z]+' | grep -oE '[a-z]+' | sort -u >"$d/got"
	compare "cgrun --help commands" "$d/want" "$d/got"
}

@test "every verb's --help exits 0 and lists exactly the options of its getopt table" {
	local d=$BATS_TEST_TMPDIR verb fail=0 k
	for verb in $(code_verbs); do
		run -0 "$CGRUN" "$verb" --help
		[[ $output == "Usage: cgrun $verb"* ]] || [[ $output == *"cgrun [run]"* && $verb == run ]] || {
			echo "cgrun $verb --help does not start with 'Usage: cgrun $verb'" >&2
			fail=1
		}
		for k in L S; do
			table_of "$verb" "$k" >"$d/want"
			if [ "$k" = L ]; then longs_in <<<"$output" >"$d/got"; else shorts_in <<<"$output" >"$d/got"; fi
			compare "cgrun $verb --help ($k)" "$d/want" "$d/got" || fail=1
		done
	done
	# image's subcommands show the same help.
	for verb in "image import" "image ls" "image rm"; do
		# shellcheck disable=SC2086
		run -0 "$CGRUN" $verb --help
		[[ $output == *"cgrun image import"* ]] || { echo "cgrun $verb --help: no usage" >&2; fail=1; }
	done
	[ "$fail" -eq 0 ]
}

@test "cgrund --help and cgrund(8) list exactly the options of cgrund's table" {
	[ -x "$CGRUND" ] || skip "no cgrund binary (set CGRUND)"
	local d=$BATS_TEST_TMPDIR k fail=0
	awk -f "$BATS_TEST_DIRNAME/option-tables.awk" "$SRC/src/cgrund/main.c" >"$d/tab"
	run -0 "$CGRUND" --help
	for k in long short; do
		awk -v k=$k '$2 == k { print $3 }' "$d/tab" | sort -u >"$d/want"
		if [ $k = long ]; then longs_in <<<"$output" >"$d/got"; else shorts_in <<<"$output" >"$d/got"; fi
		compare "cgrund --help ($k)" "$d/want" "$d/got" || fail=1
		if [ $k = long ]; then
			man_tags "$SRC/docs/cgrund.8" OPTIONS | cut -f2 | longs_in >"$d/got"
		else
			man_tags "$SRC/docs/cgrund.8" OPTIONS | cut -f2 | shorts_in >"$d/got"
		fi
		compare "cgrund(8) OPTIONS ($k)" "$d/want" "$d/got" || fail=1
	done
	# cgrund(8): a usage error exits 2.
	run -2 "$CGRUND" --no-such-option
	[ "$fail" -eq 0 ]
}

# ---------------------------------------------------------------------------
# README.md against the code.

@test "README's run option tables list exactly run's options" {
	local d=$BATS_TEST_TMPDIR
	# The first cell of every table row in "### Run options".
	awk '/^### Run options/ { on = 1; next } /^##/ { on = 0 } on && /^\| *`/' "$SRC/README.md" |
		cut -d'|' -f2 >"$d/cells"
	[ -s "$d/cells" ]
	table_of run L >"$d/want"
	longs_in <"$d/cells" >"$d/got"
	compare "README run options (long)" "$d/want" "$d/got"
	table_of run S >"$d/want"
	shorts_in <"$d/cells" >"$d/got"
	compare "README run options (short)" "$d/want" "$d/got"
}

@test "README's usage lines name every verb and only options the verb has" {
	local d=$BATS_TEST_TMPDIR line verb fail=0 o
	awk '/^## Usage/ { on = 1; next } /^##/ { on = 0 } on && /^    cgrun /' "$SRC/README.md" >"$d/usage"
	[ -s "$d/usage" ]
	: >"$d/seen"
	while IFS= read -r line; do
		# shellcheck disable=SC2086
		set -- $line
		verb=$2
		case $verb in
		\[* | -*) verb=run ;;
		image) verb="image $3" ;;
		esac
		echo "${verb%% *}" >>"$d/seen"
		for o in $(longs_in <<<"$line"); do
			table_of "$verb" L | grep -qxF -- "$o" || { echo "README usage '$line': --$o is not an option of $verb" >&2; fail=1; }
		done
		for o in $(shorts_in <<<"$line"); do
			table_of "$verb" S | grep -qxF -- "$o" || { echo "README usage '$line': -$o is not an option of $verb" >&2; fail=1; }
		done
	done <"$d/usage"
	code_verbs | sort -u >"$d/want"
	sort -u "$d/seen" >"$d/got"
	compare "README usage verbs" "$d/want" "$d/got" || fail=1
	[ "$fail" -eq 0 ]
}

# ---------------------------------------------------------------------------
# cgrun(1) against the code.

@test "cgrun(1) OPTIONS has a subsection per verb with options, listing exactly its options" {
	local d=$BATS_TEST_TMPDIR verb k fail=0
	man_tags "$SRC/docs/cgrun.1" OPTIONS >"$d/tags"
	[ -s "$d/tags" ]
	# Which verb a heading is about: "run: limits" -> run; "Global
	# options" -> the global ones (--help, --version).
	awk -F'\t' '{ h = $1; sub(/:.*/, "", h); if (h == "Global options") h = "global"; print h "\t" $2 }' \
		"$d/tags" >"$d/byverb"
	cut -f1 "$d/byverb" | sort -u >"$d/headings"
	# Every heading is a verb with options (or the global ones) ...
	while IFS= read -r verb; do
		[ "$verb" = global ] && continue
		table_of "$verb" L | grep -qvx help || { echo "cgrun(1): subsection '$verb' is no verb with options" >&2; fail=1; }
	done <"$d/headings"
	# ... and every verb with options beyond --help has one, with them all.
	# image's subcommands with options have a subsection each ("image load").
	for verb in $(awk '{ print $1 ($2 ~ /^(import|load|save)$/ ? "_" $2 : "") }' "$BATS_FILE_TMPDIR/code-options" | sort -u); do
		verb=${verb/_/ }
		table_of "$verb" L | grep -qvx help || continue
		for k in L S; do
			table_of "$verb" "$k" | grep -vx help >"$d/want" || true
			if [ "$k" = L ]; then
				awk -F'\t' -v v="$verb" '$1 == v { print $2 }' "$d/byverb" | longs_in | grep -vx help >"$d/got" || true
			else
				awk -F'\t' -v v="$verb" '$1 == v { print $2 }' "$d/byverb" | shorts_in >"$d/got"
			fi
			compare "cgrun(1) OPTIONS, $verb ($k)" "$d/want" "$d/got" || fail=1
		done
	done
	awk -F'\t' '$1 == "global" { print $2 }' "$d/byverb" | longs_in >"$d/got"
	printf '%s\n' help version >"$d/want"
	compare "cgrun(1) global options" "$d/want" "$d/got" || fail=1
	[ "$fail" -eq 0 ]
}

@test "cgrun(1) COMMANDS describes every verb of main.c's table, and no other" {
	local d=$BATS_TEST_TMPDIR
	code_verbs | sort -u >"$d/want"
	# A tag names its verb first; "pause | unpause" names two.
	man_tags "$SRC/docs/cgrun.1" COMMANDS | cut -f2 | sed -E 's/^\.B[RI]* +//' |
		grep -oE '^[a-z]+( " \| " [a-z]+)?' | grep -oE '[a-z]+' | sort -u >"$d/got"
	compare "cgrun(1) COMMANDS" "$d/want" "$d/got"
}

# ---------------------------------------------------------------------------
# The documented exit codes, for real.

# A container that runs until we end it: BG_PID is its cgrun.
start_sleeper()
{
	mkdir -p "$BATS_TEST_TMPDIR/sync"
	start_bg sleeper "$CGRUN" run --cgroup-parent="$CGRUN_PARENT" --rm --name "$1" \
		-v "$BATS_TEST_TMPDIR/sync:/sync" busybox sh -c 'touch /sync/ready; exec sleep 120'
	wait_ready "$BATS_TEST_TMPDIR/sync/ready"
}

stop_sleeper()
{
	kill -TERM "$BG_PID"
	wait_bg "$BG_PID" 20
	[ "$BG_STATUS" -eq 143 ]
}

@test "exit codes: usage errors are 125 with one error line; --help and --version 0" {
	local verb
	run -125 --separate-stderr "$CGRUN"
	run -0 "$CGRUN" --version
	for verb in $(code_verbs) "image import"; do
		# shellcheck disable=SC2086
		run -125 --separate-stderr "$CGRUN" $verb --no-such-option
		assert_one_error_line
	done
	run -125 --separate-stderr "$CGRUN" run --memory
	assert_one_error_line
	run -125 --separate-stderr "$CGRUN" inspect
	assert_one_error_line
	run -125 --separate-stderr "$CGRUN" exec only-a-name
	assert_one_error_line
}

@test "exit codes of run: the command's, 128+N, 125 (unknown image), 126, 127" {
	run -7 cg_run --rm busybox sh -c 'exit 7'
	run -137 cg_run --rm busybox sh -c 'kill -KILL $$'
	run -125 --separate-stderr cg_run --rm --pull=never no-such-image true
	assert_one_error_line
	run -126 --separate-stderr cg_run --rm busybox /etc/passwd
	assert_one_error_line
	run -127 --separate-stderr cg_run --rm busybox /no/such/command
	assert_one_error_line
	# run -d needs cgrund, and none answers on our run dir.
	run -125 --separate-stderr cg_run -d busybox true
	assert_one_error_line
}

@test "exit codes of exec: the command's, 128+N, 126, 127; 125 when the container is not running" {
	start_sleeper docs-exec
	run -0 "$CGRUN" exec docs-exec true
	run -7 "$CGRUN" exec docs-exec sh -c 'exit 7'
	run -137 "$CGRUN" exec docs-exec sh -c 'kill -KILL $$'
	run -126 --separate-stderr "$CGRUN" exec docs-exec /etc/passwd
	assert_one_error_line
	run -127 --separate-stderr "$CGRUN" exec docs-exec /no/such/command
	assert_one_error_line
	stop_sleeper
	run -125 --separate-stderr "$CGRUN" exec docs-exec true
	assert_one_error_line
}

@test "exit codes of the other verbs: 0 on success, 125 on failure" {
	local verb
	run -0 cg_run --name docs-kept busybox true
	run -0 "$CGRUN" ps -a
	[[ $output == *docs-kept* ]]
	run -0 "$CGRUN" inspect docs-kept
	run -125 --separate-stderr "$CGRUN" inspect docs-kept no-such-container
	assert_one_error_line
	run -0 "$CGRUN" image ls
	run -125 --separate-stderr "$CGRUN" image rm no-such-image
	assert_one_error_line
	# With no cgrund the CLI does them itself (local_verbs.bats has the
	# running case): on an exited container, stop and wait succeed...
	run -0 "$CGRUN" stop docs-kept
	[ "$output" = docs-kept ]
	run -0 "$CGRUN" wait docs-kept
	[ "$output" = 0 ]
	# ... and what needs it running fails with one line.
	for verb in logs kill pause unpause "update --pids-limit=5"; do
		# shellcheck disable=SC2086
		run -125 --separate-stderr "$CGRUN" $verb docs-kept
		assert_one_error_line
	done
	run -0 "$CGRUN" rm docs-kept
	run -125 --separate-stderr "$CGRUN" rm docs-kept
	assert_one_error_line
	run -0 "$CGRUN" stats --no-stream
	run -125 --separate-stderr "$CGRUN" stats --format=bogus
	assert_one_error_line
}

# ---------------------------------------------------------------------------
# cgrund.conf: the keys dconf.c reads, cgrund.conf(5) and the installed file.

@test "cgrund.conf(5) and conf/cgrund.conf list exactly the keys dconf.c reads" {
	local d=$BATS_TEST_TMPDIR fail=0
	grep -oE 'strcmp\(key, "[a-z_]+"\)' "$SRC/src/lib/dconf.c" | sed -E 's/.*"([a-z_]+)".*/\1/' | sort -u >"$d/want"
	[ -s "$d/want" ]
	man_tags "$SRC/docs/cgrund.conf.5" SETTINGS | cut -f2 | sed -nE 's/^\.BI? +([a-z_]+) .*/\1/p' | sort -u >"$d/got"
	compare "cgrund.conf(5) SETTINGS" "$d/want" "$d/got" || fail=1
	sed -nE 's/^#([a-z_]+) = .*/\1/p' "$SRC/conf/cgrund.conf" | sort -u >"$d/got"
	compare "conf/cgrund.conf" "$d/want" "$d/got" || fail=1
	[ "$fail" -eq 0 ]
}

# ---------------------------------------------------------------------------
# The layers: the library (src/lib) takes everything from its struct cg_ctx.

@test "the library reads no environment, prints nothing and includes nothing of the CLI or cgrund" {
	local bad
	# getenv, and output to stdout or stderr, anywhere in src/lib.
	bad=$(grep -nE '\bgetenv\(|\b(fprintf|vfprintf|fputs|fputc)\((stderr|stdout)|(^|[^sn])printf\(|\bputs\(|\bperror\(' \
		"$SRC"/src/lib/*.c || true)
	[ -z "$bad" ] || { echo "$bad" >&2; false; }
	# No upward include: a library file never includes a CLI or cgrund header.
	bad=$(grep -nE '#include "(cli|cli-util|client|backend|limit-opts|cgrund)\.h"' "$SRC"/src/lib/*.[ch] || true)
	[ -z "$bad" ] || { echo "$bad" >&2; false; }
	# And the verbs never include cgrund's, nor cgrund the CLI's.
	bad=$(grep -nE '#include "cgrund\.h"' "$SRC"/src/cgrun/*.[ch] || true)
	bad+=$(grep -nE '#include "(cli|cli-util|client|backend|limit-opts)\.h"' "$SRC"/src/cgrund/*.[ch] || true)
	[ -z "$bad" ] || { echo "$bad" >&2; false; }
}

@test "the library's and cgrund's files call each other without a cycle, and nothing calls into cgrun's or cgrund's main.c" {
	# From the built objects: who uses a symbol another object defines.
	[ -e "$SRC/src/lib/ctx.o" ] || skip "needs an in-tree build (the objects of src/lib)"
	run python3 "$BATS_TEST_DIRNAME/symbol-cycles.py" "$SRC"/src/lib/*.o
	[ "$status" = 0 ] || { echo "$output" >&2; false; }
	run -0 python3 "$BATS_TEST_DIRNAME/symbol-cycles.py" --users-of main "$SRC"/src/cgrun/*.o
	[ -z "$output" ] || { echo "main.c is used by: $output" >&2; false; }
	run python3 "$BATS_TEST_DIRNAME/symbol-cycles.py" "$SRC"/src/cgrund/*.o
	[ "$status" = 0 ] || { echo "$output" >&2; false; }
	# cgrund's objects are built with per-target names (cgrund-main.o).
	run -0 python3 "$BATS_TEST_DIRNAME/symbol-cycles.py" --users-of cgrund-main "$SRC"/src/cgrund/*.o
	[ -z "$output" ] || { echo "cgrund's main.c is used by: $output" >&2; false; }
}
