#!/bin/sh
# Compares the agent's `repeat` fast path with the plain C fork loop:
#   native/tools/bench-repeat.sh BIN_DIR [N] [ROUNDS]
# Alternates the two ROUNDS times (the machine's noise hits both alike) and
# prints each rate and the ratio of the medians (the goal: >= 0.9).
set -eu
bin=${1:?usage: bench-repeat.sh BIN_DIR [N] [ROUNDS]}
n=${2:-10000}
rounds=${3:-5}
plain=""
agent=""
i=0
while [ "$i" -lt "$rounds" ]; do
	p=$("$bin/proclab-forkloop" "$n" | awk '{print $2}')
	us=$(printf 'start\nrepeat %s { fork main w{i} ; exit w{i} 0 ; wait main w{i} }\nquit\n' "$n" |
		"$bin/proclab-agent" | grep '"cmd":"repeat"' | sed 's/.*"t_us":\([0-9]*\).*/\1/')
	a=$(awk -v n="$n" -v us="$us" 'BEGIN{printf "%.0f", n / (us / 1e6)}')
	plain="$plain $p"
	agent="$agent $a"
	i=$((i + 1))
done
median() { echo "$@" | tr ' ' '\n' | grep . | sort -n | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}'; }
mp=$(median $plain)
ma=$(median $agent)
echo "forkloop forks_per_s:$plain (median $mp)"
echo "repeat   forks_per_s:$agent (median $ma)"
awk -v a="$ma" -v p="$mp" 'BEGIN{printf "ratio %.2f\n", a / p}'
