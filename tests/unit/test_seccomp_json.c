/* test_seccomp_json.c - docker's seccomp profile format
 * (src/lib/seccomp-json.c): moby's own default profile, each field, each
 * error; docker's rule selection (seccomp-model.c) and --security-opt's
 * values (secopt.c). */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <linux/capability.h>
#include <cmocka.h>

#include "secopt.h"
#include "seccomp-json.h"
#include "seccomp-model.h"
#include "seccomp-profile.h"

#define BIT(c) (UINT64_C(1) << (c))
#define K(a, b) ((uint32_t)((a) << 16 | (b)))

static const struct cg_sc_rule *rule_for(const struct cg_sc_profile *p, const char *name, size_t nth)
{
	for (size_t i = 0; i < p->nrules; i++)
		for (const char **n = p->rules[i].names; *n; n++)
			if (!strcmp(*n, name) && nth-- == 0)
				return &p->rules[i];
	fail_msg("no rule %zu for %s", nth, name);
	return NULL;
}

static void test_moby_default(void **state)
{
	cleanup_free char *text = NULL;
	struct cg_sc_profile p;
	cg_err_t err = { 0 };
	const struct cg_sc_rule *r;

	(void)state;
	assert_int_equal(read_file(FIXTURES "/moby-default.json", &text, CG_SECCOMP_PROFILE_MAX, &err), 0);
	assert_int_equal(cg_sc_profile_parse(text, "moby-default.json", &p, &err), 0);
	assert_int_equal(p.default_action.kind, CG_SC_ACT_ERRNO);
	assert_int_equal(p.default_action.ret, EPERM);
	assert_null(p.arches);
	assert_int_equal(p.narchmap, 9);
	assert_string_equal(p.archmap[0].arch, "x86_64");
	assert_string_equal(p.archmap[0].subs[0], "x86");
	assert_string_equal(p.archmap[0].subs[1], "x32");
	assert_null(p.archmap[0].subs[2]);
	assert_int_equal(p.nrules, 33);
	/* The long allow-list, for everyone. */
	r = rule_for(&p, "read", 0);
	assert_int_equal(r->action.kind, CG_SC_ACT_ALLOW);
	assert_true(cg_sc_rule_applies(r, 0, "amd64", K(6, 1)));
	/* clone3: ENOSYS unless CAP_SYS_ADMIN. */
	r = rule_for(&p, "clone3", 1);
	assert_int_equal(r->action.kind, CG_SC_ACT_ERRNO);
	assert_int_equal(r->action.ret, ENOSYS);
	assert_int_equal(r->excludes.caps, BIT(CAP_SYS_ADMIN));
	assert_true(cg_sc_rule_applies(r, 0, "amd64", K(6, 1)));
	assert_false(cg_sc_rule_applies(r, BIT(CAP_SYS_ADMIN), "amd64", K(6, 1)));
	/* clone without CLONE_NEW*: a masked compare, mask first; not on s390. */
	r = rule_for(&p, "clone", 1);
	assert_int_equal(r->nargs, 1);
	assert_int_equal(r->args[0].index, 0);
	assert_int_equal(r->args[0].op, CG_SC_CMP_MASKED_EQ);
	assert_int_equal(r->args[0].value, 2114060288);
	assert_int_equal(r->args[0].value_two, 0);
	assert_false(r->args[0].u32);
	assert_true(cg_sc_rule_applies(r, 0, "amd64", K(6, 1)));
	assert_false(cg_sc_rule_applies(r, 0, "s390x", K(6, 1)));
	/* ptrace from 4.8 on. */
	r = rule_for(&p, "ptrace", 0);
	assert_int_equal(r->includes.kernel, K(4, 8));
	assert_true(cg_sc_rule_applies(r, 0, "amd64", K(4, 8)));
	assert_false(cg_sc_rule_applies(r, 0, "amd64", K(4, 7)));
	/* arch_prctl: amd64 and x32 only. */
	r = rule_for(&p, "arch_prctl", 0);
	assert_true(cg_sc_rule_applies(r, 0, "amd64", K(6, 1)));
	assert_false(cg_sc_rule_applies(r, 0, "arm64", K(6, 1)));
	/* The groups want their capability. */
	r = rule_for(&p, "chroot", 0);
	assert_false(cg_sc_rule_applies(r, 0, "amd64", K(6, 1)));
	assert_true(cg_sc_rule_applies(r, BIT(CAP_SYS_CHROOT), "amd64", K(6, 1)));
	/* Never: keyrings are in no rule at all. */
	for (size_t i = 0; i < p.nrules; i++)
		for (const char **n = p.rules[i].names; *n; n++)
			assert_string_not_equal(*n, "keyctl");
	cg_sc_profile_free(&p);
}

