plan 9
# make install: binary, man page and SQL files under DESTDIR/PREFIX; the man
# page renders without warnings and documents every command and option
dest="$WORK/destdir"
check "make install DESTDIR=... exits 0" make -s install DESTDIR="$dest" PREFIX=/usr/local
check_eq "it installs the binary, the man page and the SQL files" \
	"$(printf '%s\n' bin/itemdup share/man/man1/itemdup.1 $(cd sql && ls *.sql | sed 's|^|share/itemdup/sql/|') | sort)" \
	"$(cd "$dest/usr/local" && find . -type f | sed 's|^\./||' | sort)"
check_eq "the installed binary runs" 0 "$("$dest/usr/local/bin/itemdup" --version >/dev/null; echo $?)"
check_eq "PREFIX moves everything" 0 "$(make -s install DESTDIR="$dest" PREFIX=/opt/itemdup >/dev/null; test -x "$dest/opt/itemdup/bin/itemdup" && test -f "$dest/opt/itemdup/share/man/man1/itemdup.1"; echo $?)"

man_page="$dest/usr/local/share/man/man1/itemdup.1"
MANWIDTH=80 man --warnings -l "$man_page" >"$WORK/man.txt" 2>"$WORK/man.err"
check_eq "man -l renders the page" "0" "$?"
check_eq "... without warnings" "" "$(cat "$WORK/man.err")"

# every command and every long option of every --help is in the man page
missing=""
for cmd in migrate run report explain status; do
	grep -qE "^       $cmd" "$WORK/man.txt" || missing="$missing $cmd"
	for o in $("$ITEMDUP" $cmd --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
		grep -q -- "$o" "$WORK/man.txt" || missing="$missing $cmd:$o"
	done
done
check_eq "every command and option of --help is in the man page" "" "$missing"
for s in "EXIT STATUS" ENVIRONMENT FILES EXAMPLES; do grep -q "^$s" "$WORK/man.txt" || missing="$missing $s"; done
check_eq "... and the sections exit status, environment, files, examples" "" "$missing"
check_eq "... with every exit code" "" "$(for c in 0 1 64 69 75; do grep -qE "^       $c +[A-Z]" "$WORK/man.txt" || echo -n " $c"; done)"
