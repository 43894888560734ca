#!/usr/bin/env python3
"""Sanity checks for tests/heldout3/gold.json (attache-gold/1), independent of the tool.

    python3 tests/heldout3/check_gold.py [--ttl OUT.ttl]

Checks that the JSON loads, ids are unique, every fact refers to defined ids with the
domain/range of spec/vocabulary.md, dates follow the precision rules, every listed
name occurs verbatim in an article, no two entities share a (normalised) name, and
keyed entities are distinguishable. With --ttl it also writes a Turtle graph built
straight from the gold (never from the tool), which ../../../shared/eval/score.py
should score as perfect: a check of the format, not of any extractor.
"""
import argparse
import json
import re
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ART = HERE / "articles"

CLASSES = {"Person", "Unit", "Base", "Agreement", "Visit", "Country", "City"}
DOMAIN_RANGE = {
    "rank": ({"Person"}, None), "role": ({"Person"}, None),
    "memberOf": ({"Person"}, {"Unit"}), "commands": ({"Person"}, {"Unit"}),
    "partOf": ({"Unit"}, {"Unit"}),
    "country": ({"Person", "Unit", "Base", "City"}, {"Country"}),
    "operatedBy": ({"Base"}, {"Unit"}), "locatedIn": ({"Base"}, {"City"}),
    "visitor": ({"Visit"}, {"Person"}), "delegationMember": ({"Visit"}, {"Person"}),
    "destination": ({"Visit"}, {"Country"}), "host": ({"Visit"}, {"Person", "Unit"}),
    "site": ({"Visit"}, {"Base", "City"}), "date": ({"Visit", "Agreement"}, None),
    "party": ({"Agreement"}, {"Country", "Unit"}), "signatory": ({"Agreement"}, {"Person"}),
    "signedAt": ({"Agreement"}, {"City"}), "topic": ({"Agreement"}, None),
}
DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def norm(text):  # same folding as shared/eval/score.py
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("\u2019", "'").replace("\u2018", "'").lower()
    text = re.sub(r"'s\b", "", text)
    text = re.sub(r"[\u2010-\u2015\-_/]", " ", text)
    text = re.sub(r"[^\w\s]", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"^the ", "", text)


def contains_words(hay, needle):
    return re.search(r"(^| )" + re.escape(needle) + r"( |$)", hay) is not None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gold", default=str(HERE / "gold.json"))
    ap.add_argument("--ttl", help="also write a Turtle graph built from the gold to this path")
    args = ap.parse_args()

    gold = json.loads(Path(args.gold).read_text(encoding="utf-8"))
    errors, warnings = [], []
    if gold.get("format") != "attache-gold/1":
        errors.append("format is not attache-gold/1")

    texts = {}
    for name, meta in gold["documents"].items():
        path = ART / name
        if not path.exists():
            errors.append(f"document {name} missing")
            continue
        raw = path.read_bytes()
        texts[name] = raw.decode("utf-8")
        if not 2000 <= len(raw) <= 5000:
            warnings.append(f"{name}: {len(raw)} bytes, outside 2-5 KB")
        d = meta.get("date")
        if d is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", d):
            errors.append(f"{name}: document date {d!r} is not a full date")
    on_disk = {p.name for p in ART.glob("*.txt")}
    if on_disk != set(texts):
        errors.append(f"articles on disk {sorted(on_disk)} differ from gold documents {sorted(texts)}")

    ents = {}
    for e in gold["entities"]:
        if e["id"] in ents:
            errors.append(f"duplicate id {e['id']}")
        ents[e["id"]] = e
        if e["class"] not in CLASSES:
            errors.append(f"{e['id']}: unknown class {e['class']}")
        if e["class"] == "Visit":
            if "key" not in e:
                errors.append(f"{e['id']}: Visit without key")
        elif not e.get("names"):
            errors.append(f"{e['id']}: named class without names")
        for n in e.get("names", []):
            where = [d for d, t in texts.items() if n in t]
            if not where:
                errors.append(f"{e['id']}: name {n!r} occurs verbatim in no article")

    # names must not collide across entities (score.py matches names exactly after norm,
    # and agreements by word containment)
    seen = {}
    for e in gold["entities"]:
        for n in e.get("names", []):
            k = norm(n)
            if k in seen and seen[k] != e["id"]:
                errors.append(f"name {n!r} of {e['id']} collides with {seen[k]}")
            seen.setdefault(k, e["id"])
    agreements = [e for e in gold["entities"] if e["class"] == "Agreement"]
    for a in agreements:
        for b in agreements:
            if a is b:
                continue
            for na in a["names"]:
                for nb in b["names"]:
                    if contains_words(norm(nb), norm(na)):
                        errors.append(f"agreement name {na!r} ({a['id']}) is contained in {nb!r} ({b['id']})")

    facts = gold["facts"]
    for f in facts:
        s, p = f["s"], f["p"]
        if s not in ents:
            errors.append(f"fact subject {s} undefined")
            continue
        if p not in DOMAIN_RANGE:
            errors.append(f"unknown property {p}")
            continue
        dom, rng = DOMAIN_RANGE[p]
        if ents[s]["class"] not in dom:
            errors.append(f"{s} {p}: subject class {ents[s]['class']} not in domain")
        if rng is None:
            if "v" not in f or not isinstance(f["v"], list) or not f["v"]:
                errors.append(f"{s} {p}: literal fact needs a non-empty v list")
            if p == "date":
                for d in f["v"]:
                    if not DATE_RE.match(d):
                        errors.append(f"{s} date {d!r} malformed")
            if p == "rank":
                for r in f["v"]:
                    if r != r.title() and not r.endswith("."):
                        warnings.append(f"{s} rank {r!r} not title case")
            if p == "topic":
                for t in f["v"]:
                    if t != t.lower():
                        warnings.append(f"{s} topic {t!r} not lower case")
        else:
            o = f.get("o")
            if o not in ents:
                errors.append(f"{s} {p}: object {o} undefined")
            elif ents[o]["class"] not in rng:
                errors.append(f"{s} {p} {o}: object class {ents[o]['class']} not in range")
            elif ents[o].get("optional") and not f.get("optional"):
                errors.append(f"{s} {p} {o}: required fact points to an optional entity")
        if ents[s].get("optional") and not f.get("optional"):
            errors.append(f"{s} {p}: required fact on an optional entity")

    # every required Visit has visitor, destination and one date; keyed entities distinguishable
    keysig = {}
    for e in gold["entities"]:
        if e["class"] == "Visit" and not e.get("optional"):
            for p in ("visitor", "destination", "date"):
                if not any(f["s"] == e["id"] and f["p"] == p and not f.get("optional") for f in facts):
                    errors.append(f"{e['id']}: no required {p}")
        if "key" in e:
            sig = []
            for p in e["key"]:
                vals = sorted(f.get("o") or str(f.get("v")) for f in facts
                              if f["s"] == e["id"] and f["p"] == p and not f.get("optional"))
                if not vals:
                    errors.append(f"{e['id']}: key property {p} has no required fact")
                sig.append((p, tuple(vals)))
            sig = (e["class"], tuple(sig))
            if sig in keysig:
                errors.append(f"{e['id']} and {keysig[sig]} have the same key facts")
            keysig[sig] = e["id"]
    # Visits keyed on visitor only must not share a visitor with another Visit
    by_visitor = {}
    for f in facts:
        if f["p"] == "visitor" and not f.get("optional"):
            by_visitor.setdefault(f["o"], []).append(f["s"])
    for person, visits in by_visitor.items():
        if len(visits) > 1:
            for vid in visits:
                if ents[vid]["key"] == ["visitor"]:
                    errors.append(f"{vid}: keyed on visitor only, but {person} has visits {visits}")

    # soft completeness: named non-optional Person/Unit/Base/City should have a country
    for e in gold["entities"]:
        if e["class"] in {"Person", "Unit", "Base", "City"} and not e.get("optional"):
            if not any(f["s"] == e["id"] and f["p"] == "country" and not f.get("optional") for f in facts):
                warnings.append(f"{e['id']}: no required country fact")

    for w in warnings:
        print("warning:", w)
    for x in errors:
        print("ERROR:", x)
    n_req = sum(1 for f in facts if not f.get("optional"))
    print(f"{len(gold['documents'])} documents, {len(ents)} entities "
          f"({sum(1 for e in ents.values() if not e.get('optional'))} required), "
          f"{len(facts)} facts ({n_req} required): {'OK' if not errors else str(len(errors)) + ' errors'}")

    if args.ttl:
        write_ttl(gold, texts, Path(args.ttl))
        print(f"wrote {args.ttl}")
    sys.exit(1 if errors else 0)


