#!/bin/sh
# make run: a demo registry on 127.0.0.1:8080 with an embedded SQLite
# database under ./var, created with demo data the first time.
set -eu
bin=$1
listen=${DIPREG_LISTEN:-127.0.0.1:8080}
mkdir -p var
if [ ! -f var/dipreg.db ]; then
	echo "creating the demo registry in var/dipreg.db ..."
	"$bin" demo --db var/dipreg.db --data-dir var 2>/dev/null
else
	echo "using the existing var/dipreg.db (delete var/ for a fresh demo)"
	echo "logins: admin / demo-admin-pass, examiner / demo-examiner-pass, alice / demo-alice-pass, bob / demo-bob-pass, agency / demo-agency-pass"
fi
echo
echo "dipreg is serving at http://$listen/  (Ctrl-C stops it)"
echo
exec "$bin" serve --db var/dipreg.db --data-dir var --listen "$listen"
