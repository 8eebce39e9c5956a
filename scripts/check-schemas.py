#!/usr/bin/env python3
"""Validates gyokaku plan folders against the JSON Schemas in docs/schema/.

Usage:
  scripts/check-schemas.py [DIR ...]   check the given plan folders (default:
                                       every folder under examples/ and under
                                       tests/plans/ that has plan.yaml; the
                                       deliberately invalid folders sit one
                                       level deeper, in tests/plans/bad/, and
                                       are not among them)
  scripts/check-schemas.py --self-test check that the schemas reject a small
                                       invalid document and accept a valid one

Prints "ok: PATH" per valid file, or one line per error with its JSON path;
exits 1 if any file is invalid (or the self-test does not go as expected).

Needs: pip install jsonschema pyyaml

PyYAML reads YAML 1.1 while gyokaku reads YAML 1.2-like: unquoted dates
(2025-03-07) load as datetime.date and integer mapping keys (schedule: 2025:)
as int. Both are turned back into the strings gyokaku sees before validating.
"""

import datetime
import json
import sys
from pathlib import Path

try:
    import yaml
    from jsonschema import Draft202012Validator
except ImportError as e:  # pragma: no cover
    sys.exit(f"check-schemas: {e}; install with: pip install jsonschema pyyaml")

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_DIR = ROOT / "docs" / "schema"
EXAMPLES = ROOT / "examples"
# Synthetic fixtures (tests/plans/matrix …); tests/plans/bad/<case> is not a
# plan folder of this level and so is not checked by default.
FIXTURES = ROOT / "tests" / "plans"

# file in a plan folder -> schema file
FILES = {
    "plan.yaml": "plan.schema.json",
    "departments.yaml": "departments.schema.json",
    "nodes.yaml": "nodes.schema.json",
    "indicators.yaml": "indicators.schema.json",
    "glossary.yaml": "glossary.schema.json",
}


def load_validators():
    validators = {}
    for name, schema_file in FILES.items():
        with open(SCHEMA_DIR / schema_file, encoding="utf-8") as f:
            schema = json.load(f)
        Draft202012Validator.check_schema(schema)
        validators[name] = Draft202012Validator(schema)
    return validators


def normalise(v):
    """Undoes PyYAML's YAML 1.1 typing where gyokaku reads a string."""
    if isinstance(v, datetime.datetime):
        return v.isoformat()
    if isinstance(v, datetime.date):
        return v.isoformat()
    if isinstance(v, dict):
        return {normalise_key(k): normalise(x) for k, x in v.items()}
    if isinstance(v, list):
        return [normalise(x) for x in v]
    return v


def normalise_key(k):
    # JSON object keys are strings; YAML keys such as 2025 or true are not.
    if isinstance(k, (datetime.date, datetime.datetime)):
        return k.isoformat()
    if isinstance(k, bool):
        return "true" if k else "false"
    if k is None:
        return "null"
    return str(k)


def load_yaml(text):
    if text.startswith("\ufeff"):
        text = text[1:]
    return normalise(yaml.safe_load(text))


def errors_of(validator, doc):
    """Error lines ("$.path: message") of one document, in path order."""
    lines = []
    for err in sorted(validator.iter_errors(doc), key=lambda e: [str(p) for p in e.absolute_path]):
        msg = err.message
        if err.context:  # anyOf / oneOf: say why each alternative failed
            subs = []
            for sub in sorted(err.context, key=lambda e: list(e.schema_path)):
                where = "" if sub.json_path == err.json_path else f"{sub.json_path}: "
                if where + sub.message not in subs:
                    subs.append(where + sub.message)
            msg += " (" + "; ".join(subs) + ")"
        lines.append(f"{err.json_path}: {msg}")
    return lines


def check_folder(folder, validators):
    bad = 0
    for name, validator in validators.items():
        path = folder / name
        if not path.is_file():
            continue
        try:
            doc = load_yaml(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as e:
            print(f"error: {path}: cannot read YAML: {e}")
            bad += 1
            continue
        lines = errors_of(validator, doc)
        if lines:
            bad += 1
            for line in lines:
                print(f"error: {path}: {line}")
        else:
            print(f"ok: {path}")
    return bad


SELF_TEST_BAD_NODES = """\
- id: '1'
  level: policy
  title: 組織・人材マネジメントの充実
  colour: red            # unknown field
  sdgs: [8, 18]          # 18 is not an SDG
  schedule:
    2025: 検討
  children:
  - id: '1-1'
    level: item
    title: 下位の項目
    axes:
      theme: 財政        # neither a boolean nor a list
"""

SELF_TEST_GOOD_NODES = """\
- id: '1'
  level: policy
  number: 1
  title: 組織・人材マネジメントの充実
  sdgs: [8, 17]
  axes: {theme: [財政, サービス], challenge: true}
  period: {from: 2025, to: 令和11年度}
  schedule:
    2025: 検討
    2026: 実施
  children:
  - id: '1-1'
    level: item
    title: 下位の項目
"""

SELF_TEST_GOOD_PLAN = """\
format: gyokaku-plan/1
city: {code: '082058', name: 石岡市, prefecture: 茨城県}
plan:
  id: challenge
  title: チャレンジする市役所
  period: {from: 2025, to: 2029}
  published: 2025-03
revisions:
- kind: 策定
  date: 2025-03-07
levels:
- {key: policy, name: 方針, numbering: arabic, prefix: 方針}
- {key: item, name: 推進項目, numbering: no_dot}
"""


def self_test(validators):
    failures = []
    bad = errors_of(validators["nodes.yaml"], load_yaml(SELF_TEST_BAD_NODES))
    print("self-test: the invalid nodes.yaml gives:")
    for line in bad:
        print(f"  {line}")
    expected = {
        "unknown field": lambda l: l.startswith("$[0]: ") and "'colour'" in l,
        "sdg 18": lambda l: l.startswith("$[0].sdgs[1]: ") and "18" in l,
        "axis mark": lambda l: l.startswith("$[0].children[0].axes.theme: "),
    }
    for what, test in expected.items():
        if not any(test(l) for l in bad):
            failures.append(f"the invalid nodes.yaml was not rejected for its {what}")
    for name, text in (("nodes.yaml", SELF_TEST_GOOD_NODES), ("plan.yaml", SELF_TEST_GOOD_PLAN)):
        for line in errors_of(validators[name], load_yaml(text)):
            failures.append(f"the valid {name} was rejected: {line}")
    for f in failures:
        print(f"self-test FAILED: {f}")
    if failures:
        return 1
    print("self-test: ok (invalid document rejected, valid documents accepted)")
    return 0


def main(argv):
    validators = load_validators()
    if argv[:1] == ["--self-test"]:
        return self_test(validators)
    if any(a.startswith("-") for a in argv):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    if argv:
        folders = [Path(a) for a in argv]
        missing = [f for f in folders if not (f / "plan.yaml").is_file()]
        for f in missing:
            print(f"error: {f}: no plan.yaml here")
        if missing:
            return 1
    else:
        folders = sorted(p.parent for p in EXAMPLES.glob("*/plan.yaml"))
        if not folders:
            print(f"error: no plan folders under {EXAMPLES}")
            return 1
        folders += sorted(p.parent for p in FIXTURES.glob("*/plan.yaml"))
    bad = sum(check_folder(f, validators) for f in folders)
    if bad:
        print(f"{bad} file(s) do not match their schema")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
