#!/usr/bin/env python3
"""Runs the shell of action.yml or ci/gitlab-nestnet.yml here, as the CI system would, so the
templates are tested end to end on this machine (scripts/test-install.sh).

    run-ci-template.py github ACTION.yml KEY=VALUE...   # inputs; env GITHUB_ACTION_PATH etc. set here
    run-ci-template.py gitlab TEMPLATE.yml KEY=VALUE... # variables

GitHub: every `run` step of the composite action in order, with `${{ inputs.* }}`,
`${{ runner.* }}` and `${{ steps.*.outputs.* }}` substituted and the step's `env`, under
`bash -eo pipefail` as the runner runs them; `uses` steps (cache, SARIF upload) are listed, not
run. GitLab: the job's before_script then script lines, each under `bash -eo pipefail`, with
the job's variables (KEY=VALUE overrides them). Exit status: the last failing step's, else 0."""
import os, re, subprocess, sys, tempfile
import yaml

kind, path, *pairs = sys.argv[1:]
given = dict(p.split("=", 1) for p in pairs)
doc = yaml.safe_load(open(path))

if kind == "github":
    inputs = {k: str(v.get("default", "")) for k, v in doc["inputs"].items()}
    unknown = set(given) - set(inputs)
    if unknown: sys.exit(f"run-ci-template: unknown inputs {sorted(unknown)}")
    inputs.update(given)
    out_file = tempfile.mktemp()
    outputs = {}
    def subst(s):
        def one(m):
            e = m.group(1).strip()
            if e.startswith("inputs."): return inputs[e[7:]]
            if e == "runner.os": return "Linux"
            if e == "runner.arch": return "X64"
            m2 = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", e)
            if m2: return outputs.get(m2.group(1), {})[m2.group(2)]
            sys.exit(f"run-ci-template: cannot evaluate ${{{{ {e} }}}}")
        return re.sub(r"\$\{\{(.*?)\}\}", one, s)
    assert doc["runs"]["using"] == "composite"
    status = 0
    for step in doc["runs"]["steps"]:
        if "uses" in step:
            print(f"run-ci-template: (not run here) uses: {step['uses']}", file=sys.stderr); continue
        assert step.get("shell") == "bash", "every run step names its shell"
        env = dict(os.environ, GITHUB_OUTPUT=out_file, **{k: subst(str(v)) for k, v in step.get("env", {}).items()})
        open(out_file, "w").close()
        r = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", subst(step["run"])], env=env)
        if "id" in step:
            outputs[step["id"]] = dict(l.split("=", 1) for l in open(out_file).read().splitlines() if "=" in l)
        if r.returncode != 0: status = r.returncode; break
    print(f"run-ci-template: outputs {outputs}", file=sys.stderr)
    sys.exit(status)

job = doc[".nestnet-check"]
env = dict(os.environ)
for k, v in job.get("variables", {}).items():
    env[k] = given.get(k, os.path.expandvars(str(v)) if "$" not in str(v) else str(v).replace("$CI_PROJECT_DIR", os.getcwd()))
env.update(given)
for line in job.get("before_script", []) + job.get("script", []):
    r = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", line], env=env)
    if r.returncode != 0: sys.exit(r.returncode)
