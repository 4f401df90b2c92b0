"""``genesys-elt``: the pipeline's commands without Airflow."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from datetime import date, timedelta

from .errors import GenesysEltError
from .streams import STREAM_NAMES


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, non-zero exit
        self.exit(2, f"{self.prog}: error: {message}\n")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="genesys-elt", description="Genesys Cloud journeys into a warehouse.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    extract = sub.add_parser("extract", help="land one stream's slices for one UTC day or a range of days")
    extract.add_argument(
        "--stream", required=True, choices=STREAM_NAMES, metavar="NAME", help=f"one of: {', '.join(STREAM_NAMES)}"
    )
    when = extract.add_mutually_exclusive_group(required=True)
    when.add_argument("--date", type=_day, help="the UTC day, YYYY-MM-DD")
    when.add_argument("--from", dest="first", type=_day, help="first UTC day of a range (with --to)")
    extract.add_argument("--to", dest="last", type=_day, help="last UTC day of the range, inclusive")
    extract.add_argument("--campaign", help="campaign_journey only: just this campaign (or action map)")
    extract.add_argument("-v", "--verbose", action="store_true")

    warehouse = sub.add_parser("warehouse", help="build the warehouse from the landed slices (dbt build)")
    warehouse.add_argument("--full-refresh", action="store_true", help="rebuild incremental models from scratch")
    warehouse.add_argument("-v", "--verbose", action="store_true")

    dbt_ls = sub.add_parser(
        "dbt-ls",
        help="list the dbt project's nodes for the warehouse DAG to render "
        "(make install and the image's init job run it)",
    )
    dbt_ls.add_argument("-v", "--verbose", action="store_true")

    timeline = sub.add_parser("timeline", help="one customer's cross-channel timeline as JSON")
    who = timeline.add_mutually_exclusive_group(required=True)
    who.add_argument("--external-id", help="CRM external id")
    who.add_argument("--phone", help="phone number (any format; looked up by its pseudonymized E.164)")
    who.add_argument("--email", help="email address (looked up by its pseudonymized form)")
    who.add_argument("--customer-key", help="the warehouse's customer key")
    timeline.add_argument("-v", "--verbose", action="store_true")

    report = sub.add_parser("report", help="write the static HTML report from the warehouse")
    report.add_argument("--out", help="file to write (default: <data dir>/report.html)")
    report.add_argument("-v", "--verbose", action="store_true")

    docs = sub.add_parser(
        "docs",
        help="write the dbt docs site, one static HTML file with every model, column "
        "and lineage (default: <data dir>/docs/index.html)",
    )
    docs.add_argument("--out", help="directory to write the site into (default: <data dir>/docs)")
    docs.add_argument("-v", "--verbose", action="store_true")

    lint = sub.add_parser(
        "lint",
        help="sqlfluff (dbt templater) over the dbt project's models and tests, by the rules in dbt_project/.sqlfluff",
    )
    lint.add_argument("-v", "--verbose", action="store_true")
    metrics = sub.add_parser(
        "metrics",
        help="MetricFlow against the configured warehouse: the rest of the line goes "
        "to mf (e.g. metrics query --metrics calls --group-by metric_time__week)",
    )
    metrics.add_argument("mf_args", nargs=argparse.REMAINDER, help="mf's own arguments")
    metrics.add_argument("-v", "--verbose", action="store_true")
    run = sub.add_parser(
        "run",
        help="the whole pipeline under a local Airflow: sandbox or real org, "
        "backfill, warehouse, report, summary (what make run calls)",
    )
    run.add_argument("--days", type=_positive, default=7, help="days back from yesterday (default 7)")
    run.add_argument("--sandbox-args", default="", help="genesys-sandbox options, e.g. '--seed 7 --customers 500'")
    run.add_argument("-v", "--verbose", action="store_true")
    return parser


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:  # the reader (head, less) stopped early: not a failure of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "extract":
        _check_range(parser, args)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        if args.command == "warehouse":
            from .warehouse.dbt import build

            print(json.dumps({"warehouse": build(full_refresh=args.full_refresh).location}))
            return 0
        if args.command == "dbt-ls":
            from .warehouse.dbt import write_node_list

            print(json.dumps({"node_list": str(write_node_list())}))
            return 0
        if args.command == "timeline":
            return _timeline(args)
        if args.command == "report":
            return _report(args)
        if args.command == "docs":
            from pathlib import Path

            from .warehouse.docs import write_docs

            print(json.dumps({"docs": str(write_docs(Path(args.out) if args.out else None))}))
            return 0
        if args.command == "lint":
            from .warehouse.lint import lint

            violations = lint()
            print("\n".join(violations) or "dbt project: no SQL style violations")
            return 1 if violations else 0
        if args.command == "metrics":
            from .warehouse.metrics import run_mf

            return run_mf(*(args.mf_args or ["--help"]), capture=False).returncode
        if args.command == "run":
            import shlex

            from .local.run import run_pipeline
            from .readers.summary import print_summary

            print_summary(run_pipeline(args.days, shlex.split(args.sandbox_args), os.environ))
            return 0

        from .extract.extractor import Extractor
        from .settings import from_env

        if args.campaign and args.stream != "campaign_journey":
            raise GenesysEltError("--campaign goes with --stream campaign_journey")
        extractor = Extractor.from_settings(from_env())
        manifests = []
        for day in args.days:
            if args.campaign:
                source, _ = extractor.part_ids("campaign_journey", day)  # the listing decides the source
                manifest = extractor.land_part("campaign_journey", day, args.campaign, source.kind)
                manifests += [manifest] if manifest else []
            else:
                manifests += extractor.run(args.stream, day)
    except GenesysEltError as exc:
        print(f"genesys-elt: error: {exc}", file=sys.stderr)
        return 1
    for manifest in manifests:
        print(
            json.dumps(
                {
                    k: manifest[k]
                    for k in ("stream", "date", "part", "records", "rejected", "pages", "requests")
                    if k in manifest
                }
            )
        )
    return 0


def _check_range(parser: argparse.ArgumentParser, args) -> None:
    """--date D, or --from D1 --to D2 with D1 <= D2; sets ``args.days``."""
    if args.date:
        if args.last:
            parser.error("--to goes with --from, not with --date")
        args.days = [args.date]
        return
    if not args.last:
        parser.error("--from needs --to (the last day, inclusive)")
    if args.last < args.first:
        parser.error(f"the range is reversed: --from {args.first} is after --to {args.last}")
    args.days = [args.first + timedelta(days=n) for n in range((args.last - args.first).days + 1)]


def _timeline(args) -> int:
    from .landing.pseudonymize import Pseudonymizer
    from .readers.timeline import customer_timeline
    from .settings import privacy_from_env, warehouse_from_env

    pseudonymizer = None
    if args.phone or args.email:  # looked up by token: the same key and region the extraction used
        privacy = privacy_from_env()
        pseudonymizer = Pseudonymizer(privacy.key, privacy.default_region)
    payload = customer_timeline(
        warehouse_from_env(),
        external_id=args.external_id,
        phone=args.phone,
        email=args.email,
        customer_key=args.customer_key,
        pseudonymizer=pseudonymizer,
    )
    print(json.dumps(payload, indent=2))
    return 0


def _report(args) -> int:
    from pathlib import Path

    from .readers.report import write_report
    from .settings import warehouse_from_env

    settings = warehouse_from_env()
    out = write_report(settings, Path(args.out) if args.out else settings.data_dir / "report.html")
    print(json.dumps({"report": str(out)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
