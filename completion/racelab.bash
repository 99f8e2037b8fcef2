# bash completion for racelab                              -*- shell-script -*-
#
# Installed by `make install` as $(PREFIX)/share/bash-completion/completions/
# racelab (bash-completion loads it on first use); or, without installing:
#
#	. completion/racelab.bash
#
# Commands, options and strategy names are read from racelab itself
# (`racelab --help`, `racelab COMMAND --help`, `racelab list`), so they never
# drift from the binary being completed.

_racelab_words() # COMMAND...: the --long options its help lists
{
	"$_racelab_bin" "$@" --help 2>/dev/null |
		sed -n 's/^ *\(-[a-zA-Z], \)\{0,1\}\(--[a-z][a-z-]*\).*/\2/p' | sort -u
}

_racelab()
{
	local cur prev cmd i
	_racelab_bin=${COMP_WORDS[0]}
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	cmd=${COMP_WORDS[1]}

	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "$("$_racelab_bin" --help 2>/dev/null |
			awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { on = 0 }') --help --version" -- "$cur"))
		return
	fi
	case $prev in
	--strategy | -s)
		COMPREPLY=($(compgen -W "all $("$_racelab_bin" list 2>/dev/null |
			awk '/^  [a-z]/ { print $1 }')" -- "$cur"))
		return ;;
	--strategies)
		COMPREPLY=($(compgen -W "all default $("$_racelab_bin" list 2>/dev/null |
			awk '/^  [a-z]/ { print $1 }')" -- "$cur"))
		return ;;
	--mode | -m)
		COMPREPLY=($(compgen -W "process thread" -- "$cur"))
		return ;;
	--format | -f)
		COMPREPLY=($(compgen -W "table csv json" -- "$cur"))
		return ;;
	--window | -w)
		COMPREPLY=($(compgen -W "none yield spin: sleep: random:" -- "$cur"))
		return ;;
	--collisions)
		COMPREPLY=($(compgen -W "1 3 10 all" -- "$cur"))
		return ;;
	--trace | --trace-svg | --svg | --lock-file | --path | --export-json | --from)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	esac
	case $cmd in
	help)
		[ "$COMP_CWORD" -eq 2 ] &&
			COMPREPLY=($(compgen -W "run list bench segment counter trace help" -- "$cur"))
		return ;;
	segment | counter)
		if [ "$COMP_CWORD" -eq 2 ]; then
			COMPREPLY=($(compgen -W "create incr show destroy" -- "$cur"))
			return
		fi
		COMPREPLY=($(compgen -W "$(_racelab_words "$cmd" "${COMP_WORDS[2]}")" -- "$cur"))
		return ;;
	trace)
		if [[ $cur != -* ]]; then
			COMPREPLY=($(compgen -f -X '!*.csv' -- "$cur"))
			for i in $(compgen -d -- "$cur"); do COMPREPLY+=("$i/"); done
			return
		fi ;;
	esac
	COMPREPLY=($(compgen -W "$(_racelab_words "$cmd")" -- "$cur"))
}

complete -F _racelab racelab ./racelab
