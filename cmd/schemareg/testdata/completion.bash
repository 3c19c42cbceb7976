# bash completion for schemareg, written by "schemareg completion bash".
# Load it from ~/.bashrc: source <(schemareg completion bash)

# _schemareg_flags CMD sets REPLY to the flags of a command.
_schemareg_flags() {
	case $1 in
	validate) REPLY='--format --max-bytes' ;;
	diff) REPLY='--color --format --mode --policy --repo' ;;
	export) REPLY='--format --repo' ;;
	compile) REPLY='--dir --format --max-bytes --memory-limit --out --policy --ref --repo --since-bundle --strict' ;;
	check) REPLY='--base --color --dir --format --head --mode --policy --repo --since-bundle' ;;
	sync) REPLY='--bundle --call-timeout --debounce --dir --dry-run --elect --etcd --etcd-ca --etcd-cert --etcd-dial-timeout --etcd-key --etcd-password --etcd-user --force --keep-generations --lease-ttl --log-format --metrics-addr --poll --prefix --ref --repo --timeout --watch' ;;
	import) REPLY='--author --dir --dry-run --from --repo --subjects --timeout' ;;
	serve) REPLY='--addr --cache-bytes --cache-ttl --call-timeout --confluent-prefix --confluent-subjects --etcd --etcd-ca --etcd-cert --etcd-dial-timeout --etcd-key --etcd-password --etcd-user --event-heartbeat --git-author --git-branch --git-dir --git-repo --idle-timeout --log-format --max-age --max-batch --max-body --max-event-streams --policy --prefix --rate-burst --rate-limit --read-header-timeout --read-timeout --shutdown-grace --stream-idle --stream-timeout --tls-cert --tls-client-ca --tls-key --write-timeout --write-token-file' ;;
	snapshot) REPLY='--etcd --etcd-ca --etcd-cert --etcd-dial-timeout --etcd-key --etcd-password --etcd-user --every --keep --log-format --pushgateway --s3-endpoint --s3-path-style --s3-region --temp-dir --to' ;;
	restore) REPLY='--bump-revision --data-dir --from --from-bundle --initial-advertise-peer-urls --initial-cluster --initial-cluster-token --log-format --name --prefix --s3-endpoint --s3-path-style --s3-region --snapshot --temp-dir' ;;
	site) REPLY='--base-url --bundle --out --title' ;;
	action) REPLY='--comment --fail-on --labels --mode --override-label --policy --report --schemas-dir --since-bundle' ;;
	dev) REPLY='--addr --data-dir --dir --etcd-client-url --etcd-peer-url --force --log-format --poll --prefix --ref --repo --snapshot-every --snapshot-to --sync' ;;
	version) REPLY='' ;;
	completion) REPLY='' ;;
	help) REPLY='' ;;
	*) REPLY= ;;
	esac
}

# _schemareg_args CMD sets REPLY to the words a command's arguments are;
# it fails when they are file names.
_schemareg_args() {
	case $1 in
	completion) REPLY='bash zsh fish' ;;
	help) REPLY='validate diff export compile check sync import serve snapshot restore site action dev version completion' ;;
	*) return 1 ;;
	esac
}

