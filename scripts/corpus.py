#!/usr/bin/env python3
"""The pinned real-code corpus: Debian source packages, verified and unpacked.

    scripts/corpus.py fetch [--cache DIR] [--manifest FILE] [--only PKG,...]
        Downloads every package of the manifest with Debian's own tooling
        (`apt-get source --download-only NAME=VERSION`), checks the size and SHA-256 of every
        file against the manifest, and unpacks the C-like files of its upstream tarballs into
        DIR/src/<split>/<package>/. A package already unpacked from the same pinned files is
        left alone, so a second run does nothing. A missing or changed package stops the run
        with one line naming it (exit 2).
    scripts/corpus.py list [--cache DIR] [--manifest FILE] --split train|valid|test [--fraction F]
        Prints the unpacked folders of one split (one per line), for `nestnet train --corpus`
        and the evaluation scripts; --fraction keeps a fixed, seeded share of the packages.
    scripts/corpus.py pin PKG[=VERSION] ... [--manifest FILE]
        Maintainer tool: downloads the packages, and writes their rows (files, sizes, hashes,
        split) into the manifest. The split is a seeded hash of the package name, so adding a
        package never moves another one.
    scripts/corpus.py audit [--cache DIR]
        Searches the unpacked packages of every split (dev pool included) for code of the
        acceptance projects (FINGERPRINTS: a line only that project's own sources write) and
        prints each hit. Exit 2 when a train, valid or dev package holds one: exclude its folder
        in the manifest. The test split's hits are listed, not refused (they train nothing).
    scripts/corpus.py fetch --dev / list --split dev / pin --dev PKG ...
        The dev pool (datasets/corpus/dev.tsv): more packages for choosing settings, kept apart
        from the manifest so that training runs and the test packages do not change. Only
        packages whose seeded hash is `valid` may be dev packages, and none is in both files.

The split is fixed by `split_of` below before any result is looked at: 20% of packages test,
10% valid, the rest train. Nothing downloaded is committed; the cache defaults to
$NESTNET_CORPUS or /tmp/nestnet-corpus.
"""
import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_MANIFEST = os.path.join(HERE, "..", "datasets", "corpus", "manifest.tsv")
DEV_MANIFEST = os.path.join(HERE, "..", "datasets", "corpus", "dev.tsv")
EXTENSIONS = (".c", ".h", ".cc", ".cpp", ".cxx", ".hh", ".hpp", ".hxx", ".inl", ".ipp", ".m", ".mm")
SPLIT_SEED = "nestnet-corpus-split-v1"
# Projects that stay out of the corpus entirely: independent acceptance tests (issue 12), and the
# source packages behind the held-out header sets A and B (scripts/eval-heldout-headers.sh).
EXCLUDED = {
    "sqlite3", "duktape", "openssl", "boringssl", "protobuf", "libyaml", "llhttp", "grpc",
}
MAX_FILE = 16 << 20  # what `nestnet check` reads by default
# A line each acceptance project's own sources write and its users do not (a definition, not a
# call or an include): `audit` finds vendored copies with them.
FINGERPRINTS = {
    "sqlite3": (b"#define SQLITE_SOURCE_ID",),
    "duktape": (b"#define DUK_VERSION ",),
    "openssl": (b"# define OPENSSL_VERSION_TEXT", b"#define OPENSSL_VERSION_TEXT", b"The OpenSSL Project Authors. All Rights Reserved"),
    "boringssl": (b"#define BORINGSSL_API_VERSION",),
    "protobuf": (b"#define GOOGLE_PROTOBUF_VERSION ",),
    "libyaml": (b"yaml_parser_initialize(yaml_parser_t *parser)",),
    "llhttp": (b"llhttp__internal",),
    "grpc": (b"GRPCAPI void grpc_init(void)",),
}


class Failure(Exception):
    pass