def write_ttl(gold, texts, path):
    """A graph holding exactly the gold (required and optional), for checking the format with score.py."""
    def lit(s):
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
    base = "https://w3id.org/attache/id/h3gold/"
    lines = ["@prefix att: <https://w3id.org/attache/ontology#> .",
             "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
             "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
             "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
             "@prefix prov: <http://www.w3.org/ns/prov#> .",
             "@prefix dcterms: <http://purl.org/dc/terms/> .", ""]
    iri = lambda i: f"<{base}{i}>"
    doc_iri = {}
    for name, meta in gold["documents"].items():
        d = f"<{base}doc/{name}>"
        doc_iri[name] = d
        lines.append(f"{d} a att:Document ; dcterms:identifier {lit(name)} .")
        if meta.get("date"):
            lines.append(f"{d} dcterms:date {lit(meta['date'])}^^xsd:date .")
    dtype = {10: "xsd:date", 7: "xsd:gYearMonth", 4: "xsd:gYear"}
    ents = {e["id"]: e for e in gold["entities"]}
    m = 0
    for e in gold["entities"]:
        s = iri(e["id"])
        lines.append(f"{s} a att:{e['class']} .")
        names = e.get("names", [])
        if names:
            lines.append(f"{s} rdfs:label {lit(names[0])} .")
            for n in names[1:]:
                lines.append(f"{s} skos:altLabel {lit(n)} .")
        else:
            lines.append(f"{s} rdfs:label {lit(e['id'])} .")
        docs = set()
        if e["class"] == "Visit":  # derived from the documents naming its visitor
            who = [f["o"] for f in gold["facts"] if f["s"] == e["id"] and f["p"] == "visitor"]
            for name, text in texts.items():
                if any(n in text for w in who for n in ents[w].get("names", [])):
                    docs.add(name)
        for name, text in texts.items():
            for n in names:
                i = text.find(n)
                if i >= 0:
                    docs.add(name)
                    m += 1
                    mi = f"<{base}mention/{m}>"
                    lines.append(f"{mi} a att:Mention ; att:inDocument {doc_iri[name]} ; att:start {i} ; "
                                 f"att:end {i + len(n)} ; att:anchorOf {lit(n)} ; att:denotes {s} .")
        for name in sorted(docs):
            lines.append(f"{s} prov:wasDerivedFrom {doc_iri[name]} .")
    for f in gold["facts"]:
        s = iri(f["s"])
        if "v" in f:
            for val in f["v"][:1]:
                if f["p"] == "date":
                    lines.append(f"{s} att:date {lit(val)}^^{dtype[len(val)]} .")
                else:
                    lines.append(f"{s} att:{f['p']} {lit(val)} .")
        else:
            lines.append(f"{s} att:{f['p']} {iri(f['o'])} .")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
