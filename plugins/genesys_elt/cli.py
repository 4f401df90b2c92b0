"""``genesys-elt``: the pipeline's commands without Airflow."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import date

from .errors import GenesysEltError
from .streams import STREAMS


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
    extract = sub.add_parser("extract", help="land one stream's slice for one UTC day")
    extract.add_argument("--stream", required=True, choices=STREAMS, metavar="NAME",
                         help=f"one of: {', '.join(STREAMS)}")
    extract.add_argument("--date", required=True, type=_day, help="the UTC day, YYYY-MM-DD")
    extract.add_argument("--campaign", help="campaign_journey only: just this campaign")
    extract.add_argument("-v", "--verbose", action="store_true")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        from .settings import from_env
        from .streams import Extractor

        extractor = Extractor.from_settings(from_env())
        if args.campaign:
            if args.stream != "campaign_journey":
                raise GenesysEltError("--campaign goes with --stream campaign_journey")
            manifest = extractor.campaign_journey(args.date, args.campaign)
            manifests = [manifest] if manifest else []
        else:
            manifests = extractor.run(args.stream, args.date)
    except GenesysEltError as exc:
        print(f"genesys-elt: error: {exc}", file=sys.stderr)
        return 1
    for manifest in manifests:
        print(json.dumps({k: manifest[k] for k in ("stream", "date", "part", "records", "rejected", "pages", "requests")
                          if k in manifest}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