def split_of(package):
    """train / valid / test from a seeded hash of the package name."""
    h = hashlib.sha256(f"{SPLIT_SEED}:{package}".encode()).digest()
    u = int.from_bytes(h[:8], "big") / 2 ** 64
    return "test" if u < 0.2 else ("valid" if u < 0.3 else "train")


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def manifest_rows(path):
    """(line number, columns) of each row of a tab-separated manifest of 7 columns, comments
    and blank lines skipped (this manifest, the dev pool's, the acceptance projects')."""
    try:
        lines = open(path, encoding="utf-8").read().splitlines()
    except OSError as e:
        raise Failure(f"cannot read the manifest {path}: {e.strerror}")
    for n, line in enumerate(lines, 1):
        if not line or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != 7:
            raise Failure(f"{path}:{n}: expected 7 tab-separated columns, found {len(cols)}")
        yield n, cols


def check_file(label, name, path, size, sha):
    """A fetched (or built) file against its manifest row: one line naming it when it differs."""
    if not os.path.isfile(path):
        raise Failure(f"{label}: {name} is missing after download")
    got = os.path.getsize(path)
    what = f"size {got}, expected {size}" if got != size else (f"SHA-256 {sha256(path)[:16]}…, expected {sha[:16]}…"
                                                               if sha256(path) != sha else None)
    if what:
        raise Failure(f"{label}: {name} does not match the manifest ({what}; the archive changed or the file is corrupt)")


def downloaded(folder, files):
    """Whether every pinned file (name, size, sha) is in `folder` at its size (its hash is checked next)."""
    return all(os.path.isfile(os.path.join(folder, n)) and os.path.getsize(os.path.join(folder, n)) == s for n, s, _ in files)


def read_stamp(dest, key):
    """(files, bytes) recorded when `dest` was unpacked from the pinned files `key` names, or None."""
    stamp = os.path.join(dest, ".nestnet-stamp")
    if not os.path.isfile(stamp):
        return None
    words = open(stamp).read().split()
    return tuple(map(int, words[1:3])) if words and words[0] == key else None


def write_stamp(dest, key, files, size):
    with open(os.path.join(dest, ".nestnet-stamp"), "w") as f:
        f.write(f"{key} {files} {size}\n")


def read_manifest(path, dev=False):
    """{package: {"version", "split", "files": [(name, size, sha)], "exclude": [prefix]}} in file order.
    dev: the dev pool's manifest (split `dev`, packages whose seeded hash is valid)."""
    pkgs = {}
    for n, cols in manifest_rows(path):
        pkg, version, split, name, size, sha, exclude = cols
        if dev and (split != "dev" or split_of(pkg) != "valid"):
            raise Failure(f"{path}:{n}: {pkg} cannot be a dev package (split column {split}, seeded hash "
                          f"{split_of(pkg)}; the dev pool takes only packages whose hash is valid, split dev)")
        if not dev and split != split_of(pkg):
            raise Failure(f"{path}:{n}: {pkg} is in split {split}, but its seeded hash puts it in {split_of(pkg)}")
        if pkg in EXCLUDED:
            raise Failure(f"{path}:{n}: {pkg} must stay out of the corpus (an independent acceptance test)")
        p = pkgs.setdefault(pkg, {"version": version, "split": split, "files": [],
                                  "exclude": [e for e in exclude.split(",") if e and e != "-"]})
        if p["version"] != version:
            raise Failure(f"{path}:{n}: {pkg} is pinned to two versions ({p['version']}, {version})")
        p["files"].append((name, int(size), sha))
    if not pkgs:
        raise Failure(f"the manifest {path} lists no packages")
    return pkgs


def read_dev(path, main_path):
    """The dev pool's manifest, checked against the main one: no package is in both."""
    pkgs = read_manifest(path, dev=True)
    both = sorted(set(pkgs) & set(read_manifest(main_path)))
    if both:
        raise Failure(f"{path}: {', '.join(both)} also in the manifest {main_path} (a dev package is never trained on or tested)")
    return pkgs