static void parse_ok(const char *text, struct cg_sc_profile *p)
{
	cg_err_t err = { 0 };

	if (cg_sc_profile_parse(text, "t.json", p, &err) < 0)
		fail_msg("%s: %s", text, err.msg);
}

static void test_fields(void **state)
{
	struct cg_sc_profile p;

	(void)state;
	parse_ok("{\"defaultAction\": \"SCMP_ACT_ALLOW\"}", &p);
	assert_int_equal(p.default_action.kind, CG_SC_ACT_ALLOW);
	assert_int_equal(p.nrules, 0);
	cg_sc_profile_free(&p);

	parse_ok("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38,"
		 " \"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\"],"
		 " \"syscalls\": ["
		 "  {\"name\": \"mkdir\", \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 13,"
		 "   \"args\": [{\"index\": 1, \"value\": 448, \"op\": \"SCMP_CMP_EQ\"},"
		 "             {\"index\": 2, \"value\": 7, \"valueTwo\": 5, \"op\": \"SCMP_CMP_MASKED_EQ\"}],"
		 "   \"comment\": \"ignored\", \"unknownField\": 1},"
		 "  {\"names\": [\"getpid\", \"gettid\"], \"action\": \"SCMP_ACT_TRACE\", \"errnoRet\": 300},"
		 "  {\"names\": [\"a\"], \"action\": \"SCMP_ACT_KILL\"},"
		 "  {\"names\": [\"b\"], \"action\": \"SCMP_ACT_KILL_PROCESS\"},"
		 "  {\"names\": [\"c\"], \"action\": \"SCMP_ACT_KILL_THREAD\"},"
		 "  {\"names\": [\"d\"], \"action\": \"SCMP_ACT_TRAP\"},"
		 "  {\"names\": [\"e\"], \"action\": \"SCMP_ACT_LOG\"},"
		 "  {\"names\": [\"f\"], \"action\": \"SCMP_ACT_ERRNO\","
		 "   \"includes\": {\"caps\": [\"CAP_SYS_ADMIN\", \"CAP_NET_ADMIN\"], \"arches\": [\"amd64\"], \"minKernel\": \"5.10\"},"
		 "   \"excludes\": {\"caps\": [\"CAP_BPF\"], \"arches\": [\"x86\"], \"minKernel\": \"7.1\"}}"
		 "]}\n", &p);
	assert_int_equal(p.default_action.kind, CG_SC_ACT_ERRNO);
	assert_int_equal(p.default_action.ret, ENOSYS);
	assert_string_equal(p.arches[0], "x86_64");
	assert_string_equal(p.arches[1], "x86");
	assert_null(p.arches[2]);
	assert_int_equal(p.nrules, 8);
	assert_string_equal(p.rules[0].names[0], "mkdir");
	assert_null(p.rules[0].names[1]);
	assert_int_equal(p.rules[0].action.kind, CG_SC_ACT_ERRNO);
	assert_int_equal(p.rules[0].action.ret, EACCES);
	assert_int_equal(p.rules[0].nargs, 2);
	assert_int_equal(p.rules[0].args[0].index, 1);
	assert_int_equal(p.rules[0].args[0].op, CG_SC_CMP_EQ);
	assert_int_equal(p.rules[0].args[0].value, 448);
	assert_int_equal(p.rules[0].args[1].op, CG_SC_CMP_MASKED_EQ);
	assert_int_equal(p.rules[0].args[1].value, 7);
	assert_int_equal(p.rules[0].args[1].value_two, 5);
	assert_string_equal(p.rules[1].names[1], "gettid");
	assert_int_equal(p.rules[1].action.kind, CG_SC_ACT_TRACE);
	assert_int_equal(p.rules[1].action.ret, 300);
	assert_int_equal(p.rules[2].action.kind, CG_SC_ACT_KILL_THREAD);
	assert_int_equal(p.rules[3].action.kind, CG_SC_ACT_KILL_PROCESS);
	assert_int_equal(p.rules[4].action.kind, CG_SC_ACT_KILL_THREAD);
	assert_int_equal(p.rules[5].action.kind, CG_SC_ACT_TRAP);
	assert_int_equal(p.rules[6].action.kind, CG_SC_ACT_LOG);
	/* ERRNO without errnoRet: EPERM, as runc. */
	assert_int_equal(p.rules[7].action.ret, EPERM);
	assert_int_equal(p.rules[7].includes.caps, BIT(CAP_SYS_ADMIN) | BIT(CAP_NET_ADMIN));
	assert_int_equal(p.rules[7].includes.kernel, K(5, 10));
	assert_int_equal(p.rules[7].excludes.caps, BIT(CAP_BPF));
	assert_int_equal(p.rules[7].excludes.kernel, K(7, 1));
	/* includes: every cap, the arch, the kernel; excludes: any of them. */
	uint64_t both = BIT(CAP_SYS_ADMIN) | BIT(CAP_NET_ADMIN);

	assert_true(cg_sc_rule_applies(&p.rules[7], both, "amd64", K(6, 1)));
	assert_false(cg_sc_rule_applies(&p.rules[7], BIT(CAP_SYS_ADMIN), "amd64", K(6, 1)));
	assert_false(cg_sc_rule_applies(&p.rules[7], both | BIT(CAP_BPF), "amd64", K(6, 1)));
	assert_false(cg_sc_rule_applies(&p.rules[7], both, "arm64", K(6, 1)));
	assert_false(cg_sc_rule_applies(&p.rules[7], both, "amd64", K(5, 9)));
	assert_false(cg_sc_rule_applies(&p.rules[7], both, "amd64", K(7, 1)));
	cg_sc_profile_free(&p);

	parse_ok("{\"defaultAction\": \"SCMP_ACT_KILL_PROCESS\", \"archMap\": [{\"architecture\": \"SCMP_ARCH_AARCH64\","
		 " \"subArchitectures\": [\"SCMP_ARCH_ARM\"]}, {\"architecture\": \"SCMP_ARCH_X86_64\"}],"
		 " \"syscalls\": null, \"listenerPath\": \"\", \"flags\": []}", &p);
	assert_int_equal(p.narchmap, 2);
	assert_string_equal(p.archmap[0].arch, "aarch64");
	assert_string_equal(p.archmap[0].subs[0], "arm");
	assert_string_equal(p.archmap[1].arch, "x86_64");
	assert_null(p.archmap[1].subs[0]);
	cg_sc_profile_free(&p);
}

