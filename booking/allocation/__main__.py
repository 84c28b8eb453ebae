"""`python -m booking.allocation verify FILE`: check a published allocation round on a bare
Python (standard library only), docs/allocation.md.

Exit status: 0 when the file matches its recomputation, 1 when it does not (each difference is
printed), 2 when the file cannot be read or is not a round file.
"""
import argparse
import json
import sys

from .draw import FORMAT, MALFORMED, verify


def _load(path: str):
    try:
        with open(path, encoding="utf-8-sig") as fh:
            return json.load(fh)
    except OSError as err:
        raise SystemExit(_fail(f"cannot read {path}: {err.strerror or err}"))
    except UnicodeDecodeError:
        raise SystemExit(_fail(f"{path} is not UTF-8 text"))
    except json.JSONDecodeError as err:
        raise SystemExit(_fail(f"{path} is not JSON: {err}"))
    except RecursionError:
        raise SystemExit(_fail(f"{path} is JSON nested too deeply to be a round file"))


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def _verify(args) -> int:
    document = _load(args.file)
    problems = verify(document)
    if problems and problems[0].startswith(MALFORMED):
        return _fail(f"{args.file}: {problems[0]}")
    if problems:
        print(f"{args.file} does NOT match its recomputation:")
        for problem in problems:
            print(f"  - {problem}")
        return 1
    items = document["results"]["items"]
    placed = sum(1 for item in items if item.get("slot_id") is not None)
    print(f"matches: round {document['round_id']}, {len(items)} applications, {placed} placed, "
          f"{len(document['inputs']['seats'])} slots, inputs_sha256 {document['inputs_sha256']}")
    return 0


def main(argv=None) -> int:
    # A file names a seed or slot ids in any script; never fail on printing them.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    parser = argparse.ArgumentParser(
        prog="python -m booking.allocation",
        description=f"Tools for allocation rounds (统一派位), {FORMAT} files.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = commands.add_parser(
        "verify", help="recompute a published round from its seed and inputs",
        description="Recompute a published round from its seed and inputs and compare: exit 0 "
                    "if it matches, 1 if it does not, 2 if the file is not a round file.")
    check.add_argument("file", metavar="FILE", help=f"the round's {FORMAT} JSON file")
    check.set_defaults(run=_verify)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
