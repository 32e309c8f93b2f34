#!/usr/bin/env bash
# tests/functional/bash_completion_test.sh - the generated bash completion loads in bash, registers
# itself for `trainchain`, and completes subcommands and options at the first and second level.
# Usage: bash_completion_test.sh SCRIPT TRAINCHAIN
set -euo pipefail
script=$1
trainchain=$2

fail() {
    echo "bash_completion_test: $*" >&2
    exit 1
}

# The script the build installed is the one the binary prints.
cmp -s "$script" <("$trainchain" completion bash) || fail "$script differs from \`trainchain completion bash\`"

# complete WORDS...: what the completion offers for the last word (the one being typed).
complete_words() {
    bash --norc --noprofile -c '
        source "$1" || exit 1
        shift
        COMP_WORDS=("$@")
        COMP_CWORD=$(($# - 1))
        COMP_LINE="$*"
        COMP_POINT=${#COMP_LINE}
        COMPREPLY=()
        _trainchain trainchain "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
        printf "%s\n" "${COMPREPLY[@]}"
    ' bash "$script" "$@"
}

registered=$(bash --norc --noprofile -c 'source "$1" && complete -p trainchain' bash "$script")
[[ $registered == *"-F _trainchain trainchain"* ]] || fail "complete -p trainchain: '$registered'"

[ "$(complete_words trainchain ch)" = chain ] || fail "'trainchain ch' offers '$(complete_words trainchain ch)'"
got=$(complete_words trainchain chain "" | sort | tr '\n' ' ')
for sub in init append; do
    [[ " $got" == *" $sub "* ]] || fail "'trainchain chain ' offers '$got', not $sub"
done
got=$(complete_words trainchain serve --po)
[ "$got" = --port ] || fail "'trainchain serve --po' offers '$got'"
got=$(complete_words trainchain -)
[[ $got == *--version* && $got == *--help* ]] || fail "'trainchain -' offers '$got'"
got=$(complete_words trainchain chain init --diff)
[ "$got" = --difficulty ] || fail "'trainchain chain init --diff' offers '$got'"
# A flag takes no value: what follows it is completed as usual.
got=$(complete_words trainchain exec --json --dep)
[ "$got" = --deploy ] || fail "'trainchain exec --json --dep' offers '$got'"
echo "bash completion: loads, completes subcommands and options"
