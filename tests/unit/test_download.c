/* test_download.c: unit tests for mv_download_scan and mv_download_loose: what one download is. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mv.h"
#include "tap.h"

static char root[256];

/* Make root/rel with size bytes, and its folders. */
static void
put(const char *rel, off_t size)
{
	char *p = mv_xasprintf("%s/%s", root, rel);

	for (char *s = p + strlen(root) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || ftruncate(fd, size) < 0 || close(fd) < 0)
		printf("# unable to make %s\n", p);
	free(p);
}

static const struct mv_dl_file *
find(const struct mv_download *d, const char *rel)
{
	for (size_t i = 0; i < d->n; i++)
		if (!strcmp(d->files[i].rel, rel))
			return &d->files[i];
	return NULL;
}

static const char *
role(const struct mv_download *d, const char *rel)
{
	const struct mv_dl_file *f = find(d, rel);

	return f ? mv_dl_role_name(f->role) : "(missing)";
}

static void
test_heat(void)
{
	struct mv_download d;
	const struct mv_dl_file *f;
	char *top = mv_xasprintf("%s/Heat.1995.REMASTERED.1080p.BluRay.x264-GRP", root);
	strcat(root, "/Heat.1995.REMASTERED.1080p.BluRay.x264-GRP");
	mkdir(root, 0755);
	put("heat.1995.remastered.1080p.bluray.x264-grp.mkv", 90000);
	put("heat.1995.remastered.1080p.bluray.x264-grp.srt", 100);
	put("Subs/2_English.srt", 100);
	put("Subs/3_French.srt", 100);
	put("Subs/4_French.forced.srt", 100);
	put("Subs/5_German.idx", 100);
	put("Subs/5_German.sub", 100);
	put("Sample/heat-sample.mkv", 95000); /* larger than the film: still a sample */
	put("Featurettes/Making of Heat.mkv", 5000);
	put("heat-trailer.mp4", 2000);
	put("grp.nfo", 10);
	put("RARBG.txt", 10);
	put("WWW.SITE.URL", 10);
	put("poster.jpg", 10);
	put("heat.part01.rar", 10);
	put("heat.mkv.part", 10);

	ok(mv_download_scan(top, &d) == 0, "a release folder is read");
	is_int((long long)d.n, 16, "every file is listed");
	is_int(d.truncated, 0, "within the bounds");
	ok(d.main < d.n, "it has a main video");
	is_str(d.files[d.main].rel, "heat.1995.remastered.1080p.bluray.x264-grp.mkv",
	    "the main video is the largest video, not the sample");
	is_int((long long)d.nparts, 0, "no parts");
	is_str(role(&d, "Sample/heat-sample.mkv"), "sample", "Sample/ holds a sample");
	is_str(role(&d, "Featurettes/Making of Heat.mkv"), "extra", "Featurettes/ holds an extra");
	f = find(&d, "Featurettes/Making of Heat.mkv");
	is_str(f ? f->extra : NULL, "featurettes", "its kind is its folder's");
	f = find(&d, "heat-trailer.mp4");
	is_str(f ? f->extra : NULL, "trailers", "a -trailer suffix is a trailer");
	is_str(role(&d, "grp.nfo"), "nfo", "the release NFO");
	is_str(role(&d, "RARBG.txt"), "junk", "RARBG.txt is junk");
	is_str(role(&d, "WWW.SITE.URL"), "junk", "a .URL is junk");
	is_str(role(&d, "poster.jpg"), "artwork", "artwork");
	is_str(role(&d, "heat.part01.rar"), "archive", "an archive");
	is_str(role(&d, "heat.mkv.part"), "other", "a file still being written");

	f = find(&d, "heat.1995.remastered.1080p.bluray.x264-grp.srt");
	is_str(f ? mv_dl_role_name(f->role) : NULL, "subtitle", "the video's own .srt");
	is_str(f ? f->sub.lang : NULL, "und", "named as the video: no language");
	f = find(&d, "Subs/2_English.srt");
	is_str(f ? f->sub.lang : NULL, "en", "Subs/2_English.srt is English");
	f = find(&d, "Subs/3_French.srt");
	is_str(f ? f->sub.lang : NULL, "fr", "Subs/3_French.srt is French");
	is_int(f ? f->sub.forced : -1, 0, "and not forced");
	f = find(&d, "Subs/4_French.forced.srt");
	is_str(f ? f->sub.lang : NULL, "fr", "Subs/4_French.forced.srt is French");
	is_int(f ? f->sub.forced : -1, 1, "and forced");
	f = find(&d, "Subs/5_German.sub");
	is_str(f ? f->sub.lang : NULL, "de", "a VobSub .sub reads as its .idx");
	is_str(f ? f->sub.ext : NULL, "sub", "and keeps its own extension");
	mv_download_free(&d);
	free(top);
	*strrchr(root, '/') = '\0';
}