/* Each error names the file and the field, and leaves nothing. */
static void test_errors(void **state)
{
	static const char *const cases[][2] = {
		{ "", "t.json: not JSON: it ends too early" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\"", "t.json: not JSON" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\"} x", "t.json: not JSON: text after the object" },
		{ "[]", "t.json: not a JSON object" },
		{ "{}", "t.json: defaultAction: missing" },
		{ "{\"defaultAction\": 1}", "t.json: defaultAction: not a string" },
		{ "{\"defaultAction\": \"SCMP_ACT_NOPE\"}", "t.json: defaultAction: unknown action 'SCMP_ACT_NOPE'" },
		{ "{\"defaultAction\": \"SCMP_ACT_NOTIFY\"}", "t.json: defaultAction: SCMP_ACT_NOTIFY is not supported" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"defaultErrnoRet\": 1}", "t.json: defaultErrnoRet: only SCMP_ACT_ERRNO" },
		{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": -1}", "t.json: defaultErrnoRet: negative" },
		{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 5000}", "t.json: defaultErrnoRet: 5000 is over 4095" },
		{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": \"1\"}", "t.json: defaultErrnoRet: not a whole number" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"/run/agent.sock\"}", "t.json: listenerPath: not supported" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": [\"SECCOMP_FILTER_FLAG_LOG\"]}", "t.json: flags: not supported" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_VAX\"]}", "t.json: architectures[0]: unknown architecture 'SCMP_ARCH_VAX'" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": \"SCMP_ARCH_X86\"}", "t.json: architectures: not an array" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [], \"archMap\": []}", "t.json: architectures: given with archMap" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"archMap\": [{\"architecture\": \"x86_64\"}]}", "t.json: archMap[0].architecture: unknown architecture 'x86_64'" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"archMap\": [{\"architecture\": \"SCMP_ARCH_X86_64\", \"subArchitectures\": [\"SCMP_ARCH_Y\"]}]}", "t.json: archMap[0].subArchitectures[0]: unknown architecture" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": {}}", "t.json: syscalls: not an array" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [1]}", "t.json: syscalls[0]: not an object" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"action\": \"SCMP_ACT_ERRNO\"}]}", "t.json: syscalls[0].names: missing" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [], \"action\": \"SCMP_ACT_ERRNO\"}]}", "t.json: syscalls[0].names: empty" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [3], \"action\": \"SCMP_ACT_ERRNO\"}]}", "t.json: syscalls[0].names: entry 0 is not a name" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"name\": \"a\", \"names\": [\"b\"], \"action\": \"SCMP_ACT_ERRNO\"}]}", "t.json: syscalls[0]: both 'name' and 'names'" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"a\"]}]}", "t.json: syscalls[0].action: missing" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"a\"], \"action\": \"SCMP_ACT_ALOW\"}]}", "t.json: syscalls[0].action: unknown action 'SCMP_ACT_ALOW'" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"a\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}", "t.json: syscalls[0].action: SCMP_ACT_NOTIFY is not supported" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"a\"], \"action\": \"SCMP_ACT_KILL\", \"errnoRet\": 1}]}", "t.json: syscalls[0].errnoRet: only SCMP_ACT_ERRNO" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"a\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": {}}]}", "t.json: syscalls[0].args: not an array" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"a\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 6, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]}]}", "t.json: syscalls[0].args[0].index: 6 is over 5" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"a\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]}]}", "t.json: syscalls[0].args[0].index: missing" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"a\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"op\": \"SCMP_CMP_EQ\"}]}]}", "t.json: syscalls[0].args[0].value: missing" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"a\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": -1, \"op\": \"SCMP_CMP_EQ\"}]}]}", "t.json: syscalls[0].args[0].value: negative" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"a\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_EQUAL\"}]}]}", "t.json: syscalls[0].args[0].op: unknown operator 'SCMP_CMP_EQUAL'" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"a\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": 1}]}]}", "t.json: syscalls[0].args[0].op: unknown operator ''" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"a\"], \"action\": \"SCMP_ACT_ERRNO\", \"includes\": {\"caps\": [\"CAP_NOPE\"]}}]}", "t.json: syscalls[0].includes.caps: unknown capability 'CAP_NOPE'" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"a\"], \"action\": \"SCMP_ACT_ERRNO\", \"excludes\": {\"caps\": [\"ALL\"]}}]}", "t.json: syscalls[0].excludes.caps: unknown capability 'ALL'" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"a\"], \"action\": \"SCMP_ACT_ERRNO\", \"includes\": {\"minKernel\": \"4\"}}]}", "t.json: syscalls[0].includes.minKernel: not a kernel version" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"a\"], \"action\": \"SCMP_ACT_ERRNO\", \"excludes\": {\"minKernel\": 4.8}}]}", "t.json: syscalls[0].excludes.minKernel: not a kernel version" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"a\"], \"action\": \"SCMP_ACT_ERRNO\", \"includes\": []}]}", "t.json: syscalls[0].includes: not an object" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"a\"], \"action\": \"SCMP_ACT_ERRNO\", \"includes\": {\"arches\": \"amd64\"}}]}", "t.json: syscalls[0].includes.arches: not an array" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct cg_sc_profile p;
		cg_err_t err = { 0 };

		if (cg_sc_profile_parse(cases[i][0], "t.json", &p, &err) == 0)
			fail_msg("accepted: %s", cases[i][0]);
		if (strstr(err.msg, cases[i][1]) == NULL || strncmp(err.msg, "seccomp profile t.json: ", 24))
			fail_msg("%s: got '%s', expected '%s'", cases[i][0], err.msg, cases[i][1]);
		assert_null(strchr(err.msg, '\n'));
		assert_null(p.rules);
		assert_null(p.json);
	}
}

