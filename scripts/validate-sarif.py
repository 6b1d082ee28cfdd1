#!/usr/bin/env python3
"""Validates a `nestnet check --sarif` report: parsed by the SARIF 2.1.0 model of sarif-pydantic
and loaded by sarif-tools (both from PyPI), plus what code-scanning uploads rely on and the
models leave optional: every result names a declared rule and has a message and a region with
line and column; artifact URIs are valid URI references, relative ones have a base id that the
run declares as an absolute `file:` URI ending in `/`.

    scripts/validate-sarif.py REPORT.sarif [--expect-uri URI ...]

--expect-uri: these URIs (as written in the report) must be the results' URIs, in order.
Exit 0 when valid, 1 with one line per problem otherwise."""
import argparse, json, sys, urllib.parse

from sarif_pydantic import Sarif
from sarif import loader as sarif_loader

ap = argparse.ArgumentParser()
ap.add_argument("report")
ap.add_argument("--expect-uri", nargs="*", default=None)
a = ap.parse_args()
problems = []
raw = json.load(open(a.report, encoding="utf-8"))
try:
    Sarif.model_validate(raw)
except Exception as e:  # pydantic.ValidationError
    problems.append(f"not SARIF 2.1.0 by sarif-pydantic: {e}".replace("\n", " "))
try:
    sarif_loader.load_sarif_file(a.report)
except Exception as e:
    problems.append(f"sarif-tools cannot load it: {e}")
if raw.get("version") != "2.1.0":
    problems.append(f"version is {raw.get('version')!r}, not 2.1.0")
uris = []
for run in raw.get("runs", []):
    driver = run["tool"]["driver"]
    rules = {r["id"] for r in driver.get("rules", [])}
    if "informationUri" in driver and not urllib.parse.urlsplit(driver["informationUri"]).scheme:
        problems.append("informationUri is not an absolute URI")
    bases = run.get("originalUriBaseIds", {})
    for name, base in bases.items():
        u = urllib.parse.urlsplit(base.get("uri", ""))
        if u.scheme != "file" or not u.path.startswith("/") or not u.path.endswith("/"):
            problems.append(f"base {name} is not an absolute file: URI ending in '/': {base.get('uri')!r}")
    for i, res in enumerate(run.get("results", [])):
        if res.get("ruleId") not in rules:
            problems.append(f"result {i}: ruleId {res.get('ruleId')!r} is not a declared rule")
        if not res.get("message", {}).get("text"):
            problems.append(f"result {i}: no message text")
        for loc in res.get("locations", []):
            pl = loc["physicalLocation"]
            art = pl["artifactLocation"]
            uri = art.get("uri", "")
            uris.append(uri)
            bad = [c for c in uri if not (c.isascii() and (c.isalnum() or c in "-._~/%:"))]
            if bad:
                problems.append(f"result {i}: URI {uri!r} has characters a URI may not: {bad!r}")
            parsed = urllib.parse.urlsplit(uri)
            if parsed.scheme:
                if parsed.scheme != "file" or "uriBaseId" in art:
                    problems.append(f"result {i}: absolute URI {uri!r} with a base id or not file:")
            else:
                if uri.startswith("/") or uri.startswith("./") or "/../" in f"/{uri}":
                    problems.append(f"result {i}: relative URI {uri!r} is not a clean relative reference")
                if art.get("uriBaseId") not in bases:
                    problems.append(f"result {i}: relative URI {uri!r} has base {art.get('uriBaseId')!r}, not declared in originalUriBaseIds")
            region = pl.get("region", {})
            if not isinstance(region.get("startLine"), int) or region["startLine"] < 1:
                problems.append(f"result {i}: no startLine")
if a.expect_uri is not None and uris != a.expect_uri:
    problems.append(f"URIs are {uris}, expected {a.expect_uri}")
for p in problems:
    print(f"validate-sarif: {a.report}: {p}", file=sys.stderr)
sys.exit(1 if problems else 0)
