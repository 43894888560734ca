#!/usr/bin/env python3
"""Sanity checks for gold.json against the articles (format only; does not run the tool)."""
import json, re, sys, unicodedata, datetime
from pathlib import Path
here = Path(__file__).parent
gold = json.loads((here / "gold.json").read_text(encoding="utf-8"))
arts = {p.name: p.read_text(encoding="utf-8") for p in sorted((here / "articles").glob("*.txt"))}
errors = []
assert gold["format"] == "attache-gold/1"
if set(arts) != set(gold["documents"]):
    errors.append(f"documents mismatch: {sorted(arts)} vs {sorted(gold['documents'])}")
for name, meta in gold["documents"].items():
    d = meta["date"]
    if d is not None:
        datetime.date.fromisoformat(d)
ids = [e["id"] for e in gold["entities"]]
dups = {i for i in ids if ids.count(i) > 1}
if dups: errors.append(f"duplicate ids {dups}")
ents = {e["id"]: e for e in gold["entities"]}
CLASSES = {"Person", "Unit", "Base", "Agreement", "Visit", "Country", "City"}
for e in gold["entities"]:
    if e["class"] not in CLASSES: errors.append(f"bad class {e}")
    for n in e.get("names", []):
        where = [a for a, t in arts.items() if n in t]
        if not where: errors.append(f"name not verbatim in any article: {e['id']}: {n!r}")
    if "key" in e:
        kf = [f for f in gold["facts"] if f["s"] == e["id"] and f["p"] in e["key"] and not f.get("optional")]
        if not kf: errors.append(f"keyed entity without required key fact: {e['id']}")
    if e["class"] == "Visit" and "names" in e: errors.append(f"visit with names {e['id']}")
RANGE = {"memberOf": {"Unit"}, "commands": {"Unit"}, "partOf": {"Unit"}, "country": {"Country"},
         "operatedBy": {"Unit"}, "locatedIn": {"City"}, "visitor": {"Person"}, "delegationMember": {"Person"},
         "destination": {"Country"}, "host": {"Person", "Unit"}, "site": {"Base", "City"},
         "party": {"Country", "Unit"}, "signatory": {"Person"}, "signedAt": {"City"}}
DOMAIN = {"rank": {"Person"}, "role": {"Person"}, "memberOf": {"Person"}, "commands": {"Person"},
          "partOf": {"Unit"}, "country": {"Person", "Unit", "Base", "City"}, "operatedBy": {"Base"},
          "locatedIn": {"Base"}, "visitor": {"Visit"}, "delegationMember": {"Visit"}, "destination": {"Visit"},
          "host": {"Visit"}, "site": {"Visit"}, "date": {"Visit", "Agreement"}, "party": {"Agreement"},
          "signatory": {"Agreement"}, "signedAt": {"Agreement"}, "topic": {"Agreement"}}
seen = set()
for f in gold["facts"]:
    key = (f["s"], f["p"], f.get("o"), tuple(f.get("v", ())))
    if key in seen: errors.append(f"duplicate fact {f}")
    seen.add(key)
    if f["s"] not in ents: errors.append(f"unknown subject {f}"); continue
    if f["p"] not in DOMAIN: errors.append(f"unknown predicate {f}"); continue
    if ents[f["s"]]["class"] not in DOMAIN[f["p"]]: errors.append(f"domain {f}")
    if "o" in f:
        if f["o"] not in ents: errors.append(f"unknown object {f}"); continue
        if ents[f["o"]]["class"] not in RANGE[f["p"]]: errors.append(f"range {f}")
        if (ents[f["o"]].get("optional") or ents[f["s"]].get("optional")) and not f.get("optional"):
            errors.append(f"required fact on optional entity {f}")
    else:
        if not f["v"]: errors.append(f"empty values {f}")
    if f["p"] == "date":
        for v in f["v"]:
            if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", v): errors.append(f"bad date {f}")
            if len(v) == 10: datetime.date.fromisoformat(v)
print("\n".join(errors) if errors else "gold.json OK: %d entities, %d facts (%d required)" % (
    len(gold["entities"]), len(gold["facts"]), sum(1 for f in gold["facts"] if not f.get("optional"))))
for a, t in arts.items():
    print(a, len(t.encode("utf-8")), "bytes")
sys.exit(1 if errors else 0)
