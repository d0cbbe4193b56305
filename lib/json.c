/* json.c: small typed accessors over cJSON, so tools never touch valueint. */
#include <math.h>
#include <stdlib.h>

#include "mv.h"

const char *
mv_json_str(const cJSON *o, const char *key, const char *def)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : def;
}

double
mv_json_num(const cJSON *o, const char *key, double def)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(v) ? v->valuedouble : def;
}

long long
mv_json_int(const cJSON *o, const char *key, long long def)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	/* valueint saturates at INT_MAX; valuedouble is exact to 2^53. */
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) ||
	    fabs(v->valuedouble) > 9007199254740992.0)
		return def;
	return (long long)v->valuedouble;
}

void
mv_json_set(cJSON *o, const char *key, cJSON *v)
{
	if (!v)
		mv_die(MV_EX_SOFTWARE, "allocate memory");
	if (cJSON_GetObjectItemCaseSensitive(o, key))
		cJSON_ReplaceItemInObjectCaseSensitive(o, key, v);
	else
		cJSON_AddItemToObject(o, key, v);
}

char *
mv_json_compact(const cJSON *v)
{
	char *s = cJSON_PrintUnformatted(v);

	if (!s)
		mv_die(MV_EX_SOFTWARE, "allocate memory");
	return s;
}
