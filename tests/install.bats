#!/usr/bin/env bats
# make install into a DESTDIR puts every piece in its place; make uninstall
# takes every file away again.

load test_helper

setup() {
	mv_test_env
	DEST=$BATS_TEST_TMPDIR/dest
}

@test "make install fills the tree, make uninstall empties it" {
	run -0 make -s -C "$MV_TOP" install DESTDIR="$DEST" PREFIX=/usr B="$MV_BUILD"
	local f
	for f in bin/mvctl bin/mvpipeline share/man/man1/mvctl.1 \
		share/mv/schemas/MovieProfile.json share/mv/schemas/events/mv.file.added.json \
		lib/systemd/system/mv-pipeline.service lib/systemd/system/mv-check.timer \
		lib/systemd/system/mv-downgrade.service lib/systemd/system/mv-downgrade.timer \
		lib/systemd/user/mv-pipeline.service share/bash-completion/completions/mvctl \
		share/mv/mv.conf.example; do
		[ -f "$DEST/usr/$f" ] || { echo "missing /usr/$f"; return 1; }
	done
	[ -x "$DEST/usr/bin/mvctl" ]
	# Every tool and every man page of the tree is installed.
	for f in "$MV_BUILD"/bin/*; do [ -x "$DEST/usr/bin/${f##*/}" ]; done
	for f in "$MV_TOP"/man/*.[157]; do
		[ -f "$DEST/usr/share/man/man${f##*.}/${f##*/}" ] || { echo "missing man ${f##*/}"; return 1; }
	done
	# Units name the installed binaries, no placeholder is left.
	grep -q '^ExecStart=/usr/bin/mvpipeline$' "$DEST/usr/lib/systemd/system/mv-pipeline.service"
	run -1 grep -rl @BINDIR@ "$DEST/usr/lib/systemd"
	# The installed mvctl finds its schemas through MV_SCHEMAS here.
	MV_SCHEMAS=$DEST/usr/share/mv/schemas run -0 "$DEST/usr/bin/mvctl" validate MovieProfile.json \
		"$MV_TOP/tests/fixtures/mvctl/lib/Movies/m1.json"
	run -0 make -s -C "$MV_TOP" uninstall DESTDIR="$DEST" PREFIX=/usr B="$MV_BUILD"
	assert_equal "$(find "$DEST" -type f -o -type l | wc -l)" 0
}

@test "PREFIX and BINDIR reach the units" {
	run -0 make -s -C "$MV_TOP" install DESTDIR="$DEST" PREFIX=/opt/mv B="$MV_BUILD"
	grep -q '^ExecStart=/opt/mv/bin/mvctl check$' "$DEST/opt/mv/lib/systemd/system/mv-check.service"
	[ -f "$DEST/opt/mv/bin/mvctl" ]
}

@test "the tools that never talk to TMDB link neither libcurl nor its TLS stack" {
	# Each library costs resident pages in every long-running stage: mvwatch
	# went from 2 MB to 8 MB when one helper call pulled tmdb.o in.
	local t
	for t in mvwatch mvstat mvindex mvdowngrade mvnfo mvserve; do
		run -0 ldd "$MV_BUILD/bin/$t"
		refute_output --partial libcurl
		# libmicrohttpd brings gnutls into mvserve, for HTTPS it may serve.
		[ "$t" = mvserve ] || refute_output --partial libgnutls
	done
	# The TMDB clients do link it (the check above can fail).
	run -0 ldd "$MV_BUILD/bin/mvenrich"
	assert_output --partial libcurl
}
