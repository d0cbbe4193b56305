/* do.c: mvctl init, reindex, downgrade, request, enrich: set tools to work. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mv.h"
#include "mvctl.h"

/* reindex: mvindex --rebuild. */
int
v_reindex(int argc, char **argv)
{
	char *av[] = { "mvindex", "--rebuild", NULL };

	ctl_only_common(argc, argv);
	if (optind < argc)
		ctl_usage_error("unexpected argument \"%s\"", argv[optind]);
	ctl_open_library();
	return mv_tool_exec(av);
}

/*
 * init: make a new, empty, valid library (the layout and empty indexes).
 * Running it on an existing library changes nothing, so the supervisor
 * and scripts can call it unconditionally before `mvctl check`.
 */
int
v_init(int argc, char **argv)
{
	const char *dir;
	char *av[] = { "mvindex", "--rebuild", NULL };
	char *index;
	int code, exists;

	ctl_only_common(argc, argv);
	if (optind < argc)
		ctl_usage_error("unexpected argument \"%s\"", argv[optind]);
	dir = ctl_opt_data ? ctl_opt_data : mv_config_get("data", NULL);
	if ((code = mv_data_open(dir, 1)) != 0)
		return code;
	index = mv_path("index/movies.json");
	exists = access(index, F_OK) == 0;
	free(index);
	if (exists)
		return MV_EX_OK;
	setenv("MV_DATA", mv_data, 1);
	mv_config_export();
	return mv_tool_run(av, -1, -1);
}

/* downgrade: mvdowngrade with the same options, checked there. */
int
v_downgrade(int argc, char **argv)
{
	char **av = mv_xcalloc((size_t)argc + 1, sizeof *av);

	/* Only --help and --data are looked at; mvdowngrade checks the rest. */
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			ctl_common_opt('h');
		if ((!strcmp(argv[i], "--data") || !strcmp(argv[i], "-d")) && i + 1 < argc)
			ctl_opt_data = argv[i + 1];
		else if (!strncmp(argv[i], "--data=", 7))
			ctl_opt_data = argv[i] + 7;
	}
	ctl_open_library();
	av[0] = "mvdowngrade";
	for (int i = 1; i < argc; i++)
		av[i] = argv[i];
	return mv_tool_exec(av);
}

/* An mv.movie.requested event for id, asking for level (NULL: next).
 * reason is "user" (a read, counted by mvstat) or "maintenance". */
static cJSON *
request_event(const char *id, const char *level, const char *reason)
{
	cJSON *d = cJSON_CreateObject();

	cJSON_AddStringToObject(d, "id", id);
	if (level)
		cJSON_AddStringToObject(d, "level", level);
	cJSON_AddStringToObject(d, "reason", reason);
	return mv_event_new("mv.movie.requested", id, d);
}

/* Check a --level argument; returns the canonical name. */
static const char *
level_arg(const char *s)
{
	enum mv_level l = mv_level_parse(s);

	if (l == MV_LEVEL_BAD)
		ctl_usage_error("bad level \"%s\": minimal, basic (light), medium or deep", s);
	return mv_level_name(l);
}

/* request and open: one mv.movie.requested, "what a click does". */
int
v_request(int argc, char **argv)
{
	static const struct option lo[] = {
		{"level", required_argument, NULL, 'l'},
		COMMON_OPTS
	};
	const char *level = NULL;
	cJSON *evs;
	char *id;
	int c;

	while ((c = getopt_long(argc, argv, "d:hl:", lo, NULL)) != -1) {
		if (c == 'l' && strcmp(ctl_cur->name, "open"))
			level = level_arg(optarg);
		else
			ctl_common_opt(c);
	}
	if (argc - optind != 1)
		ctl_usage_error("%s", "expected one movie ID");
	ctl_open_library();
	if (!(id = ctl_resolve_id('m', argv[optind])))
		return MV_EX_NOTFOUND;
	evs = cJSON_CreateArray();
	cJSON_AddItemToArray(evs, request_event(id, level, "user"));
	free(id);
	return ctl_send_events(evs);
}

/* enrich: a request at --level for one movie, or for --all below it. */
int
v_enrich(int argc, char **argv)
{
	static const struct option lo[] = {
		{"level", required_argument, NULL, 'l'},
		{"all", no_argument, NULL, 'a'},
		COMMON_OPTS
	};
	const char *level = NULL;
	int c, all = 0;
	cJSON *evs, *idx, *items, *it;
	char *id;

	while ((c = getopt_long(argc, argv, "d:hl:a", lo, NULL)) != -1) {
		switch (c) {
		case 'l': level = level_arg(optarg); break;
		case 'a': all = 1; break;
		default: ctl_common_opt(c);
		}
	}
	if (!level)
		ctl_usage_error("%s", "--level is required");
	if (all != (argc - optind == 0) || argc - optind > 1)
		ctl_usage_error("%s", "expected one movie ID or --all");
	ctl_open_library();
	evs = cJSON_CreateArray();
	if (!all) {
		if (!(id = ctl_resolve_id('m', argv[optind]))) {
			cJSON_Delete(evs);
			return MV_EX_NOTFOUND;
		}
		cJSON_AddItemToArray(evs, request_event(id, level, "maintenance"));
		free(id);
		return ctl_send_events(evs);
	}
	/* Only the movies below the level: a request never lowers one. */
	idx = ctl_load_index("movies", &items);
	cJSON_ArrayForEach(it, items)
		if (mv_level_parse(mv_json_str(it, "level", "")) < mv_level_parse(level))
			cJSON_AddItemToArray(evs, request_event(mv_json_str(it, "id", "?"),
			    level, "maintenance"));
	cJSON_Delete(idx);
	if (!cJSON_GetArraySize(evs)) {
		if (isatty(1))
			printf("every movie is at %s or above\n", level);
		cJSON_Delete(evs);
		return MV_EX_OK;
	}
	return ctl_send_events(evs);
}
