/* nfo.c: the Kodi NFO and the artwork beside a filed video, for mvnfo and mvctl export. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mv.h"

/* TMDB's documented image base; an actor's thumb is a URL every player
 * fetches itself (the people's own images are a bounded cache). */
#define TMDB_IMAGE_BASE "https://image.tmdb.org/t/p/original"

int
mv_nfo_enabled(void)
{
	const char *v = mv_config_get("nfo", "on");

	return !(strcmp(v, "off") == 0 || strcmp(v, "no") == 0 ||
	    strcmp(v, "0") == 0 || strcmp(v, "false") == 0);
}

void
mv_xml_escape(struct mv_buf *b, const char *s)
{
	size_t n = strlen(s), k;
	uint32_t cp;

	while (n) {
		if (!(k = mv_utf8_next(s, n, &cp))) {
			/* Not UTF-8: one byte becomes U+FFFD, as readers show it. */
			mv_buf_adds(b, MV_UTF8_FFFD);
			s++, n--;
			continue;
		}
		switch (cp) {
		case '&': mv_buf_adds(b, "&amp;"); break;
		case '<': mv_buf_adds(b, "&lt;"); break;
		case '>': mv_buf_adds(b, "&gt;"); break;
		case '"': mv_buf_adds(b, "&quot;"); break;
		case '\'': mv_buf_adds(b, "&apos;"); break;
		default:
			/* XML 1.0 forbids the other C0 controls (even as
			 * references) and U+FFFE, U+FFFF: dropped. */
			if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') ||
			    cp == 0xfffe || cp == 0xffff)
				break;
			mv_buf_add(b, s, k);
		}
		s += k, n -= k;
	}
}

/* <name>text</name> on its own line, indented by depth; nothing for
 * NULL or "". */
static void
tag(struct mv_buf *b, int depth, const char *name, const char *text)
{
	if (!text || !*text)
		return;
	mv_buf_printf(b, "%*s<%s>", depth * 2, "", name);
	mv_xml_escape(b, text);
	mv_buf_printf(b, "</%s>\n", name);
}

static void
tag_int(struct mv_buf *b, int depth, const char *name, long long v)
{
	mv_buf_printf(b, "%*s<%s>%lld</%s>\n", depth * 2, "", name, v, name);
}

/* Every string of array key of o as a <name> element. */
static void
tag_each(struct mv_buf *b, const cJSON *o, const char *key, const char *name)
{
	const cJSON *v;

	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(o, key))
		if (cJSON_IsString(v))
			tag(b, 1, name, v->valuestring);
}

static void
put_ids(struct mv_buf *b, const cJSON *doc)
{
	const cJSON *ext = cJSON_GetObjectItemCaseSensitive(doc, "externalIds");
	long long tmdb = mv_json_int(ext, "tmdb", 0);
	const char *imdb = mv_json_str(ext, "imdb", NULL);

	/* tmdb is the default: it is the id every profile is matched by. */
	if (tmdb > 0)
		mv_buf_printf(b, "  <uniqueid type=\"tmdb\" default=\"true\">%lld</uniqueid>\n", tmdb);
	if (imdb) {
		mv_buf_printf(b, "  <uniqueid type=\"imdb\"%s>", tmdb > 0 ? "" : " default=\"true\"");
		mv_xml_escape(b, imdb);
		mv_buf_adds(b, "</uniqueid>\n");
	}
}

static void
put_crew(struct mv_buf *b, const cJSON *credits)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(credits, "crew"))
		if (strcmp(mv_json_str(c, "job", ""), "Director") == 0)
			tag(b, 1, "director", mv_json_str(c, "name", NULL));
	/* Kodi's <credits> are the writers. */
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(credits, "crew")) {
		const char *job = mv_json_str(c, "job", "");

		if (strcmp(job, "Screenplay") == 0 || strcmp(job, "Writer") == 0)
			tag(b, 1, "credits", mv_json_str(c, "name", NULL));
	}
}

static void
put_actors(struct mv_buf *b, const cJSON *credits)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(credits, "cast")) {
		const char *why, *img = NULL;
		cJSON *p = mv_person_load(mv_json_str(c, "person", ""), &why);

		mv_buf_adds(b, "  <actor>\n");
		tag(b, 2, "name", mv_json_str(c, "name", NULL));
		tag(b, 2, "role", mv_json_str(c, "character", NULL));
		tag_int(b, 2, "order", mv_json_int(c, "order", 0));
		/* A deep person's TMDB profile image; others have none known. */
		if (p && (img = mv_json_str(p, "profilePath", NULL)) && *img == '/') {
			mv_buf_adds(b, "    <thumb>" TMDB_IMAGE_BASE);
			mv_xml_escape(b, img);
			mv_buf_adds(b, "</thumb>\n");
		}
		mv_buf_adds(b, "  </actor>\n");
		cJSON_Delete(p);
	}
}

