/* export.c: mvctl export, the NFOs and artwork of some movies or all, now (runs mvnfo). */
#include <getopt.h>
#include <stdlib.h>

#include "mv.h"
#include "mvctl.h"

/*
 * export [--all | ID...]: resolve every token first (a bad one stops the
 * verb before anything is written), then hand the ids to mvnfo's
 * one-shot mode, the one writer of NFOs.
 */
int
v_export(int argc, char **argv)
{
	static const struct option lo[] = {
		{"all", no_argument, NULL, 'a'},
		COMMON_OPTS
	};
	char **av;
	int c, all = 0, n = 0, bad = 0;

	while ((c = getopt_long(argc, argv, "d:ha", lo, NULL)) != -1) {
		if (c == 'a')
			all = 1;
		else
			ctl_common_opt(c);
	}
	if (all == (optind < argc))
		ctl_usage_error("%s", all ? "--all takes no ID" : "an ID or --all is needed");
	ctl_report_text();
	ctl_open_library();
	av = mv_xcalloc((size_t)(argc - optind) + 3, sizeof *av);
	av[n++] = "mvnfo";
	if (all)
		av[n++] = "--all";
	for (int i = optind; i < argc; i++)
		if (!(av[n] = ctl_resolve_id('m', argv[i])))
			bad = 1;
		else
			n++;
	if (bad) {
		/* av[0] and "--all" are static; the resolved ids are ours. */
		for (int i = all ? 2 : 1; i < n; i++)
			free(av[i]);
		free(av);
		return MV_EX_NOTFOUND;
	}
	return mv_tool_exec(av);
}
