/* test_media.c: unit tests for mv_media_kind, the one rule of what a file is. */
#include "mv.h"
#include "tap.h"

static const struct {
	const char *path;
	enum mv_media want;
} cases[] = {
	/* Videos, whatever the case of the extension, wherever they lie. */
	{"Heat.1995.1080p.BluRay.x264-GRP.mkv", MV_MEDIA_VIDEO},
	{"incoming/Heat (1995)/movie.mkv", MV_MEDIA_VIDEO},
	{"A.MKV", MV_MEDIA_VIDEO},
	{"The Matrix 1999 tt0133093.mp4", MV_MEDIA_VIDEO},
	{"VIDEO_TS/VTS_01_1.VOB", MV_MEDIA_VIDEO},
	{"Other (2001).mkv", MV_MEDIA_VIDEO},
	{"The Big Short (2015).mkv", MV_MEDIA_VIDEO},
	{"Free Samples (2012).mkv", MV_MEDIA_VIDEO},
	{"Other/../Heat.mkv", MV_MEDIA_VIDEO},   /* only the parent folder counts */
	{"q.xvid", MV_MEDIA_VIDEO},
	{"x.rmvb", MV_MEDIA_VIDEO},
	/* Subtitles beside or below a video. */
	{"Heat.1995.srt", MV_MEDIA_SUBTITLE},
	{"Subs/2_English.srt", MV_MEDIA_SUBTITLE},
	{"Heat.1995.en.forced.ASS", MV_MEDIA_SUBTITLE},
	{"Heat.idx", MV_MEDIA_SUBTITLE},
	{"Heat.sub", MV_MEDIA_SUBTITLE},
	{"Heat.vtt", MV_MEDIA_SUBTITLE},
	{"Heat.sup", MV_MEDIA_SUBTITLE},
	{"Sample/heat.srt", MV_MEDIA_SUBTITLE}, /* a sample's folder, not a video */
	{"grp.nfo", MV_MEDIA_NFO},
	{"poster.jpg", MV_MEDIA_ARTWORK},
	{"fanart.JPEG", MV_MEDIA_ARTWORK},
	{"Heat (1995)-poster.png", MV_MEDIA_ARTWORK},
	{"folder.tbn", MV_MEDIA_ARTWORK},
	/* Samples: a "sample" word, or a Sample/ folder. */
	{"Sample/heat-sample.mkv", MV_MEDIA_SAMPLE},
	{"Sample/heat.mkv", MV_MEDIA_SAMPLE},
	{"samples/x.mp4", MV_MEDIA_SAMPLE},
	{"grp-heat.1995.1080p.SAMPLE.mkv", MV_MEDIA_SAMPLE},
	{"sample.mkv", MV_MEDIA_SAMPLE},
	{"Trailers/heat-sample.mkv", MV_MEDIA_SAMPLE},
	/* Extras: Jellyfin's folders and suffixes. */
	{"Featurettes/Making of Heat.mkv", MV_MEDIA_EXTRA},
	{"Heat (1995)/Behind The Scenes/On set.mp4", MV_MEDIA_EXTRA},
	{"Deleted Scenes/Bank.mkv", MV_MEDIA_EXTRA},
	{"extras/x.mkv", MV_MEDIA_EXTRA},
	{"Trailers/Heat.mkv", MV_MEDIA_EXTRA},
	{"Interviews/Mann.mkv", MV_MEDIA_EXTRA},
	{"Scenes/x.mkv", MV_MEDIA_EXTRA},
	{"Shorts/x.mkv", MV_MEDIA_EXTRA},
	{"Other/x.mkv", MV_MEDIA_EXTRA},
	{"trailer.mp4", MV_MEDIA_EXTRA},
	{"Heat (1995)-trailer.mkv", MV_MEDIA_EXTRA},
	{"Heat (1995).trailer.mkv", MV_MEDIA_EXTRA},
	{"Heat-featurette.mkv", MV_MEDIA_EXTRA},
	{"Heat-behindthescenes.mkv", MV_MEDIA_EXTRA},
	{"Heat-deleted.mkv", MV_MEDIA_EXTRA},
	{"Heat-interview.mkv", MV_MEDIA_EXTRA},
	{"Heat-scene.mkv", MV_MEDIA_EXTRA},
	{"Heat-short.mkv", MV_MEDIA_EXTRA},
	/* Archives, single and multi-volume. */
	{"name.r00", MV_MEDIA_ARCHIVE},
	{"name.R17", MV_MEDIA_ARCHIVE},
	{"name.s01", MV_MEDIA_ARCHIVE},
	{"name.rar", MV_MEDIA_ARCHIVE},
	{"name.part1.rar", MV_MEDIA_ARCHIVE},
	{"name.zip", MV_MEDIA_ARCHIVE},
	{"name.7z", MV_MEDIA_ARCHIVE},
	{"name.7z.001", MV_MEDIA_ARCHIVE},
	/* Junk from release sites and downloaders. */
	{"RARBG.txt", MV_MEDIA_JUNK},
	{"RARBG_DO_NOT_MIRROR.exe", MV_MEDIA_JUNK},
	{"WWW.SITE.URL", MV_MEDIA_JUNK},
	{"Heat.1995.nzb", MV_MEDIA_JUNK},
	{"heat.sfv", MV_MEDIA_JUNK},
	{"heat.md5", MV_MEDIA_JUNK},
	{"movie.mkv.torrent", MV_MEDIA_JUNK},
	{"Shortcut.lnk", MV_MEDIA_JUNK},
	{"._Heat.mkv", MV_MEDIA_JUNK},
	{".DS_Store", MV_MEDIA_JUNK},
	/* Downloads still being written. */
	{"movie.part", MV_MEDIA_PARTIAL},
	{"Heat.1995.mkv.part", MV_MEDIA_PARTIAL},
	{"Heat.mkv.!qB", MV_MEDIA_PARTIAL},
	{"Heat.mkv.crdownload", MV_MEDIA_PARTIAL},
	{"Heat.mkv.tmp", MV_MEDIA_PARTIAL},
	{"Heat.mkv~", MV_MEDIA_PARTIAL},
	{".mv-partial-Heat.mkv", MV_MEDIA_PARTIAL},
	/* Nothing we know. */
	{"README", MV_MEDIA_OTHER},
	{"song.mp3", MV_MEDIA_OTHER},
	{".hidden.mkv", MV_MEDIA_OTHER},
	{"Heat.", MV_MEDIA_OTHER},
	{"dir/", MV_MEDIA_OTHER},
	{"", MV_MEDIA_OTHER},
	{"x.averyveryverylongextension", MV_MEDIA_OTHER},
};

int
main(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		is_str(mv_media_name(mv_media_kind(cases[i].path)),
		    mv_media_name(cases[i].want), cases[i].path);

	/* By extension alone, for the parser. */
	is_int(mv_media_ext("mkv"), MV_MEDIA_VIDEO, "ext mkv");
	is_int(mv_media_ext("SRT"), MV_MEDIA_SUBTITLE, "ext SRT");
	is_int(mv_media_ext("nfo"), MV_MEDIA_NFO, "ext nfo");
	is_int(mv_media_ext("r99"), MV_MEDIA_ARCHIVE, "ext r99");
	is_int(mv_media_ext("r1"), MV_MEDIA_OTHER, "ext r1");
	is_int(mv_media_ext("dv"), MV_MEDIA_OTHER, "ext dv: a tag, not a container");
	is_int(mv_media_ext(""), MV_MEDIA_OTHER, "ext empty");

	is_str(mv_media_name(MV_MEDIA_PARTIAL), "partial", "name partial");
	is_str(mv_media_name((enum mv_media)99), "other", "name out of range");
	return tap_done();
}