static void test_kernel_parse(void **state)
{
	(void)state;
	assert_int_equal(cg_sc_kernel_parse("4.8"), K(4, 8));
	assert_int_equal(cg_sc_kernel_parse("0.1"), K(0, 1));
	assert_int_equal(cg_sc_kernel_parse("255.255"), K(255, 255));
	assert_int_equal(cg_sc_kernel_parse("0.0"), -1);
	assert_int_equal(cg_sc_kernel_parse("4"), -1);
	assert_int_equal(cg_sc_kernel_parse("4.8.1"), -1);
	assert_int_equal(cg_sc_kernel_parse("256.1"), -1);
	assert_int_equal(cg_sc_kernel_parse("-4.8"), -1);
	assert_int_equal(cg_sc_kernel_parse("4.x"), -1);
	assert_int_equal(cg_sc_kernel_parse(""), -1);
}

/* The same text, the same hash; one value changed, another. */
static void test_hash(void **state)
{
	struct cg_sc_profile a, b, c;
	const char *t1 = "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"mkdir\"],"
			 " \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 1, \"value\": 448, \"op\": \"SCMP_CMP_EQ\"}]}]}";
	const char *t2 = "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"mkdir\"],"
			 " \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 1, \"value\": 449, \"op\": \"SCMP_CMP_EQ\"}]}]}";

	(void)state;
	parse_ok(t1, &a);
	parse_ok(t1, &b);
	parse_ok(t2, &c);
	assert_int_equal(cg_sc_profile_hash(&a), cg_sc_profile_hash(&b));
	assert_int_not_equal(cg_sc_profile_hash(&a), cg_sc_profile_hash(&c));
	cg_sc_profile_free(&a);
	cg_sc_profile_free(&b);
	cg_sc_profile_free(&c);
}

