#!/usr/bin/env python3
"""The peer of the benchmark: the pipeline a user would otherwise write with spaCy and rdflib.

    python3 bench/peer_spacy.py CORPUS_DIR --out OUT_DIR      # writes OUT_DIR/graph.ttl

spaCy rules only (no model download): `spacy.blank("en")` + "sentencizer" + an EntityRuler with
general patterns built from attache's general lexicons (lexicon/*.toml, read with tomllib):
ranks followed by capitalised names (PERSON), [Royal] demonym or country + service head
("Egyptian Air Force", "Ministry of Defence") (UNIT), a capitalised name + installation head
("Tanagra Air Base", "X naval base") and "... Academy" (BASE), countries and capitals/cities
(COUNTRY, CITY), and agreement words (AGREEMENT). Each (class, folded name) becomes one entity
of an rdflib graph with rdfs:label and prov:wasDerivedFrom its documents; each match an
att:Mention with att:start / att:end (code points), att:anchorOf, att:denotes, att:inDocument;
each document an att:Document with dcterms:identifier. Serialised to Turtle.

It does less than attache (no relations, roles, dates, visits, nor transliteration-aware
merging), so it is a lower bound on what the same job costs with these tools.
Prints: peer: N documents (B bytes): E entities, M mentions; T triples
"""

import argparse
import hashlib
import os
import re
import sys
import time
import tomllib
import unicodedata

import spacy
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

HERE = os.path.dirname(os.path.abspath(__file__))
LEXICON = os.path.join(os.path.dirname(HERE), "lexicon")

ATT = Namespace("https://w3id.org/attache/ontology#")
ID = Namespace("https://w3id.org/attache/id/")
CLASSES = {"PERSON": ATT.Person, "UNIT": ATT.Unit, "BASE": ATT.Base, "AGREEMENT": ATT.Agreement,
           "COUNTRY": ATT.Country, "CITY": ATT.City}


def load(name):
    with open(os.path.join(LEXICON, name), "rb") as f:
        return tomllib.load(f)


def toks(phrase):
    """A phrase as spaCy's tokenizer would split it, for token patterns."""
    return [t for t in re.findall(r"\w+(?:['’]\w+)?|[^\w\s]", phrase)]


def patterns():
    pats = []
    countries = load("countries.toml")["country"]
    demonyms, names = set(), set()
    for c in countries:
        for n in [c["name"]] + c.get("aliases", []):
            names.add(n)
            pats.append({"label": "COUNTRY", "pattern": n})
        for d in c.get("demonyms", []):
            demonyms.add(d)
        for city in ([c["capital"]] if c.get("capital") else []) + c.get("cities", []):
            pats.append({"label": "CITY", "pattern": city})
    cap_name = {"IS_TITLE": True}
    # People: a rank, then one to four capitalised words.
    ranks = load("ranks.toml")["rank"]
    for r in ranks:
        for form in [r["name"]] + r.get("variants", []):
            t = toks(form)
            pats.append({"label": "PERSON", "pattern": [{"ORTH": w} for w in t] + [dict(cap_name, OP="{1,4}")]})
    # Units: [Royal] demonym + head, country's + head, "Ministry of Defence".
    heads = load("units.toml")["head"]
    single_word_demonyms = sorted(d for d in demonyms if " " not in d)
    single_word_names = sorted(n for n in names if " " not in n)
    for h in heads:
        for form in [h["phrase"]] + h.get("variants", []):
            if not form[:1].isupper():
                continue
            t = [{"ORTH": w} for w in toks(form)]
            if h.get("level") in ("ministry",):
                pats.append({"label": "UNIT", "pattern": t})
            pats.append({"label": "UNIT", "pattern": [{"ORTH": "Royal", "OP": "?"}, {"ORTH": {"IN": single_word_demonyms}}] + t})
            pats.append({"label": "UNIT", "pattern": [{"ORTH": {"IN": single_word_names}}, {"ORTH": {"IN": ["'s", "’s"]}}] + t})
    # Bases: capitalised name + installation head; "... Academy".
    inst = load("installations.toml")["head"]
    for h in inst:
        for form in [h["phrase"]] + h.get("variants", []):
            t = [{"ORTH": w} for w in toks(form)]
            if h.get("position") == "before":
                pats.append({"label": "BASE", "pattern": t + [dict(cap_name, OP="{1,3}")]})
            else:
                pats.append({"label": "BASE", "pattern": [dict(cap_name, OP="{1,3}")] + t})
    pats.append({"label": "BASE", "pattern": [dict(cap_name, OP="{1,5}"), {"ORTH": "Academy"}]})
    # Agreements.
    for k in load("agreements.toml")["kind"]:
        for form in [k["name"]] + k.get("variants", []):
            pats.append({"label": "AGREEMENT", "pattern": [{"LOWER": w.lower()} for w in toks(form)]})
    return pats


