#!/usr/bin/env python3
"""Compare what Vigil stored with what gen_corpus.py wrote.

    python3 benchmarks/check_dedup.py --corpus benchmarks/out/corpus-100000 \
        --store /tmp/x/vigil.sqlite [--summary ingest.json] [--json out.json]

Reads the generator's manifest.tsv (uid, role, original ...) and the store
(read-only): every stored document and every recorded copy carries the URL
the generator gave it, which ends with the document's uid. Each generated
"family" (an original and its exact and near copies) should end up as one
stored document with its copies recorded against it. The script reports:

* the sum check: new + duplicates + near_duplicates (from Vigil's --json
  summary) against the number of documents written;
* designed copies Vigil did not recognise (the family has two stored
  documents), with the reason as far as it can be reconstructed: the pair's
  word-shingle resemblance and shared MinHash bands computed with a replica
  of Vigil's code (vigil_dedup.py), and the rank of the original among the
  LSH candidates the store would have returned when the copy was inserted
  (Vigil checks only the first max_candidates = 32, by document id);
* copies Vigil linked to a document of another family ("accidental"
  near-duplicates: template-mates that really are that similar, or not).

Python 3.11, standard library only.
"""

from __future__ import annotations

import argparse
import collections
import html
import json
import os
import re
import sqlite3
import sys

sys.dont_write_bytecode = True  # keep benchmarks/ free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vigil_dedup as vd  # noqa: E402

MAX_CANDIDATES = 32  # DedupOptions::default().max_candidates
THRESHOLD = 0.7


def uid_of(url: str | None) -> int | None:
    if not url:
        return None
    m = re.search(r"(\d+)$", url)
    if not m:
        return None
    n = int(m.group(1))
    return n // 10 if "t.me/" in url else n


def load_manifest(corpus: str) -> dict[int, dict]:
    rows = {}
    with open(os.path.join(corpus, "manifest.tsv"), encoding="utf-8") as f:
        head = f.readline().rstrip("\n").split("\t")
        for line in f:
            r = dict(zip(head, line.rstrip("\n").split("\t")))
            r["uid"] = int(r["uid"])
            r["of"] = int(r["of"]) if r["of"] else None
            rows[r["uid"]] = r
    return rows


