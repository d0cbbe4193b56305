# media.bash: real small videos made with ffmpeg's lavfi sources, for the
# tests of the probe and of filing. Load it with `load media` (or
# `load ../media` from tests/uc/). Each kind is made once per bats run,
# in $BATS_RUN_TMPDIR/media, and copied from there: ~0.5 s the first
# time, a copy after.

# The path of a cached video of KIND, made first if need be:
#   small   64x48, 2 s, h264 + aac (language fra) + a forced subrip
#           subtitle (language eng), in mkv
#   1080p   1920x1080 at one frame a second, 2 s, h264 + aac (eng), mkv
#   hdr     as 1080p, its transfer tagged smpte2084 (HDR10), BT.2020
#   film    64x48, two hours long at one frame every 20 minutes (so it
#           stays a few KB) with 2 s of aac: as long as a feature film
#   mp4     64x48, 2 s, h264 + aac (language deu), in mp4
media_video() {
	local kind=$1 dir=${BATS_RUN_TMPDIR:?}/media out tmp srt
	out=$dir/$kind.mkv
	[ "$kind" != mp4 ] || out=$dir/$kind.mp4
	if [ ! -s "$out" ]; then
		mkdir -p "$dir"
		# Made under a temp name and renamed: bats may run files in
		# parallel, and a reader must never see half a video.
		tmp=$(mktemp "$dir/.make.XXXXXX") || return 1
		srt=$tmp.srt
		printf '1\n00:00:00,000 --> 00:00:01,000\nHello\n' >"$srt"
		local v=(-f lavfi -i "testsrc=size=64x48:rate=5") \
			a=(-f lavfi -i "sine=frequency=440:sample_rate=8000:duration=2") \
			enc=(-c:v libx264 -preset ultrafast -c:a aac) more=() t=2 f=matroska
		case $kind in
		small)
			more=(-i "$srt" -map 0 -map 1 -map 2 -c:s srt
				-metadata:s:a:0 language=fra -metadata:s:s:0 language=eng
				-disposition:s:0 forced) ;;
		1080p)
			v=(-f lavfi -i "color=c=gray:size=1920x1080:rate=1")
			more=(-map 0 -map 1 -metadata:s:a:0 language=eng) ;;
		hdr)
			v=(-f lavfi -i "color=c=gray:size=1920x1080:rate=1")
			more=(-map 0 -map 1 -color_trc smpte2084 -color_primaries bt2020
				-colorspace bt2020nc) ;;
		film)
			v=(-f lavfi -i "color=c=gray:size=64x48:rate=1/1200")
			more=(-map 0 -map 1)
			t=7200 ;;
		mp4)
			more=(-map 0 -map 1 -metadata:s:a:0 language=deu)
			f=mp4 ;;
		*)
			echo "media_video: unknown kind: $kind" >&2
			rm -f "$tmp" "$srt"
			return 64 ;;
		esac
		ffmpeg -nostdin -v error -y "${v[@]}" "${a[@]}" "${more[@]}" -t "$t" \
			"${enc[@]}" -f "$f" "$tmp" || { rm -f "$tmp" "$srt"; return 1; }
		rm -f "$srt"
		mv -f "$tmp" "$out"
	fi
	printf '%s\n' "$out"
}

# Copy a video of KIND to PATH (its folders made).
mkmedia() {
	local src
	src=$(media_video "$1") || return 1
	mkdir -p "$(dirname "$2")"
	cp "$src" "$2"
}
