/* fuzz_event.c: libFuzzer target for the event parser (mv_event_parse),
 * type matching and the emitter. Build and run: make fuzz FUZZ=event. */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mv.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* Emitted events go nowhere; the emitter still runs in full. */
	mv_out_fd(open("/dev/null", O_WRONLY));
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, *txt, *txt2;
	const char *why = NULL, *why2, *type;
	cJSON *ev, *again;
	size_t len = size;

	if (size > 1 << 16)
		return 0;
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	/* As mv_lines hands lines over: NUL-terminated at len. */
	ev = mv_event_parse(s, len, &why);
	if (!ev) {
		if (!why || !*why)
			abort();
		free(s);
		return 0;
	}
	/* Invariants of an accepted event. */
	type = mv_event_type(ev);
	if (!cJSON_IsObject(ev) || !type || !*type)
		abort();
	if (mv_event_data(ev) && !cJSON_IsObject(mv_event_data(ev)))
		abort();
	if (!mv_event_match("*", type))
		abort();
	/* A type is its own pattern unless it reads as a list or a glob. */
	if (!strchr(type, ',') && !mv_event_match(type, type))
		abort();
	(void)mv_event_match(s, type); /* any pattern text is safe */
	(void)mv_event_subject(ev);
	/* Compact text parses back to the same event. */
	txt = cJSON_PrintUnformatted(ev);
	if (!txt)
		abort();
	again = mv_event_parse(txt, strlen(txt), &why2);
	if (!again)
		abort();
	/* Text, not cJSON_Compare: that one looks duplicate names up by
	 * name and so calls {"a":1,"a":2} unequal to itself. */
	txt2 = cJSON_PrintUnformatted(again);
	if (!txt2 || strcmp(txt, txt2) != 0)
		abort();
	free(txt2);
	/* The emitter refuses what is over MV_EVENT_MAX, never splits it. */
	if ((mv_event_emit(ev, 1) == 0) != (strlen(txt) <= MV_EVENT_MAX))
		abort();
	cJSON_Delete(again);
	free(txt);
	cJSON_Delete(ev);
	free(s);
	return 0;
}
