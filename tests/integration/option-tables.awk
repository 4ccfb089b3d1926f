# option-tables.awk - the options of each getopt_long call in C sources,
# read from the sources themselves (docs.bats compares them with --help,
# the README and the man pages). Give it the table of limits first (its
# rows' .flag names are the long options limit_options_join adds), then the
# .c files:
#
#   awk -f option-tables.awk src/lib/limit-table.c src/cgrun/*.c
#
# Prints "VERB long NAME" for each entry of the option table a call uses
# and "VERB short C" for each letter of its optstring. VERB comes from the
# function that makes the call: cmd_stop -> stop, image_import -> image
# import, main -> main. Anything it cannot read (a call split over lines,
# a call outside such a function, a table no call uses, no table at all)
# is an ERROR line and exit status 1, never a silently shorter list.

function names(s, key,    n) {
	while (match(s, /\{ *"[a-z0-9-]+"/)) {
		n = substr(s, RSTART, RLENGTH)
		sub(/^\{ *"/, "", n)
		sub(/"$/, "", n)
		tab[key] = tab[key] " " n
		s = substr(s, RSTART + RLENGTH)
	}
}

FNR == 1 { fn = ""; cur = "" }

# The table of limits: every row's flag is a long option of the verbs that
# join it to their own (limit_options_join).
FILENAME ~ /limit-table\.c$/ {
	while (match($0, /\.flag = "[a-z0-9-]+"/)) {
		n = substr($0, RSTART + 9, RLENGTH - 10)
		limits = limits " " n
		$0 = substr($0, RSTART + RLENGTH)
	}
	next
}

/^(static )?int (cmd_[a-z_]+|image_[a-z_]+|main)\(/ {
	fn = $0
	sub(/^(static )?int /, "", fn)
	sub(/\(.*/, "", fn)
	verb = fn
	sub(/^cmd_/, "", verb)
	sub(/^image_/, "image ", verb)
}
/^\}/ { fn = "" }

/struct option [a-z_]+\[\] = \{/ {
	t = $0
	sub(/.*struct option /, "", t)
	sub(/\[.*/, "", t)
	cur = FILENAME ":" fn ":" t
	defined[cur] = 1
	ndef++
}
cur != "" {
	names($0, cur)
	for (m in tab)
		if (m ~ /^[A-Z_]+$/ && index($0, m))
			tab[cur] = tab[cur] tab[m]
	if ($0 ~ /\};/)
		cur = ""
}

# limit_options_join(OWN, OUT, ...): OUT is the limits, then OWN.
/limit_options_join\(/ && fn != "" {
	if (!match($0, /limit_options_join\( *[a-z_]+, *[a-z_]+/)) {
		print "ERROR unreadable limit_options_join call at " FILENAME ":" FNR
		bad = 1
		next
	}
	j = substr($0, RSTART, RLENGTH)
	sub(/^limit_options_join\( */, "", j)
	own = j
	sub(/,.*/, "", own)
	out = j
	sub(/.*, */, "", out)
	okey = FILENAME ":" fn ":" own
	if (!(okey in defined))
		okey = FILENAME "::" own
	if (!(okey in defined) || limits == "") {
		print "ERROR limit_options_join of an unknown table " own " (or no table of limits) at " FILENAME ":" FNR
		bad = 1
		next
	}
	used[okey] = 1
	cur = FILENAME ":" fn ":" out
	defined[cur] = 1
	tab[cur] = limits tab[okey]
	cur = ""
}

/getopt_long\(/ {
	if (fn == "") {
		print "ERROR getopt_long outside a verb function at " FILENAME ":" FNR
		bad = 1
		next
	}
	if (!match($0, /getopt_long\([^,]*,[^,]*, *"[^"]*", *[a-z_]+/)) {
		print "ERROR unreadable getopt_long call at " FILENAME ":" FNR
		bad = 1
		next
	}
	call = substr($0, RSTART, RLENGTH)
	o = call
	sub(/^[^"]*"/, "", o)
	sub(/".*/, "", o)
	gsub(/[+:-]/, "", o)
	t = call
	sub(/.*, */, "", t)
	key = FILENAME ":" fn ":" t
	if (!(key in defined))
		key = FILENAME "::" t
	if (!(key in defined)) {
		print "ERROR no option table " t " for the call at " FILENAME ":" FNR
		bad = 1
		next
	}
	used[key] = 1
	k = split(tab[key], a, " ")
	for (i = 1; i <= k; i++)
		print verb " long " a[i]
	for (i = 1; i <= length(o); i++)
		print verb " short " substr(o, i, 1)
}

END {
	for (key in defined)
		if (!(key in used)) {
			print "ERROR option table " key " is used by no getopt_long call this script can read"
			bad = 1
		}
	if (ndef == 0) {
		print "ERROR no option tables found"
		bad = 1
	}
	exit bad
}