/*
 * fileinfo/streamdetails from video.media, the probe's description:
 * {"duration": seconds, "video": {codec, width, height, hdr},
 *  "audio": [{codec, channels, language}], "subtitles": [{language}]}.
 */
static void
put_streams(struct mv_buf *b, const cJSON *media)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(media, "video"), *a;
	double dur = mv_json_num(media, "duration", 0);

	if (!cJSON_IsObject(media))
		return;
	mv_buf_adds(b, "  <fileinfo>\n    <streamdetails>\n");
	if (cJSON_IsObject(v)) {
		long long w = mv_json_int(v, "width", 0), h = mv_json_int(v, "height", 0);

		mv_buf_adds(b, "      <video>\n");
		tag(b, 4, "codec", mv_json_str(v, "codec", NULL));
		if (w > 0 && h > 0)
			mv_buf_printf(b, "        <aspect>%.3f</aspect>\n", (double)w / (double)h);
		if (w > 0)
			tag_int(b, 4, "width", w);
		if (h > 0)
			tag_int(b, 4, "height", h);
		if (dur > 0)
			tag_int(b, 4, "durationinseconds", (long long)(dur + 0.5));
		tag(b, 4, "hdrtype", mv_json_str(v, "hdr", NULL));
		mv_buf_adds(b, "      </video>\n");
	}
	cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(media, "audio")) {
		mv_buf_adds(b, "      <audio>\n");
		tag(b, 4, "codec", mv_json_str(a, "codec", NULL));
		tag(b, 4, "language", mv_json_str(a, "language", NULL));
		if (mv_json_int(a, "channels", 0) > 0)
			tag_int(b, 4, "channels", mv_json_int(a, "channels", 0));
		mv_buf_adds(b, "      </audio>\n");
	}
	cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(media, "subtitles")) {
		mv_buf_adds(b, "      <subtitle>\n");
		tag(b, 4, "language", mv_json_str(a, "language", NULL));
		mv_buf_adds(b, "      </subtitle>\n");
	}
	mv_buf_adds(b, "    </streamdetails>\n  </fileinfo>\n");
}

char *
mv_nfo_text(const cJSON *doc)
{
	struct mv_buf b = {0};
	const cJSON *coll = cJSON_GetObjectItemCaseSensitive(doc, "collection");
	const cJSON *credits = cJSON_GetObjectItemCaseSensitive(doc, "credits");
	/* The title a player shows; "lang"'s mv_movie_title_for will choose it. */
	const char *title = mv_json_str(doc, "title", "");
	long long year = mv_json_int(doc, "year", 0);
	double vote = mv_json_num(doc, "voteAverage", -1);

	mv_buf_adds(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\" ?>\n"
	    "<!-- written by mv from Movies/");
	mv_xml_escape(&b, mv_json_str(doc, "id", ""));
	mv_buf_adds(&b, ".json; changes here are overwritten -->\n<movie>\n");
	tag(&b, 1, "title", title);
	tag(&b, 1, "originaltitle", mv_json_str(doc, "originalTitle", title));
	tag(&b, 1, "sorttitle", title);
	if (year > 0)
		tag_int(&b, 1, "year", year);
	tag(&b, 1, "premiered", mv_json_str(doc, "releaseDate", NULL));
	if (mv_json_int(doc, "runtime", 0) > 0)
		tag_int(&b, 1, "runtime", mv_json_int(doc, "runtime", 0));
	tag(&b, 1, "plot", mv_json_str(doc, "overview", NULL));
	tag(&b, 1, "tagline", mv_json_str(doc, "tagline", NULL));
	tag(&b, 1, "mpaa", mv_json_str(doc, "certification", NULL));
	if (vote >= 0)
		mv_buf_printf(&b, "  <ratings>\n    <rating name=\"themoviedb\" max=\"10\""
		    " default=\"true\">\n      <value>%.1f</value>\n    </rating>\n"
		    "  </ratings>\n", vote);
	put_ids(&b, doc);
	tag_each(&b, doc, "genres", "genre");
	tag_each(&b, doc, "productionCountries", "country");
	tag_each(&b, doc, "productionCompanies", "studio");
	if (cJSON_IsObject(coll) && *mv_json_str(coll, "name", "")) {
		mv_buf_adds(&b, "  <set>\n");
		tag(&b, 2, "name", mv_json_str(coll, "name", NULL));
		mv_buf_adds(&b, "  </set>\n");
	}
	put_crew(&b, credits);
	put_actors(&b, credits);
	put_streams(&b, cJSON_GetObjectItemCaseSensitive(
	    mv_movie_video(doc), "media"));
	mv_buf_adds(&b, "</movie>\n");
	return b.buf;
}

char *
mv_nfo_video(const cJSON *doc)
{
	const char *p = mv_json_str(mv_movie_video(doc), "path", NULL);

	/* Filed videos only: one in incoming/ or quarantine/ is not ours yet. */
	if (!p || strncmp(p, "assets/videos/", 14) != 0 || strstr(p, "/../"))
		return NULL;
	return mv_path("%s", p);
}

