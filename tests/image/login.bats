#!/usr/bin/env bats
# cgrun login / logout against the test registries (registry_helpers.bash):
# the htpasswd one ($REG_BASIC) and the token one ($REG_TOKEN, realm
# token-server.py with --user). Credentials go to $REGISTRY_AUTH_FILE in the
# test's temp dir: nothing of the host's is read or written. A pull then
# uses what login stored.

load ../integration/helpers
load registry_helpers

setup_file()
{
	cg_setup_file
	reg_need_image_tool || return 1
	reg_setup_images
}

teardown_file()
{
	reg_teardown
	cg_teardown_file
}

setup()
{
	cg_setup
	AUTH=$BATS_TEST_TMPDIR/auth/auth.json
}

teardown()
{
	local ret=0
	reg_stop_token_server || ret=1
	rm -rf "$CGRUN_STORE_DIR"/images/127.0.0.1*
	cg_teardown || ret=1
	return "$ret"
}

# cg ARGS...: cgrun in the registries' namespace, with the test's auth file and CA.
cg()
{
	reg_ns env REGISTRY_AUTH_FILE="$AUTH" CGRUN_REGISTRY_CA="$REG_DIR/ca.crt" timeout 60 "$CGRUN" "$@"
}

auth_of() { jq -r --arg r "$1" '.auths[$r].auth // empty' "$AUTH"; }
b64() { printf '%s:%s' "$1" "$2" | base64 -w0; }

@test "htpasswd registry: a wrong password stores nothing; the right one is stored, pulls use it, logout erases it" {
	run -125 --separate-stderr cg login -u "$REG_USER" --password-stdin "$REG_BASIC" <<<"wrong"
	assert_one_error_line
	[[ $stderr == *"login to $REG_BASIC refused"* ]]
	[ ! -e "$AUTH" ]
	run -0 --separate-stderr cg login -u "$REG_USER" --password-stdin "$REG_BASIC" <<<"$REG_PASS"
	[ "$output" = "Login Succeeded!" ]
	[[ $stderr == *"$AUTH"* ]]
	[ "$(auth_of "$REG_BASIC")" = "$(b64 "$REG_USER" "$REG_PASS")" ]
	[ "$(stat -c %a "$AUTH")" = 600 ]
	run -0 --separate-stderr cg pull -q "$REG_BASIC/$REG_REPO:oci"
	[ "$output" = "$REG_BASIC/$REG_REPO:oci" ]
	run -0 cg logout "$REG_BASIC"
	[[ $output == "Removed login credentials for $REG_BASIC"* ]]
	[ -z "$(auth_of "$REG_BASIC")" ]
	run -0 cg logout "$REG_BASIC"
	[[ $output == "Not logged in to $REG_BASIC"* ]]
	rm -rf "$CGRUN_STORE_DIR"/images/127.0.0.1*
	run -125 --separate-stderr cg pull -q "$REG_BASIC/$REG_REPO:oci"
	assert_one_error_line
	[[ $stderr == *"authentication required"* ]]
}

@test "token registry: login asks the realm for a token with the credentials; a wrong password stores nothing" {
	reg_token_server --user "$REG_USER:$REG_PASS"
	run -125 --separate-stderr cg login -u "$REG_USER" --password-stdin "$REG_TOKEN" <<<"wrong"
	assert_one_error_line
	[ ! -e "$AUTH" ]
	grep -qx "token refused user=$REG_USER" "$REG_LOG"
	run -0 --separate-stderr cg login --username="$REG_USER" --password-stdin "https://$REG_TOKEN/v2/" <<<"$REG_PASS"
	[ "$output" = "Login Succeeded!" ]
	grep -q "^token user=$REG_USER service=cgrun-test-registry scope=\$" "$REG_LOG"
	[ "$(auth_of "$REG_TOKEN")" = "$(b64 "$REG_USER" "$REG_PASS")" ]
	# Another registry's entry is kept by a second login and by logout.
	run -0 --separate-stderr cg login -u "$REG_USER" --password-stdin "$REG_BASIC" <<<"$REG_PASS"
	: >"$REG_LOG"
	run -0 --separate-stderr cg pull -q "$REG_TOKEN/$REG_REPO:oci"
	grep -q "^token user=$REG_USER service=cgrun-test-registry scope=repository:$REG_REPO:pull" "$REG_LOG"
	run -0 cg logout "$REG_TOKEN"
	[ -z "$(auth_of "$REG_TOKEN")" ]
	[ -n "$(auth_of "$REG_BASIC")" ]
}

@test "-p works and warns as docker does; bad combinations and a missing terminal are one line, 125" {
	run -0 --separate-stderr cg login -u "$REG_USER" -p "$REG_PASS" "$REG_BASIC"
	[ "$output" = "Login Succeeded!" ]
	[[ $stderr == *"WARNING! Using --password via the CLI is insecure. Use --password-stdin."* ]]
	rm -f "$AUTH"
	run -125 --separate-stderr cg login -u "$REG_USER" -p x --password-stdin "$REG_BASIC" </dev/null
	assert_one_error_line
	run -125 --separate-stderr cg login --password-stdin "$REG_BASIC" </dev/null
	assert_one_error_line
	# No -u and stdin no terminal: nothing to ask on (setsid: no controlling tty).
	run -125 --separate-stderr reg_ns setsid -w env REGISTRY_AUTH_FILE="$AUTH" "$CGRUN" login "$REG_BASIC" </dev/null
	assert_one_error_line
	run -125 --separate-stderr cg login -u "$REG_USER" --password-stdin "not a host" <<<"$REG_PASS"
	assert_one_error_line
	run -125 --separate-stderr cg login -u "$REG_USER" --password-stdin "$REG_BASIC" </dev/null
	assert_one_error_line
	[[ $stderr == *"password is empty"* ]]
	run -125 --separate-stderr cg logout
	assert_one_error_line
	[ ! -e "$AUTH" ]
}