static void test_secopt_parse(void **state)
{
	enum cg_secopt_kind k;
	const char *v;
	cg_err_t err = { 0 };

	(void)state;
	assert_int_equal(cg_secopt_parse("seccomp=unconfined", &k, &v, &err), 0);
	assert_int_equal(k, CG_SECOPT_SECCOMP_UNCONFINED);
	assert_int_equal(cg_secopt_parse("seccomp=/etc/p.json", &k, &v, &err), 0);
	assert_int_equal(k, CG_SECOPT_SECCOMP_PROFILE);
	assert_string_equal(v, "/etc/p.json");
	assert_int_equal(cg_secopt_parse("seccomp:p.json", &k, &v, &err), 0);
	assert_string_equal(v, "p.json");
	assert_int_equal(cg_secopt_parse("no-new-privileges", &k, &v, &err), 0);
	assert_int_equal(k, CG_SECOPT_NO_NEW_PRIVS);
	assert_string_equal(v, "true");
	assert_int_equal(cg_secopt_parse("no-new-privileges=false", &k, &v, &err), 0);
	assert_string_equal(v, "false");
	assert_int_equal(cg_secopt_parse("no-new-privileges:true", &k, &v, &err), 0);
	assert_string_equal(v, "true");
	assert_true(cg_secopt_parse("no-new-privileges=yes", &k, &v, &err) < 0);
	assert_non_null(strstr(err.msg, "takes true or false"));
	assert_true(cg_secopt_parse("seccomp=", &k, &v, &err) < 0);
	assert_true(cg_secopt_parse("seccomp", &k, &v, &err) < 0);
	assert_true(cg_secopt_parse("apparmor=unconfined", &k, &v, &err) < 0);
	assert_non_null(strstr(err.msg, "not supported"));
	assert_true(cg_secopt_parse("label=disable", &k, &v, &err) < 0);
	assert_non_null(strstr(err.msg, "not supported"));
	assert_true(cg_secopt_parse("seccompx=1", &k, &v, &err) < 0);
	assert_non_null(strstr(err.msg, "invalid --security-opt 'seccompx=1'"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_moby_default),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_kernel_parse),
		cmocka_unit_test(test_hash),
		cmocka_unit_test(test_secopt_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