char *
mv_nfo_sidecar(const char *video, const char *suffix)
{
	const char *slash = strrchr(video, '/'), *dot = strrchr(video, '.');
	size_t n = dot && (!slash || dot > slash + 1) ? (size_t)(dot - video) : strlen(video);

	return mv_xasprintf("%.*s%s", (int)n, video, suffix);
}

/* 1 if path holds exactly the len bytes of p. */
static int
same_content(const char *path, const char *p, size_t len)
{
	char *old;
	size_t olen;
	int same;

	if (mv_slurp(path, len + 1, &old, &olen) < 0)
		return 0;
	same = olen == len && memcmp(old, p, len) == 0;
	free(old);
	return same;
}

/*
 * Put the image rel (data-relative) at dst: a hard link renamed over dst
 * (atomic, and no second copy), else a copy written atomically. Returns
 * 1 if dst changed, 0 if it was already that image, -2 if rel is not
 * there (assets/images/ is a bounded cache: mvctl gc may have trimmed
 * it), -1 with errno.
 */
static int
place_image(const char *rel, const char *dst)
{
	char *src = mv_path("%s", rel), *tmp, *buf;
	struct stat s, d;
	size_t len;
	int r;

	if (stat(src, &s) < 0) {
		r = errno == ENOENT ? -2 : -1;
		free(src);
		return r;
	}
	if (stat(dst, &d) == 0 && d.st_dev == s.st_dev && d.st_ino == s.st_ino) {
		free(src);
		return 0;
	}
	tmp = mv_xasprintf("%s.tmp.%ld", dst, (long)getpid());
	unlink(tmp);
	if (link(src, tmp) == 0) {
		if ((r = rename(tmp, dst)) < 0)
			unlink(tmp);
		free(tmp);
		free(src);
		return r < 0 ? -1 : 1;
	}
	free(tmp);
	/* Another filesystem (a library root on a NAS): copy. */
	r = mv_slurp(src, (size_t)s.st_size + 1, &buf, &len);
	free(src);
	if (r < 0)
		return -1;
	if (same_content(dst, buf, len))
		r = 0;
	else
		r = mv_write_atomic(dst, buf, len) < 0 ? -1 : 1;
	free(buf);
	return r;
}

/* The poster and fanart, when the profile has images (deep). */
static int
write_art(const cJSON *doc, const char *video, int *what)
{
	static const struct { const char *key, *suffix; int bit; } art[] = {
		{"poster", "-poster.jpg", MV_NFO_POSTER},
		{"backdrop", "-fanart.jpg", MV_NFO_FANART},
	};
	const cJSON *images = cJSON_GetObjectItemCaseSensitive(doc, "images");

	for (size_t i = 0; i < sizeof art / sizeof art[0]; i++) {
		const char *rel = mv_json_str(images, art[i].key, NULL);
		char *dst;
		int r;

		if (!rel || strncmp(rel, "assets/images/", 14) != 0 || strstr(rel, ".."))
			continue;
		dst = mv_nfo_sidecar(video, art[i].suffix);
		r = place_image(rel, dst);
		if (r == -2) {
			/* A trimmed cache is no failure of the export: the NFO
			 * and the other image are written, what is there stays,
			 * and the user learns how to get the image back. */
			mv_warnx("%s: %s is no longer in the image cache (trimmed by "
			    "mvctl gc); kept %s as it is; mvctl enrich %s --level %s fetches it again",
			    mv_json_str(doc, "id", "?"), rel, dst, mv_json_str(doc, "id", "?"),
			    mv_json_str(doc, "level", "deep"));
			free(dst);
			continue;
		}
		if (r < 0) {
			mv_warn("write %s", dst);
			free(dst);
			return mv_exit_for_errno(errno);
		}
		if (r > 0)
			*what |= art[i].bit;
		free(dst);
	}
	return 0;
}

int
mv_nfo_write(const cJSON *doc, int *what)
{
	char *video, *nfo, *text;
	struct stat st;
	int code = 0;

	*what = 0;
	if (!(video = mv_nfo_video(doc)))
		return 0;
	if (stat(video, &st) < 0 || !S_ISREG(st.st_mode)) {
		/* Gone or moving (a rename under way): nothing to sit beside. */
		free(video);
		return 0;
	}
	nfo = mv_nfo_sidecar(video, ".nfo");
	/* Below basic, an NFO already written keeps what basic knew. */
	if (mv_profile_level(doc) < MV_BASIC && access(nfo, F_OK) == 0) {
		*what = MV_NFO_KEPT;
	} else {
		text = mv_nfo_text(doc);
		if (!same_content(nfo, text, strlen(text))) {
			if (mv_write_atomic(nfo, text, strlen(text)) < 0) {
				mv_warn("write %s", nfo);
				code = mv_exit_for_errno(errno);
			} else
				*what |= MV_NFO_NFO;
		}
		free(text);
	}
	if (code == 0)
		code = write_art(doc, video, what);
	free(nfo);
	free(video);
	return code;
}
