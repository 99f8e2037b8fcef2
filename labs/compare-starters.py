#!/usr/bin/env python3
"""compare-starters.py - does each lab's starter match its reference in
everything but the parts the student writes?

A starter is a copy of a reference in src/strategies/ with the lesson cut
out and TODOs in its place. When the reference gains something outside the
lesson (a descriptor field such as .lock_file or .counts_recoveries, a
clearer error message), the starter must gain it too, or the handout and
the checker stop matching what the student runs: that is how lab 05's
starter lost --lock-file and lab 03's its recovery count. This script makes
that drift a failure. For each file a lab replaces (make lab-files), with
comments removed:

  1. the strategy descriptor (const struct strategy ...) has the same fields
     with the same values, except .summary (each starter says "lab NN:
     yours") and the differences listed in ALLOWED below;
  2. the same functions are exported (not static);
  3. every function of the reference that the starter also defines, and
     whose starter body holds no TODO, has the same body, token for token,
     unless ALLOWED says why not; a reference function missing from the
     starter must be listed in ALLOWED too.

Run from anywhere; names labs to check only those. Exit status 0 when every
starter matches. Part of `make labs-check`.
"""
import os
import re
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# (file, what) -> why the starter may differ there. what is "field NAME"
# or "function NAME".
ALLOWED = {
    ("sysv-sem.c", "field on_crash"):
        "the student may leave SEM_UNDO out: 'SEM_UNDO, if P and V use it'",
    ("sysv-sem.c", "function sysv_sem_op"):
        "the reference's P and V share one helper; the student writes P "
        "and V (TODO 2 and 3)",
    ("robust-mutex.c", "field on_crash"):
        "the student may leave the mutex non-robust: 'EOWNERDEAD, if "
        "robust and handled'",
    ("atomic.c", "field summary"): "",
    ("flock.c", "function flock_setup"):
        "the starter opens the lock file itself (flock_open_named, "
        "flock_open_temp: the same steps as common/lockfile.c), so that "
        "the student sees the descriptor and the unlinked file the "
        "lesson is about",
    ("flock.c", "function flock_teardown"):
        "the same: the starter's own lock-file code",
    ("flock.c", "field join"):
        "racelab segment's named lock (common/lockfile.c's join): not "
        "lab 05's lesson, so the lab's racelab keeps flock out of segment",
    ("flock.c", "function flock_join"):
        "the same",
    ("pg/repeatable-read.c", "field work"):
        "lab 07's student writes the retry loop (TODO 2) in the starter's "
        "own repeatable_read_work, over isolation.h's steps; the reference "
        "hands the same steps to txn_loop (isolation_work), which retries",
}


# file -> (starter's token, the reference's): names the starter gives to
# what the reference writes out, replaced before comparing.
RENAMED = {
    "sysv-sem.c": [("SEM_START_VALUE", "1")],  # TODO 1, a #define
}


def strip_comments(path):
    """The file without comments, as the C preprocessor sees it."""
    cc = os.environ.get("CC", "cc")
    out = subprocess.run([cc, "-fpreprocessed", "-dD", "-E", "-P", path],
                         capture_output=True, text=True, check=True)
    return out.stdout


def tokens(text):
    return " ".join(re.findall(r'"(?:[^"\\]|\\.)*"|\w+|[^\s\w]', text))


def functions(text):
    """name -> (exported, body) for each top-level function definition."""
    found = {}
    for m in re.finditer(r'^([A-Za-z_][\w \t\*]*?)\b(\w+)\s*\(([^;{)]*)\)\s*\{',
                         text, re.M):
        depth, i = 1, m.end()
        while depth and i < len(text):
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        found[m.group(2)] = ("static" not in m.group(1).split(),
                             text[m.end():i - 1])
    return found


def descriptor(text):
    """field -> value of the exported const struct strategy."""
    m = re.search(r'const struct strategy \w+ = \{(.*?)\};', text, re.S)
    if not m:
        return None
    fields = {}
    for f in re.finditer(r'\.(\w+)\s*=\s*((?:"(?:[^"\\]|\\.)*"\s*)+|[^,]+)',
                         m.group(1)):
        fields[f.group(1)] = tokens(f.group(2))
    return fields


def compare(lab, name):
    ref = os.path.join(TOP, "src", "strategies", name)
    starter = os.path.join(TOP, "labs", lab, name)
    r_text, s_text = strip_comments(ref), strip_comments(starter)
    for old, new in RENAMED.get(name, []):
        s_text = re.sub(r"\b%s\b" % old, new, s_text)
    with open(starter) as f:
        s_raw = f.read()
    problems = []
    rd, sd = descriptor(r_text), descriptor(s_text)
    if rd is None or sd is None:
        return ["no const struct strategy descriptor found"]
    for field in sorted(set(rd) | set(sd)):
        if field == "summary" or (name, "field " + field) in ALLOWED:
            continue
        if rd.get(field) != sd.get(field):
            problems.append(
                "descriptor field .%s: the reference has %s, the starter %s"
                % (field, rd.get(field, "nothing"), sd.get(field, "nothing")))
    rf, sf = functions(r_text), functions(s_text)
    r_exp = {n for n, (e, _) in rf.items() if e}
    s_exp = {n for n, (e, _) in sf.items() if e}
    for n in sorted(r_exp ^ s_exp):
        problems.append("function %s is exported by the %s only"
                        % (n, "reference" if n in r_exp else "starter"))
    raw_funcs = functions(s_raw)
    for n, (_, body) in sorted(rf.items()):
        if (name, "function " + n) in ALLOWED:
            continue
        if n not in sf:
            problems.append("function %s is in the reference, not in the "
                            "starter" % n)
            continue
        if "TODO" in raw_funcs.get(n, (False, ""))[1]:
            continue  # the student's part
        if tokens(body) != tokens(sf[n][1]):
            problems.append("function %s differs outside any TODO:\n"
                            "      reference: %s\n      starter:   %s"
                            % (n, tokens(body)[:300], tokens(sf[n][1])[:300]))
    return problems


def main():
    labs = sys.argv[1:] or sorted(
        d for d in os.listdir(os.path.join(TOP, "labs"))
        if os.path.isfile(os.path.join(TOP, "labs", d, "Makefile")))
    failed = passed = 0
    for lab in labs:
        files = subprocess.run(
            ["make", "-s", "-C", os.path.join(TOP, "labs", lab), "lab-files"],
            capture_output=True, text=True, check=True).stdout.split()
        for name in files:
            problems = compare(lab, name)
            if problems:
                failed += 1
                print("FAIL  %s/%s does not match src/strategies/%s:"
                      % (lab, name, name))
                for p in problems:
                    print("        " + p)
            else:
                passed += 1
                print("ok    %s/%s matches src/strategies/%s outside its "
                      "TODOs" % (lab, name, name))
    print("compare-starters: %d passed, %d failed" % (passed, failed))
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