def fold(text):
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def slug(text):
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-") or "x"


def main():
    ap = argparse.ArgumentParser(description="spaCy rules + rdflib peer of attache build")
    ap.add_argument("corpus", help="folder of .txt articles")
    ap.add_argument("--out", required=True)
    ap.add_argument("--processes", type=int, default=1, help="spaCy n_process")
    args = ap.parse_args()
    t0 = time.perf_counter()

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True})
    ruler.add_patterns(patterns())
    rank_words = set()
    for r in load("ranks.toml")["rank"]:
        for form in [r["name"]] + r.get("variants", []):
            rank_words.update(toks(form))

    files = sorted(f for f in os.listdir(args.corpus) if f.endswith(".txt"))
    texts = []
    total = 0
    for f in files:
        with open(os.path.join(args.corpus, f), encoding="utf-8") as fh:
            texts.append(fh.read())
        total += len(texts[-1].encode("utf-8"))

    g = Graph()
    g.bind("att", ATT)
    g.bind("id", ID)
    g.bind("prov", PROV)
    g.bind("dcterms", DCTERMS)
    entities = {}
    mentions = 0
    for name, doc in zip(files, nlp.pipe(texts, batch_size=64, n_process=args.processes)):
        d = ID["doc/" + slug(name)]
        g.add((d, RDF.type, ATT.Document))
        g.add((d, DCTERMS.identifier, Literal(name)))
        for ent in doc.ents:
            label = ent.text
            if ent.label_ == "PERSON":
                words = [t.text for t in ent if t.text not in rank_words and t.text != "."]
                label = " ".join(words) or ent.text
            key = (ent.label_, fold(label))
            e = entities.get(key)
            if e is None:
                e = ID[f"{ent.label_.lower()}/{slug(label)}"]
                entities[key] = e
                g.add((e, RDF.type, CLASSES[ent.label_]))
                g.add((e, RDFS.label, Literal(label)))
            g.add((e, PROV.wasDerivedFrom, d))
            m = ID[f"mention/{slug(name)}/{ent.start_char}-{ent.end_char}"]
            g.add((m, RDF.type, ATT.Mention))
            g.add((m, ATT.start, Literal(ent.start_char, datatype=XSD.integer)))
            g.add((m, ATT.end, Literal(ent.end_char, datatype=XSD.integer)))
            g.add((m, ATT.anchorOf, Literal(ent.text)))
            g.add((m, ATT.denotes, e))
            g.add((m, ATT.inDocument, d))
            mentions += 1
    os.makedirs(args.out, exist_ok=True)
    g.serialize(destination=os.path.join(args.out, "graph.ttl"), format="turtle")
    print(f"peer: {len(files)} documents ({total} bytes): {len(entities)} entities, {mentions} mentions; {len(g)} triples")
    print(f"in {time.perf_counter() - t0:.3f} s")


if __name__ == "__main__":
    main()
