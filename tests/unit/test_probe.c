/* test_probe.c: unit tests for mv_probe, its reading of ffprobe and its time bound. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mv.h"
#include "tap.h"

static char dir[] = "/tmp/mv-test-probe.XXXXXX";

/* A fake ffprobe: a shell script with body, made executable. */
static char *
fake(const char *name, const char *body)
{
	char *path = mv_xasprintf("%s/%s", dir, name);
	char *text = mv_xasprintf("#!/bin/sh\n%s\n", body);

	if (mv_write_atomic(path, text, strlen(text)) < 0 || chmod(path, 0755) < 0)
		mv_die(70, "write %s", path);
	free(text);
	return path;
}

/* The compact media mv_probe_parse makes of json, or its reason. */
static char *
parsed(const char *json)
{
	char *reason, *s;
	cJSON *m = mv_probe_parse(json, strlen(json), &reason);

	if (!m)
		return reason;
	s = mv_json_compact(m);
	cJSON_Delete(m);
	return s;
}

static void
test_parse(void)
{
	char *s;

	s = parsed("{\"streams\":[{\"codec_type\":\"video\",\"codec_name\":\"hevc\","
	    "\"width\":3840,\"height\":1600,\"color_transfer\":\"smpte2084\"},"
	    "{\"codec_type\":\"audio\",\"codec_name\":\"eac3\",\"channels\":6,"
	    "\"tags\":{\"language\":\"eng\"}},{\"codec_type\":\"audio\",\"codec_name\":\"aac\","
	    "\"channels\":2,\"tags\":{\"language\":\"und\"}},{\"codec_type\":\"subtitle\","
	    "\"codec_name\":\"subrip\",\"disposition\":{\"forced\":1},\"tags\":{\"language\":\"fre\"}}],"
	    "\"format\":{\"format_name\":\"matroska,webm\",\"duration\":\"7384.0015\"}}");
	is_str(s, "{\"container\":\"matroska\",\"durationSec\":7384.002,\"video\":{\"codec\":\"hevc\","
	    "\"width\":3840,\"height\":1600,\"hdr\":true,\"hdrFormat\":\"HDR10\"},"
	    "\"audio\":[{\"codec\":\"eac3\",\"language\":\"eng\",\"channels\":6},"
	    "{\"codec\":\"aac\",\"language\":null,\"channels\":2}],"
	    "\"subtitles\":[{\"codec\":\"subrip\",\"language\":\"fre\",\"forced\":true}],"
	    "\"quality\":\"2160p HDR\"}", "a 2160p HDR10 mkv: every track, und as null");
	free(s);
	s = parsed("{\"streams\":[{\"codec_type\":\"video\",\"codec_name\":\"mjpeg\","
	    "\"width\":600,\"height\":600,\"disposition\":{\"attached_pic\":1}},"
	    "{\"codec_type\":\"video\",\"codec_name\":\"h264\",\"width\":1280,\"height\":536,"
	    "\"color_transfer\":\"arib-std-b67\",\"duration\":\"12.5\"}],"
	    "\"format\":{\"format_name\":\"mov,mp4,m4a,3gp,3g2,mj2\",\"tags\":{\"major_brand\":\"isom\"}}}");
	is_str(s, "{\"container\":\"mp4\",\"durationSec\":12.5,\"video\":{\"codec\":\"h264\","
	    "\"width\":1280,\"height\":536,\"hdr\":true,\"hdrFormat\":\"HLG\"},\"audio\":[],"
	    "\"subtitles\":[],\"quality\":\"720p HDR\"}",
	    "cover art is skipped; HLG; the stream's duration when the format has none");
	free(s);
	s = parsed("{\"streams\":[{\"codec_type\":\"video\",\"codec_name\":\"hevc\",\"width\":1920,"
	    "\"height\":1080,\"side_data_list\":[{\"side_data_type\":\"DOVI configuration record\"}]}],"
	    "\"format\":{\"format_name\":\"mov,mp4\",\"tags\":{\"major_brand\":\"qt  \"}}}");
	is_str(s, "{\"container\":\"mov\",\"durationSec\":null,\"video\":{\"codec\":\"hevc\","
	    "\"width\":1920,\"height\":1080,\"hdr\":true,\"hdrFormat\":\"Dolby Vision\"},"
	    "\"audio\":[],\"subtitles\":[],\"quality\":\"1080p HDR\"}",
	    "Dolby Vision from side data; a QuickTime brand is mov");
	free(s);
	s = parsed("{\"streams\":[{\"codec_type\":\"video\",\"codec_name\":\"h264 <b>\",\"width\":720,"
	    "\"height\":576,\"side_data_list\":[{\"side_data_type\":\"Mastering display metadata\"}]},"
	    "{\"codec_type\":\"audio\",\"codec_name\":\"ac3\",\"tags\":{\"language\":\"fr\\\"x\"}}],"
	    "\"format\":{\"format_name\":\"avi\",\"duration\":\"N/A\"}}");
	is_str(s, "{\"container\":\"avi\",\"durationSec\":null,\"video\":{\"codec\":null,"
	    "\"width\":720,\"height\":576,\"hdr\":true,\"hdrFormat\":\"HDR10\"},"
	    "\"audio\":[{\"codec\":\"ac3\",\"language\":null,\"channels\":0}],\"subtitles\":[],"
	    "\"quality\":\"480p HDR\"}", "text that is not a token is never stored");
	free(s);
	s = parsed("{\"streams\":[{\"codec_type\":\"audio\",\"codec_name\":\"mp3\"}],"
	    "\"format\":{\"format_name\":\"mp3\"}}");
	is_str(s, "no video stream (mp3)", "an audio file is not a video");
	free(s);
	s = parsed("{\"streams\":[{\"codec_type\":\"video\",\"codec_name\":\"png\",\"width\":64,"
	    "\"height\":64}],\"format\":{\"format_name\":\"png_pipe\"}}");
	is_str(s, "a still image (png_pipe)", "a still image is not a video");
	free(s);
	s = parsed("{}");
	is_str(s, "ffprobe gave no format", "no format");
	free(s);
	s = parsed("not json");
	is_str(s, "ffprobe gave no format", "not JSON");
	free(s);
}

