# mvctl.bash: bash completion for mvctl: verbs, their options, and movie or
# person ids from the library's index. Installed into
# $(PREFIX)/share/bash-completion/completions/mvctl.

# Ids and titles from index/<name>.json of the data directory mvctl uses.
_mvctl_ids() {
	local data=${MV_DATA:-${XDG_DATA_HOME:-$HOME/.local/share}/mv} i
	for ((i = 1; i < COMP_CWORD; i++)); do
		[[ ${COMP_WORDS[i]} == --data ]] && data=${COMP_WORDS[i + 1]}
	done
	[[ -r $data/index/$1.json ]] || return
	if command -v jq >/dev/null 2>&1; then
		jq -r '.items[].id' "$data/index/$1.json" 2>/dev/null
	else
		grep -o '"id":[[:space:]]*"[mp][0-9]*"' "$data/index/$1.json" |
			grep -o '[mp][0-9]*"$' | tr -d '"'
	fi
}

_mvctl() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local verbs="init check migrate rename repair gc add import plan status ls show people request open
		enrich downgrade export reindex stats events review parse version help"
	local common="--data --config --json --text --help" verb= i opts=

	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--data|--config) ((i++)) ;;
		-*) ;;
		*) verb=${COMP_WORDS[i]}; break ;;
		esac
	done
	case $prev in
	--data) COMPREPLY=($(compgen -d -- "$cur")); return ;;
	--config) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--level) COMPREPLY=($(compgen -W "minimal light basic medium deep" -- "$cur")); return ;;
	--sort) COMPREPLY=($(compgen -W "title year added lastRead id -title -year -added -lastRead -id" -- "$cur")); return ;;
	--type) COMPREPLY=($(compgen -W "mv.file.* mv.movie.* mv.person.* mv.video.added
		mv.index.updated mv.stats.updated mv.error" -- "$cur")); return ;;
	--page|--per-page|--query|--since|--unread-since|--budget|--cache-max|--images-max|--tmdb|--person)
		return ;;
	esac
	if [[ -z $verb ]]; then
		COMPREPLY=($(compgen -W "$verbs $common --version" -- "$cur"))
		return
	fi
	case $verb in
	init) opts= ;;
	check) opts="--boot" ;;
	migrate|repair) opts="--dry-run" ;;
	rename) opts="--dry-run --all" ;;
	gc) opts="--cache-max --images-max --dry-run" ;;
	add) opts="--person --copy --tmdb" ;;
	import) opts="--dry-run --in-place --move" ;;
	plan) opts= ;;
	ls) opts="--page --per-page --sort --query" ;;
	people) opts="--movies --page --per-page --sort" ;;
	request) opts="--level" ;;
	enrich) opts="--level --all" ;;
	export) opts="--all" ;;
	downgrade) opts="--level --unread-since --budget --dry-run" ;;
	events) opts="--follow --type --since" ;;
	help) COMPREPLY=($(compgen -W "$verbs" -- "$cur")); return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts $common" -- "$cur"))
		return
	fi
	case $verb in
	show|request|open|enrich|rename) COMPREPLY=($(compgen -W "$(_mvctl_ids movies)" -- "$cur")) ;;
	people) COMPREPLY=($(compgen -W "$(_mvctl_ids people)" -- "$cur")) ;;
	add|plan) COMPREPLY=($(compgen -f -- "$cur")) ;;
	import) COMPREPLY=($(compgen -d -- "$cur")) ;;
	parse) COMPREPLY=($(compgen -f -- "$cur")) ;;
	esac
}
complete -F _mvctl mvctl