def apt_source(pkg, version, dest):
    os.makedirs(dest, exist_ok=True)
    r = subprocess.run(["apt-get", "source", "--download-only", "-qq", f"{pkg}={version}"], cwd=dest,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return r.returncode == 0, r.stdout.strip().splitlines()[-1:] if r.stdout.strip() else []


def verify(pkg, info, folder):
    for name, size, sha in info["files"]:
        check_file(f"package {pkg} {info['version']}", name, os.path.join(folder, name), size, sha)


def unpack(pkg, info, folder, dest):
    """C-like files of the upstream tarballs (not the debian/ packaging) into dest."""
    tmp = dest + ".partial"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    count = size = 0
    for name, _, _ in info["files"]:
        if ".tar." not in name or ".debian.tar." in name or name.endswith(".asc"):
            continue
        with tarfile.open(os.path.join(folder, name)) as tar:
            for m in tar:
                if not m.isfile() or not m.name.lower().endswith(EXTENSIONS) or m.size > MAX_FILE:
                    continue
                # Drop the tarball's top folder; keep the rest of the path.
                parts = [p for p in m.name.split("/") if p not in ("", ".", "..")]
                rel = "/".join(parts[1:] if len(parts) > 1 else parts)
                if any(rel.startswith(e) for e in info["exclude"]):
                    continue
                component = name.split(".orig-")[1].split(".tar.")[0] + "/" if ".orig-" in name else ""
                out = os.path.join(tmp, component + rel)
                os.makedirs(os.path.dirname(out), exist_ok=True)
                with tar.extractfile(m) as src, open(out, "wb") as dst:
                    shutil.copyfileobj(src, dst)
                count += 1
                size += m.size
    shutil.rmtree(dest, ignore_errors=True)
    os.rename(tmp, dest)
    return count, size


def stamp_of(pkg, info):
    return hashlib.sha256(repr((pkg, info["version"], info["files"], info["exclude"], EXTENSIONS)).encode()).hexdigest()


def fetch(args):
    pkgs = read_dev(args.dev_manifest, args.manifest) if args.dev else read_manifest(args.manifest)
    if args.only:
        want = args.only.split(",")
        unknown = [p for p in want if p not in pkgs]
        if unknown:
            raise Failure(f"not in the manifest: {', '.join(unknown)}")
        pkgs = {p: pkgs[p] for p in want}
    total = len(pkgs)
    start = time.time()
    files = size = 0
    for i, (pkg, info) in enumerate(pkgs.items(), 1):
        dest = os.path.join(args.cache, "src", info["split"], pkg)
        done = read_stamp(dest, stamp_of(pkg, info))
        if done:
            files += done[0]; size += done[1]
            continue
        folder = os.path.join(args.cache, "downloads", pkg)
        if not downloaded(folder, info["files"]):
            print(f"corpus: [{i}/{total}] downloading {pkg} {info['version']}", flush=True)
            shutil.rmtree(folder, ignore_errors=True)
            ok, last = apt_source(pkg, info["version"], folder)
            if not ok and not all(os.path.isfile(os.path.join(folder, n)) for n, _, _ in info["files"]):
                raise Failure(f"package {pkg} {info['version']} could not be downloaded"
                              f"{': ' + last[0] if last else ''} (is there a deb-src entry? see shared notes)")
        verify(pkg, info, folder)
        n, b = unpack(pkg, info, folder, dest)
        write_stamp(dest, stamp_of(pkg, info), n, b)
        files += n; size += b
        print(f"corpus: [{i}/{total}] {pkg} {info['version']} ({info['split']}): {n} files, {b / 1e6:.1f} MB "
              f"({time.time() - start:.0f} s)", flush=True)
    print(f"corpus: {total} packages, {files} files, {size / 1e6:.1f} MB in {args.cache}/src", flush=True)


def audit(args):
    """Vendored code of the acceptance projects in the unpacked corpus (see FINGERPRINTS)."""
    pkgs = dict(read_manifest(args.manifest))
    if os.path.isfile(args.dev_manifest):
        pkgs.update(read_dev(args.dev_manifest, args.manifest))
    refused, listed, scanned = [], [], 0
    for pkg, info in pkgs.items():
        root = os.path.join(args.cache, "src", info["split"], pkg)
        if read_stamp(root, stamp_of(pkg, info)) is None:
            raise Failure(f"package {pkg} is not unpacked in {args.cache} as the manifest pins it: "
                          f"run scripts/corpus.py fetch (and fetch --dev) first")
        hits = {}
        for folder, _, names in os.walk(root):
            for name in names:
                path = os.path.join(folder, name)
                if not name.lower().endswith(EXTENSIONS):
                    continue
                scanned += 1
                with open(path, "rb") as f:
                    text = f.read()
                for project, marks in FINGERPRINTS.items():
                    if any(m in text for m in marks):
                        hits.setdefault(project, []).append(os.path.relpath(path, root))
        for project, files in sorted(hits.items()):
            line = (f"{info['split']}/{pkg}: {len(files)} file{'s' if len(files) > 1 else ''} of {project}, e.g. "
                    f"{', '.join(sorted(files)[:3])}")
            (listed if info["split"] == "test" else refused).append(line)
    for line in refused + listed:
        print(f"corpus: audit: {line}", flush=True)
    print(f"corpus: audit: {scanned} files of {len(pkgs)} packages; acceptance-project code in "
          f"{len(refused)} train/valid/dev and {len(listed)} test package(s)", flush=True)
    if refused:
        raise Failure("acceptance-project code in train, valid or dev packages: exclude those folders in the manifest")


def subset_rank(package):
    """Order in which --fraction takes packages: a second seeded hash, independent of the split."""
    return hashlib.sha256(f"nestnet-corpus-subset-v1:{package}".encode()).hexdigest()


def list_split(args):
    pkgs = read_dev(args.dev_manifest, args.manifest) if args.split == "dev" else read_manifest(args.manifest)
    names = [p for p, info in pkgs.items() if info["split"] == args.split]
    if not 0 < args.fraction <= 1:
        raise Failure("--fraction must be in (0, 1]")
    keep = set(sorted(names, key=subset_rank)[:max(1, round(len(names) * args.fraction))])
    for pkg, info in pkgs.items():
        if pkg not in keep:
            continue
        dest = os.path.join(args.cache, "src", info["split"], pkg)
        if not os.path.isfile(os.path.join(dest, ".nestnet-stamp")):
            raise Failure(f"package {pkg} is not unpacked in {args.cache}: run scripts/corpus.py fetch first")
        print(dest)


def versions(pkg):
    out = subprocess.run(["apt-cache", "showsrc", pkg], capture_output=True, text=True).stdout
    vs = []
    for block in out.split("\n\n"):
        lines = block.splitlines()
        if any(l == f"Package: {pkg}" for l in lines):
            vs += [l.split(" ", 1)[1] for l in lines if l.startswith("Version: ")]
    return sorted(set(vs), key=vs.index)


def pin(args):
    target = args.dev_manifest if args.dev else args.manifest
    existing = read_manifest(target, dev=args.dev) if os.path.exists(target) and os.path.getsize(target) else {}
    other = read_manifest(args.manifest) if args.dev else {}
    rows = []
    for spec in args.packages:
        pkg, _, version = spec.partition("=")
        if pkg in EXCLUDED:
            raise Failure(f"{pkg} must stay out of the corpus")
        if pkg in other:
            raise Failure(f"{pkg} is in the manifest {args.manifest}; a dev package must not be")
        if args.dev and split_of(pkg) != "valid":
            raise Failure(f"{pkg}'s seeded hash puts it in {split_of(pkg)}; the dev pool takes only packages whose hash is valid")
        if pkg in existing:
            continue
        candidates = [version] if version else versions(pkg)
        if not candidates:
            raise Failure(f"no source package {pkg} (is there a deb-src entry?)")
        for v in candidates:
            folder = os.path.join(args.cache, "downloads", pkg)
            shutil.rmtree(folder, ignore_errors=True)
            ok, last = apt_source(pkg, v, folder)
            names = sorted(os.listdir(folder)) if os.path.isdir(folder) else []
            dsc = [n for n in names if n.endswith(".dsc")]
            if ok and dsc:
                listed = dsc_files(os.path.join(folder, dsc[0]))
                if all(n in names for n in listed):
                    for n in sorted(listed + dsc):
                        p = os.path.join(folder, n)
                        rows.append((pkg, v, "dev" if args.dev else split_of(pkg), n, str(os.path.getsize(p)), sha256(p), args.exclude.get(pkg, "-")))
                    print(f"pin: {pkg} {v} ({'dev' if args.dev else split_of(pkg)})", flush=True)
                    break
            print(f"pin: {pkg} {v} did not download{': ' + last[0] if last else ''}", file=sys.stderr, flush=True)
        else:
            print(f"pin: no version of {pkg} downloads; left out", file=sys.stderr, flush=True)
            continue
        with open(target, "a", encoding="utf-8") as f:
            if os.path.getsize(target) == 0:
                f.write(DEV_HEADER if args.dev else HEADER)
            for r in rows:
                f.write("\t".join(r) + "\n")
        rows = []


def dsc_files(path):
    names, on = [], False
    for line in open(path, encoding="utf-8", errors="replace"):
        if line.startswith("Checksums-Sha256:"):
            on = True
            continue
        if on:
            if line.startswith(" "):
                names.append(line.split()[2])
            else:
                on = False
    return names


HEADER = ("# NestNet real-code corpus: Debian source packages (bookworm main archive), pinned by version and\n"
          "# the SHA-256 of every file `apt-get source --download-only` fetches. split: seeded hash of the\n"
          "# package name (scripts/corpus.py split_of). exclude: path prefixes inside the upstream tree that\n"
          "# are left out (vendored copies of held-out projects). Columns:\n"
          "# package\tversion\tsplit\tfile\tbytes\tsha256\texclude\n")

DEV_HEADER = ("# NestNet dev pool: more Debian source packages (bookworm main archive) for choosing settings, never\n"
              "# trained on or tested; pinned like manifest.tsv. Only packages whose seeded hash is valid (split dev).\n"
              "# exclude: path prefixes left out (vendored copies of held-out projects, files also in the corpus).\n"
              "# package\tversion\tsplit\tfile\tbytes\tsha256\texclude\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cache", default=os.environ.get("NESTNET_CORPUS", "/tmp/nestnet-corpus"))
    ap.add_argument("--manifest", default=DEFAULT_MANIFEST)
    ap.add_argument("--dev-manifest", default=DEV_MANIFEST)
    sub = ap.add_subparsers(dest="cmd", required=True)
    f = sub.add_parser("fetch")
    f.add_argument("--only", default="")
    f.add_argument("--dev", action="store_true", help="the dev pool's packages instead of the manifest's")
    l = sub.add_parser("list")
    l.add_argument("--split", choices=["train", "valid", "test", "dev"], required=True)
    l.add_argument("--fraction", type=float, default=1.0,
                   help="only this share of the split's packages (a fixed seeded choice; for corpus-size ablations)")
    sub.add_parser("audit")
    p = sub.add_parser("pin")
    p.add_argument("packages", nargs="+")
    p.add_argument("--exclude", action="append", default=[], help="PKG:PREFIX,PREFIX")
    p.add_argument("--dev", action="store_true", help="pin into the dev pool's manifest")
    args = ap.parse_args()
    for k in ("cache", "manifest", "dev_manifest"):
        setattr(args, k, os.path.abspath(getattr(args, k)))
    def body():
        if args.cmd == "fetch":
            fetch(args)
        elif args.cmd == "list":
            list_split(args)
        elif args.cmd == "audit":
            audit(args)
        else:
            args.exclude = dict(e.split(":", 1) for e in args.exclude)
            target = args.dev_manifest if args.dev else args.manifest
            os.makedirs(os.path.dirname(target), exist_ok=True)
            open(target, "a").close()
            pin(args)
    run_tool("corpus", body)


def run_tool(tool, body):
    """Runs a script's command: a Failure is one line on stderr and exit 2, an interrupt exit 130,
    a reader that stopped early (`... | head`) exit 141 with nothing more written."""
    try:
        body()
    except Failure as e:
        print(f"{tool}: error: {e}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print(f"{tool}: interrupted", file=sys.stderr)
        sys.exit(130)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(141)


if __name__ == "__main__":
    main()
