# option-tables.awk - the options of each getopt_long call in C sources,
# read from the sources themselves (docs.bats compares them with --help,
# the README and the man pages). Give it the headers first (for
# LIMIT_LONG_OPTIONS), then the .c files:
#
#   awk -f option-tables.awk src/cgrun/*.h src/cgrun/*.c
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

# Headers: the macros that expand to table entries.
FILENAME ~ /\.h$/ {
	if ($0 ~ /^#define [A-Z_]+_LONG_OPTIONS/) {
		mac = $2
		inmac = 1
	}
	if (inmac) {
		names($0, mac)
		if ($0 !~ /\\$/)
			inmac = 0
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