static void
test_labels(void)
{
	is_str(mv_quality_label(3840, 2160, 0), "2160p", "UHD");
	is_str(mv_quality_label(3840, 1600, 1), "2160p HDR", "scope UHD, HDR");
	is_str(mv_quality_label(1920, 800, 0), "1080p", "scope 1080p by its width");
	is_str(mv_quality_label(1440, 1080, 0), "1080p", "anamorphic 1080p by its height");
	is_str(mv_quality_label(1280, 720, 0), "720p", "720p");
	is_str(mv_quality_label(720, 576, 0), "480p", "PAL DVD");
	is_str(mv_quality_label(640, 480, 0), "480p", "NTSC 4:3");
	is_str(mv_quality_label(480, 360, 0), "SD", "below 480p");
	is_str(mv_quality_label(64, 48, 1), "SD HDR", "tiny, HDR");
}

/* What mv_probe says of path with $MV_FFPROBE set to prog. */
static int
probe_with(const char *prog, int timeout_ms, char **reason)
{
	cJSON *media;
	int r;

	setenv("MV_FFPROBE", prog, 1);
	r = mv_probe("/dev/null", timeout_ms, &media, reason);
	ok((r == 0) == (media != NULL), "media exactly when 0 (%s)", prog);
	cJSON_Delete(media);
	return r;
}

static void
test_run(void)
{
	char *reason, *p, *fds = mv_xasprintf("%s/fds", dir), *text;
	uint64_t t0;
	size_t len;
	int lock = open(dir, O_RDONLY), r;

	p = mv_xasprintf("%s/none", dir);
	is_int(probe_with(p, 1000, &reason), MV_EX_UNAVAILABLE, "ffprobe missing: 69");
	text = mv_xasprintf("unable to run %s: No such file or directory", p);
	is_str(reason, text, "its reason");
	free(text), free(reason), free(p);

	/* A hang, and a grandchild holding the pipe: the group is killed. */
	p = fake("hang", "sleep 30 & exec sleep 30");
	t0 = mv_mono_ns();
	is_int(probe_with(p, 300, &reason), MV_EX_DATAERR, "a hanging ffprobe: 65");
	ok(mv_mono_ns() - t0 < 3000000000ULL, "killed at the deadline, not after its sleep");
	is_str(reason, "ffprobe took more than 300 ms", "its reason");
	free(reason), free(p);

	p = fake("flood", "exec yes");
	is_int(probe_with(p, 5000, &reason), MV_EX_DATAERR, "endless output: 65");
	is_str(reason, "ffprobe wrote more than 1048576 bytes", "its reason");
	free(reason), free(p);

	p = fake("crash", "kill -SEGV $$");
	is_int(probe_with(p, 5000, &reason), MV_EX_DATAERR, "a crash: 65");
	is_str(reason, "ffprobe was killed by signal 11", "its reason");
	free(reason), free(p);

	text = mv_xasprintf("ls /proc/self/fd >%s; echo '[matroska,webm @ 0x1] "
	    "EBML header parsing failed' >&2; echo 'file:/dev/null: Invalid data found "
	    "when processing input' >&2; exit 1", fds);
	p = fake("refuse", text);
	free(text);
	ok(lock >= 3, "a descriptor of ours is open");
	is_int(probe_with(p, 5000, &reason), MV_EX_DATAERR, "ffprobe refuses: 65");
	is_str(reason, "ffprobe failed: Invalid data found when processing input", "its last line, its verdict");
	free(reason), free(p);
	r = mv_slurp(fds, 4096, &text, &len);
	is_int(r, 0, "the fake listed its descriptors");
	/* 0, 1, 2 and the one ls opened to list them. */
	is_str(r == 0 ? text : NULL, "0\n1\n2\n3\n", "none of ours reached it");
	if (r == 0)
		free(text);

	p = fake("short", "echo '[matroska,webm @ 0x1] File ended prematurely' >&2; "
	    "echo '{\"streams\":[{\"codec_type\":\"video\"}],\"format\":{\"format_name\":\"matroska\"}}'");
	is_int(probe_with(p, 5000, &reason), MV_EX_DATAERR, "a truncated file: 65");
	is_str(reason, "truncated: the file ends before its data does", "its reason");
	free(reason), free(p);

	p = fake("good", "echo '{\"streams\":[{\"codec_type\":\"video\",\"codec_name\":\"h264\","
	    "\"width\":1920,\"height\":1080}],\"format\":{\"format_name\":\"matroska,webm\","
	    "\"duration\":\"2\"}}'");
	is_int(probe_with(p, 5000, &reason), 0, "a good answer: 0");
	ok(reason == NULL, "no reason");
	free(p);
	close(lock);
	free(fds);
}

int
main(void)
{
	mv_init("test_probe");
	unsetenv("MV_CONFIG");
	setenv("HOME", "/nonexistent", 1);
	if (!mkdtemp(dir))
		mv_die(70, "create %s", dir);
	test_parse();
	test_labels();
	test_run();
	if (!getenv("KEEP")) {
		char *rm = mv_xasprintf("rm -rf '%s'", dir);

		if (system(rm) != 0)
			fprintf(stderr, "# unable to remove %s\n", dir);
		free(rm);
	}
	return tap_done();
}