static void
test_parts(void)
{
	struct mv_download d;

	strcat(root, "/Movie.1995.DVDRip");
	mkdir(root, 0755);
	put("Movie.1995.cd2.avi", 7000);
	put("Movie.1995.cd1.avi", 6000);
	put("Movie.1995.cd3.avi", 100);
	put("Movie.1995.cd1.srt", 10);
	ok(mv_download_scan(root, &d) == 0, "a download in parts is read");
	is_int((long long)d.nparts, 3, "three parts");
	is_str(d.files[d.main].rel, "Movie.1995.cd1.avi", "the film starts with cd1, not the largest");
	if (d.nparts == 3) {
		is_str(d.files[d.parts[1]].rel, "Movie.1995.cd2.avi", "then cd2");
		is_str(d.files[d.parts[2]].rel, "Movie.1995.cd3.avi", "then cd3");
		is_int(d.files[d.parts[2]].part, 3, "numbered 3");
	}
	is_str(role(&d, "Movie.1995.cd2.avi"), "part", "cd2 is a part");
	is_str(role(&d, "Movie.1995.cd1.srt"), "subtitle", "the subtitle stays one");
	mv_download_free(&d);
	*strrchr(root, '/') = '\0';
}

static void
test_edges(void)
{
	struct mv_download d;
	char *p;

	strcat(root, "/empty");
	mkdir(root, 0755);
	put("notes.txt", 1);
	p = mv_xasprintf("%s/link.mkv", root);
	ok(symlink("/etc/passwd", p) == 0, "a symlink is made");
	free(p);
	ok(mv_download_scan(root, &d) == 0, "a folder without a video is read");
	is_int((long long)d.n, 1, "a symlink is not listed");
	ok(d.main == d.n, "no main video");
	mv_download_free(&d);
	*strrchr(root, '/') = '\0';
	p = mv_xasprintf("%s/none", root);
	ok(mv_download_scan(p, &d) == -1 && errno == ENOENT, "a missing folder: -1, ENOENT");
	mv_download_free(&d);
	free(p);
}

/* A loose video and its subtitles, by Jellyfin's rule. */
static void
test_loose(void)
{
	struct mv_download d;
	const struct mv_dl_file *f;
	char *p;

	strcat(root, "/incoming");
	mkdir(root, 0755);
	put("Movie.2001.1080p.mkv", 9000);
	put("Movie.2001.1080p.en.srt", 10);
	put("movie.2001.1080P.fr.forced.srt", 10);   /* any case */
	put("Movie.2001.1080p.srt", 10);
	put("Movie.2001.1080pX.en.srt", 10);         /* no '.' after the stem */
	put("Movie.2001.1080p.Extended.mkv", 9000);
	put("Movie.2001.1080p.Extended.de.srt", 10); /* the longer stem's */
	put("Movie.2001.1080p.nfo", 10);             /* not a subtitle */
	put("Other.srt", 10);
	p = mv_xasprintf("%s/Movie.2001.1080p.mkv", root);
	ok(mv_download_loose(p, &d) == 0, "a loose video's folder is read");
	is_int((long long)d.n, 4, "the video and its three subtitles");
	is_str(d.main < d.n ? d.files[d.main].rel : NULL, "Movie.2001.1080p.mkv", "the video is main");
	is_str(role(&d, "Movie.2001.1080p.en.srt"), "subtitle", ".en.srt is its");
	is_str(role(&d, "Movie.2001.1080p.srt"), "subtitle", ".srt is its");
	is_str(role(&d, "Movie.2001.1080pX.en.srt"), "(missing)", "a longer name is not");
	is_str(role(&d, "Movie.2001.1080p.Extended.de.srt"), "(missing)",
	    "a subtitle of a video with a longer stem is that video's");
	f = find(&d, "movie.2001.1080P.fr.forced.srt");
	is_str(f ? f->sub.lang : NULL, "fr", "read against the stem: French");
	is_int(f ? f->sub.forced : -1, 1, "and forced");
	ok(d.nparts == 0, "no parts");
	mv_download_free(&d);
	free(p);
	p = mv_xasprintf("%s/Movie.2001.1080p.Extended.mkv", root);
	ok(mv_download_loose(p, &d) == 0 && d.n == 2 &&
	    find(&d, "Movie.2001.1080p.Extended.de.srt"), "the longer stem has its own");
	mv_download_free(&d);
	free(p);
	/* Filed away already: the subtitles are found by its name alone. */
	p = mv_xasprintf("%s/Gone.2001.mkv", root);
	put("Gone.2001.en.srt", 10);
	ok(mv_download_loose(p, &d) == 0 && d.n == 1 && d.main == d.n,
	    "a video gone: its subtitles, no main");
	mv_download_free(&d);
	free(p);
	ok(mv_download_stem_of("a.b.en.srt", "a.b.mkv") && !mv_download_stem_of("a.bc.srt", "a.b.mkv"),
	    "mv_download_stem_of: the stem then a '.'");
	*strrchr(root, '/') = '\0';
	p = mv_xasprintf("%s/none/x.mkv", root);
	ok(mv_download_loose(p, &d) == -1 && errno == ENOENT, "a missing folder: -1, ENOENT");
	mv_download_free(&d);
	free(p);
}

int
main(void)
{
	char tmpl[] = "/tmp/test_download.XXXXXX";

	mv_init("test_download");
	if (!mkdtemp(tmpl))
		return 1;
	snprintf(root, sizeof root, "%s", tmpl);
	test_heat();
	test_parts();
	test_edges();
	test_loose();
	char *cmd = mv_xasprintf("rm -rf '%s'", tmpl);

	if (system(cmd) != 0)
		printf("# unable to remove %s\n", tmpl);
	free(cmd);
	return tap_done();
}
