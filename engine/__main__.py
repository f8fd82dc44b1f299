"""The command line: ``python -m engine info | bench | units`` (also installed as ``engine``)."""
import argparse
import json
import sys


def _info(args):
    from . import info
    if args.json:
        print(json.dumps(info.collect(), indent=2))
    else:
        print(info.report())
    return 0


def _bench(args):
    from . import bench
    return bench.main(quick=args.quick, json_path=args.json, only=args.only,
                      compare_path=args.compare)


def _units(args):
    from . import units
    if args.action is None:
        print(units.format_units())
        return 0
    if args.action != "run" or args.number is None:
        print("usage: engine units [run N [--quick] [--out DIR] [--seed S]]", file=sys.stderr)
        return 2
    try:
        info = units.find_unit(args.number)
    except ValueError as exc:
        print(f"engine units: {exc}", file=sys.stderr)
        return 2
    argv = (["--quick"] if args.quick else []) + (["--out", args.out] if args.out else [])
    argv += ["--seed", str(args.seed)] if args.seed is not None else []
    print(f"unit {info.number}: {info.title} ({info.slides})")
    units.run_unit(info.number, argv)
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="engine", description="engine: deep learning for teaching")
    commands = parser.add_subparsers(dest="command", required=True)

    info = commands.add_parser("info", help="version, CPU features, compiled kernels, GPU")
    info.add_argument("--json", action="store_true", help="print the facts as JSON")
    info.set_defaults(run=_info)

    bench = commands.add_parser("bench", help="run the benchmark suite and print a table")
    bench.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats")
    bench.add_argument("--json", metavar="FILE", help="also write the results to FILE as JSON")
    bench.add_argument("--only", metavar="GROUP",
                       help="run one group: activations, gemm, conv, training, gpu, or the ones "
                            "that run only when asked: busy (a busy neighbour on purpose), "
                            "mnist (time to 99%% accuracy)")
    bench.add_argument("--compare", metavar="OLD.json",
                       help="print each row's change against an earlier --json file")
    bench.set_defaults(run=_bench)

    units = commands.add_parser("units", help="list the course's teaching units; 'units run N' runs one")
    units.add_argument("action", nargs="?", choices=["run"], help="run a unit")
    units.add_argument("number", nargs="?", type=int, help="the unit's number")
    units.add_argument("--quick", action="store_true", help="small data, seconds (what CI runs)")
    units.add_argument("--out", metavar="DIR", help="folder for the plots (default ./unit_outputs/unitNN/)")
    units.add_argument("--seed", type=int, help="random seed (default 0)")
    units.set_defaults(run=_units)

    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