# _schemareg_values CMD FLAG sets REPLY to the values of a flag that takes
# one of a fixed set; it returns 1 for a flag whose value is any word (a
# file name), 2 for a flag that takes no value or is unknown.
_schemareg_values() {
	case $1:$2 in
	validate:max-bytes) return 1 ;;
	diff:repo) return 1 ;;
	export:repo) return 1 ;;
	compile:dir|compile:max-bytes|compile:memory-limit|compile:out|compile:ref|compile:repo|compile:since-bundle) return 1 ;;
	check:base|check:dir|check:head|check:repo|check:since-bundle) return 1 ;;
	sync:bundle|sync:call-timeout|sync:debounce|sync:dir|sync:etcd|sync:etcd-ca|sync:etcd-cert|sync:etcd-dial-timeout|sync:etcd-key|sync:etcd-password|sync:etcd-user|sync:keep-generations|sync:lease-ttl|sync:metrics-addr|sync:poll|sync:prefix|sync:ref|sync:repo|sync:timeout) return 1 ;;
	import:author|import:dir|import:from|import:repo|import:subjects|import:timeout) return 1 ;;
	serve:addr|serve:cache-bytes|serve:cache-ttl|serve:call-timeout|serve:confluent-prefix|serve:etcd|serve:etcd-ca|serve:etcd-cert|serve:etcd-dial-timeout|serve:etcd-key|serve:etcd-password|serve:etcd-user|serve:event-heartbeat|serve:git-author|serve:git-branch|serve:git-dir|serve:git-repo|serve:idle-timeout|serve:max-age|serve:max-batch|serve:max-body|serve:max-event-streams|serve:prefix|serve:rate-burst|serve:rate-limit|serve:read-header-timeout|serve:read-timeout|serve:shutdown-grace|serve:stream-idle|serve:stream-timeout|serve:tls-cert|serve:tls-client-ca|serve:tls-key|serve:write-timeout|serve:write-token-file) return 1 ;;
	snapshot:etcd|snapshot:etcd-ca|snapshot:etcd-cert|snapshot:etcd-dial-timeout|snapshot:etcd-key|snapshot:etcd-password|snapshot:etcd-user|snapshot:every|snapshot:keep|snapshot:pushgateway|snapshot:s3-endpoint|snapshot:s3-region|snapshot:temp-dir|snapshot:to) return 1 ;;
	restore:bump-revision|restore:data-dir|restore:from|restore:from-bundle|restore:initial-advertise-peer-urls|restore:initial-cluster|restore:initial-cluster-token|restore:name|restore:prefix|restore:s3-endpoint|restore:s3-region|restore:snapshot|restore:temp-dir) return 1 ;;
	site:base-url|site:bundle|site:out|site:title) return 1 ;;
	action:override-label|action:report|action:schemas-dir|action:since-bundle) return 1 ;;
	dev:addr|dev:data-dir|dev:dir|dev:etcd-client-url|dev:etcd-peer-url|dev:poll|dev:prefix|dev:ref|dev:repo|dev:snapshot-every|dev:snapshot-to) return 1 ;;
	validate:format|compile:format|sync:log-format|serve:log-format|snapshot:log-format|restore:log-format|dev:log-format) REPLY='text json' ;;
	diff:color|check:color) REPLY='auto always never' ;;
	diff:format|check:format) REPLY='text json markdown github' ;;
	diff:mode|check:mode|action:mode) REPLY='BACKWARD BACKWARD_TRANSITIVE FORWARD FORWARD_TRANSITIVE FULL FULL_TRANSITIVE NONE' ;;
	diff:policy|compile:policy|check:policy|serve:policy|action:policy) REPLY='LENIENT STRICT' ;;
	export:format) REPLY='great-expectations' ;;
	serve:confluent-subjects) REPLY='id id-value' ;;
	action:comment|action:labels) REPLY='true false' ;;
	action:fail-on) REPLY='invalid-bump breaking never' ;;
	*) return 2 ;;
	esac
}

# _schemareg_files completes file names, each after the prefix $1.
_schemareg_files() {
	local IFS=$'\n'
	compopt -o filenames 2>/dev/null
	COMPREPLY=($(compgen -P "$1" -f -- "$cur"))
}

_schemareg() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd=${COMP_WORDS[1]}
	local flag= pre= i REPLY
	COMPREPLY=()
	if ((COMP_CWORD == 1)); then
		COMPREPLY=($(compgen -W 'validate diff export compile check sync import serve snapshot restore site action dev version completion help --help --version' -- "$cur"))
		return 0
	fi
	# After "--", every word is an argument.
	for ((i = 2; i < COMP_CWORD; i++)); do
		if [[ ${COMP_WORDS[i]} == -- ]]; then
			_schemareg_files
			return 0
		fi
	done
	# A flag's value: --flag VALUE, or --flag=VALUE, which bash splits into
	# three words when COMP_WORDBREAKS holds "=".
	if [[ $cur == = && $prev == -* ]]; then
		flag=$prev cur=
	elif [[ $prev == = ]] && ((COMP_CWORD > 2)) && [[ ${COMP_WORDS[COMP_CWORD-2]} == -* ]]; then
		flag=${COMP_WORDS[COMP_CWORD-2]}
	elif [[ $cur == -*=* ]]; then
		flag=${cur%%=*} pre=${cur%%=*}= cur=${cur#*=}
	elif [[ $prev == -?* ]]; then
		flag=$prev
	fi
	if [[ -n $flag ]]; then
		flag=${flag#-}
		_schemareg_values "$cmd" "${flag#-}"
		case $? in
		0)
			COMPREPLY=($(compgen -P "$pre" -W "$REPLY" -- "$cur"))
			return 0
			;;
		1)
			_schemareg_files "$pre"
			return 0
			;;
		esac
		[[ -n $pre ]] && return 0 # --flag=VALUE of a flag that takes none
	fi
	if [[ $cur == -* ]]; then
		_schemareg_flags "$cmd"
		COMPREPLY=($(compgen -W "$REPLY" -- "$cur"))
	elif _schemareg_args "$cmd"; then
		COMPREPLY=($(compgen -W "$REPLY" -- "$cur"))
	else
		_schemareg_files
	fi
	return 0
}

complete -F _schemareg schemareg
