"""The command line: ``python -m engine info | bench`` (also installed as ``engine``)."""
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

    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