class CorpusTexts:
    """The text of a generated document, read back from its file."""

    def __init__(self, corpus: str, manifest: dict[int, dict]):
        self.root = os.path.join(corpus, "docs")
        self.manifest = manifest
        self.cache: dict[str, dict[int, str]] = {}

    def _load(self, rel: str) -> dict[int, str]:
        path = os.path.join(self.root, rel)
        out: dict[int, str] = {}
        if rel.endswith(".jsonl"):
            with open(path, encoding="utf-8") as f:
                for line in f:
                    r = json.loads(line)
                    out[uid_of(r["url"])] = r["text"]
        elif rel.endswith(".json"):
            with open(path, encoding="utf-8") as f:
                for m in json.load(f)["messages"]:
                    t = m.get("text")
                    if isinstance(t, list):
                        t = "".join(p if isinstance(p, str) else p.get("text", "") for p in t)
                    if m.get("type") == "message" and t and m["id"] % 10 == 0:
                        out[m["id"] // 10] = t
        elif rel.endswith(".rss"):
            with open(path, encoding="utf-8") as f:
                src = f.read()
            for item in re.findall(r"<item>(.*?)</item>", src, re.S):
                u = uid_of(re.search(r"<link>(.*?)</link>", item).group(1))
                m = re.search(r"<content:encoded><!\[CDATA\[(.*?)\]\]>", item, re.S)
                body = m.group(1) if m else html.unescape(re.search(r"<description>(.*?)</description>", item, re.S).group(1))
                out[u] = paras(body)
        elif rel.endswith(".html"):
            with open(path, encoding="utf-8") as f:
                src = f.read()
            art = re.search(r"<article>(.*?)</article>", src, re.S).group(1)
            out[int(os.path.basename(rel)[:-5])] = paras(art)
        return out

    def text(self, uid: int) -> str:
        rel = self.manifest[uid]["file"]
        if rel not in self.cache:
            self.cache[rel] = self._load(rel)
        return self.cache[rel][uid]


def paras(fragment: str) -> str:
    return "\n\n".join(html.unescape(p) for p in re.findall(r"<p>(.*?)</p>", fragment, re.S))


def main() -> int:
    ap = argparse.ArgumentParser(description="Compare a Vigil store with the generator's manifest.")
    ap.add_argument("--corpus", required=True, help="the generator's --out directory")
    ap.add_argument("--store", required=True, help="path to vigil.sqlite")
    ap.add_argument("--summary", help="vigil --json ingest output of the first ingest")
    ap.add_argument("--json", help="write the findings here as JSON")
    ap.add_argument("--examples", type=int, default=5, help="examples to print per finding")
    args = ap.parse_args()

    man = load_manifest(args.corpus)
    with open(os.path.join(args.corpus, "corpus.json")) as f:
        corpus = json.load(f)
    family = {u: (r["of"] or u) for u, r in man.items()}
    texts = CorpusTexts(args.corpus, man)

    db = sqlite3.connect(f"file:{args.store}?mode=ro", uri=True)
    stored: dict[int, int] = {}  # uid -> document id
    doc_norm: dict[int, str] = {}
    for did, url in db.execute("SELECT id, url FROM documents"):
        u = uid_of(url)
        stored[u] = did
    copies = []  # (copy uid, stored uid, kind, similarity)
    by_doc = {did: u for u, did in stored.items()}
    for did, url, kind, sim in db.execute("SELECT document_id, url, kind, similarity FROM document_copies"):
        copies.append((uid_of(url), by_doc.get(did), kind, sim))

    # Is the replica still faithful to this build of Vigil? Compare it with
    # what the store holds for a sample of documents.
    sample = db.execute("SELECT id, text, normalized FROM documents ORDER BY id LIMIT 300").fetchall()
    bad_norm = bad_bands = 0
    for did, text, norm in sample:
        if vd.normalize(text) != norm:
            bad_norm += 1
            continue
        bands = sorted(r[0] for r in db.execute("SELECT band FROM document_bands WHERE document_id = ?", (did,)))
        if bands != sorted(vd.band_keys(norm)):
            bad_bands += 1
    replica_ok = bad_norm == 0 and bad_bands == 0

    findings: dict = {"replica_ok": replica_ok, "corpus": corpus["expected"], "store": {"documents": len(stored), "copies": len(copies)}}
    out_lines: list[str] = []
    say = out_lines.append

    if replica_ok:
        say(f"replica check: vigil_dedup.py reproduces the stored normalized text and band keys of {len(sample)} sampled documents")
    else:
        say(f"WARNING: vigil_dedup.py no longer matches this Vigil build ({bad_norm} of {len(sample)} sampled "
            f"documents normalize differently, {bad_bands} have other band keys): the diagnoses below may be wrong")
    if args.summary:
        with open(args.summary) as f:
            s = json.load(f)
        total = s["new"] + s["duplicates"] + s["near_duplicates"]
        ok = total == corpus["documents"]
        findings["sum_check"] = {"vigil": total, "generator": corpus["documents"], "ok": ok,
                                 "new": s["new"], "duplicates": s["duplicates"], "near_duplicates": s["near_duplicates"],
                                 "records_skipped": s["records_skipped"], "records_rejected": s["records_rejected"],
                                 "files_rejected": s["files_rejected"]}
        say(f"sum check: new {s['new']} + duplicates {s['duplicates']} + near {s['near_duplicates']} = {total}; "
            f"generator wrote {corpus['documents']}: {'OK' if ok else 'MISMATCH'}")
        say(f"  records skipped {s['records_skipped']} (generator: {corpus['telegram_records_skipped']} Telegram service/photo-only), "
            f"records rejected {s['records_rejected']}, files rejected {s['files_rejected']}")

    unaccounted = [u for u in man if u not in stored and u not in {c[0] for c in copies}]
    copy_uids = collections.Counter(c[0] for c in copies)

    # families with more than one stored document: copies not recognised
    fam_stored: dict[int, list[int]] = collections.defaultdict(list)
    for u in stored:
        if u in man:
            fam_stored[family[u]].append(u)
    missed = []
    for f_, us in fam_stored.items():
        if len(us) > 1:
            us.sort(key=lambda u: stored[u])
            first = us[0]
            for later in us[1:]:
                missed.append((first, later))
    # accidental links: a copy recorded against another family's document
    accidental = [c for c in copies if c[0] in man and c[1] in man and family[c[0]] != family[c[1]]]
    # what each recorded copy was in the generator, and how Vigil recorded it
    kinds = collections.Counter()
    for cu, su, kind, sim in copies:
        if cu in man and su in man:
            kinds[(man[cu]["role"], kind, "same family" if family[cu] == family[su] else "other family")] += 1
    findings["copies_by_role_and_kind"] = {f"{r}->{k} ({f})": n for (r, k, f), n in sorted(kinds.items())}
    say(f"store: {len(stored)} documents, {len(copies)} copies recorded; "
        f"generator: {corpus['expected']['new_if_all_found']} originals, {corpus['exact_duplicates']} exact and "
        f"{corpus['near_duplicates']} near copies")
    say("recorded copies, by what the generator wrote -> how Vigil recorded them: "
        + ", ".join(f"{r}->{k} ({f}) {n}" for (r, k, f), n in sorted(kinds.items())))
    say("  (dup = exact duplicate, near = near-duplicate, base = an original; 'other family' = linked to an unrelated document)")

    # diagnose misses
    rows = []
    for first, later in missed:
        a, b = man[first], man[later]
        ta, tb = vd.normalize_fast(texts.text(first)), vd.normalize_fast(texts.text(later))
        sim = vd.resemblance(ta, tb)
        ka, kb = set(vd.band_keys(ta)), set(vd.band_keys(tb))
        shared = len(ka & kb)
        did_later = stored[later]
        marks = ",".join("?" * len(kb))
        cands = [r[0] for r in db.execute(
            f"SELECT DISTINCT document_id FROM document_bands WHERE band IN ({marks}) AND document_id < ? "
            f"ORDER BY document_id", [*kb, did_later])]
        rank = cands.index(stored[first]) + 1 if stored[first] in cands else None
        if sim < THRESHOLD:
            why = f"resemblance {sim:.3f} below {THRESHOLD}"
        elif shared == 0:
            why = "no shared MinHash band (LSH miss, expected at this resemblance with probability " \
                  f"{1 - vd.lsh_probability(sim):.3f})"
        elif rank is None:
            why = "shares a band but the original was not a candidate (store state differs from replica?)"
        elif rank > MAX_CANDIDATES:
            why = f"candidate truncation: original is candidate #{rank} of {len(cands)}, only the first {MAX_CANDIDATES} by id are checked"
        else:
            why = f"original is candidate #{rank} of {len(cands)} and resembles {sim:.3f}: should have been found"
        rows.append({"stored_first": first, "stored_later": later, "roles": f"{a['role']}/{b['role']}",
                     "how": b["how"] or a["how"], "type": b["type"], "lang": b["lang"], "words": int(b["words"]),
                     "doc_ids": [stored[first], did_later], "resemblance": round(sim, 4), "shared_bands": shared,
                     "candidates": len(cands), "rank": rank, "why": why.split(":")[0]})
        rows[-1]["detail"] = why
    findings["missed"] = rows
    # originals recorded as a copy of a later repost (the repost stayed the stored document)
    pubs = {u: r["published"] for u, r in man.items()}
    demoted = [(cu, su) for cu, su, kind, sim in copies
               if cu in man and su in man and family[cu] == family[su] and man[cu]["role"] == "base" and pubs[cu] < pubs[su]]
    findings["originals_recorded_as_copies"] = [{"original": a, "stored_repost": b} for a, b in demoted]
    why_count = collections.Counter(r["why"] for r in rows)
    say(f"designed copies stored as new documents (not recognised): {len(rows)}"
        + (": " + "; ".join(f"{k}: {n}" for k, n in why_count.most_common()) if rows else ""))
    for r in rows[: args.examples]:
        say(f"  uid {r['stored_later']} ({r['roles']}, {r['how']}, {r['type']}, {r['lang']}, {r['words']} words, doc id "
            f"{r['doc_ids'][1]}) vs uid {r['stored_first']} (doc id {r['doc_ids'][0]}): {r['detail']}")
    if rows:
        by_type = collections.Counter((r["type"], r["why"]) for r in rows)
        say("  by type: " + ", ".join(f"{t}/{w}: {n}" for (t, w), n in sorted(by_type.items())))
        ranks = sorted(r["candidates"] for r in rows)
        say(f"  candidate-list length for the missed copies: median {ranks[len(ranks) // 2]}, max {ranks[-1]}")

    say(f"originals (earliest publication) recorded as a copy of a later repost that stays the stored document: {len(demoted)}")
    for a, b in demoted[: args.examples]:
        say(f"  uid {a} ({man[a]['format']}, {man[a]['published']}) is a copy of stored uid {b} "
            f"({man[b]['role']}, {man[b]['format']}, {man[b]['published']})")
    acc_rows = []
    for cu, su, kind, sim in accidental:
        acc_rows.append({"copy": cu, "stored": su, "kind": kind, "similarity": round(sim, 4),
                         "copy_role": man[cu]["role"], "stored_role": man[su]["role"], "type": man[cu]["type"]})
    findings["accidental"] = acc_rows
    say(f"copies linked to a document of another family (accidental near-duplicates): {len(acc_rows)}")
    for r in acc_rows[: args.examples]:
        say(f"  uid {r['copy']} -> uid {r['stored']}: {r['kind']}, similarity {r['similarity']} ({r['type']})")
    if acc_rows:
        sims = sorted(r["similarity"] for r in acc_rows)
        say(f"  similarity min {sims[0]}, median {sims[len(sims) // 2]}; all >= {THRESHOLD}: {all(x >= THRESHOLD for x in sims)}")
    dups = [u for u, n in copy_uids.items() if n > 1]
    findings["unaccounted"] = unaccounted[:100]
    findings["unaccounted_count"] = len(unaccounted)
    say(f"documents neither stored nor recorded as a copy: {len(unaccounted)}"
        + (" (same-source repeats are counted but not recorded)" if unaccounted else ""))
    if dups:
        say(f"documents recorded as a copy more than once: {len(dups)}")
    print("\n".join(out_lines))
    if args.json:
        findings["text"] = out_lines
        with open(args.json, "w") as f:
            json.dump(findings, f, indent=1, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
