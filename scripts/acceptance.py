#!/usr/bin/env python3
"""The acceptance projects: SQLite, Duktape, OpenSSL, BoringSSL, protobuf, libyaml, llhttp and gRPC,
kept out of the corpus entirely (issue 12), fetched by pinned version and read by `nestnet check`.

    scripts/acceptance.py fetch [--cache DIR]
        Downloads every project of datasets/acceptance/manifest.tsv (Debian source packages with
        `apt-get source --download-only`, llhttp's PyPI source with `pip download`), checks the size
        and SHA-256 of every file, unpacks the C-like files of the upstream tarballs into
        DIR/src/<project>/, and builds SQLite's amalgamation (`make sqlite3.c`, needs tclsh, cc and
        make) into DIR/src/sqlite3/amalgamation/, checked against its pinned hash too. A project
        already unpacked from the same pinned files is left alone, so a second run does nothing. A
        missing or changed file stops the run with one line naming it (exit 2).
    scripts/acceptance.py measure [--cache DIR] [--nestnet BIN] [--card FILE] [-- CHECK ARGS...]
        `nestnet check --engine both --format json` over each project (the oracle is the judge; the
        embedded networks unless CHECK ARGS name others), then one table row per project: files,
        valid files flagged (all, and those of 64 KB or more), oracle-invalid files caught, speed;
        and every valid file flagged, with the line. --card writes the same as Markdown.

These projects are for measuring only: nothing here chooses a model, a threshold or a setting.
The cache defaults to $NESTNET_ACCEPTANCE or /tmp/nestnet-acceptance; nothing downloaded is
committed.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import corpus  # noqa: E402  (manifest rows, file checks, stamps, unpack, apt_source, Failure)

MANIFEST = os.path.join(HERE, "..", "datasets", "acceptance", "manifest.tsv")
Failure = corpus.Failure


def read_manifest(path):
    """{project: {"source", "package", "version", "files": [(name, size, sha)], "generated": [...],
    "exclude": []}} in file order."""
    projects = {}
    for n, cols in corpus.manifest_rows(path):
        project, source, package, version, name, size, sha = cols
        if source not in ("debian", "pypi", "generated"):
            raise Failure(f"{path}:{n}: unknown source {source!r} (debian, pypi or generated)")
        p = projects.setdefault(project, {"source": None, "package": package, "version": version,
                                          "files": [], "generated": [], "exclude": []})
        if (p["package"], p["version"]) != (package, version):
            raise Failure(f"{path}:{n}: {project} is pinned to two packages or versions")
        if source == "generated":
            p["generated"].append((name, int(size), sha))
            continue
        if p["source"] not in (None, source):
            raise Failure(f"{path}:{n}: {project} comes from two sources")
        p["source"] = source
        p["files"].append((name, int(size), sha))
    if not projects:
        raise Failure(f"the manifest {path} lists no projects")
    return projects


def download(project, info, folder):
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    if info["source"] == "debian":
        ok, last = corpus.apt_source(info["package"], info["version"], folder)
        hint = " (is there a deb-src entry? see the corpus README)"
    else:
        r = subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
                            "-d", folder, f"{info['package']}=={info['version']}"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        ok, last, hint = r.returncode == 0, r.stdout.strip().splitlines()[-1:], ""
    if not ok and not all(os.path.isfile(os.path.join(folder, n)) for n, _, _ in info["files"]):
        raise Failure(f"{project} ({info['package']} {info['version']}) could not be downloaded"
                      f"{': ' + last[0] if last else ''}{hint}")


def build_amalgamation(project, info, folder, dest):
    """SQLite's amalgamation from its pinned source tree: `./configure && make sqlite3.c`."""
    missing = [t for t in ("tclsh", "cc", "make") if shutil.which(t) is None]
    if missing:
        raise Failure(f"{project}: building the amalgamation needs {', '.join(missing)} "
                      f"(apt-get install tcl gcc make)")
    orig = next(n for n, _, _ in info["files"] if ".orig.tar." in n)
    with tempfile.TemporaryDirectory(prefix="nestnet-sqlite-") as tmp:
        subprocess.run(["tar", "-xf", os.path.join(folder, orig), "-C", tmp], check=True)
        (top,) = os.listdir(tmp)
        tree = os.path.join(tmp, top)
        for cmd in (["./configure"], ["make", "sqlite3.c"]):
            r = subprocess.run(cmd, cwd=tree, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if r.returncode != 0:
                tail = r.stdout.strip().splitlines()[-1:] or ["no output"]
                raise Failure(f"{project}: `{' '.join(cmd)}` failed building the amalgamation: {tail[0]}")
        for name, size, sha in info["generated"]:
            out = os.path.join(dest, name)
            os.makedirs(os.path.dirname(out), exist_ok=True)
            shutil.copyfile(os.path.join(tree, os.path.basename(name)), out)
            corpus.check_file(project, name, out, size, sha)


def check_fingerprint(project, tree):
    """`corpus.py audit` finds vendored copies of this project by corpus.FINGERPRINTS: each must
    occur in the project's own sources, or the audit could not see a copy."""
    marks = corpus.FINGERPRINTS.get(project)
    if not marks:
        raise Failure(f"{project} has no fingerprint in scripts/corpus.py FINGERPRINTS (the corpus audit needs one)")
    for folder, _, names in os.walk(tree):
        for name in names:
            if name.lower().endswith(corpus.EXTENSIONS):
                with open(os.path.join(folder, name), "rb") as f:
                    text = f.read()
                if any(m in text for m in marks):
                    return
    raise Failure(f"{project}: none of its fingerprints ({', '.join(m.decode() for m in marks)}) occurs in its "
                  f"sources, so `corpus.py audit` would miss a vendored copy: update FINGERPRINTS")


def stamp_of(project, info):
    return corpus.hashlib.sha256(repr((project, info["package"], info["version"], info["files"],
                                       info["generated"], corpus.EXTENSIONS)).encode()).hexdigest()


def fetch(args):
    projects = read_manifest(args.manifest)
    start, total, files, size = time.time(), len(projects), 0, 0
    for i, (project, info) in enumerate(projects.items(), 1):
        dest = os.path.join(args.cache, "src", project)
        done = corpus.read_stamp(dest, stamp_of(project, info))
        if done:
            files += done[0]; size += done[1]
            continue
        folder = os.path.join(args.cache, "downloads", project)
        if not corpus.downloaded(folder, info["files"]):
            print(f"acceptance: [{i}/{total}] downloading {project} ({info['package']} {info['version']})", flush=True)
            download(project, info, folder)
        for name, sz, sha in info["files"]:
            corpus.check_file(project, name, os.path.join(folder, name), sz, sha)
        n, b = corpus.unpack(project, info, folder, dest)
        if info["generated"]:
            print(f"acceptance: [{i}/{total}] building {project}'s amalgamation", flush=True)
            build_amalgamation(project, info, folder, dest)
            n += len(info["generated"]); b += sum(s for _, s, _ in info["generated"])
        check_fingerprint(project, dest)
        corpus.write_stamp(dest, stamp_of(project, info), n, b)
        files += n; size += b
        print(f"acceptance: [{i}/{total}] {project} {info['version']}: {n} files, {b / 1e6:.1f} MB "
              f"({time.time() - start:.0f} s)", flush=True)
    print(f"acceptance: {total} projects, {files} files, {size / 1e6:.1f} MB in {args.cache}/src", flush=True)


def measure(args):
    projects = read_manifest(args.manifest)
    for project, info in projects.items():
        if corpus.read_stamp(os.path.join(args.cache, "src", project), stamp_of(project, info)) is None:
            raise Failure(f"{project} is not unpacked in {args.cache}: run scripts/acceptance.py fetch first")
    lines, flagged_lines, total = [], [], [0] * 9
    header = None
    for project, info in projects.items():
        tree = os.path.join(args.cache, "src", project)
        print(f"acceptance: checking {project} ...", file=sys.stderr, flush=True)
        r = subprocess.run([args.nestnet, "check", tree, "--engine", "both", "--format", "json", *args.check],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        last = (r.stderr.strip().splitlines() or ["no message"])[-1]
        if r.returncode not in (0, 1):
            raise Failure(f"nestnet check {tree} exited {r.returncode}: {last}")
        try:
            d = json.loads(r.stdout)
        except ValueError:
            raise Failure(f"nestnet check {tree} exited {r.returncode} without a JSON report ({args.nestnet} is not nestnet?): {last}")
        s = d["summary"]
        if header is None:
            names = [s["model"]] + [s[k + "_model"] for k in ("second", "third") if s.get(k + "_model")]
            extra = "".join(" " + a for a in args.check)
            header = (f"`nestnet check --engine both{extra}` (networks: {', '.join(names)}; first model's "
                      f"SHA-256 {s['model_sha256'][:12]})")
        row = [0] * 9  # files, bytes, valid, flagged, valid ≥ 64 KB, flagged ≥ 64 KB, invalid, caught, seconds
        for f in d["files"]:
            if f["status"] != "checked" or f["exact"] is None:
                continue
            row[0] += 1; row[1] += f["bytes"]
            big = f["bytes"] >= 64 * 1024
            if f["exact"]["valid"]:
                row[2] += 1; row[4] += big
                if f["valid"] is False:
                    row[3] += 1; row[5] += big
                    loc = f.get("location") or {}
                    rel = os.path.relpath(f["file"], tree)
                    flagged_lines.append(f"- {project}: `{rel}` ({f['bytes'] / 1e3:.0f} KB), line {loc.get('line', '?')}: {f.get('message', '')}")
            else:
                row[6] += 1; row[7] += f["valid"] is False
        row[8] = s["seconds"]
        total = [a + b for a, b in zip(total, row)]
        lines.append(table_row(f"{project} {info['version']}", row))
    out = [header, "",
           "| project (Debian or PyPI version) | files | MB | valid files flagged | … of them ≥ 64 KB | oracle-invalid files caught | MB/s |",
           "|---|---|---|---|---|---|---|", *lines, table_row("all", total), "",
           "Valid files flagged:" if flagged_lines else "No valid file flagged.", *flagged_lines]
    text = "\n".join(out) + "\n"
    sys.stdout.write(text)
    if args.card:
        with open(args.card, "w") as f:
            f.write(text)


def table_row(name, r):
    pct = lambda a, b: f"{a} of {b} ({100 * a / b:.1f}%)" if b else "—"
    return (f"| {name} | {r[0]} | {r[1] / 1e6:.1f} | {pct(r[3], r[2])} | {pct(r[5], r[4])} | "
            f"{f'{r[7]} of {r[6]}' if r[6] else '—'} | {r[1] / 1e6 / max(r[8], 1e-9):.2f} |")


def main():
    p = argparse.ArgumentParser(description="The acceptance projects: fetch, then measure nestnet check on them.")
    p.add_argument("--manifest", default=MANIFEST)
    p.add_argument("--cache", default=os.environ.get("NESTNET_ACCEPTANCE", "/tmp/nestnet-acceptance"))
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("fetch")
    m = sub.add_parser("measure")
    m.add_argument("--nestnet", default=os.path.join(HERE, "..", ".build", "release", "nestnet"))
    m.add_argument("--card", help="also write the table and the list as Markdown to this file")
    m.add_argument("check", nargs="*", help="more `nestnet check` arguments, after --")
    args = p.parse_args()
    def body():
        if args.cmd == "fetch":
            fetch(args)
        else:
            if not os.access(args.nestnet, os.X_OK):
                raise Failure(f"no nestnet binary at {args.nestnet} (swift build -c release --product nestnet, or --nestnet BIN)")
            measure(args)
    corpus.run_tool("acceptance", body)


if __name__ == "__main__":
    main()
