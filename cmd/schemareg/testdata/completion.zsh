#compdef schemareg
# zsh completion for schemareg, written by "schemareg completion zsh".
# Install it as _schemareg in a folder of $fpath, before compinit runs:
#   schemareg completion zsh > ~/.zfunc/_schemareg  (and fpath=(~/.zfunc $fpath) in ~/.zshrc)

_schemareg() {
	local -a commands
	commands=(
		'validate:check schema files: JSON, registry fields, JSON Schema, ids, $refs'
		'diff:compare two schemas and report every change and the bump it requires'
		'export:write a schema as another tool'\''s artifact: a Great Expectations suite'
		'compile:walk the Git history of schemas/ and write a versioned bundle'
		'check:judge the schema changes between two commits (the pull-request verdict)'
		'sync:publish a bundle into etcd atomically; --watch to follow new bundles'
		'import:write a Confluent-compatible registry'\''s JSON schemas as Git history'
		'serve:serve the REST API from etcd'
		'snapshot:stream an etcd snapshot to S3 or a folder'
		'restore:restore an etcd data dir from a snapshot or a bundle'
		'site:generate the static docs site from a bundle'
		'action:run as the GitHub Action on a pull request'
		'dev:run the whole registry locally: etcd, compile, sync, serve, watch'
		'version:print the version, commit and Go version'
		'completion:print the shell completion script for bash, zsh or fish'
		'help:print the commands, or a command'\''s flags'
	)
	if ((CURRENT == 2)); then
		if [[ $PREFIX == -* ]]; then
			compadd -- --help --version
		else
			_describe -t commands 'schemareg command' commands
		fi
		return
	fi
	local cmd=$words[2]
	shift words
	((CURRENT--))
	curcontext="${curcontext%:*:*}:schemareg-$cmd:"
	case $cmd in
	(validate)
		_arguments -S \
			'--format=[output format\: text or json]:format:(text json)' \
			'--max-bytes=[reject schema files larger than this many bytes]:max-bytes:_files' \
			'*:file:_files'
		;;
	(diff)
		_arguments -S \
			'--color=[colour in the text format\: auto (when writing to a terminal), always or never]:color:(auto always never)' \
			'--format=[output format\: text, json, markdown, github]:format:(text json markdown github)' \
			'--mode=[compatibility mode\: BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE or NONE]:mode:(BACKWARD BACKWARD_TRANSITIVE FORWARD FORWARD_TRANSITIVE FULL FULL_TRANSITIVE NONE)' \
			'--policy=[policy for open content models\: LENIENT or STRICT]:policy:(LENIENT STRICT)' \
			'--repo=[Git repository that REV\:path arguments read from]:repo:_files' \
			'*:file:_files'
		;;
	(export)
		_arguments -S \
			'--format=[what to write\: great-expectations (an ExpectationSuite, GX Core 1.x JSON)]:format:(great-expectations)' \
			'--repo=[Git repository that REV\:path arguments read from]:repo:_files' \
			'*:file:_files'
		;;
	(compile)
		_arguments -S \
			'--dir=[the schemas folder inside the repository]:dir:_files' \
			'--format=[report format\: text or json]:format:(text json)' \
			'--max-bytes=[reject schema files larger than this many bytes]:max-bytes:_files' \
			'--memory-limit=[soft limit of the heap in bytes\: the garbage collector works harder near it (0\: none; GOMEMLIMIT wins)]:memory-limit:_files' \
			'--out=[where to write the bundle (replaced atomically)]:out:_files' \
			'--policy=[compatibility policy\: LENIENT or STRICT]:policy:(LENIENT STRICT)' \
			'--ref=[the revision to compile]:ref:_files' \
			'--repo=[the Git repository to compile]:repo:_files' \
			'--since-bundle=[continue from this previous bundle (default\: --out when it holds one)]:since-bundle:_files' \
			'--strict[fail on any violation in the history, not only at the compiled commit]' \
			'*:file:_files'
		;;
	(check)
		_arguments -S \
			'--base=[the base revision (the pull request'\''s target), required]:base:_files' \
			'--color=[colour in the text format\: auto (when writing to a terminal), always or never]:color:(auto always never)' \
			'--dir=[the schemas folder inside the repository]:dir:_files' \
			'--format=[output format\: text, json, markdown, github]:format:(text json markdown github)' \
			'--head=[the head revision (the pull request'\''s last commit)]:head:_files' \
			'--mode=[compatibility mode\: BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE or NONE]:mode:(BACKWARD BACKWARD_TRANSITIVE FORWARD FORWARD_TRANSITIVE FULL FULL_TRANSITIVE NONE)' \
			'--policy=[policy for open content models\: LENIENT or STRICT]:policy:(LENIENT STRICT)' \
			'--repo=[the Git repository]:repo:_files' \
			'--since-bundle=[walk the base'\''s history from this bundle, compiled at a commit of it (e.g. the registry'\''s last), not from the root]:since-bundle:_files' \
			'*:file:_files'
		;;
	(sync)
		_arguments -S \
			'--bundle=[the bundle folder to publish (with --repo\: where to also write each compiled bundle)]:bundle:_files' \
			'--call-timeout=[the deadline of each etcd call]:call-timeout:_files' \
			'--debounce=[with --watch\: the quiet time after a change before reading]:debounce:_files' \
			'--dir=[with --repo\: the schemas folder inside the repository]:dir:_files' \
			'--dry-run[print what would be written and write nothing]' \
			'--elect[with --watch\: publish only while leading the syncers of --prefix (etcd election)]' \
			'--etcd=[etcd client URLs, comma-separated]:etcd:_files' \
			'--etcd-ca=[PEM file of the CA that signs the etcd servers'\'' certificates]:etcd-ca:_files' \
			'--etcd-cert=[PEM file of the client certificate, for mutual TLS]:etcd-cert:_files' \
			'--etcd-dial-timeout=[how long to wait for etcd to answer the first time]:etcd-dial-timeout:_files' \
			'--etcd-key=[PEM file of the client certificate'\''s key]:etcd-key:_files' \
			'--etcd-password=[etcd password; prefer the environment variable, a flag shows in the process list]:etcd-password:_files' \
			'--etcd-user=[etcd user name, when etcd has authentication on]:etcd-user:_files' \
			'--force[publish a bundle older than the published one, or one that lacks published versions (they stay in etcd)]' \
			'--keep-generations=[how many generations'\'' indexes to keep, the current one included]:keep-generations:_files' \
			'--lease-ttl=[with --elect\: seconds a dead leader keeps the leadership]:lease-ttl:_files' \
			'--log-format=[log format on stderr\: text or json]:log-format:(text json)' \
			'--metrics-addr=[with --watch\: serve Prometheus /metrics and /health on this address, e.g. \:9090 (empty\: none)]:metrics-addr:_files' \
			'--poll=[with --watch\: look this often even without a change event (0\: never)]:poll:_files' \
			'--prefix=[the registry'\''s etcd key prefix]:prefix:_files' \
			'--ref=[with --repo\: the branch or revision to compile]:ref:_files' \
			'--repo=[compile this Git repository folder and publish the bundle, instead of --bundle]:repo:_files' \
			'--timeout=[the deadline of one publish, retries included]:timeout:_files' \
			'--watch[keep running\: publish each new bundle (or each new commit with --repo)]' \
			'*:file:_files'
		;;
	(import)
		_arguments -S \
			'--author=[author of the commits, "Name <email>"]:author:_files' \
			'--dir=[the schemas folder inside the repository]:dir:_files' \
			'--dry-run[print the plan, write nothing]' \
			'--from=[base URL of a Confluent-compatible registry (Confluent, Karapace, Apicurio'\''s ccompat, schemareg'\''s /confluent)]:from:_files' \
			'--repo=[the Git repository to write; created when missing]:repo:_files' \
			'--subjects=[import only the subjects this regex matches (default\: all)]:subjects:_files' \
			'--timeout=[the deadline of each request to the registry]:timeout:_files' \
			'*:file:_files'
		;;
	(serve)
		_arguments -S \
			'--addr=[the address to listen on]:addr:_files' \
			'--cache-bytes=[the cache'\''s bound in bytes]:cache-bytes:_files' \
			'--cache-ttl=[how long a cached answer is trusted without asking etcd]:cache-ttl:_files' \
			'--call-timeout=[the deadline of each etcd call]:call-timeout:_files' \
			'--confluent-prefix=[the path the Confluent-compatible API is served under; "" turns it off]:confluent-prefix:_files' \
			'--confluent-subjects=[how the Confluent-compatible API names subjects\: id (ticks_v1) or id-value (ticks_v1-value)]:confluent-subjects:(id id-value)' \
			'--etcd=[etcd client URLs, comma-separated]:etcd:_files' \
			'--etcd-ca=[PEM file of the CA that signs the etcd servers'\'' certificates]:etcd-ca:_files' \
			'--etcd-cert=[PEM file of the client certificate, for mutual TLS]:etcd-cert:_files' \
			'--etcd-dial-timeout=[how long to wait for etcd to answer the first time]:etcd-dial-timeout:_files' \
			'--etcd-key=[PEM file of the client certificate'\''s key]:etcd-key:_files' \
			'--etcd-password=[etcd password; prefer the environment variable, a flag shows in the process list]:etcd-password:_files' \
			'--etcd-user=[etcd user name, when etcd has authentication on]:etcd-user:_files' \
			'--event-heartbeat=[how often an idle GET /events stream sends a heartbeat]:event-heartbeat:_files' \
			'--git-author=[committer of the commits, "Name <email>"; the author is the writer]:git-author:_files' \
			'--git-branch=[the branch to commit to]:git-branch:_files' \
			'--git-dir=[the schemas folder inside the repository, for new schemas]:git-dir:_files' \
			'--git-repo=[commit new versions (POST /schema/{id}) to this repository folder; without it, POST answers 403]:git-repo:_files' \
			'--idle-timeout=[how long an idle keep-alive connection stays open]:idle-timeout:_files' \
			'--log-format=[log format on stderr\: text or json]:log-format:(text json)' \
			'--max-age=[Cache-Control max-age of latest versions and lists]:max-age:_files' \
			'--max-batch=[the largest NDJSON batch in bytes]:max-batch:_files' \
			'--max-body=[the largest request body, and NDJSON line, in bytes]:max-body:_files' \
			'--max-event-streams=[the most GET /events streams open at once; one more is answered 503]:max-event-streams:_files' \
			'--policy=[compatibility policy of verdicts\: LENIENT (default) or STRICT]:policy:(LENIENT STRICT)' \
			'--prefix=[the registry'\''s etcd key prefix]:prefix:_files' \
			'--rate-burst=[the rate limit'\''s burst (default\: the rate)]:rate-burst:_files' \
			'--rate-limit=[requests per second per client address, 0 for no limit]:rate-limit:_files' \
			'--read-header-timeout=[the deadline to read a request'\''s header]:read-header-timeout:_files' \
			'--read-timeout=[the deadline to read a whole request (NDJSON batches extend it while they move)]:read-timeout:_files' \
			'--shutdown-grace=[how long a shutdown waits for requests in flight]:shutdown-grace:_files' \
			'--stream-idle=[how long an NDJSON batch may wait for its next bytes, or for the client to read]:stream-idle:_files' \
			'--stream-timeout=[the deadline of a whole NDJSON batch]:stream-timeout:_files' \
			'--tls-cert=[PEM file of the server certificate\: serve HTTPS]:tls-cert:_files' \
			'--tls-client-ca=[PEM file of the CA whose client certificates are required (mutual TLS)]:tls-client-ca:_files' \
			'--tls-key=[PEM file of the server certificate'\''s key]:tls-key:_files' \
			'--write-timeout=[the deadline to write a response (NDJSON batches extend it while they move)]:write-timeout:_files' \
			'--write-token-file=[file of "NAME TOKEN" lines\: bearer tokens that may write with --git-repo]:write-token-file:_files' \
			'*:file:_files'
		;;
	(snapshot)
		_arguments -S \
			'--etcd=[etcd client URLs, comma-separated]:etcd:_files' \
			'--etcd-ca=[PEM file of the CA that signs the etcd servers'\'' certificates]:etcd-ca:_files' \
			'--etcd-cert=[PEM file of the client certificate, for mutual TLS]:etcd-cert:_files' \
			'--etcd-dial-timeout=[how long to wait for etcd to answer the first time]:etcd-dial-timeout:_files' \
			'--etcd-key=[PEM file of the client certificate'\''s key]:etcd-key:_files' \
			'--etcd-password=[etcd password; prefer the environment variable, a flag shows in the process list]:etcd-password:_files' \
			'--etcd-user=[etcd user name, when etcd has authentication on]:etcd-user:_files' \
			'--every=[keep running and take a snapshot this often, e.g. 24h (0\: once)]:every:_files' \
			'--keep=[after each snapshot, delete all but the newest N (0\: keep all)]:keep:_files' \
			'--log-format=[log format on stderr\: text or json]:log-format:(text json)' \
			'--pushgateway=[after each snapshot, push its size, duration and time to this Prometheus Pushgateway URL (job schemareg_snapshot)]:pushgateway:_files' \
			'--s3-endpoint=[S3 endpoint URL for S3-compatible stores (default\: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, then AWS)]:s3-endpoint:_files' \
			'--s3-path-style[address buckets as endpoint/bucket (MinIO and most S3-compatible stores)]' \
			'--s3-region=[S3 region (default\: AWS_REGION, AWS_DEFAULT_REGION, then the AWS config)]:s3-region:_files' \
			'--temp-dir=[where a snapshot waits, checked, before its upload (default\: the system'\''s)]:temp-dir:_files' \
			'--to=[where to store snapshots\: s3\://bucket/prefix or file\:///dir]:to:_files' \
			'*:file:_files'
		;;
	(restore)
		_arguments -S \
			'--bump-revision=[raise the restored revision by this much and mark older ones compacted, so old watchers resync]:bump-revision:_files' \
			'--data-dir=[the etcd data directory to create; it must not exist or be empty]:data-dir:_files' \
			'--from=[the snapshot store\: s3\://bucket/prefix or file\:///dir]:from:_files' \
			'--from-bundle=[restore from this bundle folder instead\: a fresh etcd filled from it]:from-bundle:_files' \
			'--initial-advertise-peer-urls=[the member'\''s peer URLs, comma-separated]:initial-advertise-peer-urls:_files' \
			'--initial-cluster=[the initial cluster, name=peerURL,... (default\: this member alone)]:initial-cluster:_files' \
			'--initial-cluster-token=[the initial cluster token]:initial-cluster-token:_files' \
			'--log-format=[log format on stderr\: text or json]:log-format:(text json)' \
			'--name=[the etcd member'\''s name]:name:_files' \
			'--prefix=[with --from-bundle\: the registry'\''s etcd key prefix]:prefix:_files' \
			'--s3-endpoint=[S3 endpoint URL for S3-compatible stores (default\: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, then AWS)]:s3-endpoint:_files' \
			'--s3-path-style[address buckets as endpoint/bucket (MinIO and most S3-compatible stores)]' \
			'--s3-region=[S3 region (default\: AWS_REGION, AWS_DEFAULT_REGION, then the AWS config)]:s3-region:_files' \
			'--snapshot=[the snapshot to restore\: its name, or latest]:snapshot:_files' \
			'--temp-dir=[where the downloaded snapshot waits (default\: the system'\''s)]:temp-dir:_files' \
			'*:file:_files'
		;;
	(site)
		_arguments -S \
			'--base-url=[the URL the site is served from, e.g. https\://schemas.example.com/;]:base-url:_files' \
			'--bundle=[the bundle to render, as "schemareg compile" writes it]:bundle:_files' \
			'--out=[the directory the site is written to; a run replaces it whole, or leaves it as it was]:out:_files' \
			'--title=[the site'\''s name in every page'\''s header]:title:_files' \
			'*:file:_files'
		;;
	(action)
		_arguments -S \
			'--comment=[write the sticky pull-request comment\: true or false]:comment:(true false)' \
			'--fail-on=[what fails the run\: invalid-bump, breaking or never]:fail-on:(invalid-bump breaking never)' \
			'--labels=[set the schema\:breaking or schema\:compatible label\: true or false]:labels:(true false)' \
			'--mode=[compatibility mode for every schema (default\: each schema'\''s own)]:mode:(BACKWARD BACKWARD_TRANSITIVE FORWARD FORWARD_TRANSITIVE FULL FULL_TRANSITIVE NONE)' \
			'--override-label=[the label that accepts a breaking change with a major bump]:override-label:_files' \
			'--policy=[policy for open content models, LENIENT or STRICT (default\: LENIENT)]:policy:(LENIENT STRICT)' \
			'--report=[where to write the JSON report]:report:_files' \
			'--schemas-dir=[the schemas folder in the repository]:schemas-dir:_files' \
			'--since-bundle=[a bundle of the base'\''s history to walk it from (passed over when missing or unusable)]:since-bundle:_files' \
			'*:file:_files'
		;;
	(dev)
		_arguments -S \
			'--addr=[the address to serve the REST API and the docs site on]:addr:_files' \
			'--data-dir=[where etcd'\''s data, the bundle and the site are kept between runs]:data-dir:_files' \
			'--dir=[the schemas folder inside the repository]:dir:_files' \
			'--etcd-client-url=[the embedded etcd'\''s client URL (default\: the last run'\''s, or a free port on 127.0.0.1)]:etcd-client-url:_files' \
			'--etcd-peer-url=[the embedded etcd'\''s peer URL; a restored data dir needs the one it was restored with]:etcd-peer-url:_files' \
			'--force[follow the branch as it is, even when it is older than what is served (after git reset --hard); versions it lacks stop being served]' \
			'--log-format=[log format\: text or json]:log-format:(text json)' \
			'--poll=[compile this often even when no change is noticed (default 10s)]:poll:_files' \
			'--prefix=[the registry'\''s etcd key prefix]:prefix:_files' \
			'--ref=[the revision to follow]:ref:_files' \
			'--repo=[the Git repository to serve]:repo:_files' \
			'--snapshot-every=[how often to take a snapshot (default 24h)]:snapshot-every:_files' \
			'--snapshot-to=[take etcd snapshots to file\:///dir or s3\://bucket/prefix]:snapshot-to:_files' \
			'--sync[compile and sync the repository; -sync=false serves what etcd holds (a data dir restored from a snapshot)]' \
			'*:file:_files'
		;;
	(version)
		_arguments -S \
			'*:file:_files'
		;;
	(completion)
		_arguments -S \
			'*:argument:(bash zsh fish)'
		;;
	(help)
		_arguments -S \
			'*:argument:(validate diff export compile check sync import serve snapshot restore site action dev version completion)'
		;;
	(*)
		_files
		;;
	esac
}

if [[ $funcstack[1] == _schemareg ]]; then
	_schemareg "$@"
else
	compdef _schemareg schemareg
fi
